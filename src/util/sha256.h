/* sha256.h - SHA-256 (FIPS 180-4), for naming file contents seen on the wire
 * (MMS FileRead data) by their digest. Small and self-contained: the program links
 * no crypto library of its own (gnutls comes only through libmicrohttpd), and a
 * digest of at most a PDU's bytes needs no speed. */
#ifndef MMSW_SHA256_H
#define MMSW_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_BYTES 32

struct sha256 {
	uint32_t h[8];
	uint64_t len;          /* bytes hashed so far */
	uint8_t block[64];
	size_t fill;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *p, size_t n);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_BYTES]);
/* The digest of p[0..n) in one call. */
void sha256(const void *p, size_t n, uint8_t out[SHA256_BYTES]);

#endif

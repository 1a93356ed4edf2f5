/* sha256.h - SHA-256 (FIPS 180-4), for naming a loaded design by its contents. */
#ifndef MMSW_SHA256_H
#define MMSW_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;        /* bytes hashed */
	uint8_t buf[64];
	size_t n;            /* bytes waiting in buf */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[32]);
/* 64 lowercase hex digits and a NUL into hex. */
void sha256_hex(const uint8_t digest[32], char hex[65]);

#endif

/* sha256.h - SHA-256 (FIPS 180-4) of a buffer, for the evidence slices' chain of
 * custody. */
#ifndef MMSW_SHA256_H
#define MMSW_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* The digest of [p, p+len) as 64 lower-case hex digits and a NUL. */
void sha256_hex(const uint8_t *p, size_t len, char out[65]);

#endif

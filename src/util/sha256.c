/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sha256.c - the two helpers of sha256.h over nettle. */
#include "util/sha256.h"

void sha256_of(const void *p, size_t n, uint8_t out[SHA256_BYTES])
{
	struct sha256_ctx c;
	sha256_init(&c);
	sha256_update(&c, n, p);
	sha256_digest(&c, SHA256_BYTES, out);
}

void sha256_hex(const uint8_t digest[SHA256_BYTES], char hex[2 * SHA256_BYTES + 1])
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < SHA256_BYTES; i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 15];
	}
	hex[2 * SHA256_BYTES] = '\0';
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sha256.h - SHA-256 digests (a finding's evidence slice, a FileRead's data, a
 * loaded SCL design) from nettle, Debian's libnettle: already in every mmswatch
 * process through libmicrohttpd's GnuTLS, and a hash is not code to write by hand.
 * Streaming goes through nettle's own API (struct sha256_ctx, sha256_init,
 * sha256_update(ctx, length, data), sha256_digest); these are the two helpers
 * every caller wanted. */
#ifndef MMSW_SHA256_H
#define MMSW_SHA256_H

#include <stddef.h>
#include <stdint.h>
#include <nettle/sha2.h>

#define SHA256_BYTES SHA256_DIGEST_SIZE

/* The digest of one buffer. */
void sha256_of(const void *p, size_t n, uint8_t out[SHA256_BYTES]);
/* A digest as 64 lower-case hex digits and a NUL. */
void sha256_hex(const uint8_t digest[SHA256_BYTES], char hex[2 * SHA256_BYTES + 1]);

#endif

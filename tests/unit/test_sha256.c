/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_sha256.c - util/sha256 (over nettle) against FIPS 180-4 test vectors, at the
 * padding's edges (55, 56 and 64 bytes), a million 'a's in one call and fed in
 * uneven pieces through nettle's streaming API, as the SCL loader does. */
#include <stdlib.h>
#include <string.h>

#include "tcheck.h"
#include "util/sha256.h"

static const char *hex(const char *s, size_t n)
{
	static char out[65];
	uint8_t md[SHA256_BYTES];
	sha256_of(s, n, md);
	sha256_hex(md, out);
	return out;
}

int main(void)
{
	CHECK_STR(hex("", 0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CHECK_STR(hex("abc", 3), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* 56 bytes */
	CHECK_STR(hex(two, strlen(two)), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	const char *four =
		"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	CHECK_STR(hex(four, strlen(four)), "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
	char *a = malloc(1000000);
	CHECK(a != NULL);
	if (a) {
		memset(a, 'a', 1000000);
		CHECK_STR(hex(a, 1000000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
		/* 55 bytes: padding fits one block; 64: a whole block then a padding block. */
		CHECK_STR(hex(a, 55), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
		CHECK_STR(hex(a, 64), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
		struct sha256_ctx c;
		sha256_init(&c);
		size_t left = 1000000, step = 1, at = 0;
		while (left) {
			size_t k = step < left ? step : left;
			sha256_update(&c, k, (const uint8_t *)a + at);
			at += k;
			left -= k;
			step = step % 900 + 61;
		}
		uint8_t md[SHA256_BYTES];
		char out[65];
		sha256_digest(&c, SHA256_BYTES, md);
		sha256_hex(md, out);
		CHECK_STR(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
		free(a);
	}
	TCHECK_DONE();
}

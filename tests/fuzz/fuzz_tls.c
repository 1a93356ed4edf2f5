/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_tls.c - TLS record recognition and hello parsing. */
#include "dissectors/tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct tls_hello h;
	(void)tls_looks_like(rd_make(d, n));
	(void)tls_parse_hello(rd_make(d, n), &h);
	return 0;
}

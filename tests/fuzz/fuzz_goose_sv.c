/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_goose_sv.c - GOOSE and Sampled Values header and identity decoding. */
#include "dissectors/goose_sv.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct goose_sv g;
	(void)goose_sv_decode(GOOSE_SV_ETHERTYPE_GOOSE, rd_make(d, n), &g);
	(void)goose_sv_decode(GOOSE_SV_ETHERTYPE_SV, rd_make(d, n), &g);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_cotp.c - TPKT header, resynchronisation test and COTP TPDU parsing. */
#include "dissectors/cotp.h"
#include "dissectors/tpkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	uint16_t len;
	(void)tpkt_plausible(rd_make(d, n), &len);
	if (tpkt_header(rd_make(d, n), &len) == TPKT_OK && len <= n) {
		struct cotp_tpdu t;
		(void)cotp_parse(rd_make(d + TPKT_HDR_LEN, len - TPKT_HDR_LEN), &t);
	}
	struct cotp_tpdu t;
	(void)cotp_parse(rd_make(d, n), &t);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_session.c - ISO 8327 SPDUs, then each SPDU's user data as presentation. */
#include "dissectors/pres.h"
#include "dissectors/session.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct session_tsdu st;
	if (session_parse(rd_make(d, n), &st) != SES_OK)
		return 0;
	for (unsigned i = 0; i < st.n; i++) {
		struct pres_ppdu pp;
		if (st.spdu[i].has_user)
			(void)pres_parse(st.spdu[i].user, PPDU_DATA, &pp);
	}
	return 0;
}

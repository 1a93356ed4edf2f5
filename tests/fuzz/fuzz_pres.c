/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_pres.c - ISO 8823 PPDUs of every kind, then ACSE inside each PDV. */
#include "dissectors/acse.h"
#include "dissectors/pres.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	if (n < 1)
		return 0;
	/* The first byte picks the PPDU kind the session layer would expect. */
	enum ppdu_kind kind = (enum ppdu_kind)(d[0] % 5);
	struct pres_ppdu pp;
	if (pres_parse(rd_make(d + 1, n - 1), kind, &pp) != PRES_OK)
		return 0;
	for (unsigned i = 0; i < pp.n_pdv; i++) {
		struct acse_apdu a;
		(void)acse_parse(pp.pdv[i].data, &a);
	}
	return 0;
}

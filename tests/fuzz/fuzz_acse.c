/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_acse.c - ISO 8650 APDUs, with OID rendering of what they name. */
#include "dissectors/acse.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct acse_apdu a;
	char text[128];
	if (acse_parse(rd_make(d, n), &a) != ACSE_OK)
		return 0;
	(void)ber_oid_text(a.app_context, text, sizeof(text));
	(void)ber_oid_text(a.calling_ap_title, text, sizeof(text));
	(void)acse_diagnostic_name(a.diag_source, a.diagnostic);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pres.h - ISO 8823 presentation PPDUs: CP, CPA, CPR, ARU, ARP and user data. */
#ifndef MMSW_PRES_H
#define MMSW_PRES_H

#include "ber.h"
#include "limits.h"

enum ppdu_kind {
	PPDU_CP,    /* connect (session CN) */
	PPDU_CPA,   /* connect accept (session AC) */
	PPDU_CPR,   /* connect reject (session RF) */
	PPDU_ABORT, /* ARU or ARP (session AB): decoded by shape */
	PPDU_DATA,  /* fully- or simply-encoded user data (session DT, FN, DN) */
};

enum pres_syntax { PRES_AS_OTHER = 0, PRES_AS_ACSE, PRES_AS_MMS };

enum pres_status { PRES_OK, PRES_TRUNCATED, PRES_INVALID, PRES_TOO_MANY };

struct pres_context {
	uint32_t id;
	uint8_t syntax; /* enum pres_syntax, from the abstract syntax name */
};

struct pres_pdv {
	bool has_ctx;
	uint32_t ctx;
	uint8_t encoding; /* 0 single-ASN1-type, 1 octet-aligned, 2 arbitrary */
	struct rd data;
};

struct pres_ppdu {
	uint8_t kind; /* enum ppdu_kind, as decoded */
	bool is_arp;  /* abort: provider (ARP) rather than user (ARU) */
	bool has_reason;
	uint32_t provider_reason; /* CPR [10] / ARP [0] */
	uint8_t n_ctx;            /* CP definition list, or CPA results (same order) */
	struct pres_context ctx[MMSW_PRES_MAX_CONTEXTS];
	uint8_t n_result;
	uint8_t result[MMSW_PRES_MAX_CONTEXTS]; /* CPA: 0 acceptance, 1 user-, 2 provider-rejection */
	uint8_t n_pdv;
	struct pres_pdv pdv[MMSW_PRES_MAX_PDVS];
	/* CP: [1] calling- and [2] called-presentation-selector; CPA: [3]
	 * responding (in called_psel). Empty when absent. */
	struct bview calling_psel, called_psel;
};

/* expect: the PPDU the session SPDU implies (CP for CN, CPA for AC, CPR for RF,
 * ABORT for AB, DATA otherwise). */
enum pres_status pres_parse(struct rd r, enum ppdu_kind expect, struct pres_ppdu *out);

/* Abstract syntax OID contents: ACSE 2.2.1.0.1, MMS 1.0.9506.2.1. */
enum pres_syntax pres_syntax_of(struct rd oid);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* acse.h - ISO 8650 ACSE APDUs: AARQ, AARE, RLRQ, RLRE, ABRT.
 * A password (authentication-value) is recorded as present and viewed for the
 * call only (the evidence slices overwrite it), never kept. */
#ifndef MMSW_ACSE_H
#define MMSW_ACSE_H

#include "ber.h"

enum acse_type {
	ACSE_AARQ = 0,
	ACSE_AARE = 1,
	ACSE_RLRQ = 2,
	ACSE_RLRE = 3,
	ACSE_ABRT = 4,
};

enum acse_status { ACSE_OK, ACSE_TRUNCATED, ACSE_INVALID };

struct acse_apdu {
	uint8_t type;                                                     /* enum acse_type */
	struct rd app_context;                                            /* OID contents (empty when absent) */
	struct rd called_ap_title, calling_ap_title, responding_ap_title; /* OID contents */
	bool has_called_aeq, has_calling_aeq, has_responding_aeq;
	int64_t called_aeq, calling_aeq, responding_aeq;
	struct rd mechanism;     /* mechanism-name OID contents */
	bool auth_value_present; /* a password or other credential was sent */
	uint8_t auth_form;       /* 0 charstring (password), 1 bitstring, 2 external, 3 other */
	struct rd auth_value;    /* AARQ: the value's contents (empty when unread) */
	bool has_result;
	uint32_t result;     /* AARE: 0 accepted, 1 rejected-permanent, 2 rejected-transient */
	uint8_t diag_source; /* AARE: 1 acse-service-user, 2 acse-service-provider, 0 none */
	uint32_t diagnostic;
	bool has_reason;
	uint32_t reason; /* RLRQ/RLRE reason */
	bool has_abort_source;
	uint32_t abort_source; /* ABRT: 0 acse-service-user, 1 acse-service-provider */
	bool has_user_info;
	bool has_user_ctx;
	uint32_t user_ctx;   /* EXTERNAL indirect-reference (presentation context) */
	struct rd user_info; /* EXTERNAL single-ASN1-type contents: the MMS PDU */
};

const char *acse_type_name(uint8_t type);
const char *acse_result_name(uint32_t result);
/* Diagnostic text for AARE result-source-diagnostic (source 1 user, 2 provider). */
const char *acse_diagnostic_name(uint8_t source, uint32_t diag);
enum acse_status acse_parse(struct rd r, struct acse_apdu *out);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session.h - ISO 8327 session SPDUs as IEC 61850-8-1 uses them. */
#ifndef MMSW_SESSION_H
#define MMSW_SESSION_H

#include "limits.h"
#include "rd.h"

enum session_si {
	SES_DT = 1,  /* data transfer (also GT, give tokens, when followed by DT) */
	SES_NF = 8,  /* not finished */
	SES_FN = 9,  /* finish */
	SES_DN = 10, /* disconnect */
	SES_RF = 12, /* refuse */
	SES_CN = 13, /* connect */
	SES_AC = 14, /* accept */
	SES_AB = 25, /* abort */
	SES_AA = 26, /* abort accept */
};

enum session_status { SES_OK, SES_TRUNCATED, SES_INVALID };

struct session_spdu {
	uint8_t si;
	bool has_user;
	bool has_reason;
	uint8_t reason;  /* RF: reason code (PI 50); AB: transport disconnect (PI 17) */
	uint8_t version; /* CN/AC: version number (PI 22), 0 when absent */
	struct bview calling_ssel, called_ssel;
	struct rd user; /* user data (PGI 193/194, or the user information after DT) */
};

struct session_tsdu {
	uint8_t n; /* SPDUs that carry meaning (GT/PT are skipped); spdu[n..] are undefined */
	struct session_spdu spdu[MMSW_SESSION_MAX_SPDUS];
};

const char *session_si_name(uint8_t si);
/* True when the first octet can begin an SPDU that IEC 61850 stacks send. */
bool session_si_known(uint8_t si);
enum session_status session_parse(struct rd tsdu, struct session_tsdu *out);

#endif

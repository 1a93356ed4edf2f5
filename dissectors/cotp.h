/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cotp.h - ISO 8073 / X.224 class 0 transport (COTP) TPDUs inside a TPKT. */
#ifndef MMSW_COTP_H
#define MMSW_COTP_H

#include "rd.h"

enum cotp_type {
	COTP_CR = 0xe0, /* connection request */
	COTP_CC = 0xd0, /* connection confirm */
	COTP_DR = 0x80, /* disconnect request */
	COTP_DC = 0xc0, /* disconnect confirm */
	COTP_DT = 0xf0, /* data */
	COTP_ED = 0x10, /* expedited data */
	COTP_AK = 0x60,
	COTP_EA = 0x20,
	COTP_RJ = 0x50,
	COTP_ER = 0x70, /* TPDU error */
};

enum cotp_status { COTP_OK, COTP_TRUNCATED, COTP_INVALID };

struct cotp_tpdu {
	uint8_t type; /* enum cotp_type */
	bool eot;     /* DT: last TPDU of the TSDU */
	uint16_t dst_ref, src_ref;
	uint8_t class_option;                   /* CR/CC: class (high nibble) and options */
	uint8_t reason;                         /* DR: disconnect reason; ER: reject cause */
	uint32_t tpdu_size;                     /* CR/CC: from parameter C0 (2^code), 0 when absent */
	struct bview calling_tsap, called_tsap; /* CR/CC: C1, C2 */
	struct rd user;                         /* DT payload, or CR/CC/DR user data */
};

const char *cotp_type_name(uint8_t type);
enum cotp_status cotp_parse(struct rd tpkt_payload, struct cotp_tpdu *out);

#endif

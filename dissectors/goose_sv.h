/* SPDX-License-Identifier: GPL-2.0-or-later */
/* goose_sv.h - IEC 61850-8-1 GOOSE (ethertype 0x88B8) and IEC 61850-9-2 Sampled
 * Values (0x88BA): the frame header and the fields that identify a stream.
 *
 * mmswatch does not analyse GOOSE or SV; it only needs to know that they are on a
 * segment that also carries MMS, and which publisher sent them (APPID, gocbRef or
 * svID, dataset). So the decoder stops after the identifying fields: the values
 * (allData, samples) are skipped unread. Pure and bounded like every dissector:
 * the header's Length field can only narrow the view of the frame.
 */
#ifndef MMSW_GOOSE_SV_H
#define MMSW_GOOSE_SV_H

#include "ber.h"

#define GOOSE_SV_ETHERTYPE_GOOSE 0x88b8
#define GOOSE_SV_ETHERTYPE_SV 0x88ba
/* APPID, Length, Reserved1, Reserved2. */
#define GOOSE_SV_HDR_LEN 8

enum goose_sv_status {
	GOOSE_SV_OK = 0,
	GOOSE_SV_TRUNCATED, /* the frame ended before the header's Length or a field did */
	GOOSE_SV_INVALID,   /* impossible: Length < 8, wrong PDU tag, broken BER */
};

struct goose_sv {
	bool sv;         /* 0x88BA; else GOOSE */
	bool has_header; /* the 8 header bytes were there */
	uint16_t appid;
	uint16_t length; /* from the header: APPID to the end of the PDU */
	uint16_t reserved1, reserved2;
	bool has_pdu; /* the goosePdu / savPdu tag was right */

	/* GOOSE: goosePdu [APPLICATION 1] */
	struct bview gocb_ref; /* [0] gocbRef */
	bool has_tal;
	uint32_t tal;         /* [1] timeAllowedtoLive, ms */
	struct bview dat_set; /* [2] datSet (SV: the first ASDU's [1] datSet) */
	struct bview go_id;   /* [3] goID */
	bool has_st_num, has_sq_num, has_test, test;
	uint32_t st_num, sq_num; /* [5], [6] */
	bool has_conf_rev;
	uint32_t conf_rev; /* [8] (SV: the first ASDU's [3]) */

	/* SV: savPdu [APPLICATION 0] */
	bool has_no_asdu;
	uint32_t no_asdu;   /* [0] noASDU as sent */
	uint32_t n_asdu;    /* ASDUs found in seqASDU */
	struct bview sv_id; /* the first ASDU's [0] svID */
	bool has_smp_cnt;
	uint16_t smp_cnt; /* the first ASDU's [2] smpCnt */
};

/* Decode the bytes after the ethertype (and VLAN tags) of a GOOSE or SV frame.
 * Fills what it can even when the result is not GOOSE_SV_OK. */
enum goose_sv_status goose_sv_decode(uint16_t ethertype, struct rd r, struct goose_sv *out);
const char *goose_sv_status_name(enum goose_sv_status s);

#endif

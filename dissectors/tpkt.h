/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tpkt.h - RFC 1006 TPKT framing: `03 00 LEN16`, LEN includes the 4-byte header. */
#ifndef MMSW_TPKT_H
#define MMSW_TPKT_H

#include "rd.h"

#define TPKT_HDR_LEN 4

enum tpkt_status {
	TPKT_OK,        /* a TPKT header; *len is the whole TPKT length */
	TPKT_NEED_MORE, /* fewer than 4 bytes available */
	TPKT_BAD,       /* not a TPKT header (version, reserved, length out of range) */
};

enum tpkt_status tpkt_header(struct rd r, uint16_t *len);

/* Resynchronisation test for a stream picked up mid-way or after a hole: a TPKT
 * header with a COTP header behind it that makes sense (DT with EOT/NR byte, or a
 * connection TPDU with a sane LI). Only looks at the first bytes. */
bool tpkt_plausible(struct rd r, uint16_t *len);

/* Does a segment begin with what the ISO stack decodes into an ACSE APDU or an
 * MMS PDU: a TPKT holding a COTP DT TPDU whose user data begins with a session
 * SPDU that carries one (CN, AC, RF, FN, DN, AB, or GT/DT)? The first eight
 * bytes only: a look at another process's frame (--shard, core/shard.h), which
 * that process decodes. */
bool tpkt_opens_session_pdu(struct rd r);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* decode_ahead.c - decoding a frame's MMS PDU on the reader thread; see
 * decode_ahead.h.
 *
 * What is stored after a frame (a record of the reader's ring): where the PDU
 * is in the frame, the two decoders' statuses, then the decoded structures
 * without their unused tails (a struct mms_pdu is 3 KiB, 2.5 of them room for
 * 64 variable names a report does not have; a struct iec_report 28 KiB, room
 * for 512 members a report has a dozen of). The pipeline copies them back. The
 * pointers inside point into the ring's copy of the frame, which stays put until
 * the pipeline is done with the block. */
#include "stages/decode_ahead.h"

#include <pcap/pcap.h>
#include <stdbool.h>
#include <string.h>

#include "dissectors/ber.h"
#include "dissectors/rd.h"

#define ISO_TSAP_PORT 102

struct stored {
	uint32_t mms_off, mms_len; /* the PDU's bytes within the frame */
	uint8_t mms_status;        /* enum mms_status */
	uint8_t rep_status;        /* enum iec_report_status */
	uint16_t n_objs;           /* pdu.objs stored */
	uint16_t n_members;        /* rep.members stored (REPORT_OK, REPORT_MALFORMED) */
	bool rare_stored;          /* else the rare fields are as mms_decode starts them */
	/* then the pdu: its head, the objs it has, the common part of its tail and
	 * (rare_stored) the rest; then the report's head and members */
};

/* The parts of a struct mms_pdu: the head, objs[], then the fields after them;
 * from journal on, the fields only a few services fill, left as mms_decode
 * starts them by every other PDU (a report among them). */
#define PDU_HEAD offsetof(struct mms_pdu, objs)
#define PDU_TAIL_AT (offsetof(struct mms_pdu, objs) + sizeof(((struct mms_pdu *)0)->objs))
#define PDU_RARE_AT offsetof(struct mms_pdu, journal)
#define PDU_COMMON (PDU_RARE_AT - PDU_TAIL_AT)
#define PDU_RARE (sizeof(struct mms_pdu) - PDU_RARE_AT)
#define REP_HEAD offsetof(struct iec_report, members)

/* The rare fields as mms_decode starts every PDU (it returns MMS_NOT_MMS for
 * no bytes at all, after starting the PDU). Each side makes its own copy. */
static void rare_fields_initial(struct mms_pdu *pdu)
{
	memset(pdu, 0, sizeof(*pdu));
	(void)mms_decode(rd_make(NULL, 0), pdu);
}

/* Read a BER element of the given identifier octet and step into its contents. */
static bool enter(struct rd *r, uint8_t id)
{
	struct ber_tlv t;
	if (ber_read(r, &t) != BER_OK || t.id != id || t.indefinite)
		return false;
	*r = t.val;
	return true;
}

/* Where the one MMS PDU of a frame is, when the frame plainly carries exactly
 * that: anything else is left to the pipeline. */
static bool locate(int dlt, const uint8_t *frame, uint32_t caplen, struct rd *mms)
{
	if (dlt != DLT_EN10MB)
		return false;
	struct rd r = rd_make(frame, caplen);
	uint16_t type;
	if (!rd_skip(&r, 12) || !rd_be16(&r, &type))
		return false;
	for (int tags = 0; type == 0x8100 || type == 0x88a8 || type == 0x9100; tags++)
		if (tags == 8 || !rd_skip(&r, 2) || !rd_be16(&r, &type))
			return false;
	if (type != 0x0800)
		return false;
	/* IPv4, not a fragment, TCP; its total length bounds the segment (an
	 * Ethernet pad or a PRP trailer follows it). */
	struct rd ip = r;
	uint8_t vihl, proto;
	uint16_t total, frag;
	if (!rd_peek(&ip, 0, &vihl) || (vihl >> 4) != 4 || (vihl & 15) < 5)
		return false;
	if (!rd_skip(&ip, 2) || !rd_be16(&ip, &total) || !rd_skip(&ip, 2) || !rd_be16(&ip, &frag) || !rd_skip(&ip, 1) ||
	    !rd_u8(&ip, &proto) || proto != 6 || (frag & 0x3fff) != 0)
		return false;
	struct rd seg;
	uint32_t ihl = (uint32_t)(vihl & 15) * 4;
	if (total < ihl || !rd_sub(&r, total, &seg) || !rd_skip(&seg, ihl))
		return false;
	uint16_t sport, dport;
	uint8_t doff;
	if (!rd_be16(&seg, &sport) || !rd_be16(&seg, &dport) || (sport != ISO_TSAP_PORT && dport != ISO_TSAP_PORT) ||
	    !rd_peek(&seg, 8, &doff) || (doff >> 4) < 5 || !rd_skip(&seg, (size_t)(doff >> 4) * 4 - 4))
		return false;
	/* One TPKT holding all of one COTP DT with EOT: 03 00 len, 02 f0 80. */
	uint8_t ver, res, li, code, eot;
	uint16_t tlen;
	if (!rd_u8(&seg, &ver) || ver != 3 || !rd_u8(&seg, &res) || res != 0 || !rd_be16(&seg, &tlen) ||
	    tlen != rd_left(&seg) + 4 || !rd_u8(&seg, &li) || li != 2 || !rd_u8(&seg, &code) || code != 0xf0 ||
	    !rd_u8(&seg, &eot) || eot != 0x80)
		return false;
	/* Session give-tokens and data transfer, both empty: 01 00 01 00. */
	uint32_t spdus;
	if (!rd_be32(&seg, &spdus) || spdus != 0x01000100u)
		return false;
	/* Presentation user data, fully encoded, one PDV: 61 { 30 { [06 syntax]
	 * 02 context, a0 { the MMS PDU } } }. */
	if (!enter(&seg, 0x61) || !enter(&seg, 0x30))
		return false;
	uint8_t id;
	struct ber_tlv t;
	if (rd_peek(&seg, 0, &id) && id == 0x06 && ber_read(&seg, &t) != BER_OK)
		return false;
	if (ber_read(&seg, &t) != BER_OK || t.id != 0x02 || !enter(&seg, 0xa0))
		return false;
	*mms = seg;
	return rd_left(mms) > 0;
}

size_t decode_ahead_frame(struct decode_ahead_scratch *s, int dlt, const uint8_t *frame, uint32_t caplen, void *out,
			  size_t room)
{
	struct rd r;
	if (!locate(dlt, frame, caplen, &r))
		return 0;
	if (!s->initial_made) {
		rare_fields_initial(&s->initial);
		s->initial_made = true;
	}
	struct stored h = { 0 };
	h.mms_off = (uint32_t)(rd_ptr(&r) - frame);
	h.mms_len = (uint32_t)rd_left(&r);
	h.mms_status = (uint8_t)mms_decode(r, &s->pdu);
	h.n_objs = s->pdu.n_objs;
	h.rep_status = (uint8_t)iec_report_decode(&s->pdu, &s->rep);
	if (h.rep_status != REPORT_NOT_A_REPORT)
		h.n_members = s->rep.n_members;
	size_t n_objs = (size_t)h.n_objs * sizeof(s->pdu.objs[0]);
	size_t n_members = (size_t)h.n_members * sizeof(s->rep.members[0]);
	const uint8_t *rare = (const uint8_t *)&s->pdu + PDU_RARE_AT;
	h.rare_stored = memcmp(rare, (const uint8_t *)&s->initial + PDU_RARE_AT, PDU_RARE) != 0;
	size_t need = sizeof(h) + PDU_HEAD + n_objs + PDU_COMMON + (h.rare_stored ? PDU_RARE : 0);
	if (h.rep_status != REPORT_NOT_A_REPORT)
		need += REP_HEAD + n_members;
	if (need > room)
		return 0;
	uint8_t *o = out;
	memcpy(o, &h, sizeof(h));
	o += sizeof(h);
	memcpy(o, &s->pdu, PDU_HEAD);
	o += PDU_HEAD;
	memcpy(o, s->pdu.objs, n_objs);
	o += n_objs;
	memcpy(o, (const uint8_t *)&s->pdu + PDU_TAIL_AT, PDU_COMMON);
	o += PDU_COMMON;
	if (h.rare_stored) {
		memcpy(o, rare, PDU_RARE);
		o += PDU_RARE;
	}
	if (h.rep_status != REPORT_NOT_A_REPORT) {
		memcpy(o, &s->rep, REP_HEAD);
		o += REP_HEAD;
		memcpy(o, s->rep.members, n_members);
	}
	return need;
}

/* ---- the pipeline's side ------------------------------------------------ */

static const uint8_t *current_frame;
static const uint8_t *current_stored;
static struct iec_report taken_rep;
static struct mms_pdu initial; /* the rare fields' starting values */
static bool initial_made;

void decode_ahead_current(const uint8_t *frame, const void *stored)
{
	current_frame = frame;
	current_stored = stored;
}

bool decode_ahead_take(struct rd r, struct mms_pdu *pdu, enum mms_status *st, const struct iec_report **rep,
		       enum iec_report_status *rst)
{
	if (!current_stored)
		return false;
	struct stored h;
	memcpy(&h, current_stored, sizeof(h));
	if (r.off != 0 || r.p != current_frame + h.mms_off || r.len != h.mms_len)
		return false;
	const uint8_t *in = current_stored + sizeof(h);
	current_stored = NULL; /* one PDU per frame */
	size_t n_objs = (size_t)h.n_objs * sizeof(pdu->objs[0]);
	memcpy(pdu, in, PDU_HEAD);
	in += PDU_HEAD;
	/* objs past n_objs are left as they are, as mms_decode leaves them */
	memcpy(pdu->objs, in, n_objs);
	in += n_objs;
	memcpy((uint8_t *)pdu + PDU_TAIL_AT, in, PDU_COMMON);
	in += PDU_COMMON;
	if (h.rare_stored) {
		memcpy((uint8_t *)pdu + PDU_RARE_AT, in, PDU_RARE);
		in += PDU_RARE;
	} else {
		if (!initial_made) {
			rare_fields_initial(&initial);
			initial_made = true;
		}
		memcpy((uint8_t *)pdu + PDU_RARE_AT, (const uint8_t *)&initial + PDU_RARE_AT, PDU_RARE);
	}
	*st = (enum mms_status)h.mms_status;
	*rst = (enum iec_report_status)h.rep_status;
	*rep = NULL;
	if (h.rep_status != REPORT_NOT_A_REPORT) {
		memcpy(&taken_rep, in, REP_HEAD);
		in += REP_HEAD;
		memcpy(taken_rep.members, in, (size_t)h.n_members * sizeof(taken_rep.members[0]));
		*rep = &taken_rep;
	}
	return true;
}

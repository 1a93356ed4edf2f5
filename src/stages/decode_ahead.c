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

#include "core/shard.h"
#include "dissectors/cotp.h"
#include "dissectors/pres.h"
#include "dissectors/rd.h"
#include "dissectors/session.h"
#include "dissectors/tpkt.h"
#include "stages/flow_hash.h"
#include "stages/frame_peek.h"

#define ISO_TSAP_PORT 102

/* A record: this head, then the pdu (its head, the objs it has, the common part
 * of its tail and, if rare_stored, the rest), then the report's head and members. */
struct stored {
	uint32_t mms_off, mms_len;   /* the PDU's bytes within the frame */
	uint32_t tsdu_off, tsdu_len; /* the COTP user data holding them */
	uint32_t tpkt_off, tpkt_len; /* the TPKT holding that: the TCP payload */
	uint32_t pdv_ctx;            /* the presentation data value's context id */
	uint32_t flow_hash;          /* flow_hash_ipv4 of the frame (a prefetch hint) */
	bool pdv_has_ctx;
	uint8_t pdv_encoding;
	uint8_t mms_status;  /* enum mms_status */
	uint8_t rep_status;  /* enum iec_report_status */
	uint16_t n_objs;     /* pdu.objs stored */
	uint16_t n_members;  /* rep.members stored (REPORT_OK, REPORT_MALFORMED) */
	bool rare_stored;    /* else the rare fields are as mms_decode starts them */
	bool members_packed; /* rep.members as struct packed_member, else whole */
};

/* A report member without its pointers' high bits: its reference and value as
 * offsets into the frame (a member is 56 bytes, this 20). */
struct packed_member {
	uint16_t index;
	uint8_t reasons;
	uint8_t tag;               /* the value's; bit 7: constructed */
	uint32_t ref_off, ref_len; /* ref_len 0: no reference (NULL) */
	uint32_t val_off, val_len;
};
_Static_assert(sizeof(struct packed_member) * MMSW_REPORT_MAX_MEMBERS <=
		       sizeof(((struct decode_ahead_scratch *)0)->packed),
	       "decode_ahead_scratch.packed holds every member packed");
_Static_assert(_Alignof(struct packed_member) <= 8, "decode_ahead_scratch.packed is aligned for it");

/* The parts of a struct mms_pdu: the head, objs[], then the fields after them;
 * after the Data list, the fields only some services fill, left as mms_decode
 * starts them by every other PDU (a report among them). */
#define PDU_HEAD offsetof(struct mms_pdu, objs)
#define PDU_TAIL_AT (offsetof(struct mms_pdu, objs) + sizeof(((struct mms_pdu *)0)->objs))
#define PDU_RARE_AT offsetof(struct mms_pdu, n_names)
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

/* Is v, of len bytes, inside the frame? Its offset into *off. */
static bool in_frame(const uint8_t *v, size_t len, const uint8_t *frame, uint32_t caplen, uint32_t *off)
{
	if (v < frame || v > frame + caplen || len > (size_t)(frame + caplen - v))
		return false;
	*off = (uint32_t)(v - frame);
	return true;
}

/* Where the one MMS PDU of a frame is, when the frame plainly carries exactly
 * that: anything else is left to the pipeline. h gets where the TPKT, its COTP
 * user data and the PDU are, and the presentation data value's context. */
static bool locate(int dlt, const uint8_t *frame, uint32_t caplen, struct stored *h)
{
	/* IPv4 TCP as the link and IP stages take it, the whole IP datagram
	 * captured: its total length bounds the segment (an Ethernet pad or a PRP
	 * trailer may follow it). */
	struct frame_peek pk;
	if (frame_peek(dlt, frame, caplen, &pk) != FRAME_PEEK_IPV4_TCP || pk.ip_total > rd_left(&pk.ip) ||
	    (pk.sport != ISO_TSAP_PORT && pk.dport != ISO_TSAP_PORT))
		return false;
	/* Another shard's frame would be decoded for nothing. Port 102 only: with
	 * other MMS ports configured a frame may be judged otherwise here than by
	 * the pipeline, which costs a decoding or saves none, never a byte. */
	if (shard_count() &&
	    shard_of_pair(pk.ip_src, pk.ip_dst, 4, pk.sport == ISO_TSAP_PORT, pk.dport == ISO_TSAP_PORT,
			  shard_count()) != shard_self())
		return false;
	struct rd seg = pk.tcp_payload;
	/* One TPKT filling the segment, holding one COTP DT with EOT (the
	 * dissectors' own readers). */
	uint16_t tlen;
	struct cotp_tpdu cotp;
	const uint8_t *tpkt = rd_ptr(&seg);
	if (tpkt_header(seg, &tlen) != TPKT_OK || tlen != rd_left(&seg) || tlen <= TPKT_HDR_LEN ||
	    cotp_parse(rd_make(tpkt + TPKT_HDR_LEN, tlen - TPKT_HDR_LEN), &cotp) != COTP_OK || cotp.type != COTP_DT ||
	    !cotp.eot)
		return false;
	/* Session give-tokens and data transfer, both empty (01 00 01 00: an
	 * octet the pipeline takes for neither S7comm nor bare MMS), then what the
	 * pipeline's own session and presentation parsers find in it: one data
	 * transfer SPDU, its user data one presentation data value. */
	struct rd head = cotp.user;
	uint32_t spdus;
	if (!rd_be32(&head, &spdus) || spdus != 0x01000100u)
		return false;
	struct session_tsdu st;
	if (session_parse(cotp.user, &st) != SES_OK || st.n != 1 || st.spdu[0].si != SES_DT || !st.spdu[0].has_user ||
	    rd_empty(&st.spdu[0].user))
		return false;
	struct pres_ppdu pp;
	if (pres_parse(st.spdu[0].user, PPDU_DATA, &pp) != PRES_OK || pp.n_pdv != 1)
		return false;
	const struct pres_pdv *pdv = &pp.pdv[0];
	if (pdv->data.off != 0 || cotp.user.off != 0 || rd_empty(&pdv->data) ||
	    !in_frame(pdv->data.p, pdv->data.len, frame, caplen, &h->mms_off) ||
	    !in_frame(cotp.user.p, cotp.user.len, frame, caplen, &h->tsdu_off))
		return false;
	h->mms_len = (uint32_t)pdv->data.len;
	h->tsdu_len = (uint32_t)cotp.user.len;
	h->tpkt_off = (uint32_t)(tpkt - frame);
	h->tpkt_len = tlen;
	h->pdv_has_ctx = pdv->has_ctx;
	h->pdv_ctx = pdv->ctx;
	h->pdv_encoding = pdv->encoding;
	h->flow_hash = flow_hash_ipv4(pk.ip_src, pk.ip_dst, pk.sport, pk.dport, pk.n_vlan, pk.vlan);
	return true;
}

/* The members as packed_members; false when one does not fit the shape (then
 * they are stored whole). Each is written field by field where it goes (out is
 * struct decode_ahead_scratch's packed, aligned for it): a whole struct made on
 * the stack and then copied was read back by 16-byte loads from the smaller
 * stores just made, which wait for those stores to retire (63% of decode()'s
 * samples on the reader thread). */
static bool pack_members(const struct iec_report *rep, const uint8_t *frame, uint32_t caplen, void *out)
{
	struct packed_member *pm = out;
	for (uint16_t k = 0; k < rep->n_members; k++) {
		const struct iec_report_member *m = &rep->members[k];
		struct packed_member *p = &pm[k];
		uint32_t val_off, ref_off = 0;
		if (m->value.tag > 0x7f || m->value.val.off != 0 || !m->value.val.p ||
		    !in_frame(m->value.val.p, m->value.val.len, frame, caplen, &val_off))
			return false;
		if (m->ref.p) {
			if (!m->ref.len || !in_frame(m->ref.p, m->ref.len, frame, caplen, &ref_off))
				return false;
		} else if (m->ref.len) {
			return false;
		}
		p->index = m->index;
		p->reasons = m->reasons;
		p->tag = (uint8_t)(m->value.tag | (m->value.constructed ? 0x80 : 0));
		p->ref_off = ref_off;
		p->ref_len = m->ref.len; /* 0 without a reference (checked above) */
		p->val_off = val_off;
		p->val_len = (uint32_t)m->value.val.len;
	}
	return true;
}

/* Run both decoders over r into the scratch space; h gets their statuses, the
 * counts and what is stored how. */
static void decode(struct decode_ahead_scratch *s, struct rd r, const uint8_t *frame, uint32_t caplen, struct stored *h)
{
	h->mms_status = (uint8_t)mms_decode(r, &s->pdu);
	h->n_objs = s->pdu.n_objs;
	h->rep_status = (uint8_t)iec_report_decode(&s->pdu, &s->rep);
	h->n_members = h->rep_status != REPORT_NOT_A_REPORT ? s->rep.n_members : 0;
	h->members_packed = h->rep_status != REPORT_NOT_A_REPORT && pack_members(&s->rep, frame, caplen, s->packed);
	h->rare_stored = memcmp((const uint8_t *)&s->pdu + PDU_RARE_AT, (const uint8_t *)&s->initial + PDU_RARE_AT,
				PDU_RARE) != 0;
}

/* A pointer into the frame decoded, moved to the same byte of its copy. */
struct move {
	const uint8_t *from, *to;
	uint32_t len;
	bool ok; /* every pointer moved was inside the frame */
};

static void move_ptr(struct move *m, const uint8_t **p)
{
	if (!*p)
		return;
	if (*p < m->from || *p > m->from + m->len) {
		m->ok = false;
		return;
	}
	*p = m->to + (*p - m->from);
}

/* The pointers of what is stored unpacked, moved from the frame to its copy:
 * the PDU's head (the list name), its objs and its Data list, the report's
 * head. Members are packed as offsets; the rare fields are never moved (see
 * decode_ahead_frame). */
static bool move_pointers(struct decode_ahead_scratch *s, const uint8_t *from, const uint8_t *to, uint32_t len,
			  const struct stored *h)
{
	struct move m = { from, to, len, true };
	move_ptr(&m, &s->pdu.list_name.domain.p);
	move_ptr(&m, &s->pdu.list_name.item.p);
	for (uint16_t i = 0; i < h->n_objs; i++) {
		move_ptr(&m, &s->pdu.objs[i].domain.p);
		move_ptr(&m, &s->pdu.objs[i].item.p);
	}
	move_ptr(&m, &s->pdu.data.p);
	if (h->rep_status != REPORT_NOT_A_REPORT) {
		move_ptr(&m, &s->rep.rptid.p);
		move_ptr(&m, &s->rep.time.val.p);
		move_ptr(&m, &s->rep.datset.p);
		move_ptr(&m, &s->rep.entryid.p);
	}
	return m.ok;
}

/* What move_pointers moves must be all the pointers of the parts stored
 * unpacked: a field added to them needs a look there. */
_Static_assert(PDU_HEAD == 64 && PDU_COMMON == 24 && REP_HEAD == 120,
	       "struct mms_pdu or struct iec_report changed: check move_pointers");

size_t decode_ahead_frame(struct decode_ahead_scratch *s, int dlt, const uint8_t *frame, const uint8_t *copy,
			  uint32_t caplen, void *out, size_t room)
{
	struct stored h = { 0 };
	if (!locate(dlt, frame, caplen, &h))
		return 0;
	if (!s->initial_made) {
		rare_fields_initial(&s->initial);
		s->initial_made = true;
	}
	struct rd r = rd_make(frame + h.mms_off, h.mms_len);
	/* Decoded where the frame was read (the copy is still being written, and
	 * reading it back would wait for that), the pointers then moved to the
	 * copy. A PDU with rare fields, or members that do not pack, is decoded
	 * again from the copy: their pointers are not moved. */
	decode(s, r, frame, caplen, &h);
	if (frame != copy &&
	    (h.rare_stored || (h.n_members && !h.members_packed) || !move_pointers(s, frame, copy, caplen, &h))) {
		decode(s, rd_make(copy + h.mms_off, h.mms_len), copy, caplen, &h);
	}
	size_t n_objs = (size_t)h.n_objs * sizeof(s->pdu.objs[0]);
	size_t n_members =
		(size_t)h.n_members * (h.members_packed ? sizeof(struct packed_member) : sizeof(s->rep.members[0]));
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
		memcpy(o, (const uint8_t *)&s->pdu + PDU_RARE_AT, PDU_RARE);
		o += PDU_RARE;
	}
	if (h.rep_status != REPORT_NOT_A_REPORT) {
		memcpy(o, &s->rep, REP_HEAD);
		o += REP_HEAD;
		memcpy(o, h.members_packed ? (const void *)s->packed : (const void *)s->rep.members, n_members);
	}
	return need;
}

void decode_ahead_ranges(const void *stored, struct decode_ahead_ranges *out)
{
	struct stored h;
	memcpy(&h, stored, sizeof(h));
	*out = (struct decode_ahead_ranges){ .tpkt_off = h.tpkt_off,
					     .tpkt_len = h.tpkt_len,
					     .tsdu_off = h.tsdu_off,
					     .tsdu_len = h.tsdu_len,
					     .mms_off = h.mms_off,
					     .mms_len = h.mms_len };
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

uint32_t decode_ahead_flow_hash(const void *stored)
{
	uint32_t h;
	memcpy(&h, (const uint8_t *)stored + offsetof(struct stored, flow_hash), sizeof(h));
	return h;
}

/* The head of what was stored for the current frame, if anything was. */
static bool current_head(struct stored *h)
{
	if (!current_stored)
		return false;
	memcpy(h, current_stored, sizeof(*h));
	return true;
}

/* Is r a view of exactly the len bytes at off in the current frame? */
static bool exactly(struct rd r, uint32_t off, uint32_t len)
{
	return r.off == 0 && r.p == current_frame + off && r.len == len;
}

bool decode_ahead_take_tpkt(const uint8_t *p, uint32_t len, struct rd *user)
{
	struct stored h;
	if (!current_head(&h) || !exactly(rd_make(p, len), h.tpkt_off, h.tpkt_len))
		return false;
	*user = rd_make(current_frame + h.tsdu_off, h.tsdu_len);
	return true;
}

bool decode_ahead_take_pdv(struct rd tsdu, struct pres_pdv *pdv)
{
	struct stored h;
	if (!current_head(&h) || !exactly(tsdu, h.tsdu_off, h.tsdu_len))
		return false;
	pdv->has_ctx = h.pdv_has_ctx;
	pdv->ctx = h.pdv_ctx;
	pdv->encoding = h.pdv_encoding;
	pdv->data = rd_make(current_frame + h.mms_off, h.mms_len);
	return true;
}

bool decode_ahead_take(struct rd r, struct mms_pdu *pdu, enum mms_status *st, const struct iec_report **rep,
		       enum iec_report_status *rst)
{
	struct stored h;
	if (!current_head(&h) || !exactly(r, h.mms_off, h.mms_len))
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
		if (!h.members_packed) {
			memcpy(taken_rep.members, in, (size_t)h.n_members * sizeof(taken_rep.members[0]));
		} else {
			for (uint16_t k = 0; k < h.n_members; k++) {
				struct packed_member p;
				memcpy(&p, in + (size_t)k * sizeof(p), sizeof(p));
				struct iec_report_member *m = &taken_rep.members[k];
				m->index = p.index;
				m->reasons = p.reasons;
				m->ref.p = p.ref_len ? current_frame + p.ref_off : NULL;
				m->ref.len = p.ref_len;
				m->value.tag = p.tag & 0x7f;
				m->value.constructed = (p.tag & 0x80) != 0;
				m->value.val = rd_make(current_frame + p.val_off, p.val_len);
			}
		}
		*rep = &taken_rep;
	}
	return true;
}

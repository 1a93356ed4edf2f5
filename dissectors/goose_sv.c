/* SPDX-License-Identifier: GPL-2.0-or-later */
/* \summary: IEC 61850 GOOSE and Sampled Values frame header and stream identity */
#include "goose_sv.h"

#include <string.h>

const char *goose_sv_status_name(enum goose_sv_status s)
{
	switch (s) {
	case GOOSE_SV_OK:
		return "ok";
	case GOOSE_SV_TRUNCATED:
		return "truncated";
	case GOOSE_SV_INVALID:
		return "invalid";
	}
	return "unknown";
}

/* Where the bytes stop early, whose fault it is: when the frame is shorter than
 * the header's Length, the capture cut it (truncated); when the header's Length is
 * all there and a BER element still runs past it, the frame contradicts itself. */
static enum goose_sv_status from_ber(enum ber_status s, bool cut)
{
	if (s == BER_TRUNCATED)
		return cut ? GOOSE_SV_TRUNCATED : GOOSE_SV_INVALID;
	return GOOSE_SV_INVALID;
}

static bool str_field(const struct ber_tlv *t, struct bview *out)
{
	if (t->constructed)
		return false;
	*out = bview_of(&t->val);
	return true;
}

static bool u32_field(const struct ber_tlv *t, uint32_t *out)
{
	return !t->constructed && ber_uint32(t->val, out);
}

/* goosePdu contents: the identifying fields come first ([0]..[8]); ndsCom,
 * numDatSetEntries and allData are skipped (a definite-length skip is O(1)). */
static enum goose_sv_status goose_fields(struct rd r, bool cut, struct goose_sv *out)
{
	struct ber_tlv t;
	while (!rd_empty(&r)) {
		enum ber_status s = ber_read(&r, &t);
		if (s != BER_OK)
			return from_ber(s, cut);
		if (t.cls != BER_CONTEXT)
			return GOOSE_SV_INVALID; /* every goosePdu field is context-tagged */
		bool ok = true;
		switch (t.tag) {
		case 0:
			ok = str_field(&t, &out->gocb_ref);
			break;
		case 1:
			ok = out->has_tal = u32_field(&t, &out->tal);
			break;
		case 2:
			ok = str_field(&t, &out->dat_set);
			break;
		case 3:
			ok = str_field(&t, &out->go_id);
			break;
		case 5:
			ok = out->has_st_num = u32_field(&t, &out->st_num);
			break;
		case 6:
			ok = out->has_sq_num = u32_field(&t, &out->sq_num);
			break;
		case 7:
			ok = out->has_test = !t.constructed && ber_bool(t.val, &out->test);
			break;
		case 8:
			ok = out->has_conf_rev = u32_field(&t, &out->conf_rev);
			break;
		default:
			break;
		}
		if (!ok)
			return GOOSE_SV_INVALID;
	}
	return GOOSE_SV_OK;
}

/* One ASDU of seqASDU. IEC 61850-9-2 encodes smpCnt and confRev as fixed-size
 * octet strings (2 and 4 octets), not as BER INTEGERs. */
static enum goose_sv_status asdu_fields(struct rd r, bool cut, struct goose_sv *out)
{
	struct ber_tlv t;
	while (!rd_empty(&r)) {
		enum ber_status s = ber_read(&r, &t);
		if (s != BER_OK)
			return from_ber(s, cut);
		if (t.cls != BER_CONTEXT)
			return GOOSE_SV_INVALID;
		if (t.tag == 0 && !str_field(&t, &out->sv_id))
			return GOOSE_SV_INVALID;
		if (t.tag == 1 && !str_field(&t, &out->dat_set))
			return GOOSE_SV_INVALID;
		if (t.tag == 2) {
			if (t.constructed || !rd_be16(&t.val, &out->smp_cnt) || !rd_empty(&t.val))
				return GOOSE_SV_INVALID;
			out->has_smp_cnt = true;
		}
		if (t.tag == 3) {
			if (t.constructed || !rd_be32(&t.val, &out->conf_rev) || !rd_empty(&t.val))
				return GOOSE_SV_INVALID;
			out->has_conf_rev = true;
		}
		if (t.tag == 7)
			break; /* sample: values, and what follows is not identity */
	}
	return GOOSE_SV_OK;
}

static enum goose_sv_status sv_fields(struct rd r, bool cut, struct goose_sv *out)
{
	struct ber_tlv t;
	while (!rd_empty(&r)) {
		enum ber_status s = ber_read(&r, &t);
		if (s != BER_OK)
			return from_ber(s, cut);
		if (t.cls != BER_CONTEXT)
			return GOOSE_SV_INVALID;
		if (t.tag == 0) {
			if (!u32_field(&t, &out->no_asdu))
				return GOOSE_SV_INVALID;
			out->has_no_asdu = true;
		} else if (t.tag == 2) {
			/* seqASDU: SEQUENCE OF ASDU; every ASDU counted, the first decoded. */
			if (!t.constructed)
				return GOOSE_SV_INVALID;
			struct rd seq = t.val;
			struct ber_tlv a;
			while (!rd_empty(&seq)) {
				if ((s = ber_read(&seq, &a)) != BER_OK)
					return from_ber(s, cut);
				if (a.cls != BER_UNIVERSAL || a.tag != 16 || !a.constructed)
					return GOOSE_SV_INVALID;
				if (out->n_asdu++ == 0) {
					enum goose_sv_status as = asdu_fields(a.val, cut, out);
					if (as != GOOSE_SV_OK)
						return as;
				}
			}
		}
		/* [1] security and anything newer: not needed for identity */
	}
	return GOOSE_SV_OK;
}

/* A PDU cut by the capture: its contents as far as they go, so that a short
 * snaplen still yields the gocbRef or svID at the front. */
static bool partial_pdu(struct rd r, uint8_t want_id, struct rd *contents)
{
	uint8_t id, l0;
	if (!rd_u8(&r, &id) || id != want_id || !rd_u8(&r, &l0))
		return false;
	if (l0 & 0x80) {
		unsigned n = l0 & 0x7f;
		if (n == 0 || n > 4 || !rd_skip(&r, n))
			return false;
	}
	*contents = rd_rest(&r);
	return true;
}

enum goose_sv_status goose_sv_decode(uint16_t ethertype, struct rd r, struct goose_sv *out)
{
	memset(out, 0, sizeof(*out));
	out->sv = ethertype == GOOSE_SV_ETHERTYPE_SV;
	if (ethertype != GOOSE_SV_ETHERTYPE_GOOSE && ethertype != GOOSE_SV_ETHERTYPE_SV)
		return GOOSE_SV_INVALID;
	if (rd_left(&r) < GOOSE_SV_HDR_LEN)
		return GOOSE_SV_TRUNCATED;
	rd_be16(&r, &out->appid);
	rd_be16(&r, &out->length);
	rd_be16(&r, &out->reserved1);
	rd_be16(&r, &out->reserved2);
	out->has_header = true;
	if (out->length < GOOSE_SV_HDR_LEN)
		return GOOSE_SV_INVALID;
	/* Length narrows the view (Ethernet padding follows short frames); a frame
	 * shorter than Length was cut by the capture. */
	size_t want = (size_t)out->length - GOOSE_SV_HDR_LEN;
	bool cut = want > rd_left(&r);
	struct rd apdu_r;
	rd_sub(&r, cut ? rd_left(&r) : want, &apdu_r);
	struct ber_tlv pdu;
	struct rd contents;
	uint8_t want_id = out->sv ? 0x60 : 0x61;
	enum ber_status s = ber_read(&apdu_r, &pdu);
	if (s == BER_OK) {
		if (pdu.id != want_id)
			return GOOSE_SV_INVALID;
		contents = pdu.val;
	} else if (!(s == BER_TRUNCATED && cut && partial_pdu(apdu_r, want_id, &contents))) {
		return from_ber(s, cut);
	}
	out->has_pdu = true;
	enum goose_sv_status st = out->sv ? sv_fields(contents, cut, out) : goose_fields(contents, cut, out);
	if (st == GOOSE_SV_OK && cut)
		st = GOOSE_SV_TRUNCATED; /* the fields are whole, the frame is not */
	return st;
}

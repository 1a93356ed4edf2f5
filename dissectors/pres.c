/* SPDX-License-Identifier: GPL-2.0-or-later */
/* \summary: ISO 8823 presentation layer (connection and data PPDUs) */
#include "pres.h"

#include <string.h>

static const uint8_t OID_ACSE[] = { 0x52, 0x01, 0x00, 0x01 };      /* 2.2.1.0.1 */
static const uint8_t OID_MMS[] = { 0x28, 0xca, 0x22, 0x02, 0x01 }; /* 1.0.9506.2.1 */

enum pres_syntax pres_syntax_of(struct rd oid)
{
	struct bview v = bview_of(&oid);
	if (bview_eq_bytes(v, OID_ACSE, sizeof(OID_ACSE)))
		return PRES_AS_ACSE;
	if (bview_eq_bytes(v, OID_MMS, sizeof(OID_MMS)))
		return PRES_AS_MMS;
	return PRES_AS_OTHER;
}

static enum pres_status from_ber(enum ber_status s)
{
	return s == BER_TRUNCATED ? PRES_TRUNCATED : PRES_INVALID;
}

/* fully-encoded-data [APPLICATION 1]: SEQUENCE OF PDV-list;
 * simply-encoded-data [APPLICATION 0]: one OCTET STRING with no context. */
static enum pres_status pres_user_data(const struct ber_tlv *ud, struct pres_ppdu *out)
{
	if (ud->cls == BER_APPLICATION && ud->tag == 0) {
		if (out->n_pdv >= MMSW_PRES_MAX_PDVS)
			return PRES_TOO_MANY;
		struct pres_pdv *p = &out->pdv[out->n_pdv++];
		memset(p, 0, sizeof(*p));
		p->encoding = 1;
		rd_store(&p->data, ud->val);
		return PRES_OK;
	}
	if (ud->cls != BER_APPLICATION || ud->tag != 1 || !ud->constructed)
		return PRES_INVALID;
	struct rd list = ud->val;
	while (!rd_empty(&list)) {
		struct ber_tlv pdv, t;
		enum ber_status s = ber_expect(&list, BER_UNIVERSAL, 16, &pdv);
		if (s != BER_OK)
			return from_ber(s);
		if (out->n_pdv >= MMSW_PRES_MAX_PDVS)
			return PRES_TOO_MANY;
		struct pres_pdv *p = &out->pdv[out->n_pdv];
		memset(p, 0, sizeof(*p));
		bool have_data = false;
		while (!rd_empty(&pdv.val)) {
			if ((s = ber_read(&pdv.val, &t)) != BER_OK)
				return from_ber(s);
			if (t.cls == BER_UNIVERSAL && t.tag == 6)
				continue; /* transfer-syntax-name */
			if (t.cls == BER_UNIVERSAL && t.tag == 2) {
				if (!ber_uint32(t.val, &p->ctx))
					return PRES_INVALID;
				p->has_ctx = true;
			} else if (t.cls == BER_CONTEXT && t.tag <= 2) {
				p->encoding = (uint8_t)t.tag;
				rd_store(&p->data, t.val);
				have_data = true;
			}
		}
		if (!have_data)
			return PRES_INVALID;
		out->n_pdv++;
	}
	return PRES_OK;
}

/* presentation-context-definition-list: SEQUENCE OF { id, abstract-syntax, {transfer} } */
static enum pres_status pres_ctx_list(struct rd v, struct pres_ppdu *out)
{
	while (!rd_empty(&v)) {
		struct ber_tlv item, id, as;
		enum ber_status s = ber_expect(&v, BER_UNIVERSAL, 16, &item);
		if (s != BER_OK)
			return from_ber(s);
		if (ber_expect(&item.val, BER_UNIVERSAL, 2, &id) != BER_OK ||
		    ber_expect(&item.val, BER_UNIVERSAL, 6, &as) != BER_OK)
			return PRES_INVALID;
		if (out->n_ctx >= MMSW_PRES_MAX_CONTEXTS)
			return PRES_TOO_MANY;
		struct pres_context *c = &out->ctx[out->n_ctx];
		if (!ber_uint32(id.val, &c->id))
			return PRES_INVALID;
		c->syntax = (uint8_t)pres_syntax_of(as.val);
		out->n_ctx++;
	}
	return PRES_OK;
}

/* presentation-context-definition-result-list: SEQUENCE OF { [0] result, ... } */
static enum pres_status pres_result_list(struct rd v, struct pres_ppdu *out)
{
	while (!rd_empty(&v)) {
		struct ber_tlv item, t;
		enum ber_status s = ber_expect(&v, BER_UNIVERSAL, 16, &item);
		if (s != BER_OK)
			return from_ber(s);
		if (out->n_result >= MMSW_PRES_MAX_CONTEXTS)
			return PRES_TOO_MANY;
		uint32_t res = 0;
		while (!rd_empty(&item.val)) {
			if ((s = ber_read(&item.val, &t)) != BER_OK)
				return from_ber(s);
			if (ber_is_ctx(&t, 0) && !ber_uint32(t.val, &res))
				return PRES_INVALID;
		}
		out->result[out->n_result++] = (uint8_t)(res > 255 ? 255 : res);
	}
	return PRES_OK;
}

/* normal-mode-parameters of CP, CPA, CPR and ARU share tags enough to walk together. */
static enum pres_status pres_normal_mode(struct rd v, struct pres_ppdu *out)
{
	while (!rd_empty(&v)) {
		struct ber_tlv t;
		enum ber_status s = ber_read(&v, &t);
		enum pres_status ps = PRES_OK;
		if (s != BER_OK)
			return from_ber(s);
		if (t.cls == BER_APPLICATION) {
			ps = pres_user_data(&t, out);
		} else if (t.cls == BER_CONTEXT) {
			if (t.tag == 4 && out->kind == PPDU_CP)
				ps = pres_ctx_list(t.val, out);
			else if (t.tag == 1 && out->kind == PPDU_CP && !t.constructed)
				out->calling_psel = bview_of(&t.val);
			else if ((t.tag == 2 && out->kind == PPDU_CP && !t.constructed) ||
				 (t.tag == 3 && out->kind == PPDU_CPA && !t.constructed))
				out->called_psel = bview_of(&t.val);
			else if (t.tag == 5 && (out->kind == PPDU_CPA || out->kind == PPDU_CPR))
				ps = pres_result_list(t.val, out);
			else if (t.tag == 10 && out->kind == PPDU_CPR) {
				if (!ber_uint32(t.val, &out->provider_reason))
					return PRES_INVALID;
				out->has_reason = true;
			}
		}
		if (ps != PRES_OK)
			return ps;
	}
	return PRES_OK;
}

enum pres_status pres_parse(struct rd r, enum ppdu_kind expect, struct pres_ppdu *out)
{
	struct ber_tlv top, t;
	enum ber_status s;
	memset(out, 0, sizeof(*out));
	out->kind = (uint8_t)expect;
	if ((s = ber_read(&r, &top)) != BER_OK)
		return from_ber(s);
	switch (expect) {
	case PPDU_CP:
	case PPDU_CPA:
		/* CP-type / CPA-PPDU: SET { [0] mode-selector, [2] normal-mode-parameters } */
		if (top.cls != BER_UNIVERSAL || top.tag != 17)
			return PRES_INVALID;
		while (!rd_empty(&top.val)) {
			if ((s = ber_read(&top.val, &t)) != BER_OK)
				return from_ber(s);
			if (ber_is_ctx(&t, 2)) {
				enum pres_status ps = pres_normal_mode(t.val, out);
				if (ps != PRES_OK)
					return ps;
			}
		}
		return PRES_OK;
	case PPDU_CPR:
		if (top.cls != BER_UNIVERSAL || top.tag != 16)
			return PRES_INVALID;
		return pres_normal_mode(top.val, out);
	case PPDU_ABORT:
		if (ber_is_ctx(&top, 0) && top.constructed) /* ARU normal mode */
			return pres_normal_mode(top.val, out);
		if (top.cls == BER_UNIVERSAL && top.tag == 16) { /* ARP */
			out->is_arp = true;
			while (!rd_empty(&top.val)) {
				if ((s = ber_read(&top.val, &t)) != BER_OK)
					return from_ber(s);
				if (ber_is_ctx(&t, 0) && ber_uint32(t.val, &out->provider_reason))
					out->has_reason = true;
			}
			return PRES_OK;
		}
		return PRES_INVALID;
	case PPDU_DATA:
		return pres_user_data(&top, out);
	}
	return PRES_INVALID;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* \summary: ISO 8327 session layer SPDUs (CN, AC, RF, FN, DN, NF, AB, AA, GT, DT) */
#include "session.h"

#include <string.h>

const char *session_si_name(uint8_t si)
{
	switch (si) {
	case SES_DT:
		return "DT";
	case SES_NF:
		return "NF";
	case SES_FN:
		return "FN";
	case SES_DN:
		return "DN";
	case SES_RF:
		return "RF";
	case SES_CN:
		return "CN";
	case SES_AC:
		return "AC";
	case SES_AB:
		return "AB";
	case SES_AA:
		return "AA";
	}
	return "unknown";
}

bool session_si_known(uint8_t si)
{
	switch (si) {
	case SES_DT:
	case SES_NF:
	case SES_FN:
	case SES_DN:
	case SES_RF:
	case SES_CN:
	case SES_AC:
	case SES_AB:
	case SES_AA:
		return true;
	}
	return false;
}

/* LI: one octet, or 0xFF followed by two octets. */
static bool session_li(struct rd *r, uint16_t *len)
{
	uint8_t b;
	if (!rd_u8(r, &b))
		return false;
	if (b != 0xff) {
		*len = b;
		return true;
	}
	return rd_be16(r, len);
}

/* Walk the PI/PGI units of one SPDU's parameter area. */
static enum session_status session_params(struct rd v, struct session_spdu *s)
{
	for (int n = 0; !rd_empty(&v); n++) {
		uint8_t code;
		uint16_t len;
		struct rd val;
		if (n >= MMSW_SESSION_MAX_PARAMS)
			return SES_INVALID;
		if (!rd_u8(&v, &code) || !session_li(&v, &len))
			return SES_TRUNCATED;
		if (!rd_sub(&v, len, &val))
			return SES_TRUNCATED;
		switch (code) {
		case 1: /* Connection Identifier PGI */
		case 5: /* Connect/Accept Item PGI: holds version number PI 22 */
			while (!rd_empty(&val)) {
				uint8_t c2;
				uint16_t l2;
				struct rd v2;
				if (!rd_u8(&val, &c2) || !session_li(&val, &l2) || !rd_sub(&val, l2, &v2))
					return SES_TRUNCATED;
				if (c2 == 22 && l2 == 1)
					rd_u8(&v2, &s->version);
			}
			break;
		case 22:
			if (len == 1)
				rd_u8(&val, &s->version);
			break;
		case 17: /* Transport Disconnect */
			if (len >= 1 && s->si == SES_AB) {
				rd_u8(&val, &s->reason);
				s->has_reason = true;
			}
			break;
		case 50: /* Reason Code (RF): one octet, then possibly user data */
			if (len >= 1) {
				rd_u8(&val, &s->reason);
				s->has_reason = true;
				if (!rd_empty(&val)) {
					rd_store(&s->user, rd_rest(&val));
					s->has_user = true;
				}
			}
			break;
		case 51:
			rd_view(&val, len, &s->calling_ssel);
			break;
		case 52:
			rd_view(&val, len, &s->called_ssel);
			break;
		case 193: /* User Data */
		case 194: /* Extended User Data */
			rd_store(&s->user, val);
			s->has_user = true;
			break;
		default:
			break;
		}
	}
	return SES_OK;
}

enum session_status session_parse(struct rd r, struct session_tsdu *out)
{
	/* Only the count: each SPDU is cleared when it is taken, and nobody reads
	 * past out->n (clearing all eight for every TSDU was a third of this). */
	out->n = 0;
	while (!rd_empty(&r)) {
		uint8_t si, next;
		uint16_t li;
		struct rd params;
		if (!rd_u8(&r, &si))
			return SES_TRUNCATED;
		if (!session_li(&r, &li))
			return SES_TRUNCATED;
		if (!rd_sub(&r, li, &params))
			return SES_TRUNCATED;
		/* Category 0 SPDUs (GT = 1, PT = 2) are concatenated in front of a DT; a
		 * GT is recognised by a further SPDU header right behind it. Presentation
		 * data never starts with 0x01 or 0x02, so this cannot eat user data. */
		if ((si == 1 || si == 2) && rd_peek(&r, 0, &next) && (next == 1 || next == 2) && rd_left(&r) >= 2)
			continue;
		if (!session_si_known(si))
			return SES_INVALID;
		if (out->n >= MMSW_SESSION_MAX_SPDUS)
			return SES_INVALID;
		struct session_spdu *s = &out->spdu[out->n++];
		memset(s, 0, sizeof(*s));
		s->si = si;
		enum session_status st = session_params(params, s);
		if (st != SES_OK)
			return st;
		if (si == SES_DT) {
			/* DT carries the user information after its header. */
			rd_store(&s->user, rd_rest(&r));
			s->has_user = true;
		}
	}
	return out->n ? SES_OK : SES_TRUNCATED;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* \summary: ISO 8073 COTP class 0 TPDUs (CR, CC, DR, DC, DT, ER) */
#include "cotp.h"

#include <string.h>

const char *cotp_type_name(uint8_t type)
{
	switch (type) {
	case COTP_CR:
		return "CR";
	case COTP_CC:
		return "CC";
	case COTP_DR:
		return "DR";
	case COTP_DC:
		return "DC";
	case COTP_DT:
		return "DT";
	case COTP_ED:
		return "ED";
	case COTP_AK:
		return "AK";
	case COTP_EA:
		return "EA";
	case COTP_RJ:
		return "RJ";
	case COTP_ER:
		return "ER";
	}
	return "unknown";
}

/* Variable part of CR/CC: parameters code, length, value. */
static enum cotp_status cotp_params(struct rd v, struct cotp_tpdu *out)
{
	while (!rd_empty(&v)) {
		uint8_t code, len;
		struct bview val;
		if (!rd_u8(&v, &code) || !rd_u8(&v, &len) || !rd_view(&v, len, &val))
			return COTP_INVALID;
		switch (code) {
		case 0xc0: /* tpdu-size: 2^value octets, 7..13 */
			if (len == 1 && val.p[0] >= 7 && val.p[0] <= 13)
				out->tpdu_size = 1u << val.p[0];
			break;
		case 0xc1:
			out->calling_tsap = val;
			break;
		case 0xc2:
			out->called_tsap = val;
			break;
		default:
			break;
		}
	}
	return COTP_OK;
}

enum cotp_status cotp_parse(struct rd r, struct cotp_tpdu *out)
{
	uint8_t li, type = 0;
	struct rd hdr;
	memset(out, 0, sizeof(*out));
	if (!rd_u8(&r, &li))
		return COTP_TRUNCATED;
	if (li == 0 || li == 255)
		return COTP_INVALID;
	if (!rd_sub(&r, li, &hdr))
		return COTP_TRUNCATED;
	rd_u8(&hdr, &type);
	out->type = (type & 0xf0) == COTP_CR || (type & 0xf0) == COTP_CC ? (type & 0xf0) : type;
	switch (out->type) {
	case COTP_DT: {
		uint8_t nr;
		if (!rd_u8(&hdr, &nr))
			return COTP_INVALID;
		out->eot = (nr & 0x80) != 0;
		break;
	}
	case COTP_CR:
	case COTP_CC:
		if (!rd_be16(&hdr, &out->dst_ref) || !rd_be16(&hdr, &out->src_ref) || !rd_u8(&hdr, &out->class_option))
			return COTP_INVALID;
		if (cotp_params(hdr, out) != COTP_OK)
			return COTP_INVALID;
		break;
	case COTP_DR:
		if (!rd_be16(&hdr, &out->dst_ref) || !rd_be16(&hdr, &out->src_ref) || !rd_u8(&hdr, &out->reason))
			return COTP_INVALID;
		break;
	case COTP_DC:
		if (!rd_be16(&hdr, &out->dst_ref) || !rd_be16(&hdr, &out->src_ref))
			return COTP_INVALID;
		break;
	case COTP_ER:
		if (!rd_be16(&hdr, &out->dst_ref) || !rd_u8(&hdr, &out->reason))
			return COTP_INVALID;
		break;
	case COTP_ED:
	case COTP_AK:
	case COTP_EA:
	case COTP_RJ:
		break; /* not used by class 0; recognised, passed through */
	default:
		return COTP_INVALID;
	}
	rd_store(&out->user, rd_rest(&r));
	return COTP_OK;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* \summary: RFC 1006 TPKT header and resynchronisation test */
#include "tpkt.h"
#include "limits.h"
#include "session.h"

enum tpkt_status tpkt_header(struct rd r, uint16_t *len)
{
	uint8_t ver = 0, res = 0;
	uint16_t l = 0;
	if (rd_left(&r) < TPKT_HDR_LEN)
		return TPKT_NEED_MORE;
	rd_u8(&r, &ver);
	rd_u8(&r, &res);
	rd_be16(&r, &l);
	if (ver != 3 || res != 0 || l < MMSW_TPKT_MIN)
		return TPKT_BAD;
	*len = l;
	return TPKT_OK;
}

bool tpkt_plausible(struct rd r, uint16_t *len)
{
	uint8_t li, type, b;
	if (tpkt_header(r, len) != TPKT_OK)
		return false;
	if (!rd_peek(&r, 4, &li) || !rd_peek(&r, 5, &type))
		return false;
	if ((unsigned)li + 1u > (unsigned)*len - TPKT_HDR_LEN)
		return false;
	switch (type & 0xf0) {
	case 0xf0: /* DT: class 0 has LI 2 and an EOT/NR octet */
		if (li != 2 || !rd_peek(&r, 6, &b))
			return false;
		return (b & 0x7f) == 0;
	case 0xe0: /* CR */
	case 0xd0: /* CC */
		return li >= 6;
	case 0x80: /* DR */
		return li >= 6 && type == 0x80;
	case 0xc0: /* DC */
		return li >= 5 && type == 0xc0;
	case 0x70: /* ER */
		return li >= 4 && type == 0x70;
	default:
		return false;
	}
}

bool tpkt_opens_session_pdu(struct rd r)
{
	uint16_t len;
	uint8_t type, si;
	if (!tpkt_plausible(r, &len) || len < 8 || !rd_peek(&r, 5, &type) || type != 0xf0 || !rd_peek(&r, 7, &si))
		return false;
	switch (si) {
	case SES_DT:
	case SES_CN:
	case SES_AC:
	case SES_RF:
	case SES_FN:
	case SES_DN:
	case SES_AB:
		return true;
	default:
		return false;
	}
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* decode_ip.c - network and TCP headers; see decode_ip.h. */
#include "stages/decode_ip.h"

#include <string.h>

#include "dissectors/rd.h"
#include "util/stats.h"

enum ip_result decode_tcp(struct pkt *p, const uint8_t *seg, uint32_t len)
{
	struct rd r = rd_make(seg, len);
	uint8_t off, flags;
	if (!rd_be16(&r, &p->sport) || !rd_be16(&r, &p->dport) || !rd_be32(&r, &p->seq) || !rd_be32(&r, &p->ack) ||
	    !rd_u8(&r, &off) || !rd_u8(&r, &flags)) {
		stat_inc(STAT_tcp_invalid);
		return IP_INVALID;
	}
	uint32_t hlen = (uint32_t)(off >> 4) * 4;
	if (hlen < 20 || hlen > len) {
		stat_inc(STAT_tcp_invalid);
		return IP_INVALID;
	}
	p->tcp_flags = flags;
	p->payload = seg + hlen;
	p->plen = len - hlen;
	p->l4proto = 6;
	return IP_TCP;
}

enum ip_result decode_udp(struct pkt *p, const uint8_t *seg, uint32_t len)
{
	struct rd r = rd_make(seg, len);
	uint16_t ulen;
	if (!rd_be16(&r, &p->sport) || !rd_be16(&r, &p->dport) || !rd_be16(&r, &ulen) || !rd_skip(&r, 2))
		return IP_OTHER; /* not read further: as before UDP was decoded */
	p->payload = seg + 8;
	/* the UDP length, when it is sane, over what the capture holds */
	p->plen = ulen >= 8 && ulen - 8u < len - 8 ? ulen - 8u : len - 8;
	p->l4proto = 17;
	return IP_UDP;
}

static enum ip_result ipv4(struct pkt *p)
{
	struct rd r = rd_make(p->l3, p->l3len);
	uint8_t vihl, proto;
	uint16_t total, frag;
	if (!rd_u8(&r, &vihl) || !rd_skip(&r, 1) || !rd_be16(&r, &total) || !rd_skip(&r, 2) || !rd_be16(&r, &frag) ||
	    !rd_skip(&r, 1) || !rd_u8(&r, &proto) || !rd_skip(&r, 2)) {
		stat_inc(STAT_ipv4_invalid);
		return IP_INVALID;
	}
	uint32_t hlen = (uint32_t)(vihl & 0x0f) * 4;
	if ((vihl >> 4) != 4 || hlen < 20 || total < hlen || hlen > p->l3len) {
		stat_inc(STAT_ipv4_invalid);
		return IP_INVALID;
	}
	memset(p->src, 0, sizeof(p->src));
	memset(p->dst, 0, sizeof(p->dst));
	memcpy(p->src, p->l3 + 12, 4);
	memcpy(p->dst, p->l3 + 16, 4);
	p->ipver = 4;
	/* Ethernet pads short frames: the IP total length is what counts. A snapped
	 * capture may hold less than it: decode what is there. */
	uint32_t len = total < p->l3len ? total : p->l3len;
	if (frag & 0x3fff) /* more-fragments or an offset */
		return IP_FRAGMENT;
	if (proto == 17)
		return decode_udp(p, p->l3 + hlen, len - hlen);
	if (proto != 6)
		return IP_OTHER;
	return decode_tcp(p, p->l3 + hlen, len - hlen);
}

static enum ip_result ipv6(struct pkt *p)
{
	struct rd r = rd_make(p->l3, p->l3len);
	uint8_t v, next;
	uint16_t plen;
	if (!rd_u8(&r, &v) || (v >> 4) != 6 || !rd_skip(&r, 3) || !rd_be16(&r, &plen) || !rd_u8(&r, &next) ||
	    !rd_skip(&r, 1) || rd_left(&r) < 32) {
		stat_inc(STAT_ipv6_invalid);
		return IP_INVALID;
	}
	memcpy(p->src, rd_ptr(&r), 16);
	memcpy(p->dst, rd_ptr(&r) + 16, 16);
	rd_skip(&r, 32);
	p->ipver = 6;
	if (plen && plen < rd_left(&r))
		r.len = r.off + plen;
	for (int n = 0;; n++) {
		if (next == 6)
			return decode_tcp(p, rd_ptr(&r), (uint32_t)rd_left(&r));
		if (next == 17)
			return decode_udp(p, rd_ptr(&r), (uint32_t)rd_left(&r));
		if (n >= MMSW_MAX_IPV6_EXT) {
			stat_inc(STAT_ipv6_ext_limit);
			return IP_OTHER;
		}
		uint8_t nh, hl;
		size_t skip;
		switch (next) {
		case 0:  /* hop-by-hop */
		case 43: /* routing */
		case 60: /* destination options */
			if (!rd_peek(&r, 0, &nh) || !rd_peek(&r, 1, &hl))
				goto bad;
			skip = ((size_t)hl + 1) * 8;
			break;
		case 51: /* authentication header */
			if (!rd_peek(&r, 0, &nh) || !rd_peek(&r, 1, &hl))
				goto bad;
			skip = ((size_t)hl + 2) * 4;
			break;
		case 44: { /* fragment: only an unfragmented "atomic" one is decoded */
			uint8_t o1, o2;
			if (!rd_peek(&r, 0, &nh) || !rd_peek(&r, 2, &o1) || !rd_peek(&r, 3, &o2))
				goto bad;
			if ((o1 << 8 | o2) != 0)
				return IP_OTHER;
			skip = 8;
			break;
		}
		default:
			return IP_OTHER;
		}
		if (!rd_skip(&r, skip))
			goto bad;
		next = nh;
	}
bad:
	stat_inc(STAT_ipv6_invalid);
	return IP_INVALID;
}

enum ip_result decode_ip(struct pkt *p)
{
	uint8_t v;
	if (p->l3len < 1)
		return IP_INVALID;
	v = p->l3[0] >> 4;
	if (v == 4)
		return ipv4(p);
	if (v == 6)
		return ipv6(p);
	return IP_INVALID;
}

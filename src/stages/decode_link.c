/* decode_link.c - link-layer decoding; see decode_link.h. */
#include "stages/decode_link.h"

#include <pcap/dlt.h>

#include "dissectors/rd.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

bool link_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB: case DLT_LINUX_SLL: case DLT_LINUX_SLL2: case DLT_RAW:
	case DLT_IPV4: case DLT_IPV6: case DLT_NULL: case DLT_LOOP:
		return true;
	}
	return false;
}

const char *link_name(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB: return "Ethernet";
	case DLT_LINUX_SLL: return "Linux SLL";
	case DLT_LINUX_SLL2: return "Linux SLL2";
	case DLT_RAW: return "raw IP";
	case DLT_IPV4: return "raw IPv4";
	case DLT_IPV6: return "raw IPv6";
	case DLT_NULL: return "BSD loopback";
	case DLT_LOOP: return "OpenBSD loopback";
	}
	return "unsupported";
}

static bool is_vlan_tpid(uint16_t t)
{
	return t == 0x8100 || t == 0x88a8 || t == 0x9100 || t == 0x9200 || t == 0x9300;
}

/* VLAN tags after an ethertype `et` already read; leaves the cursor at the payload. */
static enum link_result vlan_tags(struct rd *r, struct pkt *p, uint16_t et)
{
	while (is_vlan_tpid(et)) {
		uint16_t tci;
		if (p->n_vlan >= MMSW_MAX_VLAN)
			return LINK_TOO_DEEP;
		if (!rd_be16(r, &tci) || !rd_be16(r, &et))
			return LINK_TRUNCATED;
		p->vlan[p->n_vlan++] = tci & 0x0fff;
	}
	p->ethertype = et;
	return LINK_OK;
}

/* Ethertype at the cursor, then any VLAN tags. */
static enum link_result ethertype_and_tags(struct rd *r, struct pkt *p)
{
	uint16_t et;
	if (!rd_be16(r, &et))
		return LINK_TRUNCATED;
	return vlan_tags(r, p, et);
}

static enum link_result finish(struct rd *r, struct pkt *p)
{
	p->l3 = rd_ptr(r);
	p->l3len = (uint32_t)rd_left(r);
	return (p->ethertype == ETHERTYPE_IPV4 || p->ethertype == ETHERTYPE_IPV6) ? LINK_OK : LINK_NOT_IP;
}

/* Raw IP: the version nibble says which. */
static enum link_result raw_ip(struct rd *r, struct pkt *p)
{
	uint8_t v;
	if (!rd_peek(r, 0, &v))
		return LINK_TRUNCATED;
	p->ethertype = (v >> 4) == 4 ? ETHERTYPE_IPV4 : (v >> 4) == 6 ? ETHERTYPE_IPV6 : 0;
	return finish(r, p);
}

enum link_result decode_link(int dlt, struct pkt *p)
{
	struct rd r = rd_make(p->data, p->caplen);
	enum link_result res;
	p->n_vlan = 0;
	switch (dlt) {
	case DLT_EN10MB:
		if (!rd_skip(&r, 12))
			return LINK_TRUNCATED;
		if ((res = ethertype_and_tags(&r, p)) != LINK_OK)
			return res;
		return finish(&r, p);
	case DLT_LINUX_SLL: /* 16 bytes; protocol in the last two, VLAN tags after */
		if (!rd_skip(&r, 14))
			return LINK_TRUNCATED;
		if ((res = ethertype_and_tags(&r, p)) != LINK_OK)
			return res;
		return finish(&r, p);
	case DLT_LINUX_SLL2: { /* 20 bytes; protocol first, VLAN tags after the header */
		uint16_t et;
		if (!rd_be16(&r, &et) || !rd_skip(&r, 18))
			return LINK_TRUNCATED;
		if ((res = vlan_tags(&r, p, et)) != LINK_OK)
			return res;
		return finish(&r, p);
	}
	case DLT_RAW:
		return raw_ip(&r, p);
	case DLT_IPV4:
		p->ethertype = ETHERTYPE_IPV4;
		return finish(&r, p);
	case DLT_IPV6:
		p->ethertype = ETHERTYPE_IPV6;
		return finish(&r, p);
	case DLT_NULL:
	case DLT_LOOP: {
		/* 4-byte address family: host order for NULL (either byte order, as the
		 * capturing host's), network order for LOOP. AF_INET is 2 everywhere;
		 * AF_INET6 is 10, 24, 28 or 30 depending on the OS. */
		uint32_t fam;
		if (!rd_be32(&r, &fam))
			return LINK_TRUNCATED;
		if (dlt == DLT_NULL && (fam & 0xffff) == 0)
			fam = ((fam >> 24) & 0xff) | ((fam >> 8) & 0xff00) | ((fam << 8) & 0xff0000) | (fam << 24);
		if (fam == 2)
			p->ethertype = ETHERTYPE_IPV4;
		else if (fam == 10 || fam == 24 || fam == 28 || fam == 30)
			p->ethertype = ETHERTYPE_IPV6;
		else
			p->ethertype = 0;
		return finish(&r, p);
	}
	}
	return LINK_UNSUPPORTED;
}

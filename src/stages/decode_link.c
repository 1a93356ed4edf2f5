/* SPDX-License-Identifier: GPL-2.0-or-later */
/* decode_link.c - link-layer decoding; see decode_link.h. */
#include "stages/decode_link.h"

#include <pcap/dlt.h>

#include "dissectors/rd.h"
#include "util/stats.h"

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
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
	case DLT_NULL:
	case DLT_LOOP:
		return true;
	}
	return false;
}

const char *link_name(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
		return "Ethernet";
	case DLT_LINUX_SLL:
		return "Linux SLL";
	case DLT_LINUX_SLL2:
		return "Linux SLL2";
	case DLT_RAW:
		return "raw IP";
	case DLT_IPV4:
		return "raw IPv4";
	case DLT_IPV6:
		return "raw IPv6";
	case DLT_NULL:
		return "BSD loopback";
	case DLT_LOOP:
		return "OpenBSD loopback";
	}
	return "unsupported";
}

bool link_vlan_tpid(uint16_t t)
{
	return t == 0x8100 || t == 0x88a8 || t == 0x9100 || t == 0x9200 || t == 0x9300;
}

/* VLAN tags after an ethertype `et` already read; leaves the cursor at the payload. */
static enum link_result vlan_tags(struct rd *r, struct pkt *p, uint16_t et)
{
	while (link_vlan_tpid(et)) {
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

static enum link_result finish(struct rd *r, struct pkt *p)
{
	p->l3 = rd_ptr(r);
	p->l3len = (uint32_t)rd_left(r);
	return (p->ethertype == ETHERTYPE_IPV4 || p->ethertype == ETHERTYPE_IPV6) ? LINK_OK : LINK_NOT_IP;
}

/* The frame's length as sent (FCS excluded): what LSDU sizes count. A snapped
 * capture holds less than the wire carried. */
static uint32_t frame_len(const struct pkt *p)
{
	return p->wirelen > p->caplen ? p->wirelen : p->caplen;
}

/* IEC 62439-3 supervision frames carry, after SupPath/SupVersion (2 bytes) and
 * SupSequenceNumber (2), a first TLV whose type says who sent it: 20 or 21 a PRP
 * node (duplicate discard / accept), 23 an HSR node. An HSR node of the 2010
 * edition sends them without an HSR tag. */
#define SUP_TLV_HSR_NODE 23

static bool supervision_from_hsr_node(const struct rd *r)
{
	uint8_t type;
	return rd_peek(r, 4, &type) && type == SUP_TLV_HSR_NODE;
}

/* HSR: after the EtherType 0x892F (read), the path (net id 3 bits, lane 1 bit),
 * the LSDU size (12 bits), the sequence number and the frame's own EtherType, with
 * VLAN tags possibly inside. The LSDU size counts every byte after the 0x892F
 * EtherType, padding included (HSR pads to 66 bytes): Linux net/hsr writes
 * `frame length - 14 - 4 per VLAN tag in front of the HSR tag`, Wireshark checks
 * `bytes after the HSR EtherType`; the same number. A wrong size is counted and
 * the frame still decoded: the EtherType already said HSR (unlike a PRP trailer,
 * there is nothing to guess), and dropping it would blind the sensor to traffic a
 * node got wrong. */
static enum link_result hsr_tag(struct rd *r, struct pkt *p)
{
	uint32_t after_type = (uint32_t)rd_pos(r);
	uint16_t path_size, seq, et;
	if (!rd_be16(r, &path_size) || !rd_be16(r, &seq) || !rd_be16(r, &et))
		return LINK_TRUNCATED;
	enum link_result res = vlan_tags(r, p, et);
	if (res != LINK_OK)
		return res;
	if ((uint32_t)(path_size & 0x0fff) != frame_len(p) - after_type)
		stat_inc(STAT_hsr_size_mismatch);
	p->red_net = (uint8_t)(path_size >> 13);
	p->red_lan = (uint8_t)((path_size >> 12) & 1);
	p->red_seq = seq;
	if (p->ethertype == ETHERTYPE_PRP_SUPERVISION) {
		p->red = RED_HSR_SUPERVISION;
		stat_inc(STAT_hsr_supervision_frames);
	} else {
		p->red = RED_HSR;
		stat_inc(p->red_lan ? STAT_hsr_frames_lane_b : STAT_hsr_frames_lane_a);
	}
	return finish(r, p);
}

/* PRP's redundancy control trailer ends at `end` (an offset into the frame) when
 * the six bytes before it read: sequence number, LAN id 0xA or 0xB (4 bits), LSDU
 * size (12 bits), suffix 0x88FB. */
struct rct {
	uint16_t seq;
	uint8_t lan;
	uint16_t lsdu;
};

static bool rct_at(const struct pkt *p, uint32_t end, struct rct *t)
{
	struct rd r = rd_make(p->data, p->caplen);
	uint16_t seq, lan_size, suffix;
	if (end < 6 || !rd_skip(&r, end - 6) || !rd_be16(&r, &seq) || !rd_be16(&r, &lan_size) || !rd_be16(&r, &suffix))
		return false;
	if (suffix != ETHERTYPE_PRP_SUPERVISION || ((lan_size >> 12) != 0xa && (lan_size >> 12) != 0xb))
		return false;
	t->seq = seq;
	t->lan = (uint8_t)(lan_size >> 12);
	t->lsdu = lan_size & 0x0fff;
	return true;
}

/* The size check that tells a trailer from six payload bytes that happen to look
 * like one. The sender counts from the end of the Ethernet header (`base`: past
 * the first EtherType, 14 on Ethernet) to the trailer's end, less 4 per VLAN tag;
 * a SPAN port may add or strip tags on the way and senders differ in which tags
 * they count, so any number of the tags present is accepted. */
static bool lsdu_fits(uint16_t lsdu, uint32_t end, uint32_t base, uint32_t payload_off, uint8_t n_vlan)
{
	if (end < payload_off + 6) /* the trailer must lie after every header */
		return false;
	for (uint32_t k = 0; k <= n_vlan; k++)
		if (end >= base + 4 * k && lsdu == end - base - 4 * k)
			return true;
	return false;
}

/* PRP frames shorter than this may carry the trailer before padding a switch
 * added (a tag stripped from a minimum-size frame): Wireshark searches backwards
 * there, and so do we. Longer frames have it at the very end. */
#define PRP_SEARCH_MAX_LEN 64

/* A PRP trailer on a frame whose payload starts at the cursor; `base` as above.
 * When one passes the size check, it (and any padding after it) is cut off the
 * payload, so the next stage sees the frame as the node sent it. */
static void prp_trailer(struct rd *r, struct pkt *p, uint32_t base)
{
	uint32_t len = p->caplen;
	uint32_t payload_off = (uint32_t)rd_pos(r);
	struct rct t;
	bool looks = false;
	if (len != frame_len(p))
		return; /* snapped: the trailer, if any, was not captured */
	/* Sizes as on Ethernet, whose header ends at 14 (cooked headers are longer). */
	uint32_t lowest = len + 14 <= PRP_SEARCH_MAX_LEN + base ? payload_off + 6 : len;
	for (uint32_t end = len; end >= lowest && end >= 6; end--) {
		if (!rct_at(p, end, &t))
			continue;
		if (end == len)
			looks = true;
		if (!lsdu_fits(t.lsdu, end, base, payload_off, p->n_vlan))
			continue;
		p->red_lan = t.lan;
		p->red_seq = t.seq;
		p->red = RED_PRP; /* the caller turns a supervision frame's into its own kind */
		*r = rd_make(p->data, end - 6);
		rd_skip(r, payload_off); /* lsdu_fits: the payload starts before the trailer */
		return;
	}
	if (looks)
		stat_inc(STAT_prp_size_mismatch);
}

/* From the first EtherType on (`et`, already read; `base` is where the bytes
 * after it begin): VLAN tags, then an HSR tag, a supervision frame, or a payload
 * that may end in a PRP trailer. */
static enum link_result after_ethertype(struct rd *r, struct pkt *p, uint16_t et, uint32_t base)
{
	enum link_result res = vlan_tags(r, p, et);
	if (res != LINK_OK)
		return res;
	if (p->ethertype == ETHERTYPE_HSR)
		return hsr_tag(r, p);
	prp_trailer(r, p, base);
	if (p->ethertype == ETHERTYPE_PRP_SUPERVISION) {
		/* PRP supervision frames carry a trailer too (its LAN id says which LAN
		 * the frame came by); without one, red_lan stays 0. */
		if (p->red == RED_NONE) {
			p->red_lan = 0;
			p->red_seq = 0;
		}
		if (supervision_from_hsr_node(r)) {
			p->red = RED_HSR_SUPERVISION;
			stat_inc(STAT_hsr_supervision_frames);
		} else {
			p->red = RED_PRP_SUPERVISION;
			stat_inc(STAT_prp_supervision_frames);
		}
	} else if (p->red == RED_PRP) {
		stat_inc(p->red_lan == 0xa ? STAT_prp_frames_lan_a : STAT_prp_frames_lan_b);
	}
	return finish(r, p);
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

/* Linux cooked headers name the sender's link-layer address; a 6-byte one is
 * its MAC. */
static void cooked_source(struct pkt *p, uint32_t halen, const uint8_t *addr)
{
	if (halen == 6)
		p->src_mac = addr;
}

enum link_result decode_link(int dlt, struct pkt *p)
{
	struct rd r = rd_make(p->data, p->caplen);
	p->n_vlan = 0;
	p->src_mac = NULL;
	p->red = RED_NONE;
	p->red_lan = 0;
	p->red_net = 0;
	p->red_seq = 0;
	p->red_duplicate = false;
	switch (dlt) {
	case DLT_EN10MB: {
		uint16_t et;
		if (!rd_skip(&r, 6))
			return LINK_TRUNCATED;
		const uint8_t *src = rd_ptr(&r);
		if (!rd_skip(&r, 6) || !rd_be16(&r, &et))
			return LINK_TRUNCATED;
		p->src_mac = src;
		return after_ethertype(&r, p, et, 14);
	}
	case DLT_LINUX_SLL: { /* 16 bytes; protocol in the last two, VLAN tags after */
		uint16_t halen, et;
		if (!rd_skip(&r, 4) || !rd_be16(&r, &halen))
			return LINK_TRUNCATED;
		const uint8_t *addr = rd_ptr(&r);
		if (!rd_skip(&r, 8) || !rd_be16(&r, &et))
			return LINK_TRUNCATED;
		cooked_source(p, halen, addr);
		return after_ethertype(&r, p, et, 16);
	}
	case DLT_LINUX_SLL2: { /* 20 bytes; protocol first, VLAN tags after the header */
		uint16_t et;
		uint8_t halen;
		if (!rd_be16(&r, &et) || !rd_skip(&r, 9) || !rd_u8(&r, &halen))
			return LINK_TRUNCATED;
		const uint8_t *addr = rd_ptr(&r);
		if (!rd_skip(&r, 8))
			return LINK_TRUNCATED;
		cooked_source(p, halen, addr);
		return after_ethertype(&r, p, et, 20);
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

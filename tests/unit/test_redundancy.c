/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_redundancy.c - PRP trailers, HSR tags and supervision frames as the link
 * stage reads them (bytes in, struct pkt out), the duplicate discard, and the live
 * capture's default filter on PRP/HSR frames. Frames are built here field by
 * field, so each case says which byte makes the difference; hostile cases: a tail
 * that looks like a trailer but fails the size check, truncated tags, tags inside
 * tags, short padded frames, snapped frames. */
#include <pcap/pcap.h>
#include <stdlib.h>

#include "tcheck.h"
#include "core/packet.h"
#include "stages/capture_live.h"
#include "stages/decode_link.h"
#include "stages/redundancy.h"
#include "util/stats.h"

/* A frame under construction. */
struct fb {
	uint8_t b[256];
	uint32_t n;
};

static void put(struct fb *f, const uint8_t *b, uint32_t n)
{
	memcpy(f->b + f->n, b, n);
	f->n += n;
}

static void put16(struct fb *f, uint16_t v)
{
	f->b[f->n++] = (uint8_t)(v >> 8);
	f->b[f->n++] = (uint8_t)v;
}

static void put_zeros(struct fb *f, uint32_t n)
{
	memset(f->b + f->n, 0, n);
	f->n += n;
}

static const uint8_t DST[6] = { 0x02, 0, 0, 0, 0, 0x66 };
static const uint8_t SRC[6] = { 0x02, 0, 0, 0, 0xe1, 0xd6 };
static const uint8_t SRC2[6] = { 0x02, 0, 0, 0, 0xe1, 0xd7 };

static void macs(struct fb *f, const uint8_t *src)
{
	f->n = 0;
	put(f, DST, 6);
	put(f, src, 6);
}

/* IPv4 + TCP 57814 -> 102 with `plen` payload bytes (value `fill`): 40 + plen bytes. */
static void ip_tcp(struct fb *f, uint32_t plen, uint8_t fill)
{
	uint16_t total = (uint16_t)(40 + plen);
	uint8_t ip[20] = {
		0x45, 0, (uint8_t)(total >> 8), (uint8_t)total, 0, 1, 0x40, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1
	};
	uint8_t tcp[20] = { 0xe1, 0xd6, 0, 102, 0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0 };
	put(f, ip, 20);
	put(f, tcp, 20);
	memset(f->b + f->n, fill, plen);
	f->n += plen;
}

static void trailer(struct fb *f, uint16_t seq, uint8_t lan, uint16_t lsdu)
{
	put16(f, seq);
	put16(f, (uint16_t)((lan << 12) | (lsdu & 0x0fff)));
	put16(f, 0x88fb);
}

static struct pkt pkt_of(const struct fb *f)
{
	struct pkt p;
	memset(&p, 0, sizeof(p));
	p.data = f->b;
	p.caplen = p.wirelen = f->n;
	return p;
}

static uint64_t st(enum stat_id id)
{
	return g_stats[id];
}

static void plain_frames(void)
{
	struct fb f;
	macs(&f, SRC);
	put16(&f, 0x0800);
	ip_tcp(&f, 20, 0xaa);
	struct pkt p = pkt_of(&f);
	CHECK_EQ(decode_link(DLT_EN10MB, &p), LINK_OK);
	CHECK_EQ(p.red, RED_NONE);
	CHECK(p.src_mac == f.b + 6);
	CHECK_EQ(p.l3len, 60);
	/* Six bytes at the end that look nothing like a trailer: not counted. */
	stats_reset();
	uint8_t tail[6] = { 1, 2, 3, 4, 5, 6 };
	put(&f, tail, 6);
	p = pkt_of(&f);
	CHECK_EQ(decode_link(DLT_EN10MB, &p), LINK_OK);
	CHECK_EQ(p.red, RED_NONE);
	CHECK_EQ(p.l3len, 66);
	CHECK_EQ(st(STAT_prp_size_mismatch), 0);
	/* raw IP has no MAC */
	p = pkt_of(&f);
	p.data = f.b + 14;
	p.caplen = p.wirelen = f.n - 14;
	CHECK_EQ(decode_link(DLT_RAW, &p), LINK_OK);
	CHECK(p.src_mac == NULL);
}

static void prp_trailers(void)
{
	stats_reset();
	struct fb f;
	/* LAN A: LSDU = 14 + 60 + 6 - 14 = 66 */
	macs(&f, SRC);
	put16(&f, 0x0800);
	ip_tcp(&f, 20, 0xaa);
	trailer(&f, 4711, 0xa, 66);
	struct pkt p = pkt_of(&f);
	CHECK_EQ(decode_link(DLT_EN10MB, &p), LINK_OK);
	CHECK_EQ(p.red, RED_PRP);
	CHECK_EQ(p.red_lan, 0xa);
	CHECK_EQ(p.red_seq, 4711);
	CHECK_EQ(p.l3len, 60); /* the IP stage sees the frame the node sent */
	CHECK_EQ(st(STAT_prp_frames_lan_a), 1);
	/* LAN B */
	f.n -= 6;
	trailer(&f, 4711, 0xb, 66);
	p = pkt_of(&f);
	CHECK_EQ(decode_link(DLT_EN10MB, &p), LINK_OK);
	CHECK_EQ(p.red, RED_PRP);
	CHECK_EQ(p.red_lan, 0xb);
	CHECK_EQ(st(STAT_prp_frames_lan_b), 1);
	/* A tail that looks like a trailer (suffix, LAN id) but fails the size
	 * check: an ordinary frame, its bytes left in the payload, counted. */
	f.n -= 6;
	trailer(&f, 1, 0xa, 65);
	p = pkt_of(&f);
	CHECK_EQ(decode_link(DLT_EN10MB, &p), LINK_OK);
	CHECK_EQ(p.red, RED_NONE);
	CHECK_EQ(p.l3len, 66);
	CHECK_EQ(st(STAT_prp_size_mismatch), 1);
	/* A LAN id other than A or B is no trailer at all. */
	f.n -= 6;
	trailer(&f, 1, 0xc, 66);
	p = pkt_of(&f);
	decode_link(DLT_EN10MB, &p);
	CHECK_EQ(p.red, RED_NONE);
	CHECK_EQ(st(STAT_prp_size_mismatch), 1);
	/* Snapped: the last bytes captured are not the frame's end. */
	f.n -= 6;
	trailer(&f, 1, 0xa, 66);
	p = pkt_of(&f);
	p.wirelen = f.n + 100;
	decode_link(DLT_EN10MB, &p);
	CHECK_EQ(p.red, RED_NONE);
}

static void prp_vlan(void)
{
	stats_reset();
	struct fb f;
	/* One 802.1Q tag: 18 + 60 + 6 = 84 bytes; LSDU 66 (the tag not counted) or
	 * 70 (a sender, or a SPAN port adding the tag, that counts it). */
	uint16_t ok[] = { 66, 70 };
	for (int i = 0; i < 2; i++) {
		macs(&f, SRC);
		put16(&f, 0x8100);
		put16(&f, 100);
		put16(&f, 0x0800);
		ip_tcp(&f, 20, 0xaa);
		trailer(&f, 7, 0xb, ok[i]);
		struct pkt p = pkt_of(&f);
		CHECK_EQ(decode_link(DLT_EN10MB, &p), LINK_OK);
		CHECK_EQ(p.red, RED_PRP);
		CHECK_EQ(p.n_vlan, 1);
		CHECK_EQ(p.vlan[0], 100);
		CHECK_EQ(p.l3len, 60);
	}
	/* 62 would need a second tag that is not there. */
	f.n -= 6;
	trailer(&f, 7, 0xb, 62);
	struct pkt p = pkt_of(&f);
	decode_link(DLT_EN10MB, &p);
	CHECK_EQ(p.red, RED_NONE);
	CHECK_EQ(st(STAT_prp_size_mismatch), 1);
	/* QinQ: 66, 70 and 74 all pass. */
	for (uint16_t l = 66; l <= 74; l += 4) {
		macs(&f, SRC);
		put16(&f, 0x88a8);
		put16(&f, 10);
		put16(&f, 0x8100);
		put16(&f, 20);
		put16(&f, 0x0800);
		ip_tcp(&f, 20, 0xaa);
		trailer(&f, 8, 0xa, l);
		p = pkt_of(&f);
		CHECK_EQ(decode_link(DLT_EN10MB, &p), LINK_OK);
		CHECK_EQ(p.red, RED_PRP);
		CHECK_EQ(p.n_vlan, 2);
	}
}

static void prp_short_frames(void)
{
	stats_reset();
	struct fb f;
	/* PRP-1: padded to 60, then the trailer: 66 bytes, LSDU 52, trailer at the end. */
	macs(&f, SRC);
	put16(&f, 0x0806);
	put_zeros(&f, 28); /* an ARP body */
	put_zeros(&f, 60 - f.n);
	trailer(&f, 3, 0xa, 52);
	struct pkt p = pkt_of(&f);
	CHECK_EQ(decode_link(DLT_EN10MB, &p), LINK_NOT_IP);
	CHECK_EQ(p.red, RED_PRP);
	CHECK_EQ(p.ethertype, 0x0806);
	CHECK_EQ(p.l3len, 46);
	/* The trailer right after the ARP body, then padding a switch added (a
	 * tag stripped from a minimum-size frame): found by searching back. */
	macs(&f, SRC);
	put16(&f, 0x0806);
	put_zeros(&f, 28);
	trailer(&f, 4, 0xb, 34);
	put_zeros(&f, 60 - f.n);
	p = pkt_of(&f);
	CHECK_EQ(decode_link(DLT_EN10MB, &p), LINK_NOT_IP);
	CHECK_EQ(p.red, RED_PRP);
	CHECK_EQ(p.red_lan, 0xb);
	CHECK_EQ(p.red_seq, 4);
	CHECK_EQ(p.l3len, 28); /* trailer and padding cut */
	/* The same in a frame longer than 64 bytes is not searched for: only a
	 * trailer at the very end counts there. */
	macs(&f, SRC);
	put16(&f, 0x0806);
	put_zeros(&f, 28);
	trailer(&f, 4, 0xb, 34);
	put_zeros(&f, 70 - f.n);
	p = pkt_of(&f);
	decode_link(DLT_EN10MB, &p);
	CHECK_EQ(p.red, RED_NONE);
	CHECK_EQ(st(STAT_prp_size_mismatch), 0);
	/* A trailer whose LSDU size would put it inside the headers. */
	macs(&f, SRC);
	put16(&f, 0x8100);
	put16(&f, 5);
	put16(&f, 0x0806);
	trailer(&f, 1, 0xa, 10); /* end 24: 24 - 14 = 10 fits k=0, but the tag ends at 18 */
	put_zeros(&f, 60 - f.n);
	p = pkt_of(&f);
	decode_link(DLT_EN10MB, &p);
	CHECK_EQ(p.red, RED_PRP); /* an empty LSDU after the tag: end 24 >= 18 + 6 */
	CHECK_EQ(p.l3len, 0);
	macs(&f, SRC);
	put16(&f, 0x8100);
	put16(&f, 5);
	put16(&f, 0x0806);
	f.n -= 2;               /* the trailer would cover the EtherType after the tag */
	trailer(&f, 1, 0xa, 8); /* end 22: 22 - 14 = 8 */
	put_zeros(&f, 60 - f.n);
	p = pkt_of(&f);
	decode_link(DLT_EN10MB, &p);
	CHECK(p.red != RED_PRP);
}

static void prp_goose_and_supervision(void)
{
	stats_reset();
	struct fb f;
	/* GOOSE with a trailer: normal, the trailer cut. */
	macs(&f, SRC);
	put16(&f, 0x88b8);
	put_zeros(&f, 50);
	trailer(&f, 9, 0xa, 56);
	struct pkt p = pkt_of(&f);
	CHECK_EQ(decode_link(DLT_EN10MB, &p), LINK_NOT_IP);
	CHECK_EQ(p.red, RED_PRP);
	CHECK_EQ(p.ethertype, ETHERTYPE_GOOSE);
	CHECK_EQ(p.l3len, 50);
	/* PRP supervision: 0x88FB, TLV 20, padded to 60, trailer on LAN B. */
	macs(&f, SRC);
	put16(&f, 0x88fb);
	uint8_t sup[] = { 0x00, 0x01, 0x00, 0x05, 20, 6, 0x02, 0, 0, 0, 0xe1, 0xd6, 0, 0 };
	put(&f, sup, sizeof(sup));
	put_zeros(&f, 60 - f.n);
	trailer(&f, 10, 0xb, 52);
	p = pkt_of(&f);
	CHECK_EQ(decode_link(DLT_EN10MB, &p), LINK_NOT_IP);
	CHECK_EQ(p.red, RED_PRP_SUPERVISION);
	CHECK_EQ(p.red_lan, 0xb);
	CHECK_EQ(p.l3len, 46);
	CHECK_EQ(st(STAT_prp_supervision_frames), 1);
	CHECK_EQ(st(STAT_prp_frames_lan_b), 0); /* supervision is counted apart */
	/* Without a trailer: still supervision, no LAN. */
	f.n -= 6;
	p = pkt_of(&f);
	decode_link(DLT_EN10MB, &p);
	CHECK_EQ(p.red, RED_PRP_SUPERVISION);
	CHECK_EQ(p.red_lan, 0);
	/* An HSR node of the 2010 edition: 0x88FB without a tag, TLV 23. */
	f.b[14 + 4] = 23;
	p = pkt_of(&f);
	decode_link(DLT_EN10MB, &p);
	CHECK_EQ(p.red, RED_HSR_SUPERVISION);
	CHECK_EQ(st(STAT_hsr_supervision_frames), 1);
}

/* An HSR tag: path (net id, lane), LSDU size, sequence number, EtherType. */
static void hsr_tag(struct fb *f, uint8_t net, uint8_t lane, uint16_t lsdu, uint16_t seq, uint16_t et)
{
	put16(f, 0x892f);
	put16(f, (uint16_t)((net << 13) | (lane << 12) | (lsdu & 0x0fff)));
	put16(f, seq);
	put16(f, et);
}

static void hsr_frames(void)
{
	stats_reset();
	struct fb f;
	/* 14 + 6 + 60 = 80 bytes; LSDU = 80 - 14 = 66 (the tag after 0x892F counted). */
	macs(&f, SRC);
	hsr_tag(&f, 0, 1, 66, 65535, 0x0800);
	ip_tcp(&f, 20, 0xaa);
	struct pkt p = pkt_of(&f);
	CHECK_EQ(decode_link(DLT_EN10MB, &p), LINK_OK);
	CHECK_EQ(p.red, RED_HSR);
	CHECK_EQ(p.red_lan, 1);
	CHECK_EQ(p.red_net, 0);
	CHECK_EQ(p.red_seq, 65535);
	CHECK_EQ(p.ethertype, ETHERTYPE_IPV4);
	CHECK(p.l3 == f.b + 20);
	CHECK_EQ(p.l3len, 60);
	CHECK_EQ(st(STAT_hsr_frames_lane_b), 1);
	CHECK_EQ(st(STAT_hsr_size_mismatch), 0);
	/* net id 5, lane A */
	macs(&f, SRC);
	hsr_tag(&f, 5, 0, 66, 1, 0x0800);
	ip_tcp(&f, 20, 0xaa);
	p = pkt_of(&f);
	decode_link(DLT_EN10MB, &p);
	CHECK_EQ(p.red_net, 5);
	CHECK_EQ(p.red_lan, 0);
	CHECK_EQ(st(STAT_hsr_frames_lane_a), 1);
	/* A wrong LSDU size: counted, and the frame still read (0x892F said HSR). */
	macs(&f, SRC);
	hsr_tag(&f, 0, 0, 70, 2, 0x0800);
	ip_tcp(&f, 20, 0xaa);
	p = pkt_of(&f);
	CHECK_EQ(decode_link(DLT_EN10MB, &p), LINK_OK);
	CHECK_EQ(p.red, RED_HSR);
	CHECK_EQ(st(STAT_hsr_size_mismatch), 1);
	/* A VLAN tag in front: LSDU = 84 - 18 = 66, still the bytes after 0x892F. */
	macs(&f, SRC);
	put16(&f, 0x8100);
	put16(&f, 100);
	hsr_tag(&f, 0, 0, 66, 3, 0x0800);
	ip_tcp(&f, 20, 0xaa);
	p = pkt_of(&f);
	CHECK_EQ(decode_link(DLT_EN10MB, &p), LINK_OK);
	CHECK_EQ(p.red, RED_HSR);
	CHECK_EQ(p.n_vlan, 1);
	CHECK_EQ(p.vlan[0], 100);
	CHECK_EQ(st(STAT_hsr_size_mismatch), 1);
	/* A VLAN tag inside the HSR tag: LSDU = 84 - 14 = 70, the inner tag counted. */
	macs(&f, SRC);
	hsr_tag(&f, 0, 1, 70, 4, 0x8100);
	put16(&f, 200);
	put16(&f, 0x0800);
	ip_tcp(&f, 20, 0xaa);
	p = pkt_of(&f);
	CHECK_EQ(decode_link(DLT_EN10MB, &p), LINK_OK);
	CHECK_EQ(p.red, RED_HSR);
	CHECK_EQ(p.n_vlan, 1);
	CHECK_EQ(p.vlan[0], 200);
	CHECK_EQ(p.ethertype, ETHERTYPE_IPV4);
	CHECK_EQ(p.l3len, 60);
	CHECK_EQ(st(STAT_hsr_size_mismatch), 1);
	/* Tags before and inside, more than MMSW_MAX_VLAN together. */
	macs(&f, SRC);
	for (int i = 0; i < 3; i++) {
		put16(&f, 0x8100);
		put16(&f, (uint16_t)(10 + i));
	}
	hsr_tag(&f, 0, 1, 70, 4, 0x8100);
	put16(&f, 200);
	put16(&f, 0x8100);
	put16(&f, 201);
	put16(&f, 0x0800);
	ip_tcp(&f, 20, 0xaa);
	p = pkt_of(&f);
	CHECK_EQ(decode_link(DLT_EN10MB, &p), LINK_TOO_DEEP);
	/* Truncated tags: every cut short of the encapsulated EtherType. */
	for (uint32_t cut = 14; cut < 20; cut++) {
		macs(&f, SRC);
		hsr_tag(&f, 0, 0, 66, 5, 0x0800);
		f.n = cut;
		p = pkt_of(&f);
		CHECK_EQ(decode_link(DLT_EN10MB, &p), LINK_TRUNCATED);
		CHECK_EQ(p.red, RED_NONE);
	}
	/* A short frame padded to 66: ARP (28) in HSR, LSDU 52. */
	stats_reset();
	macs(&f, SRC);
	hsr_tag(&f, 0, 0, 52, 6, 0x0806);
	put_zeros(&f, 28);
	put_zeros(&f, 66 - f.n);
	p = pkt_of(&f);
	CHECK_EQ(decode_link(DLT_EN10MB, &p), LINK_NOT_IP);
	CHECK_EQ(p.red, RED_HSR);
	CHECK_EQ(p.ethertype, 0x0806);
	CHECK_EQ(st(STAT_hsr_size_mismatch), 0);
	/* HSR supervision: 0x88FB inside the tag. */
	macs(&f, SRC);
	hsr_tag(&f, 0, 1, 52, 7, 0x88fb);
	uint8_t sup[] = { 0x00, 0x01, 0x00, 0x05, 23, 6, 0x02, 0, 0, 0, 0xe1, 0xd6, 0, 0 };
	put(&f, sup, sizeof(sup));
	put_zeros(&f, 66 - f.n);
	p = pkt_of(&f);
	CHECK_EQ(decode_link(DLT_EN10MB, &p), LINK_NOT_IP);
	CHECK_EQ(p.red, RED_HSR_SUPERVISION);
	CHECK_EQ(p.red_lan, 1);
	CHECK_EQ(st(STAT_hsr_supervision_frames), 1);
	CHECK_EQ(st(STAT_hsr_frames_lane_b), 0);
}

static void cooked(void)
{
	stats_reset();
	/* Linux SLL: packet type, ARPHRD, address length 6, address (8), protocol;
	 * the PRP size counts from after the protocol field (offset 16). */
	struct fb f;
	f.n = 0;
	put16(&f, 0);
	put16(&f, 1);
	put16(&f, 6);
	put(&f, SRC, 6);
	put16(&f, 0);
	put16(&f, 0x0800);
	ip_tcp(&f, 20, 0xaa);
	trailer(&f, 11, 0xa, 66);
	struct pkt p = pkt_of(&f);
	CHECK_EQ(decode_link(DLT_LINUX_SLL, &p), LINK_OK);
	CHECK_EQ(p.red, RED_PRP);
	CHECK(p.src_mac == f.b + 6);
	CHECK_EQ(p.l3len, 60);
	/* SLL with an 8-byte address: no MAC. */
	f.b[5] = 8;
	p = pkt_of(&f);
	decode_link(DLT_LINUX_SLL, &p);
	CHECK(p.src_mac == NULL);
}

/* A PRP or HSR frame as decode_link leaves it, for the duplicate discard. */
static struct pkt red_pkt(const uint8_t *mac, uint8_t kind, uint8_t lan, uint16_t seq, const uint8_t *payload,
			  int64_t ts)
{
	struct pkt p;
	memset(&p, 0, sizeof(p));
	p.src_mac = mac;
	p.red = kind;
	p.red_lan = lan;
	p.red_seq = seq;
	p.ethertype = ETHERTYPE_IPV4;
	p.l3 = payload;
	p.l3len = 60;
	p.at.ts_us = ts;
	return p;
}

static bool seen_copy(const uint8_t *mac, uint8_t kind, uint8_t lan, uint16_t seq, const uint8_t *payload, int64_t ts)
{
	struct pkt p = red_pkt(mac, kind, lan, seq, payload, ts);
	redundancy_check(&p);
	return p.red_duplicate;
}

static void duplicate_discard(void)
{
	stats_reset();
	redundancy_free();
	uint8_t pay[300][60];
	for (int i = 0; i < 300; i++) {
		memset(pay[i], 0, 60);
		pay[i][0] = (uint8_t)i;
		pay[i][1] = (uint8_t)(i >> 8);
	}
	int64_t t = 1000000;
	/* A then B, B then A */
	CHECK(!seen_copy(SRC, RED_PRP, 0xa, 1, pay[1], t));
	CHECK(seen_copy(SRC, RED_PRP, 0xb, 1, pay[1], t + 50));
	CHECK(!seen_copy(SRC, RED_PRP, 0xb, 2, pay[2], t + 100));
	CHECK(seen_copy(SRC, RED_PRP, 0xa, 2, pay[2], t + 120));
	CHECK_EQ(st(STAT_prp_duplicates), 2);
	/* A third copy (SPAN mirroring twice): let through, TCP judges it. */
	CHECK(!seen_copy(SRC, RED_PRP, 0xa, 2, pay[2], t + 130));
	/* The same LAN twice with the same number: a new frame, not a copy. */
	CHECK(!seen_copy(SRC, RED_PRP, 0xa, 3, pay[3], t + 200));
	CHECK(!seen_copy(SRC, RED_PRP, 0xa, 3, pay[3], t + 210));
	/* The other LAN, the same number, other content: a node that reuses
	 * numbers (per destination, after a restart): never dropped. */
	CHECK(!seen_copy(SRC, RED_PRP, 0xa, 4, pay[4], t + 300));
	CHECK(!seen_copy(SRC, RED_PRP, 0xb, 4, pay[5], t + 310));
	/* Another node with the same number. */
	CHECK(!seen_copy(SRC, RED_PRP, 0xa, 6, pay[6], t + 400));
	CHECK(!seen_copy(SRC2, RED_PRP, 0xb, 6, pay[6], t + 410));
	/* The same MAC in HSR is another table entry. */
	CHECK(!seen_copy(SRC, RED_HSR, 1, 6, pay[6], t + 420));
	CHECK(seen_copy(SRC, RED_HSR, 0, 6, pay[6], t + 430));
	CHECK_EQ(st(STAT_hsr_duplicates), 1);
	/* Too late: past the forget time, the copy is a new frame. */
	CHECK(!seen_copy(SRC, RED_PRP, 0xa, 7, pay[7], t + 500));
	CHECK(!seen_copy(SRC, RED_PRP, 0xb, 7, pay[7], t + 500 + MMSW_REDUNDANCY_FORGET_US + 1));
	/* Reordering: 200 frames on A, then the 200 copies on B, all found. */
	stats_reset();
	t += 10000000;
	for (int i = 0; i < 200; i++)
		CHECK(!seen_copy(SRC2, RED_PRP, 0xa, (uint16_t)(65500 + i), pay[i], t + i));
	for (int i = 0; i < 200; i++)
		CHECK(seen_copy(SRC2, RED_PRP, 0xb, (uint16_t)(65500 + i), pay[i], t + 300 + i)); /* across the wrap */
	CHECK_EQ(st(STAT_prp_duplicates), 200);
	/* Beyond the window: a copy MMSW_REDUNDANCY_WINDOW frames late is let
	 * through (an occasional duplicate, never a lost frame). */
	t += 10000000;
	for (int i = 0; i <= MMSW_REDUNDANCY_WINDOW; i++)
		seen_copy(SRC2, RED_PRP, 0xa, (uint16_t)(1000 + i), pay[i], t);
	CHECK(!seen_copy(SRC2, RED_PRP, 0xb, 1000, pay[0], t + 10));
	CHECK(seen_copy(SRC2, RED_PRP, 0xb, 1001, pay[1], t + 10));
	/* Supervision frames are never marked. */
	struct pkt s = red_pkt(SRC, RED_PRP_SUPERVISION, 0xa, 1, pay[1], t);
	redundancy_check(&s);
	s.red_lan = 0xb;
	redundancy_check(&s);
	CHECK(!s.red_duplicate);
	/* A frame without a source MAC (raw IP) cannot be matched: let through. */
	s = red_pkt(NULL, RED_PRP, 0xa, 1, pay[1], t);
	redundancy_check(&s);
	s.red_lan = 0xb;
	redundancy_check(&s);
	CHECK(!s.red_duplicate);
	redundancy_free();
}

static void table_full(void)
{
	stats_reset();
	redundancy_free();
	uint8_t pay[60] = { 0 };
	static uint8_t mac[MMSW_REDUNDANCY_NODES + 1][6];
	for (int i = 0; i <= MMSW_REDUNDANCY_NODES; i++) {
		mac[i][0] = 0x02;
		mac[i][4] = (uint8_t)(i >> 8);
		mac[i][5] = (uint8_t)i;
	}
	/* Node 0 first, then every other one; node 0 heard again before the table
	 * fills, so node 1 is the quietest when node N arrives. */
	seen_copy(mac[0], RED_PRP, 0xa, 1, pay, 1000);
	for (int i = 1; i < MMSW_REDUNDANCY_NODES; i++)
		seen_copy(mac[i], RED_PRP, 0xa, 1, pay, 1000 + i);
	seen_copy(mac[0], RED_PRP, 0xa, 2, pay, 5000);
	CHECK_EQ(st(STAT_redundancy_table_full), 0);
	seen_copy(mac[MMSW_REDUNDANCY_NODES], RED_PRP, 0xa, 1, pay, 6000);
	CHECK_EQ(st(STAT_redundancy_table_full), 1);
	CHECK(seen_copy(mac[0], RED_PRP, 0xb, 2, pay, 6100));  /* remembered */
	CHECK(seen_copy(mac[2], RED_PRP, 0xb, 1, pay, 6200));  /* remembered */
	CHECK(!seen_copy(mac[1], RED_PRP, 0xb, 1, pay, 6300)); /* forgotten: its copy goes on */
	CHECK_EQ(st(STAT_redundancy_table_full), 2);           /* and took the quietest's place */
	redundancy_free();
}

/* The live default filter lets PRP (tagged or not), HSR and supervision frames
 * through, and still keeps other TCP out. */
static bool filter_passes(struct bpf_program *prog, const struct fb *f)
{
	struct pcap_pkthdr h;
	memset(&h, 0, sizeof(h));
	h.caplen = h.len = f->n;
	return pcap_offline_filter(prog, &h, f->b) != 0;
}

static void live_filter(void)
{
	uint16_t ports[] = { 102 };
	char flt[4096];
	live_default_filter(ports, 1, flt, sizeof(flt));
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	struct bpf_program prog;
	CHECK_EQ(pcap_compile(dead, &prog, flt, 1, PCAP_NETMASK_UNKNOWN), 0);
	struct fb f;
	macs(&f, SRC);
	put16(&f, 0x0800);
	ip_tcp(&f, 20, 0xaa);
	trailer(&f, 1, 0xa, 66);
	CHECK(filter_passes(&prog, &f));
	macs(&f, SRC);
	put16(&f, 0x8100);
	put16(&f, 100);
	put16(&f, 0x0800);
	ip_tcp(&f, 20, 0xaa);
	trailer(&f, 1, 0xb, 66);
	CHECK(filter_passes(&prog, &f));
	/* TCP to port 80 with a trailer: still not MMS */
	f.b[18 + 22] = 0;
	f.b[18 + 23] = 80;
	CHECK(!filter_passes(&prog, &f));
	macs(&f, SRC);
	hsr_tag(&f, 0, 0, 66, 1, 0x0800);
	ip_tcp(&f, 20, 0xaa);
	CHECK(filter_passes(&prog, &f));
	macs(&f, SRC);
	put16(&f, 0x8100);
	put16(&f, 100);
	hsr_tag(&f, 0, 0, 66, 1, 0x0800);
	ip_tcp(&f, 20, 0xaa);
	CHECK(filter_passes(&prog, &f));
	macs(&f, SRC);
	put16(&f, 0x88fb);
	put_zeros(&f, 46);
	CHECK(filter_passes(&prog, &f));
	macs(&f, SRC);
	put16(&f, 0x8100);
	put16(&f, 100);
	put16(&f, 0x88fb);
	put_zeros(&f, 46);
	CHECK(filter_passes(&prog, &f));
	macs(&f, SRC);
	put16(&f, 0x0806);
	put_zeros(&f, 46);
	CHECK(!filter_passes(&prog, &f));
	pcap_freecode(&prog);
	pcap_close(dead);
}

int main(void)
{
	plain_frames();
	prp_trailers();
	prp_vlan();
	prp_short_frames();
	prp_goose_and_supervision();
	hsr_frames();
	cooked();
	duplicate_discard();
	table_full();
	live_filter();
	TCHECK_DONE();
}

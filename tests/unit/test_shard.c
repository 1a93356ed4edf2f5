/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_shard.c - core/shard.h's rule, and the two places that apply it before
 * the pipeline does: the live capture filter in the kernel (live_shard_filter)
 * and the offline reader's look at a frame's headers (frame_peek_fate). For
 * every frame of every bundled capture and each shard of 2 and 3:
 *   - the filter passes every frame the pipeline would keep in that shard, and
 *     no frame of another shard's IPv4 MMS connection;
 *   - a frame the reader hands on as another shard's (header only) is one the
 *     pipeline would leave to another shard without counting anything on the
 *     way (no counter of the link and IP stages moves), and it is an MMS
 *     connection's exactly when the reader says so. */
#include <pcap/pcap.h>
#include <string.h>

#include "core/shard.h"
#include "stages/capture_live.h"
#include "stages/decode_ip.h"
#include "stages/decode_link.h"
#include "dissectors/tpkt.h"
#include "stages/frame_peek.h"
#include "util/stats.h"
#include "tcheck.h"
#include "tpcap.h"

static const uint8_t IED_21[4] = { 127, 0, 0, 21 }, IED_22[4] = { 127, 0, 0, 22 }, CLIENT[4] = { 127, 0, 0, 1 };

static void test_rule(void)
{
	/* FNV-1a of 127.0.0.21 and .22 modulo 2 (worked out by hand, and by
	 * tests/bench/shards' Python): 1 and 0 */
	CHECK_EQ(shard_of_pair(IED_21, CLIENT, 4, true, false, 2), 1);
	CHECK_EQ(shard_of_pair(CLIENT, IED_22, 4, false, true, 2), 0);
	/* both directions of a connection: the IED's side decides */
	for (uint32_t n = 2; n <= 7; n++)
		CHECK_EQ(shard_of_pair(IED_21, CLIENT, 4, true, false, n),
			 shard_of_pair(CLIENT, IED_21, 4, false, true, n));
	/* two MMS ports: the lower address, either way round */
	CHECK_EQ(shard_of_pair(IED_21, IED_22, 4, true, true, 5), shard_of_pair(IED_22, IED_21, 4, true, true, 5));
	CHECK_EQ(shard_of_pair(IED_21, IED_22, 4, true, true, 5), shard_of_pair(IED_21, CLIENT, 4, true, false, 5));
	/* not an MMS connection, or one shard: shard 0 */
	CHECK_EQ(shard_of_pair(IED_21, CLIENT, 4, false, false, 3), 0);
	CHECK_EQ(shard_of_pair(IED_21, CLIENT, 4, true, false, 1), 0);
	/* the process's own shard */
	uint8_t ip[16] = { 127, 0, 0, 21 };
	shard_set(0, 0);
	CHECK(shard_holds_ied(ip, 4));
	shard_set(1, 2);
	CHECK(shard_holds_ied(ip, 4));
	shard_set(0, 2);
	CHECK(!shard_holds_ied(ip, 4));
	CHECK_EQ(shard_count(), 2);
	CHECK_EQ(shard_self(), 0);
	shard_set(0, 0);
}

static bool is_mms_port(uint16_t port)
{
	return port == 102 || port == 3782;
}

/* The filters under test, and what the walk over every frame counted. */
static struct bpf_program all, by_shard[2][3];
static unsigned long frames, kept_out, missing, extra, vlan_mms, opens_passed;
/* The reader's rule per N and K, and what it judged: frames handed on as
 * another shard's (of them MMS), and judgements the pipeline contradicts. */
static struct frame_shard_rule rules[2][3];
static unsigned long left, left_mms, left_wrong;
/* Shard 0's reader hands on in full the first frame of another shard's MMS that
 * opens an ACSE APDU or MMS PDU on each VLAN stack (frame_peek.h): its sets, and
 * the test's own record of the stacks shown, per N, from each capture's start. */
static struct frame_mms_vlans reader_vlans[2];
static struct frame_mms_vlans shown[2];
static unsigned long vlans_shown, vlan_news_missed;

/* The pipeline's view of a frame (packet_in up to in_shard), for each N: its
 * shard; whether it counted anything on the way; whether it is an MMS
 * connection's. */
struct pipeline_view {
	uint32_t shard[2];
	bool counted, mms;
	bool opens; /* its payload opens an ACSE APDU or MMS PDU */
	uint8_t n_vlan;
	uint16_t vlan[MMSW_MAX_VLAN];
};

static void pipeline_view(const struct pcap_pkthdr *h, const u_char *d, struct pipeline_view *v)
{
	static uint64_t before[STAT_COUNT];
	memcpy(before, g_stats, sizeof(before));
	struct pkt pk;
	memset(&pk, 0, sizeof(pk));
	pk.data = d;
	pk.caplen = h->caplen;
	pk.wirelen = h->len;
	memset(v, 0, sizeof(*v));
	enum link_result lr = decode_link(DLT_EN10MB, &pk);
	bool plain = (lr == LINK_OK || lr == LINK_NOT_IP) && pk.red == RED_NONE;
	if (lr == LINK_OK) {
		enum ip_result r = decode_ip(&pk);
		plain = plain && r != IP_FRAGMENT && r != IP_INVALID;
		if (r == IP_TCP) {
			bool s = is_mms_port(pk.sport), t = is_mms_port(pk.dport);
			v->mms = s || t;
			for (uint32_t n = 2; n <= 3; n++)
				v->shard[n - 2] = shard_of_ip(&pk, s, t, n);
			v->opens = tpkt_opens_session_pdu(rd_make(pk.payload, pk.plen));
		}
	}
	v->n_vlan = pk.n_vlan;
	memcpy(v->vlan, pk.vlan, sizeof(v->vlan));
	v->counted = !plain || memcmp(before, g_stats, sizeof(before)) != 0;
}

static bool was_shown(const struct frame_mms_vlans *set, const struct pipeline_view *v)
{
	for (uint32_t i = 0; i < set->n; i++)
		if (set->seen[i].n_vlan == v->n_vlan &&
		    !memcmp(set->seen[i].vlan, v->vlan, v->n_vlan * sizeof(v->vlan[0])))
			return true;
	return false;
}

static void check_fate(const struct pcap_pkthdr *h, const u_char *d)
{
	struct pipeline_view v;
	pipeline_view(h, d, &v);
	for (uint32_t n = 2; n <= 3; n++)
		for (uint32_t k = 0; k < n; k++) {
			enum frame_fate f = frame_peek_fate(&rules[n - 2][k], k == 0 ? &reader_vlans[n - 2] : NULL,
							    DLT_EN10MB, d, h->caplen, h->len);
			/* shard 0 must be shown the first opening frame of another
			 * shard's MMS on each VLAN stack, in full */
			struct frame_mms_vlans *sh = &shown[n - 2];
			if (k == 0 && v.mms && v.opens && v.shard[n - 2] != 0 && !was_shown(sh, &v)) {
				if (f == FRAME_HERE && sh->n < FRAME_MMS_VLANS_MAX) {
					sh->seen[sh->n].n_vlan = v.n_vlan;
					memcpy(sh->seen[sh->n++].vlan, v.vlan, sizeof(v.vlan));
					vlans_shown++;
				} else if (f != FRAME_HERE)
					vlan_news_missed++;
			}
			if (f == FRAME_HERE)
				continue;
			left++;
			left_mms += f == FRAME_LEFT_MMS;
			if (v.counted || v.shard[n - 2] == k || v.mms != (f == FRAME_LEFT_MMS))
				left_wrong++;
		}
}

static void each_frame(void *ctx, const char *path, int dlt, const struct pcap_pkthdr *h, const u_char *d)
{
	(void)ctx;
	static char last_path[512];
	if (strcmp(path, last_path)) { /* a new run: shard 0's reader has shown nothing yet */
		snprintf(last_path, sizeof(last_path), "%s", path);
		memset(reader_vlans, 0, sizeof(reader_vlans));
		memset(shown, 0, sizeof(shown));
	}
	if (dlt == DLT_EN10MB)
		check_fate(h, d);
	if (dlt != DLT_EN10MB || !pcap_offline_filter(&all, h, d))
		return;
	frames++;
	/* the pipeline's shard (pipeline.c in_shard) */
	struct pkt pk;
	memset(&pk, 0, sizeof(pk));
	pk.data = d;
	pk.caplen = h->caplen;
	pk.wirelen = h->len;
	bool ipv4_mms = false, opens_assoc = false;
	uint32_t shard[2] = { 0, 0 };
	if (decode_link(DLT_EN10MB, &pk) == LINK_OK && decode_ip(&pk) == IP_TCP) {
		bool s = is_mms_port(pk.sport), t = is_mms_port(pk.dport);
		ipv4_mms = pk.ipver == 4 && s != t;
		/* TPKT, COTP DT, session CN or AC: shard 0's filter passes it */
		opens_assoc = pk.plen >= 8 && pk.payload[0] == 3 && pk.payload[1] == 0 && pk.payload[5] == 0xf0 &&
			(pk.payload[7] == 0x0d || pk.payload[7] == 0x0e);
		if (ipv4_mms && pk.n_vlan)
			vlan_mms++;
		for (uint32_t n = 2; n <= 3; n++)
			shard[n - 2] = shard_of_ip(&pk, s, t, n);
	}
	for (uint32_t n = 2; n <= 3; n++)
		for (uint32_t k = 0; k < n; k++) {
			bool pass = pcap_offline_filter(&by_shard[n - 2][k], h, d) != 0;
			if (shard[n - 2] == k && !pass)
				missing++; /* a frame the shard needs, not delivered */
			if (ipv4_mms && shard[n - 2] != k && k == 0 && opens_assoc) {
				if (!pass)
					missing++; /* shard 0 must see another shard's association open */
				else
					opens_passed++;
			} else if (ipv4_mms && shard[n - 2] != k) {
				if (pass)
					extra++; /* another shard's, delivered anyway */
				else
					kept_out++;
			}
		}
}

/* Hand-made frames for what the bundled captures lack (they carry IPv4 MMS
 * only): Ethernet with `tags` VLAN tags, EtherType et, then the payload. */
static size_t eth(uint8_t *f, int tags, uint16_t et, const uint8_t *payload, size_t n)
{
	size_t o = 0;
	memset(f, 0, 14);
	f[6] = 2; /* a source MAC */
	o = 12;
	for (int i = 0; i < tags; i++) {
		f[o++] = 0x81;
		f[o++] = 0x00;
		f[o++] = 0;
		f[o++] = (uint8_t)(10 + i);
	}
	f[o++] = (uint8_t)(et >> 8);
	f[o++] = (uint8_t)et;
	memcpy(f + o, payload, n);
	return o + n;
}

/* IPv4 (20 bytes) from src to dst, protocol proto, fragment field frag, and a
 * TCP header (20 bytes) from sport to dport when proto is 6, else 8 bytes; then
 * `more` payload bytes. Returns the datagram's length. */
static size_t ipv4(uint8_t *d, uint8_t proto, uint16_t frag, const uint8_t src[4], const uint8_t dst[4], uint16_t sport,
		   uint16_t dport, size_t more)
{
	size_t l4 = proto == 6 ? 20 : 8, total = 20 + l4 + more;
	memset(d, 0, total);
	d[0] = 0x45;
	d[2] = (uint8_t)(total >> 8);
	d[3] = (uint8_t)total;
	d[6] = (uint8_t)(frag >> 8);
	d[7] = (uint8_t)frag;
	d[8] = 64;
	d[9] = proto;
	memcpy(d + 12, src, 4);
	memcpy(d + 16, dst, 4);
	d[20] = (uint8_t)(sport >> 8);
	d[21] = (uint8_t)sport;
	d[22] = (uint8_t)(dport >> 8);
	d[23] = (uint8_t)dport;
	if (proto == 6)
		d[32] = 0x50; /* data offset 5 */
	return total;
}

/* One hand-made frame: the reader's judgement in shard 1 of 2, checked against
 * the pipeline's view as every bundled frame is (check_fate), and against what
 * the case expects. */
static void hand_made(const char *what, const uint8_t *f, size_t len, size_t wirelen, enum frame_fate expect)
{
	struct pcap_pkthdr h = { .caplen = (uint32_t)len, .len = (uint32_t)wirelen };
	unsigned long wrong = left_wrong;
	check_fate(&h, f);
	enum frame_fate got = frame_peek_fate(&rules[0][1], NULL, DLT_EN10MB, f, (uint32_t)len, (uint32_t)wirelen);
	if (got != expect || left_wrong != wrong)
		printf("hand-made frame '%s': the reader said %d, expected %d; the pipeline disagrees: %s\n", what,
		       (int)got, (int)expect, left_wrong != wrong ? "yes" : "no");
	CHECK_EQ(got, expect);
	CHECK_EQ(left_wrong, wrong);
}

/* hand_made() on Ethernet with `tags` VLAN tags and EtherType et around the
 * payload, captured whole. */
static void hand_made_eth(const char *what, int tags, uint16_t et, const uint8_t *payload, size_t n,
			  enum frame_fate expect)
{
	static uint8_t f[2048];
	size_t len = eth(f, tags, et, payload, n);
	hand_made(what, f, len, len, expect);
}

static void test_hand_made(void)
{
	uint8_t f[2048], d[1600];
	/* 127.0.0.21 is shard 1 of 2 (test_rule), .22 shard 0 */
	size_t n = ipv4(d, 6, 0, CLIENT, IED_22, 40000, 102, 100);
	hand_made_eth("MMS to shard 0's IED", 0, 0x0800, d, n, FRAME_LEFT_MMS);
	n = ipv4(d, 6, 0, CLIENT, IED_21, 40000, 102, 100);
	hand_made_eth("MMS to our IED", 2, 0x0800, d, n, FRAME_HERE);
	n = ipv4(d, 6, 0, IED_22, CLIENT, 102, 40000, 100);
	hand_made_eth("MMS from shard 0's IED, 4 VLAN tags", 4, 0x0800, d, n, FRAME_LEFT_MMS);
	hand_made_eth("5 VLAN tags: the link stage counts a stack too deep", 5, 0x0800, d, n, FRAME_HERE);
	n = ipv4(d, 6, 0, IED_21, IED_22, 40000, 443, 100);
	hand_made_eth("other TCP: shard 0's", 0, 0x0800, d, n, FRAME_LEFT);
	n = ipv4(d, 17, 0, IED_21, IED_22, 123, 123, 48);
	hand_made_eth("UDP (SNTP): shard 0's", 1, 0x0800, d, n, FRAME_LEFT);
	n = ipv4(d, 6, 0x2000, CLIENT, IED_22, 40000, 102, 100);
	hand_made_eth("a first fragment: defragmentation's", 0, 0x0800, d, n, FRAME_HERE);
	memset(d, 0, 200);
	hand_made_eth("GOOSE: shard 0's", 1, 0x88b8, d, 120, FRAME_LEFT);
	hand_made_eth("HSR: the redundancy stage's", 0, 0x892f, d, 120, FRAME_HERE);
	hand_made_eth("IPv6: the pipeline's", 0, 0x86dd, d, 120, FRAME_HERE);
	n = ipv4(d, 6, 0, CLIENT, IED_22, 40000, 102, 100);
	d[0] = 0x44; /* a header length under 20: the IP stage counts it invalid */
	hand_made_eth("a bad IPv4 header", 0, 0x0800, d, n, FRAME_HERE);
	n = ipv4(d, 6, 0, CLIENT, IED_22, 40000, 102, 100);
	d[32] = 0x40; /* a TCP data offset under 20 bytes */
	hand_made_eth("a bad TCP header", 0, 0x0800, d, n, FRAME_HERE);
	eth(f, 0, 0x0800, d, n);
	hand_made("truncated in the IPv4 header", f, 24, 200, FRAME_HERE);
	/* PRP: a trailer (sequence, LAN A and the LSDU size, 0x88FB) at the end */
	n = ipv4(d, 6, 0, CLIENT, IED_22, 40000, 102, 100);
	size_t len = eth(f, 0, 0x0800, d, n);
	size_t lsdu = len - 14 + 6;
	uint8_t rct[6] = { 0, 7, (uint8_t)(0xa0 | (lsdu >> 8)), (uint8_t)lsdu, 0x88, 0xfb };
	memcpy(f + len, rct, 6);
	hand_made("MMS with a PRP trailer: the redundancy stage's", f, len + 6, len + 6, FRAME_HERE);
	rct[5] = 0xfa;
	memcpy(f + len, rct, 6);
	hand_made("MMS ending in bytes unlike a trailer", f, len + 6, len + 6, FRAME_LEFT_MMS);
	/* a minimum-size frame whose trailer sits before the padding */
	n = ipv4(d, 6, 0, CLIENT, IED_22, 40000, 102, 0);
	len = eth(f, 0, 0x0800, d, n);
	lsdu = len - 14 + 6;
	uint8_t rct2[6] = { 0, 8, (uint8_t)(0xb0 | (lsdu >> 8)), (uint8_t)lsdu, 0x88, 0xfb };
	memcpy(f + len, rct2, 6);
	memset(f + len + 6, 0, 4);
	hand_made("a short frame, a PRP trailer before the padding", f, len + 10, len + 10, FRAME_HERE);
	hand_made("the same frame snapped before its end", f, len, len + 10, FRAME_LEFT_MMS);
}

int main(void)
{
	test_rule();
	static const uint16_t ports[] = { 102, 3782 };
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	char flt[8192];
	live_default_filter(ports, 2, flt, sizeof(flt));
	CHECK_EQ(pcap_compile(dead, &all, flt, 1, PCAP_NETMASK_UNKNOWN), 0);
	for (uint32_t n = 2; n <= 3; n++)
		for (uint32_t k = 0; k < n; k++) {
			CHECK(live_shard_filter(ports, 2, k, n, flt, sizeof(flt)));
			CHECK_EQ(pcap_compile(dead, &by_shard[n - 2][k], flt, 1, PCAP_NETMASK_UNKNOWN), 0);
		}
	CHECK(!live_shard_filter(ports, 2, 1, 2, flt, 900)); /* too small a buffer: said, not cut */
	uint16_t many[16]; /* --mms-port's most: too long a filter, said (live_open keeps the default) */
	for (int i = 0; i < 16; i++)
		many[i] = (uint16_t)(10000 + i);
	CHECK(!live_shard_filter(many, 16, 1, 2, flt, sizeof(flt)));
	for (uint32_t n = 2; n <= 3; n++)
		for (uint32_t k = 0; k < n; k++)
			rules[n - 2][k] = (struct frame_shard_rule){
				.k = k, .n = n, .mms_ports = { 102, 3782 }, .n_mms_ports = 2
			};

	test_hand_made();
	tpcap_each_frame(each_frame, NULL);
	CHECK_EQ(missing, 0);
	CHECK_EQ(extra, 0);
	/* not vacuous: other shards' frames were kept out, behind VLAN tags too */
	CHECK(kept_out > 10000);
	CHECK(vlan_mms > 100);
	CHECK(opens_passed >= 4); /* another shard's association opened, shown to shard 0 */
	printf("%lu frames through the default filter; %lu deliveries of another shard's frame kept out\n", frames,
	       kept_out);
	CHECK_EQ(left_wrong, 0);
	/* not vacuous: the reader judged many frames another shard's, MMS and not */
	CHECK(left_mms > 10000);
	CHECK(left - left_mms >= 4); /* the hand-made frames' */
	printf("the reader handed on %lu frames as another shard's (%lu of MMS connections); %lu judged wrongly\n",
	       left, left_mms, left_wrong);
	/* shard 0 was shown MMS on each segment where another shard had it first */
	CHECK_EQ(vlan_news_missed, 0);
	CHECK(vlans_shown >= 4);
	printf("shard 0's reader showed %lu segments' first MMS of another shard in full; %lu missed\n", vlans_shown,
	       vlan_news_missed);
	pcap_freecode(&all);
	for (uint32_t n = 2; n <= 3; n++)
		for (uint32_t k = 0; k < n; k++)
			pcap_freecode(&by_shard[n - 2][k]);
	pcap_close(dead);
	TCHECK_DONE();
}

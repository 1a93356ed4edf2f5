/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_shard.c - core/shard.h's rule, and the live capture filter that applies it
 * in the kernel (live_shard_filter): for every frame of every bundled capture
 * and each shard of 2 and 3, the filter passes every frame the pipeline would
 * keep in that shard, and no frame of another shard's IPv4 MMS connection. */
#include <pcap/pcap.h>
#include <string.h>

#include "core/shard.h"
#include "stages/capture_live.h"
#include "stages/decode_ip.h"
#include "stages/decode_link.h"
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
static unsigned long frames, kept_out, missing, extra, vlan_mms;

static void each_frame(void *ctx, const char *path, int dlt, const struct pcap_pkthdr *h, const u_char *d)
{
	(void)ctx;
	(void)path;
	if (dlt != DLT_EN10MB || !pcap_offline_filter(&all, h, d))
		return;
	frames++;
	/* the pipeline's shard (pipeline.c in_shard) */
	struct pkt pk;
	memset(&pk, 0, sizeof(pk));
	pk.data = d;
	pk.caplen = h->caplen;
	pk.wirelen = h->len;
	bool ipv4_mms = false;
	uint32_t shard[2] = { 0, 0 };
	if (decode_link(DLT_EN10MB, &pk) == LINK_OK && decode_ip(&pk) == IP_TCP) {
		bool s = is_mms_port(pk.sport), t = is_mms_port(pk.dport);
		ipv4_mms = pk.ipver == 4 && s != t;
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
			if (ipv4_mms && shard[n - 2] != k) {
				if (pass)
					extra++; /* another shard's, delivered anyway */
				else
					kept_out++;
			}
		}
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

	tpcap_each_frame(each_frame, NULL);
	CHECK_EQ(missing, 0);
	CHECK_EQ(extra, 0);
	/* not vacuous: other shards' frames were kept out, behind VLAN tags too */
	CHECK(kept_out > 10000);
	CHECK(vlan_mms > 100);
	printf("%lu frames through the default filter; %lu deliveries of another shard's frame kept out\n", frames,
	       kept_out);
	pcap_freecode(&all);
	for (uint32_t n = 2; n <= 3; n++)
		for (uint32_t k = 0; k < n; k++)
			pcap_freecode(&by_shard[n - 2][k]);
	pcap_close(dead);
	TCHECK_DONE();
}

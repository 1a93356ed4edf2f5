/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_frame_peek.c - the reader's look at a hostile frame's headers
 * (stages/frame_peek.h), and a differential check of its judgement with
 * --shard: a frame it would hand on as another shard's, header only, must be
 * one the link and IP stages pass without counting anything and place in
 * another shard, an MMS connection's exactly when it says so (abort otherwise,
 * so the fuzzer reports it). The first input byte picks the shard (K of N, N
 * from 2 to 5) and whether the frame was snapped (a wire length above what was
 * captured); the rest is the Ethernet frame. */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "core/shard.h"
#include "dissectors/tpkt.h"
#include "stages/decode_ip.h"
#include "stages/decode_link.h"
#include "stages/frame_peek.h"
#include "util/stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static bool is_mms_port(uint16_t port)
{
	return port == 102 || port == 3782;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	if (n < 1 || n > 65536)
		return 0;
	uint32_t shards = 2 + (d[0] & 3), k = (uint32_t)(d[0] >> 2) % shards;
	const uint8_t *frame = d + 1;
	uint32_t caplen = (uint32_t)(n - 1), wirelen = caplen + ((d[0] & 0x80) ? 10 : 0);
	/* the look itself, over every frame */
	struct frame_peek pk;
	if (frame_peek(DLT_EN10MB, frame, caplen, &pk) != FRAME_PEEK_UNSURE)
		(void)frame_peek_prp_possible(&pk, frame, caplen, wirelen);
	struct frame_shard_rule rule = { .k = k, .n = shards, .mms_ports = { 102, 3782 }, .n_mms_ports = 2 };
	struct frame_mms_vlans shown = { 0 }; /* shard 0 has shown no segment's MMS yet */
	enum frame_fate fate = frame_peek_fate(&rule, &shown, DLT_EN10MB, frame, caplen, wirelen);
	if (fate == FRAME_HERE)
		return 0;
	/* the stages' view, as packet_in takes the frame up to in_shard */
	static uint64_t before[STAT_COUNT];
	memcpy(before, g_stats, sizeof(before));
	struct pkt p;
	memset(&p, 0, sizeof(p));
	p.data = frame;
	p.caplen = caplen;
	p.wirelen = wirelen;
	enum link_result lr = decode_link(DLT_EN10MB, &p);
	if ((lr != LINK_OK && lr != LINK_NOT_IP) || p.red != RED_NONE)
		abort(); /* the link stage had something to say */
	uint32_t shard = 0;
	bool mms = false, opens = false;
	if (lr == LINK_OK) {
		enum ip_result r = decode_ip(&p);
		if (r == IP_FRAGMENT || r == IP_INVALID)
			abort();
		if (r == IP_TCP) {
			bool s = is_mms_port(p.sport), t = is_mms_port(p.dport);
			mms = s || t;
			shard = shard_of_ip(&p, s, t, shards);
			opens = tpkt_opens_session_pdu(rd_make(p.payload, p.plen));
		}
	}
	if (memcmp(before, g_stats, sizeof(before)) != 0 || shard == k || mms != (fate == FRAME_LEFT_MMS))
		abort();
	/* shard 0, nothing shown yet: a frame that opens MMS on its segment goes in full */
	if (k == 0 && mms && opens)
		abort();
	return 0;
}

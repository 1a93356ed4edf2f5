/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pipeline.c - the per-packet path; see pipeline.h. */
#include "pipeline.h"

#include <string.h>

#include "analyze/analyze.h"
#include "core/bus.h"
#include "core/flow.h"
#include "core/order.h"
#include "core/scl.h"
#include "core/shard.h"
#include "core/unread.h"
#include "dissectors/tpkt.h"
#include "stages/app_iso.h"
#include "stages/decode_ip.h"
#include "stages/decode_link.h"
#include "stages/defrag.h"
#include "stages/flow_table.h"
#include "stages/frame_peek.h"
#include "stages/packet_clock.h"
#include "stages/redundancy.h"
#include "stages/stream_tcp.h"
#include "util/heap.h"
#include "util/stats.h"

/* Housekeeping (expiry, hole timers) runs when packet time moves this much. */
#define SWEEP_INTERVAL_US 1000000

static const struct options *opt;
/* The shard rule for pipeline_frame_fate, read on the reader's thread for
 * every frame: a copy on lines of its own, away from the state this file
 * writes for every frame (last_ts and last_at share opt's line), which would
 * make each read wait for the line to come back from the pipeline's core. */
static struct {
	_Alignas(64) struct frame_shard_rule rule;
	struct frame_mms_vlans mms_vlans; /* written by the reader only */
} reader_side;
static struct flow_table *flows;
static int64_t last_ts, last_sweep;
static struct pkt_where last_at;

static void on_flow_end(struct flow *f, enum flow_end why, const struct pkt_where *at)
{
	stream_finish(f, 0, at);
	stream_finish(f, 1, at);
	bus_flow_end(f, why, at);
}

int pipeline_init(const struct options *o)
{
	opt = o;
	reader_side.rule.k = o->shard;
	reader_side.rule.n = o->shards;
	reader_side.rule.n_mms_ports = (uint32_t)o->n_mms_ports;
	memcpy(reader_side.rule.mms_ports, o->mms_ports, o->n_mms_ports * sizeof(o->mms_ports[0]));
	shard_set(o->shard, o->shards);
	order_follow(&last_at);
	flows = flow_table_new(o->max_flows, on_flow_end);
	return flows ? 0 : -1;
}

void pipeline_flow_soon(uint32_t flow_hash, int stage)
{
	if (flows)
		flow_table_prefetch(flows, flow_hash, (enum flow_prefetch)stage);
}

int64_t pipeline_last_ts(void)
{
	return last_ts;
}

void pipeline_add_analyzers(void)
{
	/* The order is the order each event reaches them (core/bus.h): capture loss
	 * first (a hole is known before anything is read across it), the common
	 * per-association state last (it frees that state and closes finding
	 * aggregates after every analyzer had its say); visibility just before it,
	 * so a silence judged at the end is in the aggregates it closes. */
	bus_add_analyzer(&loss_analyzer);
	bus_add_analyzer(&assoc_analyzer);
	bus_add_analyzer(&services_analyzer);
	bus_add_analyzer(&control_analyzer);
	bus_add_analyzer(&inventory_analyzer);
	bus_add_analyzer(&reports_analyzer);
	bus_add_analyzer(&redundancy_analyzer);
	bus_add_analyzer(&visibility_analyzer);
	bus_add_analyzer(&cabling_analyzer);
	/* The design checks, only with a design loaded (--scl): after the report
	 * analyzer, so the IED model holds what each PDU taught. */
	if (g_scl)
		bus_add_analyzer(&scl_checks_analyzer);
	bus_add_analyzer(&drift_analyzer);
	bus_add_analyzer(&clock_analyzer); /* after reports: it reads the report reports.c decoded */
	bus_add_analyzer(&common_analyzer);
}

static void hole_timer(struct flow *f, void *arg)
{
	int64_t now = *(int64_t *)arg;
	order_step(ORDER_STEP_HOLES, order_flow_place(f->lru, f->last_ts, 1)); /* the lists from their heads */
	for (int d = 0; d < 2; d++)
		if (f->half[d].ooo_segs)
			stream_check_hole(f, d, now, opt->hole_timeout_us, false);
}

static void sweep(int64_t now, const struct pkt_where *at)
{
	flow_table_foreach(flows, hole_timer, &now);
	flow_table_expire(flows, now, at);
	order_step(ORDER_STEP_TICK, 0);
	defrag_expire(now);
	bus_tick(now);
	order_step(ORDER_STEP_OWN, 0); /* then the frame's own work */
}

static void tcp_packet(struct pkt *p)
{
	bool syn = (p->tcp_flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN;
	bool synack = (p->tcp_flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK);
	bool rst = p->tcp_flags & TCP_RST;
	/* Only a SYN or bytes start a flow: a stray ACK or RST after a flow ended must
	 * not open a new one. The client is the SYN's sender, else the side that is
	 * not on an MMS port. */
	bool create = syn || (p->plen > 0 && !rst);
	bool src_client = syn || (!synack && !options_is_mms_port(opt, p->sport)) ||
		(!synack && options_is_mms_port(opt, p->dport) && options_is_mms_port(opt, p->sport));
	int dir;
	struct flow *f = flow_get(flows, p, create, src_client, &dir);
	if (!f)
		return;
	bool seen_before = f->pkts[0] + f->pkts[1] > 0;
	bool same_syn = f->state == FLOW_SYN && dir == 0 && f->half[0].isn == p->seq;
	if (syn && seen_before && !same_syn) {
		/* A new connection on a tuple still in the table: port reuse. A SYN
		 * with the same ISN is a retransmission of the one we have. */
		stat_inc(STAT_port_reuse);
		bus_stream_note(f, dir, STREAM_EV_PORT_REUSE, 0, &p->at);
		flow_end(flows, f, FLOW_END_PORT_REUSE, &p->at);
		f = flow_get(flows, p, true, true, &dir);
		if (!f)
			return;
	}
	bus_frame(f, dir, p);
	f->pkts[dir]++;
	f->bytes[dir] += p->plen;
	struct tcp_half *h = &f->half[dir];
	if (syn || synack) {
		if (!h->syn_seen) {
			h->syn_seen = true;
			h->isn = p->seq;
			if (!h->synced) {
				h->synced = true;
				h->next_seq = p->seq + 1;
			}
			if (syn) {
				f->saw_syn = true;
				if (f->state == FLOW_NEW)
					f->state = FLOW_SYN;
				bus_tcp(f, dir, TCP_EV_SYN, &p->at);
			} else {
				f->saw_synack = true;
				bus_tcp(f, dir, TCP_EV_SYNACK, &p->at);
			}
		}
	}
	if (p->tcp_flags & TCP_ACK)
		stream_ack(f, 1 - dir, p->ack);
	if (rst) {
		if (!f->rst) {
			f->rst = true;
			bus_tcp(f, dir, TCP_EV_RST, &p->at);
			/* Deliver what was queued; nothing after a reset counts. */
			stream_check_hole(f, 0, p->at.ts_us, 0, true);
			stream_check_hole(f, 1, p->at.ts_us, 0, true);
		}
		f->state = FLOW_CLOSED;
		flow_touch(flows, f, p->at.ts_us);
		return;
	}
	if (f->state == FLOW_SYN && f->saw_synack && (p->tcp_flags & TCP_ACK) && dir == 0) {
		f->state = FLOW_ESTABLISHED;
		bus_tcp(f, dir, TCP_EV_ESTABLISHED, &p->at);
	}
	if (p->plen > 0 && f->state != FLOW_CLOSED) {
		if (f->state == FLOW_NEW || f->state == FLOW_SYN) {
			f->state = FLOW_ESTABLISHED;
			bus_tcp(f, dir, TCP_EV_ESTABLISHED, &p->at);
		}
		stream_data(f, dir, p);
		if (f->app_proto == APP_TLS)
			unread_tls_segment();
	}
	if ((p->tcp_flags & TCP_FIN) && !f->fin[dir]) {
		f->fin[dir] = true;
		h->fin_seen = true;
		h->fin_seq = p->seq + p->plen + (syn || synack ? 1 : 0);
		bus_tcp(f, dir, TCP_EV_FIN, &p->at);
		if (f->state != FLOW_CLOSED)
			f->state = f->fin[1 - dir] ? FLOW_CLOSED : FLOW_CLOSING;
	}
	for (int d = 0; d < 2; d++)
		if (f->half[d].ooo_segs && p->at.ts_us - f->half[d].hole_since >= opt->hole_timeout_us)
			stream_check_hole(f, d, p->at.ts_us, opt->hole_timeout_us, false);
	flow_touch(flows, f, p->at.ts_us);
}

/* --shard K/N: a frame of another shard goes no further and is only counted:
 * the process that has it analyses it, so here it is as if the frame were not
 * in the input (the tallies of what was read, core/unread.h, count this
 * shard's frames only; a frame of an MMS connection still says that MMS is
 * there). */
static void left_to_other_shard(bool mms)
{
	shard_frame_left();
	if (mms)
		unread_mms_elsewhere();
}

/* Shard 0 keeps the facts of a segment (GOOSE and SV that share a VLAN with
 * MMS: the inventory's), and MMS on a VLAN may be another shard's: a frame of
 * another shard's MMS connection that opens an ACSE APDU or MMS PDU is shown
 * to the analyzers as that (bus.h mms_elsewhere), the IED's side the one on an
 * MMS port (of two, the one the shard rule hashes: the lower address). */
static void mms_elsewhere(const struct pkt *p, bool src_mms, bool dst_mms)
{
	if (!tpkt_opens_session_pdu(rd_make(p->payload, p->plen)))
		return;
	int ied_side = dst_mms && (!src_mms || memcmp(p->dst, p->src, p->ipver == 6 ? 16 : 4) < 0) ? 1 : 0;
	bus_mms_elsewhere(p, ied_side);
}

/* Is a frame of shard `shard` this process's? Each frame is asked once.
 * Without --shard every frame is. */
static bool in_shard(uint32_t shard, bool mms, const struct pkt_where *at, const struct pcap_pkthdr *hdr)
{
	if (!opt->shards)
		return true;
	if (shard != opt->shard) {
		left_to_other_shard(mms);
		return false;
	}
	unread_frame(*at, hdr->caplen, hdr->len);
	return true;
}

/* What every frame does first, whatever becomes of it: packet time, the
 * timers it moves, the frame counters. Inlined: it was packet_in's own code,
 * and a call returning the 16-byte position cost the default path. */
static inline __attribute__((always_inline)) struct pkt_where frame_arrives(uint32_t file_idx, uint64_t frame,
									    const struct pcap_pkthdr *hdr)
{
	struct packet_time pt;
	if ((frame & 63) == 0)
		heap_hugepages_follow(); /* what the heap grew by since (util/heap.h) */
	/* Where the frame is, copied from the values (registers) wherever it goes:
	 * a 16-byte load of fields just stored one by one cannot take them from the
	 * store queue, and waits for every store before it to reach the cache. */
	const struct pkt_where at = {
		.ts_us = packet_clock(hdr->ts.tv_sec, hdr->ts.tv_usec, frame, &pt),
		.file_idx = file_idx,
		.frame = frame,
	};
	if (pt.step_us) {
		flow_table_shift(flows, pt.step_us);
		last_sweep += pt.step_us;
	}
	stat_inc(STAT_packets);
	stat_add(STAT_bytes, hdr->caplen);
	last_ts = at.ts_us;
	last_at = at;
	/* A frame with an invalid time (stages/packet_clock.h) moves no timer. */
	if (pt.valid && at.ts_us - last_sweep >= SWEEP_INTERVAL_US) {
		if (last_sweep)
			sweep(at.ts_us, &at);
		last_sweep = at.ts_us;
	}
	return at;
}

static void packet_in(uint32_t iface, int dlt, uint32_t file_idx, uint64_t frame, const struct pcap_pkthdr *hdr,
		      const uint8_t *data)
{
	struct pkt p;
	const struct pkt_where at = frame_arrives(file_idx, frame, hdr);
	p.at = at;
	p.iface = iface;
	p.src_mac = NULL;
	p.red = RED_NONE;
	p.red_duplicate = false;
	p.data = data;
	p.caplen = hdr->caplen;
	p.wirelen = hdr->len;
	p.dlt = dlt;
	/* After the timers: a tick sees whole frames. With --shard, once the
	 * frame's shard is known (in_shard). */
	if (!opt->shards)
		unread_frame(at, hdr->caplen, hdr->len);
	bus_frame(NULL, 0, &p);

	enum link_result lr = decode_link(dlt, &p);
	if ((lr == LINK_OK || lr == LINK_NOT_IP) && p.red != RED_NONE) {
		/* PRP/HSR: every copy is shown to the redundancy hook (LAN health
		 * needs both); only the first copy of a frame goes on, so its frame
		 * number is the one EVE names. Supervision frames end here too, each
		 * counted by the link stage. */
		redundancy_check(&p);
		/* LAN health, from every frame's copies: shard 0's (with --shard) */
		if (!opt->shards || opt->shard == 0)
			bus_redundancy(&p);
		if (p.red_duplicate || p.red == RED_PRP_SUPERVISION || p.red == RED_HSR_SUPERVISION) {
			in_shard(0, false, &p.at, hdr);
			return;
		}
	}
	if (lr != LINK_OK && !in_shard(0, false, &p.at, hdr))
		return;
	switch (lr) {
	case LINK_OK:
		break;
	case LINK_NOT_IP:
		stat_inc(STAT_not_ip);
		unread_not_ip(p.ethertype, &p.at);
		bus_l2(&p);
		return;
	case LINK_TRUNCATED:
		stat_inc(STAT_link_truncated);
		unread_broken(&p.at);
		return;
	case LINK_TOO_DEEP:
		stat_inc(STAT_vlan_stack_too_deep);
		unread_vlan_too_deep(&p.at);
		return;
	case LINK_UNSUPPORTED:
		stat_inc(STAT_link_unsupported);
		unread_link_type(dlt, pcap_datalink_val_to_name(dlt), &p.at);
		return;
	}
	enum ip_result r = decode_ip(&p);
	if (r == IP_FRAGMENT) {
		if (!defrag_ipv4(&p)) {
			/* its datagram's shard is not known yet: shard 0 accounts for it */
			if (in_shard(0, false, &p.at, hdr))
				unread_ip_fragment(&p.at);
			return;
		}
		r = decode_ip(&p);
	}
	if (opt->shards) {
		bool tcp = r == IP_TCP;
		bool src_mms = tcp && options_is_mms_port(opt, p.sport),
		     dst_mms = tcp && options_is_mms_port(opt, p.dport);
		uint32_t shard = shard_of_ip(&p, src_mms, dst_mms, opt->shards);
		if (shard != opt->shard && opt->shard == 0 && (src_mms || dst_mms))
			mms_elsewhere(&p, src_mms, dst_mms);
		if (!in_shard(shard, src_mms || dst_mms, &p.at, hdr))
			return;
	}
	if (r == IP_OTHER || r == IP_UDP)
		unread_ip_not_tcp(&p.at);
	if (r == IP_UDP)
		bus_udp(&p); /* time sources (SNTP, PTP) for the inventory */
	else if (r == IP_INVALID)
		unread_broken(&p.at);
	if (r != IP_TCP)
		return;
	stat_inc(STAT_tcp_packets);
	if (!options_is_mms_port(opt, p.sport) && !options_is_mms_port(opt, p.dport)) {
		stat_inc(STAT_tcp_other_port);
		/* MMS on a port nobody configured is the commonest reason for a
		 * capture that shows none: the payload's first bytes tell. */
		unread_tcp_other_port(p.sport, p.dport, p.payload, p.plen, &p.at);
		return;
	}
	unread_tcp_mms_port(&p.at);
	tcp_packet(&p);
}

void pipeline_packet(void *ctx, int dlt, uint32_t file_idx, uint64_t frame, const struct pcap_pkthdr *hdr,
		     const uint8_t *data)
{
	(void)ctx;
	packet_in(0, dlt, file_idx, frame, hdr, data);
}

void pipeline_live_packet(void *ctx, uint32_t iface, int dlt, uint64_t frame, const struct pcap_pkthdr *hdr,
			  const uint8_t *data)
{
	(void)ctx;
	packet_in(iface, dlt, 0, frame, hdr, data);
}

enum frame_fate pipeline_frame_fate(int dlt, const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	return frame_peek_fate(&reader_side.rule, &reader_side.mms_vlans, dlt, data, caplen, wirelen);
}

void pipeline_frame_left(uint32_t file_idx, uint64_t frame, const struct pcap_pkthdr *hdr, bool mms)
{
	frame_arrives(file_idx, frame, hdr);
	left_to_other_shard(mms);
}

void pipeline_finish(void)
{
	flow_table_flush(flows, &last_at);
	order_phase(ORDER_FINISH, 0);
	bus_finish(last_ts);
	flow_table_free(flows);
	flows = NULL;
	defrag_free_all();
	redundancy_free();
}

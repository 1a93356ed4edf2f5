/* SPDX-License-Identifier: GPL-2.0-or-later */
/* frame_peek.h - a bounded look through a raw frame's headers on the reader
 * thread, before the pipeline decodes it, for what the reader decides about
 * the frame: decode its MMS PDU ahead (stages/decode_ahead.h), or hand it on
 * as another shard's frame, its header alone (--shard, capture.h).
 *
 * The look follows the link and IP stages' rules (stages/decode_link.c,
 * stages/decode_ip.c) for the plain case only: Ethernet, at most MMSW_MAX_VLAN
 * VLAN tags of the TPIDs the link stage knows, then IPv4 that is not a
 * fragment, or an EtherType that is neither IP nor PRP/HSR. Whatever those
 * stages would count or treat otherwise (a truncated or malformed header, a
 * stack too deep, IPv6, a fragment, an HSR tag, another link type) is
 * FRAME_PEEK_UNSURE: the pipeline decides. A PRP trailer the link stage may
 * find at the end is not looked for here (frame_peek_prp_possible, for whom
 * it matters: the IP datagram's place does not depend on it). */
#ifndef MMSW_FRAME_PEEK_H
#define MMSW_FRAME_PEEK_H

#include <stdbool.h>
#include <stdint.h>

#include "dissectors/rd.h"
#include "stages/capture.h"
#include "util/limits.h"

enum frame_peek_kind {
	FRAME_PEEK_UNSURE,     /* the pipeline decides */
	FRAME_PEEK_NOT_IP,     /* an EtherType the link stage passes on as not IP */
	FRAME_PEEK_IPV4_TCP,   /* a valid IPv4 TCP header, not a fragment */
	FRAME_PEEK_IPV4_OTHER, /* valid IPv4, not a fragment, not TCP */
};

struct frame_peek {
	uint8_t n_vlan;
	uint32_t l3_off;              /* where the bytes after the last EtherType begin */
	uint16_t vlan[MMSW_MAX_VLAN]; /* VLAN ids, outermost first, as the link stage keeps them */
	/* FRAME_PEEK_IPV4_*: */
	const uint8_t *ip_src, *ip_dst; /* 4 bytes each, in the frame */
	struct rd ip;                   /* the IPv4 header on, up to the end of what was captured */
	uint16_t ip_total;              /* its total length (an Ethernet pad may follow) */
	/* FRAME_PEEK_IPV4_TCP: */
	uint16_t sport, dport;
	struct rd tcp_payload; /* after the TCP header, up to the total length or the capture's end */
};

/* A look at a frame of caplen bytes captured. */
enum frame_peek_kind frame_peek(int dlt, const uint8_t *frame, uint32_t caplen, struct frame_peek *out);

/* Could the link stage find a PRP trailer in the frame frame_peek just looked
 * at (and cut it off, or count a near miss)? wirelen as pcap's header gives it. */
bool frame_peek_prp_possible(const struct frame_peek *pk, const uint8_t *frame, uint32_t caplen, uint32_t wirelen);

/* --shard K/N offline: what a frame's headers say of its shard, by the rule of
 * core/shard.h as the pipeline applies it (pipeline.c in_shard), for the reader
 * (capture.h input_set_frames_left). FRAME_HERE whenever the headers are not
 * plain (FRAME_PEEK_UNSURE, or a PRP trailer possible): the pipeline decides. */
struct frame_shard_rule {
	uint32_t k, n;
	uint16_t mms_ports[MMSW_MAX_MMS_PORTS];
	uint32_t n_mms_ports;
};
/* Shard 0's reader hands on in full, not as its header, the first frame of
 * another shard's MMS connection that opens an ACSE APDU or MMS PDU on each
 * VLAN stack (dissectors/tpkt.h tpkt_opens_session_pdu), so that the pipeline
 * shows it to the analyzers (pipeline.c mms_elsewhere): which segments carry
 * MMS is a fact shard 0's GOOSE and SV findings need. Past the cap, every such
 * frame goes in full. The reader's own: the pipeline thread never reads it. */
#define FRAME_MMS_VLANS_MAX 64
struct frame_mms_vlans {
	uint32_t n;
	struct {
		uint8_t n_vlan;
		uint16_t vlan[MMSW_MAX_VLAN];
	} seen[FRAME_MMS_VLANS_MAX];
};
enum frame_fate frame_peek_fate(const struct frame_shard_rule *rule, struct frame_mms_vlans *mms_vlans, int dlt,
				const uint8_t *frame, uint32_t caplen, uint32_t wirelen);

#endif

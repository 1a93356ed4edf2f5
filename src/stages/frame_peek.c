/* SPDX-License-Identifier: GPL-2.0-or-later */
/* frame_peek.c - the reader's look at a frame's headers; see frame_peek.h.
 *
 * Each check here is one of the link or IP stage's, so that what this calls
 * plain the pipeline decodes the same way without counting anything on the
 * way (tests/unit/test_shard compares the two on every bundled frame). */
#include "stages/frame_peek.h"

#include <pcap/pcap.h>
#include <string.h>

#include "core/packet.h"
#include "core/shard.h"
#include "dissectors/tpkt.h"
#include "stages/decode_link.h"

/* The link stage looks for a PRP trailer only in a frame captured whole: at
 * the very end, and in a frame of at most 64 bytes also before padding, from
 * six bytes past the headers. Any 0x88FB where a trailer's suffix could end
 * says maybe (the stage also checks the LAN id and the size, and counts a
 * near miss at the end). */
bool frame_peek_prp_possible(const struct frame_peek *pk, const uint8_t *frame, uint32_t caplen, uint32_t wirelen)
{
	if (wirelen > caplen)
		return false;
	struct rd r = rd_make(frame, caplen);
	uint32_t lowest = caplen <= 64 ? pk->l3_off + 6 : caplen;
	uint8_t hi, lo;
	for (uint32_t end = caplen; end >= lowest && end >= 6; end--)
		if (rd_peek(&r, end - 2, &hi) && rd_peek(&r, end - 1, &lo) && hi == 0x88 && lo == 0xfb)
			return true;
	return false;
}

/* IPv4 as decode_ip.c's ipv4() and decode_tcp() take it, from r on. */
static enum frame_peek_kind ipv4(struct rd r, struct frame_peek *out)
{
	uint8_t vihl, proto;
	uint16_t frag;
	out->ip = r;
	if (!rd_u8(&r, &vihl) || !rd_skip(&r, 1) || !rd_be16(&r, &out->ip_total) || !rd_skip(&r, 2) ||
	    !rd_be16(&r, &frag) || !rd_skip(&r, 1) || !rd_u8(&r, &proto) || !rd_skip(&r, 2))
		return FRAME_PEEK_UNSURE;
	uint32_t hlen = (uint32_t)(vihl & 0x0f) * 4;
	size_t l3len = rd_left(&out->ip);
	if ((vihl >> 4) != 4 || hlen < 20 || out->ip_total < hlen || hlen > l3len || (frag & 0x3fff))
		return FRAME_PEEK_UNSURE;
	out->ip_src = rd_ptr(&out->ip) + 12;
	out->ip_dst = rd_ptr(&out->ip) + 16;
	if (proto != 6)
		return FRAME_PEEK_IPV4_OTHER; /* UDP and the rest: the IP stage counts none */
	size_t len = out->ip_total < l3len ? out->ip_total : l3len;
	struct rd tcp = rd_make(rd_ptr(&out->ip) + hlen, len - hlen);
	uint8_t off;
	if (!rd_be16(&tcp, &out->sport) || !rd_be16(&tcp, &out->dport) || !rd_skip(&tcp, 8) || !rd_u8(&tcp, &off) ||
	    !rd_skip(&tcp, 1))
		return FRAME_PEEK_UNSURE;
	uint32_t thl = (uint32_t)(off >> 4) * 4;
	if (thl < 20 || thl > len - hlen)
		return FRAME_PEEK_UNSURE;
	out->tcp_payload = rd_make(rd_ptr(&out->ip) + hlen + thl, len - hlen - thl);
	return FRAME_PEEK_IPV4_TCP;
}

enum frame_peek_kind frame_peek(int dlt, const uint8_t *frame, uint32_t caplen, struct frame_peek *out)
{
	out->n_vlan = 0;
	out->l3_off = 0;
	if (dlt != DLT_EN10MB)
		return FRAME_PEEK_UNSURE;
	struct rd r = rd_make(frame, caplen);
	uint16_t type;
	if (!rd_skip(&r, 12) || !rd_be16(&r, &type))
		return FRAME_PEEK_UNSURE;
	while (link_vlan_tpid(type)) {
		uint16_t tci;
		if (out->n_vlan >= MMSW_MAX_VLAN || !rd_be16(&r, &tci) || !rd_be16(&r, &type))
			return FRAME_PEEK_UNSURE; /* too deep, or truncated: counted there */
		out->vlan[out->n_vlan++] = tci & 0x0fff;
	}
	if (type == ETHERTYPE_HSR || type == ETHERTYPE_PRP_SUPERVISION || type == ETHERTYPE_IPV6)
		return FRAME_PEEK_UNSURE;
	out->l3_off = (uint32_t)rd_pos(&r);
	if (type != ETHERTYPE_IPV4)
		return FRAME_PEEK_NOT_IP;
	return ipv4(r, out);
}

static bool rule_mms_port(const struct frame_shard_rule *rule, uint16_t port)
{
	for (uint32_t i = 0; i < rule->n_mms_ports; i++)
		if (rule->mms_ports[i] == port)
			return true;
	return false;
}

/* Another shard's MMS frame that shows MMS on a VLAN stack shard 0 has not
 * been shown yet (frame_mms_vlans). */
static bool mms_vlan_news(struct frame_mms_vlans *seen, const struct frame_peek *pk)
{
	if (!tpkt_opens_session_pdu(pk->tcp_payload))
		return false;
	for (uint32_t i = 0; i < seen->n && i < FRAME_MMS_VLANS_MAX; i++)
		if (seen->seen[i].n_vlan == pk->n_vlan &&
		    !memcmp(seen->seen[i].vlan, pk->vlan, pk->n_vlan * sizeof(pk->vlan[0])))
			return false;
	if (seen->n < FRAME_MMS_VLANS_MAX) {
		seen->seen[seen->n].n_vlan = pk->n_vlan;
		memcpy(seen->seen[seen->n].vlan, pk->vlan, pk->n_vlan * sizeof(pk->vlan[0]));
		seen->n++;
	}
	return true;
}

enum frame_fate frame_peek_fate(const struct frame_shard_rule *rule, struct frame_mms_vlans *mms_vlans, int dlt,
				const uint8_t *frame, uint32_t caplen, uint32_t wirelen)
{
	struct frame_peek pk;
	enum frame_fate fate = FRAME_HERE;
	switch (frame_peek(dlt, frame, caplen, &pk)) {
	case FRAME_PEEK_UNSURE:
		return FRAME_HERE;
	case FRAME_PEEK_NOT_IP:
	case FRAME_PEEK_IPV4_OTHER: /* in_shard(0, false): shard 0's */
		fate = rule->k == 0 ? FRAME_HERE : FRAME_LEFT;
		break;
	case FRAME_PEEK_IPV4_TCP: {
		bool src_mms = rule_mms_port(rule, pk.sport), dst_mms = rule_mms_port(rule, pk.dport);
		if (shard_of_pair(pk.ip_src, pk.ip_dst, 4, src_mms, dst_mms, rule->n) != rule->k)
			fate = src_mms || dst_mms ? FRAME_LEFT_MMS : FRAME_LEFT;
		if (fate == FRAME_LEFT_MMS && rule->k == 0 && mms_vlans && mms_vlan_news(mms_vlans, &pk))
			return FRAME_HERE;
		break;
	}
	}
	/* A frame with a PRP trailer is the redundancy stage's (and LAN health's) */
	if (fate != FRAME_HERE && frame_peek_prp_possible(&pk, frame, caplen, wirelen))
		return FRAME_HERE;
	return fate;
}

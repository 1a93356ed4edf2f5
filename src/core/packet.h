/* SPDX-License-Identifier: GPL-2.0-or-later */
/* packet.h - one captured packet as it travels the pipeline. All pointers are
 * into libpcap's buffer and valid until the next packet. */
#ifndef MMSW_PACKET_H
#define MMSW_PACKET_H

#include <stdbool.h>
#include <stdint.h>

#include "util/limits.h"

/* Where a packet came from: file and 1-based frame number (tshark's numbering). */
struct pkt_where {
	int64_t ts_us;     /* packet time, microseconds since the Unix epoch */
	uint32_t file_idx; /* index into the run's input files */
	uint64_t frame;    /* pcap_cnt */
};

/* IEC 62439-3 redundancy, as the link stage found it on a frame. */
enum redundancy {
	RED_NONE = 0,
	RED_PRP,             /* a PRP redundancy control trailer passed the size check */
	RED_HSR,             /* an HSR tag */
	RED_PRP_SUPERVISION, /* EtherType 0x88FB, no HSR tag */
	RED_HSR_SUPERVISION, /* 0x88FB inside an HSR tag */
};

struct pkt {
	struct pkt_where at;
	uint32_t iface; /* capture interface, in -i order (0 for files) */
	int dlt;        /* the link type its bytes start with (pcap DLT_*) */
	const uint8_t *data;
	uint32_t caplen, wirelen;

	const uint8_t *src_mac; /* Ethernet source address, NULL when the link has none */
	uint8_t n_vlan;
	uint16_t vlan[MMSW_MAX_VLAN];
	uint16_t ethertype; /* after the VLAN stack (and an HSR tag) */

	/* redundancy (PRP/HSR): filled by the link stage */
	uint8_t red;        /* enum redundancy */
	uint8_t red_lan;    /* PRP: 0xA or 0xB; HSR: the path's lane, 0 (A) or 1 (B) */
	uint8_t red_net;    /* HSR: the path's net id (3 bits) */
	uint16_t red_seq;   /* the sequence number */
	bool red_duplicate; /* a copy of a frame already delivered: not decoded further */

	/* network layer */
	uint8_t ipver;            /* 4 or 6 */
	uint8_t src[16], dst[16]; /* IPv4 in the first 4 bytes */
	const uint8_t *l3;
	uint32_t l3len;

	/* transport */
	uint8_t l4proto;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t tcp_flags;
	const uint8_t *payload;
	uint32_t plen;
};

/* EtherTypes the pipeline and analyzers tell apart. */
#define ETHERTYPE_HSR 0x892f
#define ETHERTYPE_PRP_SUPERVISION 0x88fb
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_GOOSE 0x88b8
#define ETHERTYPE_SV 0x88ba

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

#endif

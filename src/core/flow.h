/* SPDX-License-Identifier: GPL-2.0-or-later */
/* flow.h - one TCP connection as every layer above the flow table sees it: its key
 * (VLAN stack, addresses, ports), its orientation (which side is the client), its
 * TCP state per direction, the application protocol found on it, and the slots
 * analyzers and sinks hang their own per-flow state on (core/bus.h). The table
 * that holds flows is a pipeline stage (stages/flow_table.h). */
#ifndef MMSW_FLOW_H
#define MMSW_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/packet.h"

struct iso_flow;
struct ied;

/* Slots analyzers and sinks take at start-up for their per-flow state (bus.h).
 * Nine are taken today (analyze, associations, services, control, inventory,
 * summary, drift, and scl_checks with --scl, evidence with --evidence); each
 * costs 8 bytes in every flow of the table (--max-flows), and a SYN storm fills
 * the table: raise it when an analyzer needs one, not ahead. */
#define FLOW_SLOTS 9

/* One direction of the TCP byte stream (stages/stream_tcp.c keeps it). */
struct tcp_seg;

struct tcp_half {
	bool synced; /* next_seq is known */
	bool syn_seen, fin_seen, peer_ack_valid;
	uint32_t isn, next_seq, fin_seq;
	uint32_t peer_ack; /* highest ACK the other side sent for this direction */
	uint16_t ooo_segs;
	uint32_t ooo_bytes;
	int64_t hole_since;  /* packet time the oldest queued segment arrived */
	uint64_t delivered;  /* bytes handed to the glue */
	uint64_t gap_bytes;  /* bytes declared lost */
	struct tcp_seg *ooo; /* out-of-order queue, ordered by seq */
};


/* What the bytes of a flow turned out to be (stages/app_iso.c decides). */
enum app_proto {
	APP_UNKNOWN = 0,
	APP_ISO, /* TPKT/COTP seen, no MMS yet */
	APP_MMS,
	APP_S7COMM,
	APP_S7COMM_PLUS,
	APP_TLS,
	APP_NOT_ISO, /* bytes that are not TPKT */
};

/* Canonical key: endpoint 0 is the lower (address, port). Six 8-byte words,
 * each built whole by the flow table (stages/flow_table.c): the addresses, then
 * ports, version and tag count, then the tags. */
struct flow_key {
	uint8_t ip[2][16]; /* IPv4 in the first 4 bytes, the rest 0 */
	uint16_t port[2];
	uint8_t ipver;
	uint8_t n_vlan;
	uint8_t zero[2];
	uint16_t vlan[MMSW_MAX_VLAN]; /* the n_vlan outer tags, the rest 0 */
};
_Static_assert(sizeof(struct flow_key) == 48 && MMSW_MAX_VLAN == 4, "struct flow_key: six words");

enum flow_state {
	FLOW_NEW = 0,     /* created, nothing decided yet */
	FLOW_SYN,         /* SYN seen */
	FLOW_ESTABLISHED, /* handshake completed or data seen */
	FLOW_CLOSING,     /* FIN seen in one direction */
	FLOW_CLOSED,      /* FIN both ways or RST */
};

/* Why a flow ended (for events and the association lifecycle). */
enum flow_end {
	FLOW_END_FIN = 0,
	FLOW_END_RST,
	FLOW_END_TIMEOUT,
	FLOW_END_EVICTED,
	FLOW_END_PORT_REUSE,
	FLOW_END_CAPTURE_END,
};

/* Laid out by cache line, in the order a packet reads them; the flow table
 * allocates flows on a line boundary (stages/flow_table.c). Every TCP packet
 * reads lines 0, 1 and both halves (4, 5: its own half, and the other for the
 * ACK), every MMS PDU line 2 as well; line 3 is read when a flow starts, ends
 * or is named (a finding's or an EVE record's flow_id). Six lines instead of the
 * seven or eight that 400 bytes at malloc's 16-byte alignment spanned, every one
 * of which a packet touched. */
struct flow {
	/* line 0: what the lookup and the LRU touch */
	uint32_t hash;
	uint32_t lru_node;  /* its entry in the flow table's LRU lists (stages/flow_table.c) */
	struct flow *hnext; /* hash chain */
	struct flow_key key;
	/* line 1: what every packet reads or counts */
	int64_t last_ts;
	uint64_t pkts[2], bytes[2]; /* by direction: 0 client->server, 1 server->client */
	uint64_t mms_pdus[2];       /* MMS PDUs decoded, by direction (stages/app_iso.c) */
	uint8_t lru;                /* which LRU list holds it */
	uint8_t client;             /* key endpoint (0/1) that is the client */
	uint8_t state;              /* enum flow_state */
	uint8_t app_proto;          /* enum app_proto */
	bool midstream : 1, rst : 1, saw_syn : 1, saw_synack : 1;
	bool fin[2];
	/* line 2 (and the last three slots in line 3): where the rest of its state is */
	struct iso_flow *iso;   /* ISO/MMS state, allocated at the first payload */
	struct ied *ied;        /* the server's IED, once asked for (core/ied.h: ied_of_flow) */
	void *slot[FLOW_SLOTS]; /* owned by whoever took the slot, freed at its flow end */
	/* line 3 */
	uint64_t id; /* EVE flow_id */
	int64_t first_ts;
	struct pkt_where first; /* packet that created the flow */
	/* lines 4 and 5 */
	struct tcp_half half[2]; /* by direction */
};
_Static_assert(offsetof(struct flow, last_ts) == 64 && offsetof(struct flow, iso) == 128 &&
		       offsetof(struct flow, id) == 216 && offsetof(struct flow, half) == 256 &&
		       sizeof(struct tcp_half) == 64 && sizeof(struct flow) == 384,
	       "struct flow: six cache lines");

/* Address text of endpoint e ("127.0.0.1", "fe80::1"). */
void flow_addr_text(const struct flow *f, int endpoint, char *buf, size_t size);
/* Key endpoint of a direction's source. */
static inline int flow_src_endpoint(const struct flow *f, int dir)
{
	return dir == 0 ? f->client : 1 - f->client;
}

static inline uint8_t app_proto_of(const struct flow *f)
{
	return f->app_proto;
}
const char *app_proto_name(uint8_t proto);

#endif

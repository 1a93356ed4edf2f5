/* flow.h - the flow table: TCP connections keyed by VLAN stack + addresses + ports,
 * fixed capacity, idle flows evicted first, expiry on packet time. */
#ifndef MMSW_FLOW_H
#define MMSW_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet.h"
#include "stream_tcp.h"

struct iso_flow;
struct flow_an;

/* Canonical key: endpoint 0 is the lower (address, port). */
struct flow_key {
	uint8_t ipver;
	uint8_t n_vlan;
	uint16_t vlan[MMSW_MAX_VLAN];
	uint16_t port[2];
	uint8_t ip[2][16];
};

enum flow_state {
	FLOW_NEW = 0,     /* created, nothing decided yet */
	FLOW_SYN,         /* SYN seen */
	FLOW_ESTABLISHED, /* handshake completed or data seen */
	FLOW_CLOSING,     /* FIN seen in one direction */
	FLOW_CLOSED,      /* FIN both ways or RST */
};

/* Why a flow ended (for events and the association lifecycle). */
enum flow_end {
	FLOW_END_FIN = 0, FLOW_END_RST, FLOW_END_TIMEOUT, FLOW_END_EVICTED,
	FLOW_END_PORT_REUSE, FLOW_END_CAPTURE_END,
};

struct flow {
	struct flow_key key;
	uint64_t id;            /* EVE flow_id */
	uint32_t hash;
	struct flow *hnext;     /* hash chain */
	struct flow *prev, *next; /* LRU list (most recent at head) */
	uint8_t lru;            /* which LRU list holds it */
	uint8_t client;         /* key endpoint (0/1) that is the client */
	uint8_t state;          /* enum flow_state */
	bool saw_syn, saw_synack, midstream, rst, fin[2];
	int64_t first_ts, last_ts;
	struct pkt_where first; /* packet that created the flow */
	uint64_t pkts[2], bytes[2]; /* by direction: 0 client->server, 1 server->client */
	struct tcp_half half[2];    /* by direction */
	struct iso_flow *iso;       /* ISO/MMS state, allocated at the first payload */
	uint32_t summary_row;       /* 1-based row in the summary's association table */
	const char *assoc_end;      /* how the association ended, set when the flow ends */
	struct flow_an *an;         /* the analyzers' state for this association */
};

struct flow_table;

typedef void (*flow_end_cb)(struct flow *f, enum flow_end why, const struct pkt_where *at);

struct flow_table *flow_table_new(size_t cap, flow_end_cb on_end);
void flow_table_free(struct flow_table *t);
size_t flow_table_count(const struct flow_table *t);

/* Find the flow of p; create it when `create` (evicting if full). *dir is the
 * packet's direction (0 client->server). New flows take their orientation from
 * is_client_src (true when p's source is the client). */
struct flow *flow_get(struct flow_table *t, const struct pkt *p, bool create,
		      bool src_is_client, int *dir);
/* Record activity: moves the flow to the front of its LRU list. */
void flow_touch(struct flow_table *t, struct flow *f, int64_t now);
/* End a flow now (callback, then free). */
void flow_end(struct flow_table *t, struct flow *f, enum flow_end why, const struct pkt_where *at);
/* Expire flows idle past their state's timeout (packet time). */
void flow_table_expire(struct flow_table *t, int64_t now, const struct pkt_where *at);
/* End every flow (end of input). */
void flow_table_flush(struct flow_table *t, const struct pkt_where *at);
/* Visit every flow (for hole timers). */
void flow_table_foreach(struct flow_table *t, void (*fn)(struct flow *, void *), void *arg);

/* Address text of endpoint e ("127.0.0.1", "fe80::1"). */
void flow_addr_text(const struct flow *f, int endpoint, char *buf, size_t size);
/* Key endpoint of a direction's source. */
static inline int flow_src_endpoint(const struct flow *f, int dir)
{
	return dir == 0 ? f->client : 1 - f->client;
}

#endif

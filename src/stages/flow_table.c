/* SPDX-License-Identifier: GPL-2.0-or-later */
/* flow.c - fixed-capacity flow table with two LRU lists; see flow.h.
 *
 * Established flows live on the `long` list; flows that are closing, closed or
 * never completed a handshake live on the `short` list. Expiry walks each list
 * from its least recently used end, so it costs only what it expires. When the
 * table is full the oldest short-list flow goes first (a SYN flood then evicts
 * its own half-open flows, not live associations). */
#include "stages/flow_table.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/order.h"
#include "stages/app_iso.h"
#include "stages/flow_hash.h"
#include "stages/stream_tcp.h"
#include "util/stats.h"

enum { LRU_SHORT = 0, LRU_LONG = 1 };

/* The bucket array's first size (8 KiB of pointers); it doubles whenever the
 * flows outnumber the buckets, up to the cap's power of two. */
#define MIN_BUCKETS 1024

/* The LRU lists are linked through an array of nodes, one per flow, not
 * through the flows: a flow moved to the head of its list rewrites the links of
 * its two neighbours and of the old head, which are any flows at all, and with
 * the links in the flows that was two or three cache lines of cold flows per
 * packet; the nodes of a thousand flows are 16 KiB, which stay in cache. Node 0
 * is "none"; a free node's next is the next free node. */
struct lru_node {
	struct flow *flow;
	uint32_t prev, next;
};

struct lru {
	uint32_t head, tail;
};

/* Flows come from slabs of FLOW_SLAB, each flow on a cache line boundary
 * (struct flow is laid out by line, core/flow.h); a flow that ended goes on a
 * free list for the next one. aligned_alloc per flow cost the storm test 20 MB
 * of heap (glibc splits off what it skipped to align, and the pieces stay);
 * a slab costs 64 bytes per 64 flows, and saves malloc's header on each. The
 * slabs are freed with the table: a table never holds more than its cap. Under
 * ASan a free flow is poisoned but for its first 16 bytes (hnext links the free
 * list), so a use after flow_end is still caught. */
#define FLOW_SLAB 64
#define FLOW_LINE2_SLOTS 6 /* slot[0] to slot[5] share line 2 with iso and ied */
_Static_assert(offsetof(struct flow, slot[FLOW_LINE2_SLOTS]) == 192, "six slots in line 2");
struct flow_slab {
	struct flow_slab *next;
	char pad[64 - sizeof(struct flow_slab *)];
	struct flow flows[FLOW_SLAB];
};

#if defined(__SANITIZE_ADDRESS__)
#define FLOW_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FLOW_ASAN 1
#endif
#endif
#ifdef FLOW_ASAN
#include <sanitizer/asan_interface.h>
#define flow_poison(f) ASAN_POISON_MEMORY_REGION((char *)(f) + 16, sizeof(struct flow) - 16)
#define flow_unpoison(f) ASAN_UNPOISON_MEMORY_REGION((f), sizeof(struct flow))
#else
#define flow_poison(f) ((void)(f))
#define flow_unpoison(f) ((void)(f))
#endif

struct flow_table {
	size_t cap, count, nbuckets, max_buckets;
	struct flow_slab *slabs;
	struct flow *free_flows; /* linked by hnext */
	struct flow **buckets;
	struct lru lru[2];
	struct lru_node *node;
	uint32_t n_nodes, free_node; /* nodes allocated (node 0 included); the first free one */
	flow_end_cb on_end;
	uint64_t next_serial;
};

/* The flow of a node (NULL for node 0: the end of a list). */
static inline struct flow *node_flow(const struct flow_table *t, uint32_t n)
{
	return t->node[n].flow;
}

struct flow_table *flow_table_new(size_t cap, flow_end_cb on_end)
{
	struct flow_table *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->cap = cap;
	/* The bucket array starts small and doubles with the flows in the table
	 * (flow_get): one sized for the cap (65536 by default: 512 KiB) would put
	 * every packet's bucket in a different cache line of a cold array, a cache
	 * miss per packet, for a few hundred live flows. */
	t->max_buckets = MIN_BUCKETS;
	while (t->max_buckets < cap)
		t->max_buckets <<= 1;
	t->nbuckets = MIN_BUCKETS;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	if (!t->buckets) {
		free(t);
		return NULL;
	}
	t->n_nodes = MIN_BUCKETS;
	t->node = calloc(t->n_nodes, sizeof(*t->node));
	if (!t->node) {
		free(t->buckets);
		free(t);
		return NULL;
	}
	for (uint32_t i = 1; i + 1 < t->n_nodes; i++)
		t->node[i].next = i + 1;
	t->free_node = 1;
	t->on_end = on_end;
	return t;
}

/* A zeroed flow, from the free list or a new slab; NULL: out of memory. */
static struct flow *flow_alloc(struct flow_table *t)
{
	if (!t->free_flows) {
		struct flow_slab *slab = aligned_alloc(64, sizeof(*slab));
		if (!slab)
			return NULL;
		slab->next = t->slabs;
		t->slabs = slab;
		for (size_t i = FLOW_SLAB; i-- > 0;) {
			slab->flows[i].hnext = t->free_flows;
			t->free_flows = &slab->flows[i];
			flow_poison(&slab->flows[i]);
		}
	}
	struct flow *f = t->free_flows;
	t->free_flows = f->hnext;
	flow_unpoison(f);
	memset(f, 0, sizeof(*f));
	return f;
}

static void flow_release(struct flow_table *t, struct flow *f)
{
	f->hnext = t->free_flows;
	t->free_flows = f;
	flow_poison(f);
}

/* A free node for a new flow, the array doubled when none is left (the table's
 * cap bounds it: a node per flow). 0: out of memory. */
static uint32_t node_take(struct flow_table *t)
{
	if (!t->free_node) {
		/* doubled, but no further than the cap's node count */
		uint32_t n = t->n_nodes * 2;
		if (n > t->cap + 1 && t->cap + 1 > t->n_nodes)
			n = (uint32_t)(t->cap + 1);
		struct lru_node *grown = realloc(t->node, (size_t)n * sizeof(*grown));
		if (!grown)
			return 0;
		memset(grown + t->n_nodes, 0, (size_t)(n - t->n_nodes) * sizeof(*grown));
		for (uint32_t i = t->n_nodes; i + 1 < n; i++)
			grown[i].next = i + 1;
		t->free_node = t->n_nodes;
		t->node = grown;
		t->n_nodes = n;
	}
	uint32_t i = t->free_node;
	t->free_node = t->node[i].next;
	t->node[i].next = 0;
	return i;
}

/* A node unlinked from its list (lru_unlink cleared its links) back to the free ones. */
static void node_give_back(struct flow_table *t, uint32_t i)
{
	t->node[i].flow = NULL;
	t->node[i].next = t->free_node;
	t->free_node = i;
}

size_t flow_table_count(const struct flow_table *t)
{
	return t->count;
}

/* Is a stored key this one? Word by word, inline (a memcmp call was 3% of the
 * pipeline), each word on its own: compared two at a time, the words would be
 * read back from memory as pairs (see struct key_words). */
static inline bool key_equal(const struct flow_key *a, const struct key_words *k)
{
	for (size_t i = 0; i < 6; i++) {
		uint64_t x;
		memcpy(&x, (const uint8_t *)a + 8 * i, 8);
		if (x != k->w[i])
			return false;
	}
	return true;
}

/* Every 64-byte line holding some of the n bytes at at. */
static inline void prefetch_lines(const void *at, size_t n)
{
	uintptr_t first = (uintptr_t)at & ~(uintptr_t)63, end = (uintptr_t)at + n;
	for (uintptr_t p = first; p < end; p += 64)
		__builtin_prefetch((const void *)p);
}

void flow_table_prefetch(const struct flow_table *t, uint32_t h, enum flow_prefetch stage)
{
	struct flow *const *b = &t->buckets[h & (t->nbuckets - 1)];
	if (stage == FLOW_PREFETCH_BUCKET) {
		__builtin_prefetch(b);
		return;
	}
	/* The first flow of the chain: the lookup reads its first line, the TCP
	 * and ISO stages and the bus the others but line 3 (core/flow.h), unless
	 * more than the six slots of line 2 are taken. A prefetch of a flow freed
	 * before its frame comes does no harm (it cannot fault). */
	const struct flow *f = *b;
	if (!f)
		return;
	int slots = bus_flow_slots_taken();
	if (stage == FLOW_PREFETCH_FLOW) {
		prefetch_lines(f, slots > FLOW_LINE2_SLOTS ? offsetof(struct flow, half) : offsetof(struct flow, id));
		prefetch_lines(f->half, sizeof(f->half));
		return;
	}
	/* Its lines are there by now: what it points to, the ISO stage's state
	 * and each analyzer's, as far as their first lines. */
	if (f->hash != h)
		return;
	if (f->iso)
		prefetch_lines(f->iso, 256);
	if (f->ied) /* its slots and RCB table: struct ied's first two lines */
		prefetch_lines(f->ied, 128);
	for (int i = 0; i < slots; i++)
		if (f->slot[i])
			prefetch_lines(f->slot[i], 128);
}

static inline void lru_unlink(struct flow_table *t, struct flow *f)
{
	struct lru *l = &t->lru[f->lru];
	struct lru_node *n = &t->node[f->lru_node];
	if (n->prev)
		t->node[n->prev].next = n->next;
	else
		l->head = n->next;
	if (n->next)
		t->node[n->next].prev = n->prev;
	else
		l->tail = n->prev;
	n->prev = n->next = 0;
}

static inline void lru_push(struct flow_table *t, struct flow *f, uint8_t which)
{
	struct lru *l = &t->lru[which];
	uint32_t i = f->lru_node;
	f->lru = which;
	t->node[i].prev = 0;
	t->node[i].next = l->head;
	if (l->head)
		t->node[l->head].prev = i;
	else
		l->tail = i;
	l->head = i;
}

static uint8_t lru_for(const struct flow *f)
{
	return (f->state == FLOW_ESTABLISHED || f->state == FLOW_CLOSING) ? LRU_LONG : LRU_SHORT;
}

void flow_touch(struct flow_table *t, struct flow *f, int64_t now)
{
	f->last_ts = now;
	uint8_t which = lru_for(f);
	/* Most packets belong to the flow touched last: it is already where the
	 * relink would put it. */
	if (f->lru == which && t->lru[which].head == f->lru_node)
		return;
	lru_unlink(t, f);
	lru_push(t, f, which);
}

static void unhash(struct flow_table *t, struct flow *f)
{
	struct flow **pp = &t->buckets[f->hash & (t->nbuckets - 1)];
	while (*pp && *pp != f)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = f->hnext;
}

void flow_end(struct flow_table *t, struct flow *f, enum flow_end why, const struct pkt_where *at)
{
	unhash(t, f);
	lru_unlink(t, f);
	node_give_back(t, f->lru_node);
	t->count--;
	if (t->on_end)
		t->on_end(f, why, at);
	app_flow_free(f);
	stream_free(&f->half[0]);
	stream_free(&f->half[1]);
	flow_release(t, f);
}

static struct flow *find(struct flow_table *t, const struct key_words *k, uint32_t h)
{
	for (struct flow *f = t->buckets[h & (t->nbuckets - 1)]; f; f = f->hnext)
		if (f->hash == h && key_equal(&f->key, k))
			return f;
	return NULL;
}

/* A stable 52-bit flow id (fits a JSON number exactly): hash of key, start time and
 * a serial, so the same capture gives the same ids run after run. */
static uint64_t fnv1a64_bytes(uint64_t h, const void *bytes, size_t n)
{
	const uint8_t *p = bytes;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static uint64_t make_id(const struct flow_key *k, int64_t ts, uint64_t serial)
{
	/* The key's fields in the order they were laid out in until the key became
	 * words, so that every flow_id stays what it was. */
	uint64_t h = 1469598103934665603ull;
	h = fnv1a64_bytes(h, &k->ipver, 1);
	h = fnv1a64_bytes(h, &k->n_vlan, 1);
	h = fnv1a64_bytes(h, k->vlan, sizeof(k->vlan));
	h = fnv1a64_bytes(h, k->port, sizeof(k->port));
	h = fnv1a64_bytes(h, k->ip, sizeof(k->ip));
	for (int i = 0; i < 8; i++)
		h = (h ^ (uint8_t)(ts >> (8 * i))) * 1099511628211ull;
	for (int i = 0; i < 8; i++)
		h = (h ^ (uint8_t)(serial >> (8 * i))) * 1099511628211ull;
	return h & ((1ull << 52) - 1);
}

/* Double the bucket array (the chains' order changes; nothing depends on it:
 * every walk over the flows goes by the LRU lists). On failure the table keeps
 * its buckets and only gets longer chains. */
static void grow(struct flow_table *t)
{
	size_t n = t->nbuckets * 2;
	struct flow **b = calloc(n, sizeof(*b));
	if (!b)
		return;
	for (int l = 0; l < 2; l++)
		for (uint32_t i = t->lru[l].head; i; i = t->node[i].next) {
			struct flow *f = node_flow(t, i);
			f->hnext = b[f->hash & (n - 1)];
			b[f->hash & (n - 1)] = f;
		}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = n;
}

struct flow *flow_get(struct flow_table *t, const struct pkt *p, bool create, bool src_is_client, int *dir)
{
	int src_ep;
	const struct key_words k = make_key(p, &src_ep);
	uint32_t h = key_hash(&k);
	struct flow *f = find(t, &k, h);
	if (!f) {
		if (!create)
			return NULL;
		if (t->count >= t->cap) {
			/* Full: evict the least recently active flow, short list first. */
			struct flow *victim =
				node_flow(t, t->lru[LRU_SHORT].tail ? t->lru[LRU_SHORT].tail : t->lru[LRU_LONG].tail);
			if (!victim)
				return NULL;
			stat_inc(STAT_flows_evicted);
			if (victim->state == FLOW_ESTABLISHED || victim->state == FLOW_CLOSING)
				bus_stream_note(victim, 0, STREAM_EV_EVICTED, 0, &p->at);
			flow_end(t, victim, FLOW_END_EVICTED, &p->at);
		}
		/* At most one flow per two buckets: the flow stage asks for the
		 * bucket's first flow ahead (flow_table_prefetch), so a flow further
		 * down a chain comes with nothing asked for. At one per bucket that
		 * was a third of the flows; at one per two, a fifth. The cap's array
		 * stays the same size (one per bucket when full). */
		if (2 * t->count >= t->nbuckets && t->nbuckets < t->max_buckets)
			grow(t);
		f = flow_alloc(t);
		if (!f)
			return NULL;
		f->lru_node = node_take(t);
		if (!f->lru_node) {
			flow_release(t, f);
			return NULL;
		}
		t->node[f->lru_node].flow = f;
		memcpy(&f->key, &k, sizeof(f->key));
		f->hash = h;
		f->client = (uint8_t)(src_is_client ? src_ep : 1 - src_ep);
		f->first_ts = f->last_ts = p->at.ts_us;
		f->first = p->at;
		f->id = make_id(&f->key, p->at.ts_us, t->next_serial++);
		f->hnext = t->buckets[h & (t->nbuckets - 1)];
		t->buckets[h & (t->nbuckets - 1)] = f;
		lru_push(t, f, LRU_SHORT);
		t->count++;
		stat_inc(STAT_flows);
	}
	*dir = src_ep == f->client ? 0 : 1;
	return f;
}

static int64_t timeout_of(const struct flow *f)
{
	switch (f->state) {
	case FLOW_CLOSED:
		return MMSW_CLOSED_LINGER_US;
	case FLOW_NEW:
	case FLOW_SYN:
		return MMSW_EMBRYONIC_TIMEOUT_US;
	default:
		return MMSW_IDLE_TIMEOUT_US;
	}
}

void flow_table_expire(struct flow_table *t, int64_t now, const struct pkt_where *at)
{
	for (int l = 0; l < 2; l++) {
		struct flow *f = node_flow(t, t->lru[l].tail);
		while (f) {
			struct flow *prev = node_flow(t, t->node[f->lru_node].prev);
			if (now - f->last_ts < timeout_of(f)) {
				/* The short list mixes two timeouts: keep looking past a
				 * not-yet-expired half-open flow for closed ones behind it,
				 * but only a bounded way. */
				if (l == LRU_LONG || now - f->last_ts < MMSW_CLOSED_LINGER_US)
					break;
				f = prev;
				continue;
			}
			enum flow_end why =
				f->state == FLOW_CLOSED ? (f->rst ? FLOW_END_RST : FLOW_END_FIN) : FLOW_END_TIMEOUT;
			if (why == FLOW_END_TIMEOUT)
				stat_inc(STAT_flows_timed_out);
			order_flow_ending((unsigned)l, f->last_ts);
			flow_end(t, f, why, at);
			f = prev;
		}
	}
}

void flow_table_flush(struct flow_table *t, const struct pkt_where *at)
{
	for (int l = 0; l < 2; l++) {
		order_phase(ORDER_END_FLOWS, (unsigned)l);
		while (t->lru[l].tail) {
			struct flow *f = node_flow(t, t->lru[l].tail);
			enum flow_end why =
				f->state == FLOW_CLOSED ? (f->rst ? FLOW_END_RST : FLOW_END_FIN) : FLOW_END_CAPTURE_END;
			order_flow_ending((unsigned)l, f->last_ts);
			flow_end(t, f, why, at);
		}
	}
}

void flow_table_free(struct flow_table *t)
{
	if (!t)
		return;
	struct pkt_where none = { 0, 0, 0 };
	flow_table_flush(t, &none);
	while (t->slabs) {
		struct flow_slab *next = t->slabs->next;
		free(t->slabs);
		t->slabs = next;
	}
	free(t->node);
	free(t->buckets);
	free(t);
}

void flow_table_shift(struct flow_table *t, int64_t step_us)
{
	/* Every flow moves by the same step: the LRU order stays right. */
	for (int l = 0; l < 2; l++)
		for (uint32_t i = t->lru[l].head; i; i = t->node[i].next) {
			struct flow *f = node_flow(t, i);
			f->last_ts += step_us;
			for (int d = 0; d < 2; d++)
				f->half[d].hole_since += step_us;
		}
}

void flow_table_foreach(struct flow_table *t, void (*fn)(struct flow *, void *), void *arg)
{
	for (int l = 0; l < 2; l++)
		for (uint32_t i = t->lru[l].head, n; i; i = n) {
			n = t->node[i].next;
			fn(node_flow(t, i), arg);
		}
}

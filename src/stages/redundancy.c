/* SPDX-License-Identifier: GPL-2.0-or-later */
/* redundancy.c - PRP/HSR duplicate discard; see redundancy.h.
 *
 * Why this shape: the two copies of a frame may arrive in either order and with
 * other frames of the same node in between (802.1p queues on one LAN, a longer
 * path round the ring), so a single "last sequence number" per node (the standard's
 * old sliding window) would drop or pass the wrong ones. Each node keeps the last
 * MMSW_REDUNDANCY_WINDOW sequence numbers it used, each with the LANs it was seen
 * on, indexed by the number itself: finding the first copy is one lookup, and a
 * number is remembered until the node has sent WINDOW more frames or
 * FORGET_US have passed. Nodes live in a fixed table with a hash index and a
 * least-recently-heard list; a full table forgets the quietest node
 * (redundancy_table_full), which at worst lets one of its duplicates through. */
#include "stages/redundancy.h"

#include <stdlib.h>
#include <string.h>

#include "util/fnv.h"
#include "util/limits.h"
#include "util/stats.h"

_Static_assert((MMSW_REDUNDANCY_WINDOW & (MMSW_REDUNDANCY_WINDOW - 1)) == 0 && MMSW_REDUNDANCY_WINDOW <= 65536,
	       "the window is indexed by the sequence number's low bits: a power of two");

/* Bytes of the payload hashed to tell a copy from another frame that reuses a
 * sequence number (a node that numbers per destination, restarts, or wraps). */
#define CONTENT_HASH_BYTES 64
#define NODE_BUCKETS 2048
#define NONE UINT32_MAX

struct seen {
	int64_t ts;    /* when the first copy came */
	uint32_t hash; /* of its content */
	uint16_t seq;
	uint8_t lans; /* bit 0: LAN A / lane A, bit 1: LAN B / lane B; 0: empty */
};

struct node {
	uint8_t mac[6];
	uint8_t kind; /* RED_PRP or RED_HSR */
	uint32_t next_in_bucket;
	uint32_t newer, older; /* the least-recently-heard list */
	struct seen win[MMSW_REDUNDANCY_WINDOW];
};

static struct node *nodes; /* MMSW_REDUNDANCY_NODES, allocated at the first PRP/HSR frame */
static uint32_t n_nodes;
static uint32_t bucket[NODE_BUCKETS];
static uint32_t newest = NONE, oldest = NONE;

static uint32_t node_hash(const uint8_t *mac, uint8_t kind)
{
	return fnv1a32(FNV1A32_INIT ^ kind, mac, 6) % NODE_BUCKETS;
}

static void lru_unlink(uint32_t i)
{
	struct node *n = &nodes[i];
	if (n->newer != NONE)
		nodes[n->newer].older = n->older;
	else
		newest = n->older;
	if (n->older != NONE)
		nodes[n->older].newer = n->newer;
	else
		oldest = n->newer;
	n->newer = n->older = NONE;
}

static void lru_push(uint32_t i)
{
	nodes[i].older = newest;
	nodes[i].newer = NONE;
	if (newest != NONE)
		nodes[newest].newer = i;
	newest = i;
	if (oldest == NONE)
		oldest = i;
}

static void bucket_unlink(uint32_t i)
{
	uint32_t *at = &bucket[node_hash(nodes[i].mac, nodes[i].kind)];
	while (*at != NONE && *at != i)
		at = &nodes[*at].next_in_bucket;
	if (*at == i)
		*at = nodes[i].next_in_bucket;
}

/* The node's entry, made (or taken from the quietest node) when new. */
static struct node *node_of(const uint8_t *mac, uint8_t kind)
{
	if (!nodes) {
		nodes = calloc(MMSW_REDUNDANCY_NODES, sizeof(*nodes));
		if (!nodes)
			return NULL;
		for (size_t b = 0; b < NODE_BUCKETS; b++)
			bucket[b] = NONE;
	}
	uint32_t h = node_hash(mac, kind);
	for (uint32_t i = bucket[h]; i != NONE; i = nodes[i].next_in_bucket) {
		if (nodes[i].kind == kind && memcmp(nodes[i].mac, mac, 6) == 0) {
			if (newest != i) {
				lru_unlink(i);
				lru_push(i);
			}
			return &nodes[i];
		}
	}
	uint32_t i;
	if (n_nodes < MMSW_REDUNDANCY_NODES) {
		i = n_nodes++;
	} else {
		i = oldest;
		stat_inc(STAT_redundancy_table_full);
		bucket_unlink(i);
		lru_unlink(i);
	}
	struct node *n = &nodes[i];
	memset(n, 0, sizeof(*n));
	memcpy(n->mac, mac, 6);
	n->kind = kind;
	n->next_in_bucket = bucket[h];
	bucket[h] = i;
	lru_push(i);
	return n;
}

static uint32_t content_hash(const struct pkt *p)
{
	uint8_t et[2] = { (uint8_t)(p->ethertype >> 8), (uint8_t)p->ethertype };
	uint32_t h = fnv1a32(FNV1A32_INIT, et, sizeof(et));
	if (p->l3)
		h = fnv1a32(h, p->l3, p->l3len < CONTENT_HASH_BYTES ? p->l3len : CONTENT_HASH_BYTES);
	return h;
}

void redundancy_check(struct pkt *p)
{
	if ((p->red != RED_PRP && p->red != RED_HSR) || !p->src_mac)
		return;
	uint8_t lan = p->red == RED_PRP ? (p->red_lan == 0xa ? 1 : 2) : (p->red_lan ? 2 : 1);
	struct node *n = node_of(p->src_mac, p->red);
	if (!n)
		return; /* no memory: every copy goes on (TCP sees retransmissions) */
	uint32_t hash = content_hash(p);
	struct seen *s = &n->win[p->red_seq & (MMSW_REDUNDANCY_WINDOW - 1)];
	int64_t age = p->at.ts_us - s->ts;
	if (s->lans && s->seq == p->red_seq && s->hash == hash && age <= MMSW_REDUNDANCY_FORGET_US &&
	    age >= -MMSW_REDUNDANCY_FORGET_US) {
		if (!(s->lans & lan)) {
			/* The other LAN's copy of a frame already let through. */
			s->lans |= lan;
			p->red_duplicate = true;
			stat_inc(p->red == RED_PRP ? STAT_prp_duplicates : STAT_hsr_duplicates);
			return;
		}
		/* The same LAN again with the same number and content: not a
		 * redundancy copy (a SPAN port that mirrors twice, a node that
		 * resends); it goes on, and TCP judges it. */
	}
	s->ts = p->at.ts_us;
	s->hash = hash;
	s->seq = p->red_seq;
	s->lans = lan;
}

void redundancy_free(void)
{
	free(nodes);
	nodes = NULL;
	n_nodes = 0;
	newest = oldest = NONE;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* evidence.c - evidence slices; see evidence.h.
 *
 * Every frame is copied as it arrives (bus_frame) into a bounded store: per flow,
 * the frames of its TCP handshake and association setup (kept for the flow's
 * life) and a ring of its most recent frames (caps in frames and bytes); frames
 * of no TCP flow go to one ring of their own; one age list over every ring
 * bounds the whole (the oldest frame goes first). A finding with evidence frames
 * is cut from this store: its evidence and context frames, every frame of each
 * flow they are in from the first kept to the last evidence frame (no TCP hole
 * of ours), the setup frames of those flows, and what its kind rests on in other
 * flows (the other open associations for a refusal at the association limit).
 *
 * The memory cap is the memory held, not the bytes captured: a frame's header
 * here is about 100 bytes (a typical MMS frame is 170), and a malloc per frame
 * added its own header and rounding (the cap held at about twice its size). So
 * frames are copied, in arrival order, into blocks that the cap counts whole
 * (headers, padding and the holes the per-flow caps leave): at the cap the
 * oldest block goes with the frames still in it, which are the oldest frames.
 * A setup frame is copied out to an allocation of its own, counted at its
 * malloc cost against the setup allowance (a quarter of the cap), so a flow's
 * setup never pins a block.
 * ACSE authentication values are overwritten as the AARQ is seen, so no secret
 * stays in memory or reaches a slice. */
#include "output/evidence.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/events.h"
#include "core/evidence.h"
#include "core/finding.h"
#include "core/flow.h"
#include "dissectors/acse.h"
#include "util/log.h"
#include "util/sha256.h"

/* Frames of a flow's setup (SYN .. AARE) kept past the ring, per flow, and in
 * all (a SYN storm must not pin memory). */
#define EV_SETUP_FRAMES 16
/* Ended flows whose frames stay for findings judged at or after their end (a
 * lost association, an aggregate closing later). */
#define EV_ENDED_FLOWS_MAX 4096
/* The frames' hash table: a bucket per 512 bytes of the cap (a frame takes
 * about 280 with its header: two per chain when the cap is full; 4 MiB, counted
 * in it, at the default 256 MiB). A fixed 65,536 buckets made chains of 15 at
 * the default cap, walked at every frame freed. */
#define EV_HASH_BYTES_PER_BUCKET 512
#define EV_HASH_BITS_MIN 10
#define EV_HASH_BITS_MAX 24 /* 128 MiB of buckets, for caps of 8 GiB and more */
/* Frames of the AARQ's direction searched for its authentication value. */
#define EV_SECRET_SEARCH 8
/* Flows one slice names (its own, those of its frames, the other associations). */
#define EV_SLICE_FLOWS 64

struct ev_flow;

struct ev_frame {
	struct ev_frame *prev, *next; /* in its list (ring or setup), oldest first */
	struct ev_frame *hnext;       /* hash chain by (file, frame) */
	struct ev_flow *flow;         /* NULL: a hole in its block (freed or copied out) */
	uint64_t order;               /* arrival number */
	uint64_t mark;                /* the slice that last picked it */
	struct pkt_where at;
	uint32_t caplen, wirelen;
	int dlt;
	int32_t l3_off, l4_off; /* -1: unknown */
	uint8_t ipver, dir;
	bool setup; /* a setup frame: its own allocation, not in a block */
	bool redacted;
	bool withheld; /* may hold a secret we could not place: never sliced */
	uint8_t data[];
};

struct ev_list {
	struct ev_frame *head, *tail;
	uint32_t n;
	uint64_t bytes;
};

/* Where a secret was, in TCP sequence space: a retransmission carrying it again
 * is overwritten too (the bytes themselves are never kept). */
#define EV_SECRET_RANGES 4
struct secret_range {
	uint8_t dir;
	uint32_t seq, len;
};

struct ev_flow {
	struct ev_list ring, setup;
	struct secret_range secrets[EV_SECRET_RANGES];
	uint8_t n_secrets;
	struct ev_flow *prev, *next; /* live list or ended list */
	struct flow *live;           /* NULL once ended */
	struct endpoint server;
	uint64_t flow_id;
	uint64_t first_order, end_order; /* its first frame, and the last when ended (0 live) */
	bool in_setup;                   /* its frames are still the setup */
	bool redacted;
};

static struct evidence_config cfg;
static char dir_path[4096];
static int slot = -1;
static struct ev_frame **hash;
static unsigned hash_bits;

/* Frames in arrival order. 64 KiB: one malloc per few hundred frames, and at the
 * smallest cap (1 MiB) still 16 blocks, so the oldest go a sixteenth at a time. */
#define EV_BLOCK_BYTES (64u << 10)
struct ev_block {
	struct ev_block *next; /* the next newer block */
	size_t size, used;
	uint8_t data[]; /* frames, each padded to the frame header's alignment */
};
static struct ev_block *block_head, *block_tail; /* oldest, newest */
static struct ev_flow loose;                     /* frames of no flow (yet) */
static struct ev_flow *live_head, *ended_head, *ended_tail;
static size_t n_ended;
static uint64_t mem;       /* blocks and per-flow state, as allocated: the cap */
static uint64_t setup_mem; /* setup frames, as allocated: a quarter of the cap */
static uint64_t next_order = 1, next_mark = 1;
static struct ev_frame *cur; /* the frame being processed */
static uint64_t disk_used;
static uint8_t *slice_buf;
static size_t slice_cap;
static char slice_path[4096 + 300];
static bool warned_disk, warned_memory;

/* ---- the store -------------------------------------------------------------- */

static uint32_t hash_of(const struct pkt_where *at)
{
	uint64_t k = at->frame * 0x9e3779b97f4a7c15ull ^ ((uint64_t)at->file_idx << 32) ^ (uint64_t)at->ts_us;
	return (uint32_t)(k >> (64 - hash_bits));
}

static bool same_where(const struct pkt_where *a, const struct pkt_where *b)
{
	return a->frame == b->frame && a->file_idx == b->file_idx && a->ts_us == b->ts_us;
}

static struct ev_frame *lookup(const struct pkt_where *at)
{
	for (struct ev_frame *e = hash[hash_of(at)]; e; e = e->hnext)
		if (same_where(&e->at, at))
			return e;
	return NULL;
}

static void list_add(struct ev_list *l, struct ev_frame *e)
{
	e->next = NULL;
	e->prev = l->tail;
	if (l->tail)
		l->tail->next = e;
	else
		l->head = e;
	l->tail = e;
	l->n++;
	l->bytes += e->caplen;
}

static void list_del(struct ev_list *l, struct ev_frame *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		l->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		l->tail = e->prev;
	l->n--;
	l->bytes -= e->caplen;
}

/* What an allocation of n bytes takes from the heap (glibc: an 8-byte header,
 * 16-byte granules, 32 bytes at least). */
static uint64_t alloc_cost(size_t n)
{
	uint64_t c = ((uint64_t)n + 8 + 15) & ~(uint64_t)15;
	return c < 32 ? 32 : c;
}

/* A frame's place in a block: its header and bytes, padded so the next header
 * is aligned. */
static size_t frame_size(uint32_t caplen)
{
	size_t a = _Alignof(struct ev_frame);
	return (sizeof(struct ev_frame) + caplen + a - 1) & ~(a - 1);
}

static void note_peak(void)
{
	if (mem + setup_mem > g_evidence_count[EVC_memory_peak_bytes])
		g_evidence_count[EVC_memory_peak_bytes] = mem + setup_mem;
}

static void hash_unlink(struct ev_frame *e)
{
	struct ev_frame **pp = &hash[hash_of(&e->at)];
	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
}

static void frame_free(struct ev_frame *e)
{
	hash_unlink(e);
	if (e->setup) {
		list_del(&e->flow->setup, e);
		setup_mem -= alloc_cost(sizeof(*e) + e->caplen);
		free(e);
	} else {
		list_del(&e->flow->ring, e);
		e->flow = NULL; /* a hole: its block's memory goes with the block */
	}
	if (cur == e)
		cur = NULL;
}

/* The oldest block goes, and the frames still in it (the oldest kept). */
static void block_drop(void)
{
	struct ev_block *b = block_head;
	for (size_t off = 0; off < b->used; off += frame_size(((struct ev_frame *)(b->data + off))->caplen)) {
		struct ev_frame *e = (struct ev_frame *)(b->data + off);
		if (!e->flow)
			continue;
		g_evidence_count[EVC_memory_cap]++;
		if (!warned_memory) {
			log_warn("evidence: %llu bytes of frames kept, the cap: the oldest frames go first "
				 "(counted as memory_cap)",
				 (unsigned long long)cfg.memory_max);
			warned_memory = true;
		}
		frame_free(e);
	}
	block_head = b->next;
	if (!block_head)
		block_tail = NULL;
	mem -= alloc_cost(sizeof(*b) + b->size);
	free(b);
}

/* Room for a new frame at the end of the newest block; NULL when it cannot be
 * kept (larger than the cap itself, or no memory), counted as memory_cap. */
static struct ev_frame *frame_alloc(uint32_t caplen)
{
	size_t need = frame_size(caplen);
	struct ev_block *b = block_tail;
	if (!b || b->size - b->used < need) {
		size_t size = need > EV_BLOCK_BYTES ? need : EV_BLOCK_BYTES;
		uint64_t cost = alloc_cost(sizeof(*b) + size);
		while (block_head && mem + cost > cfg.memory_max)
			block_drop();
		b = mem + cost <= cfg.memory_max ? malloc(sizeof(*b) + size) : NULL;
		if (!b) {
			g_evidence_count[EVC_memory_cap]++;
			return NULL;
		}
		b->next = NULL;
		b->size = size;
		b->used = 0;
		if (block_tail)
			block_tail->next = b;
		else
			block_head = b;
		block_tail = b;
		mem += cost;
		note_peak();
	}
	struct ev_frame *e = (struct ev_frame *)(b->data + b->used);
	b->used += need;
	return e;
}

/* A frame leaves its flow's ring for the setup list, when there is room: copied
 * out of its block (a hole there), so the block can still go. */
static bool pin(struct ev_frame *e)
{
	if (e->setup)
		return true;
	uint64_t cost = alloc_cost(sizeof(*e) + e->caplen);
	struct ev_frame *s = NULL;
	if (e->flow->setup.n >= EV_SETUP_FRAMES || setup_mem + cost > cfg.memory_max / 4 ||
	    !(s = malloc(sizeof(*e) + e->caplen))) {
		g_evidence_count[EVC_setup_frames_cap]++;
		return false;
	}
	memcpy(s, e, sizeof(*e) + e->caplen);
	struct ev_flow *fl = e->flow;
	bool was_cur = cur == e;
	frame_free(e);
	uint32_t h = hash_of(&s->at);
	s->hnext = hash[h];
	hash[h] = s;
	s->setup = true;
	list_add(&fl->setup, s);
	setup_mem += cost;
	note_peak();
	if (was_cur)
		cur = s;
	return true;
}

static void ring_trim(struct ev_flow *fl)
{
	while (fl->ring.head && fl->ring.n > cfg.ring_frames) {
		g_evidence_count[EVC_ring_frames_cap]++;
		frame_free(fl->ring.head);
	}
	while (fl->ring.head && fl->ring.bytes > cfg.ring_bytes) {
		g_evidence_count[EVC_ring_bytes_cap]++;
		frame_free(fl->ring.head);
	}
}

static void flow_unlink(struct ev_flow **head, struct ev_flow **tail, struct ev_flow *fl)
{
	if (fl->prev)
		fl->prev->next = fl->next;
	else
		*head = fl->next;
	if (fl->next)
		fl->next->prev = fl->prev;
	else if (tail)
		*tail = fl->prev;
}

static void ev_flow_free(struct ev_flow *fl)
{
	while (fl->setup.head)
		frame_free(fl->setup.head);
	while (fl->ring.head)
		frame_free(fl->ring.head);
	mem -= alloc_cost(sizeof(*fl));
	free(fl);
}

/* ---- the bus's side ---------------------------------------------------------- */

static void scrub(struct ev_flow *fl, struct ev_frame *e);

static void evidence_init(void)
{
	slot = bus_flow_slot("evidence");
}

static void offsets(const struct pkt *p, struct ev_frame *e)
{
	e->l3_off = e->l4_off = -1;
	e->ipver = p->ipver;
	if (!p->l3 || p->l3 < p->data || p->l3 >= p->data + p->caplen)
		return; /* a reassembled datagram: not this frame's bytes */
	e->l3_off = (int32_t)(p->l3 - p->data);
	const uint8_t *ip = p->l3;
	size_t left = p->caplen - (size_t)e->l3_off;
	if (p->ipver == 4 && left >= 20)
		e->l4_off = e->l3_off + (ip[0] & 0x0f) * 4;
	else if (p->ipver == 6 && left >= 40 && ip[6] == 6)
		e->l4_off = e->l3_off + 40; /* extension headers: checksum left as it was */
}

static void evidence_frame(struct flow *f, int dir, const struct pkt *p)
{
	if (!f) {
		/* A new frame: copied once, into the loose ring until a flow claims it. */
		cur = NULL;
		struct ev_frame *e = frame_alloc(p->caplen);
		if (!e)
			return;
		memset(e, 0, sizeof(*e));
		memcpy(e->data, p->data, p->caplen);
		e->at = p->at;
		e->caplen = p->caplen;
		e->wirelen = p->wirelen;
		e->dlt = p->dlt;
		e->order = next_order++;
		e->flow = &loose;
		e->l3_off = e->l4_off = -1;
		uint32_t h = hash_of(&e->at);
		e->hnext = hash[h];
		hash[h] = e;
		list_add(&loose.ring, e);
		cur = e;
		ring_trim(&loose);
		return;
	}
	if (!cur || !same_where(&cur->at, &p->at) || cur->flow != &loose)
		return;
	struct ev_flow *fl = f->slot[slot];
	if (!fl) {
		fl = calloc(1, sizeof(*fl));
		if (!fl)
			return;
		/* Counted with the frames: a flow's state is memory held for slices too
		 * (it goes with the flow, bounded by the flow table and the ended flows). */
		mem += alloc_cost(sizeof(*fl));
		note_peak();
		fl->live = f;
		fl->flow_id = f->id;
		fl->first_order = cur->order;
		endpoint_server(f, &fl->server);
		/* A flow seen from its SYN keeps its setup; one picked up mid-stream has none. */
		fl->in_setup = (p->tcp_flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
		fl->next = live_head;
		if (live_head)
			live_head->prev = fl;
		live_head = fl;
		f->slot[slot] = fl;
	}
	struct ev_frame *e = cur;
	list_del(&loose.ring, e);
	e->flow = fl;
	e->dir = (uint8_t)dir;
	offsets(p, e);
	list_add(&fl->ring, e);
	if (fl->n_secrets)
		scrub(fl, e);
	/* The setup ends with the AARE (evidence_assoc), or when no more fits. */
	if (fl->in_setup && (!pin(e) || fl->setup.n >= EV_SETUP_FRAMES))
		fl->in_setup = false;
	ring_trim(fl);
}

/* ---- secrets ------------------------------------------------------------------ */

static uint16_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint32_t csum_add(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

/* The IPv4 header and TCP checksums of a frame whose payload was changed. */
static void fix_checksums(struct ev_frame *e)
{
	if (e->l3_off < 0 || e->l4_off < 0)
		return;
	uint8_t *ip = e->data + e->l3_off;
	uint8_t *tcp = e->data + e->l4_off;
	size_t tcp_len;
	uint32_t s = 0;
	if (e->ipver == 4) {
		size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
		size_t total = (size_t)ip[2] << 8 | ip[3];
		if (total < ihl + 20 || (size_t)e->l3_off + total > e->caplen)
			return; /* not all captured: the checksum could not be right anyway */
		ip[10] = ip[11] = 0;
		uint16_t c = csum_fold(csum_add(0, ip, ihl));
		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
		tcp_len = total - ihl;
		s = csum_add(s, ip + 12, 8);
	} else {
		tcp_len = (size_t)ip[4] << 8 | ip[5];
		if (tcp_len < 20 || (size_t)e->l4_off + tcp_len > e->caplen)
			return;
		s = csum_add(s, ip + 8, 32);
	}
	s += 6 + (uint32_t)tcp_len;
	tcp[16] = tcp[17] = 0;
	uint16_t c = csum_fold(csum_add(s, tcp, tcp_len));
	tcp[16] = (uint8_t)(c >> 8);
	tcp[17] = (uint8_t)c;
}

static bool payload_of(struct ev_frame *e, uint8_t **p, size_t *n)
{
	if (e->l4_off < 0 || (size_t)e->l4_off + 20 > e->caplen)
		return false;
	size_t hl = (size_t)(e->data[e->l4_off + 12] >> 4) * 4;
	if (hl < 20 || (size_t)e->l4_off + hl > e->caplen)
		return false;
	*p = e->data + e->l4_off + hl;
	*n = e->caplen - (size_t)e->l4_off - hl;
	return true;
}

static uint32_t tcp_seq(const struct ev_frame *e)
{
	const uint8_t *t = e->data + e->l4_off;
	return (uint32_t)t[4] << 24 | (uint32_t)t[5] << 16 | (uint32_t)t[6] << 8 | t[7];
}

static void overwrite(struct ev_frame *e, uint8_t *p, size_t n)
{
	memset(p, '*', n);
	e->redacted = true;
	e->flow->redacted = true;
	fix_checksums(e);
}

/* Overwrite bytes found to be a secret, and remember where they sit in the stream. */
static void overwrite_secret(struct ev_frame *e, uint8_t *payload, size_t at, size_t n)
{
	overwrite(e, payload + at, n);
	struct ev_flow *fl = e->flow;
	struct secret_range r = { e->dir, tcp_seq(e) + (uint32_t)at, (uint32_t)n };
	for (unsigned i = 0; i < fl->n_secrets; i++)
		if (fl->secrets[i].dir == r.dir && fl->secrets[i].seq == r.seq && fl->secrets[i].len == r.len)
			return;
	if (fl->n_secrets == EV_SECRET_RANGES) /* the oldest goes: a flow with many AARQs */
		memmove(fl->secrets, fl->secrets + 1, sizeof(fl->secrets[0]) * (EV_SECRET_RANGES - 1));
	else
		fl->n_secrets++;
	fl->secrets[fl->n_secrets - 1] = r;
}

/* A new frame of a flow that carried a secret: where its bytes overlap one, they
 * are overwritten too (a retransmitted AARQ). */
static void scrub(struct ev_flow *fl, struct ev_frame *e)
{
	for (unsigned i = 0; i < fl->n_secrets; i++) {
		const struct secret_range *r = &fl->secrets[i];
		if (r->dir != e->dir)
			continue;
		uint8_t *p;
		size_t len;
		if (!payload_of(e, &p, &len)) {
			e->withheld = true; /* its payload cannot be placed: kept out of slices */
			return;
		}
		int64_t off = (int32_t)(r->seq - tcp_seq(e)); /* the secret's start in this payload */
		int64_t from = off > 0 ? off : 0, to = off + (int64_t)r->len;
		if (to > (int64_t)len)
			to = (int64_t)len;
		if (from < to) {
			overwrite(e, p + from, (size_t)(to - from));
			g_evidence_count[EVC_secrets_overwritten]++;
		}
	}
}

/* The AARQ's frames, newest first, in the AARQ's direction. */
static size_t recent_frames(struct ev_flow *fl, int dir, struct ev_frame **out)
{
	size_t n = 0;
	struct ev_frame *r = fl->ring.tail, *s = fl->setup.tail;
	while (n < EV_SECRET_SEARCH && (r || s)) {
		struct ev_frame *e;
		if (r && (!s || r->order > s->order)) {
			e = r;
			r = r->prev;
		} else {
			e = s;
			s = s->prev;
		}
		if (e->dir == dir)
			out[n++] = e;
	}
	return n;
}

static void redact(struct ev_flow *fl, int dir, const uint8_t *v, size_t vlen)
{
	struct ev_frame *frames[EV_SECRET_SEARCH];
	size_t n = recent_frames(fl, dir, frames);
	bool found = false;
	/* Every copy in the recent frames (a retransmission too). */
	for (size_t i = 0; i < n && vlen; i++) {
		uint8_t *p;
		size_t len;
		if (!payload_of(frames[i], &p, &len) || len < vlen)
			continue;
		/* Every place the value is, after its length octet when it has a short one. */
		for (size_t k = 0; k + vlen <= len; k++) {
			if (memcmp(p + k, v, vlen) || (vlen < 128 && (k == 0 || p[k - 1] != vlen)))
				continue;
			overwrite_secret(frames[i], p, k, vlen);
			found = true;
		}
	}
	if (found) {
		g_evidence_count[EVC_secrets_overwritten]++;
		return;
	}
	/* Split over segments or not found: the AARQ's segments lose their whole
	 * payload, back to the one its TPKT starts in. A slice never carries it. */
	g_evidence_count[EVC_secrets_unlocated]++;
	for (size_t i = 0; i < n; i++) {
		uint8_t *p;
		size_t len;
		if (!payload_of(frames[i], &p, &len)) {
			frames[i]->withheld = true; /* a reassembled datagram's last fragment */
			continue;
		}
		if (!len)
			continue;
		bool tpkt_start = len >= 2 && p[0] == 3 && p[1] == 0;
		overwrite_secret(frames[i], p, 0, len);
		if (tpkt_start)
			break;
	}
}

static void evidence_assoc(struct flow *f, int dir, const struct assoc_event *e, const struct pkt_where *at)
{
	struct ev_flow *fl = f->slot[slot];
	if (!fl || e->kind != ASSOC_EV_ACSE || !e->acse)
		return;
	const struct acse_apdu *a = e->acse;
	if (a->type == ACSE_AARQ || a->type == ACSE_AARE) {
		/* The association's setup, also when the flow was not seen from its SYN. */
		struct ev_frame *fr = lookup(at);
		if (fr && fr->flow == fl)
			pin(fr);
	}
	if (a->type == ACSE_AARQ && a->auth_value_present) /* an unread value: the fallback */
		redact(fl, dir, rd_ptr(&a->auth_value), rd_left(&a->auth_value));
	if (a->type == ACSE_AARE)
		fl->in_setup = false;
}

static void evidence_flow_end(struct flow *f, enum flow_end why, const struct pkt_where *at)
{
	(void)why;
	(void)at;
	struct ev_flow *fl = f->slot[slot];
	if (!fl)
		return;
	f->slot[slot] = NULL;
	flow_unlink(&live_head, NULL, fl);
	fl->live = NULL;
	fl->end_order = next_order - 1;
	/* Kept a while: its findings may come now (a lost association) or later. */
	fl->next = NULL;
	fl->prev = ended_tail;
	if (ended_tail)
		ended_tail->next = fl;
	else
		ended_head = fl;
	ended_tail = fl;
	if (++n_ended > EV_ENDED_FLOWS_MAX) {
		struct ev_flow *old = ended_head;
		flow_unlink(&ended_head, &ended_tail, old);
		n_ended--;
		g_evidence_count[EVC_ended_flows_cap]++;
		ev_flow_free(old);
	}
}

/* ---- slices ------------------------------------------------------------------- */

struct pick {
	struct ev_frame **v;
	size_t n, cap;
};

static void pick_add(struct pick *pk, struct ev_frame *e, uint64_t mark)
{
	if (e->mark == mark)
		return;
	if (pk->n == pk->cap) {
		size_t nc = pk->cap ? pk->cap * 2 : 256;
		struct ev_frame **nv = realloc(pk->v, nc * sizeof(*nv));
		if (!nv)
			return;
		pk->v = nv;
		pk->cap = nc;
	}
	e->mark = mark;
	pk->v[pk->n++] = e;
}

static int by_order(const void *a, const void *b)
{
	const struct ev_frame *x = *(struct ev_frame *const *)a, *y = *(struct ev_frame *const *)b;
	return x->order < y->order ? -1 : x->order > y->order;
}

struct involved {
	struct ev_flow *fl;
	uint64_t last; /* its last evidence frame (0: its setup only) */
};

static void involve(struct involved *in, size_t *n, struct ev_flow *fl, uint64_t last)
{
	if (fl == &loose)
		return;
	for (size_t i = 0; i < *n; i++)
		if (in[i].fl == fl) {
			if (last > in[i].last)
				in[i].last = last;
			return;
		}
	if (*n < EV_SLICE_FLOWS)
		in[(*n)++] = (struct involved){ fl, last };
}

static bool same_server(const struct endpoint *a, const struct endpoint *b)
{
	return a->ipver == b->ipver && a->port == b->port && !memcmp(a->ip, b->ip, 16) && a->n_vlan == b->n_vlan &&
		!memcmp(a->vlan, b->vlan, sizeof(a->vlan));
}

static bool buf_put(size_t *used, const void *p, size_t n)
{
	if (*used + n > slice_cap) {
		size_t nc = slice_cap ? slice_cap : 65536;
		while (nc < *used + n)
			nc *= 2;
		uint8_t *nb = realloc(slice_buf, nc);
		if (!nb)
			return false;
		slice_buf = nb;
		slice_cap = nc;
	}
	memcpy(slice_buf + *used, p, n);
	*used += n;
	return true;
}

static void put32(uint8_t *b, uint32_t v)
{
	memcpy(b, &v, 4);
} /* host order: the magic says which */

static void file_name(const struct finding *f, char *buf, size_t size)
{
	time_t t = (time_t)(f->first_seen / 1000000);
	struct tm tm;
	char when[32] = "0";
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(buf, size, "%s-%llu-%s.pcap", when, (unsigned long long)f->id, f->kind);
}

/* Write the slice into DIR within the disk cap; false when it was kept out. */
static bool write_file(const char *name, size_t len)
{
	snprintf(slice_path, sizeof(slice_path), "%s/%s", dir_path, name);
	struct stat st;
	uint64_t old = stat(slice_path, &st) == 0 ? (uint64_t)st.st_size : 0;
	if (cfg.disk_max && disk_used - old + len > cfg.disk_max) {
		g_evidence_count[EVC_disk_cap_skipped]++;
		if (!warned_disk) {
			log_warn("evidence: %s holds %llu bytes of slices, the cap is %llu: further slices are not "
				 "written there (counted as disk_cap_skipped; the database still keeps them)",
				 cfg.dir, (unsigned long long)disk_used, (unsigned long long)cfg.disk_max);
			warned_disk = true;
		}
		return false;
	}
	char tmp[sizeof(slice_path) + 8];
	snprintf(tmp, sizeof(tmp), "%s.tmp", slice_path);
	FILE *out = fopen(tmp, "wb");
	bool ok = out && fwrite(slice_buf, 1, len, out) == len;
	if (out && fclose(out) != 0)
		ok = false;
	if (!ok || rename(tmp, slice_path) != 0) {
		g_evidence_count[EVC_write_errors]++;
		log_warn("evidence: cannot write %s: %s", slice_path, strerror(errno));
		unlink(tmp);
		return false;
	}
	disk_used = disk_used - old + len;
	return true;
}

static void evidence_finding(const struct finding *f)
{
	evidence_slice_set(NULL);
	if (!f->n_evidence)
		return;
	uint64_t mark = next_mark++;
	struct pick pk = { 0 };
	struct involved in[EV_SLICE_FLOWS];
	size_t n_in = 0;
	int dlt = -1;
	uint64_t seed_min = UINT64_MAX, seed_max = 0;
	/* The evidence and context frames, and the flows they are in. */
	for (unsigned i = 0; i < f->n_evidence + f->n_context; i++) {
		const struct pkt_where *w = i < f->n_evidence ? &f->evidence[i] : &f->context[i - f->n_evidence];
		struct ev_frame *e = lookup(w);
		if (!e) {
			g_evidence_count[EVC_evidence_frames_missing]++;
			continue;
		}
		if (dlt < 0)
			dlt = e->dlt;
		pick_add(&pk, e, mark);
		involve(in, &n_in, e->flow, e->order);
		if (e->order < seed_min)
			seed_min = e->order;
		if (e->order > seed_max)
			seed_max = e->order;
	}
	/* The finding's own flow, seen from its setup, when no frame named it. */
	bool own = !f->flow_id;
	for (size_t i = 0; i < n_in && !own; i++)
		own = in[i].fl->flow_id == f->flow_id;
	for (struct ev_flow *fl = live_head; fl && !own; fl = fl->next)
		if (fl->flow_id == f->flow_id) {
			involve(in, &n_in, fl, 0);
			own = true;
		}
	/* A refusal at the association limit rests on the associations open then
	 * (ended since, maybe): with their setup they are open in the slice too. */
	if (seed_max &&
	    (!strcmp(f->kind, "association_refused_at_limit") || !strcmp(f->kind, "association_limit_reached")))
		for (int pass = 0; pass < 2; pass++)
			for (struct ev_flow *fl = pass ? ended_head : live_head; fl; fl = fl->next)
				if (same_server(&fl->server, &f->ied) && fl->first_order < seed_max &&
				    (!fl->end_order || fl->end_order > seed_min))
					involve(in, &n_in, fl, seed_max);
	for (size_t i = 0; i < n_in; i++) {
		for (struct ev_frame *e = in[i].fl->setup.head; e; e = e->next)
			pick_add(&pk, e, mark);
		for (struct ev_frame *e = in[i].fl->ring.head; e && e->order <= in[i].last; e = e->next)
			pick_add(&pk, e, mark);
	}
	if (!pk.n) {
		free(pk.v);
		return;
	}
	if (dlt < 0)
		dlt = pk.v[0]->dlt;
	qsort(pk.v, pk.n, sizeof(*pk.v), by_order);

	/* A classic pcap: microsecond timestamps, the link type of the evidence. */
	size_t used = 0;
	uint32_t snaplen = 65535, frames = 0;
	bool redacted = false;
	for (size_t i = 0; i < pk.n; i++)
		if (pk.v[i]->caplen > snaplen)
			snaplen = pk.v[i]->caplen;
	uint8_t hdr[24];
	put32(hdr, 0xa1b2c3d4);
	uint16_t vmaj = 2, vmin = 4;
	memcpy(hdr + 4, &vmaj, 2);
	memcpy(hdr + 6, &vmin, 2);
	memset(hdr + 8, 0, 8);
	put32(hdr + 16, snaplen);
	put32(hdr + 20, (uint32_t)dlt);
	bool ok = buf_put(&used, hdr, sizeof(hdr));
	for (size_t i = 0; i < pk.n && ok; i++) {
		struct ev_frame *e = pk.v[i];
		if (e->dlt != dlt) {
			g_evidence_count[EVC_link_type_mixed]++;
			continue;
		}
		if (e->withheld)
			continue; /* counted as secrets_unlocated when it was withheld */
		uint8_t rec[16];
		int64_t ts = e->at.ts_us;
		put32(rec, (uint32_t)(ts / 1000000));
		put32(rec + 4, (uint32_t)(ts % 1000000));
		put32(rec + 8, e->caplen);
		put32(rec + 12, e->wirelen);
		ok = buf_put(&used, rec, sizeof(rec)) && buf_put(&used, e->data, e->caplen);
		frames++;
		redacted |= e->redacted;
	}
	free(pk.v);
	if (!ok) {
		g_evidence_count[EVC_write_errors]++;
		return;
	}
	static char name[300];
	file_name(f, name, sizeof(name));
	struct evidence_slice s;
	memset(&s, 0, sizeof(s));
	s.finding_id = f->id;
	s.name = name;
	s.bytes = slice_buf;
	s.len = used;
	s.frames = frames;
	s.redacted = redacted;
	uint8_t digest[SHA256_BYTES];
	sha256_of(slice_buf, used, digest);
	sha256_hex(digest, s.sha256);
	if (write_file(name, used)) {
		/* The path as the user gave DIR, so EVE names what they typed. */
		size_t dl = strlen(cfg.dir);
		snprintf(slice_path, sizeof(slice_path), "%s%s%s", cfg.dir, dl && cfg.dir[dl - 1] == '/' ? "" : "/",
			 name);
		s.path = slice_path;
	}
	g_evidence_count[f->emitted ? EVC_slices_rewritten : EVC_slices_written]++;
	g_evidence_count[EVC_slice_frames] += frames;
	evidence_slice_set(&s);
}

static void evidence_free(void)
{
	while (live_head) {
		struct ev_flow *fl = live_head;
		live_head = fl->next;
		if (fl->live)
			fl->live->slot[slot] = NULL;
		ev_flow_free(fl);
	}
	while (ended_head) {
		struct ev_flow *fl = ended_head;
		ended_head = fl->next;
		ev_flow_free(fl);
	}
	ended_tail = NULL;
	n_ended = 0;
	while (loose.ring.head)
		frame_free(loose.ring.head);
	while (block_head)
		block_drop(); /* only holes left: nothing counted */
	if (hash)
		mem -= alloc_cost(sizeof(*hash) << hash_bits);
	free(hash);
	hash = NULL;
	free(slice_buf);
	slice_buf = NULL;
	slice_cap = 0;
	evidence_slice_set(NULL);
}

/* ---- DIR ----------------------------------------------------------------------- */

int evidence_open(const struct evidence_config *c, char *err, size_t errsize)
{
	cfg = *c;
	if (!cfg.ring_frames)
		cfg.ring_frames = EVIDENCE_RING_FRAMES;
	if (!cfg.ring_bytes)
		cfg.ring_bytes = EVIDENCE_RING_BYTES;
	if (!cfg.memory_max)
		cfg.memory_max = EVIDENCE_MEMORY_MAX;
	size_t dl = strlen(c->dir);
	if (!dl || dl >= sizeof(dir_path)) {
		snprintf(err, errsize, "--evidence: a directory is needed");
		return -1;
	}
	snprintf(dir_path, sizeof(dir_path), "%s", c->dir);
	if (mkdir(dir_path, 0750) != 0 && errno != EEXIST) {
		snprintf(err, errsize, "--evidence %s: %s", c->dir, strerror(errno));
		return -1;
	}
	struct stat st;
	if (stat(dir_path, &st) != 0 || !S_ISDIR(st.st_mode) || access(dir_path, W_OK | X_OK) != 0) {
		snprintf(err, errsize, "--evidence %s: not a writable directory", c->dir);
		return -1;
	}
	/* Slices of earlier runs count against the cap: it is the directory's size. */
	disk_used = 0;
	DIR *d = opendir(dir_path);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n < 5 || strcmp(de->d_name + n - 5, ".pcap"))
			continue;
		char p[sizeof(dir_path) + 300];
		snprintf(p, sizeof(p), "%s/%s", dir_path, de->d_name);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
			disk_used += (uint64_t)st.st_size;
	}
	if (d)
		closedir(d);
	hash_bits = EV_HASH_BITS_MIN;
	while (hash_bits < EV_HASH_BITS_MAX &&
	       ((uint64_t)EV_HASH_BYTES_PER_BUCKET << (hash_bits + 1)) <= cfg.memory_max)
		hash_bits++;
	hash = calloc((size_t)1 << hash_bits, sizeof(*hash));
	if (!hash) {
		snprintf(err, errsize, "--evidence: no memory for %llu MiB of frames",
			 (unsigned long long)(cfg.memory_max >> 20));
		return -1;
	}
	mem = alloc_cost(sizeof(*hash) << hash_bits);
	g_evidence_enabled = true;
	return 0;
}

void evidence_report(void)
{
	if (!g_evidence_enabled)
		return;
	log_info("evidence: %llu slices written (%llu rewritten) in %s, %llu bytes there%s",
		 (unsigned long long)g_evidence_count[EVC_slices_written],
		 (unsigned long long)g_evidence_count[EVC_slices_rewritten], cfg.dir, (unsigned long long)disk_used,
		 g_evidence_count[EVC_disk_cap_skipped] ? " (disk cap reached: see disk_cap_skipped)" : "");
}

const struct sink evidence_sink = {
	.name = "evidence",
	.init = evidence_init,
	.frame = evidence_frame,
	.assoc = evidence_assoc,
	.flow_end = evidence_flow_end,
	.finding = evidence_finding,
	.free = evidence_free,
};

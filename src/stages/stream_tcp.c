/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stream_tcp.c - per-direction TCP reassembly; see stream_tcp.h. */
#include "stages/stream_tcp.h"

#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/flow.h"
#include "stages/app_iso.h"
#include "util/memcap.h"
#include "util/stats.h"

/* Data this far from next_seq (either way) is not this stream's: a stale or forged
 * segment, or a stream we resynchronised wrongly. Bigger than any TCP window. */
#define SEQ_WINDOW (64u * 1024 * 1024)

size_t g_reasm_bytes, g_reasm_peak;

struct tcp_seg {
	struct tcp_seg *next;
	uint32_t seq, len;
	struct pkt_where at;
	uint8_t data[];
};

static inline int32_t seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static void seg_free(struct tcp_half *h, struct tcp_seg *s)
{
	h->ooo_bytes -= s->len;
	h->ooo_segs--;
	memcap_give(sizeof(*s) + s->len);
	free(s);
}

void stream_free(struct tcp_half *h)
{
	while (h->ooo) {
		struct tcp_seg *s = h->ooo;
		h->ooo = s->next;
		seg_free(h, s);
	}
}

static void deliver(struct flow *f, int dir, const uint8_t *d, uint32_t len, const struct pkt_where *at)
{
	struct tcp_half *h = &f->half[dir];
	h->next_seq += len;
	h->delivered += len;
	app_data(f, dir, d, len, at);
}

/* Deliver queued segments that are now in order. */
static void drain(struct flow *f, int dir)
{
	struct tcp_half *h = &f->half[dir];
	while (h->ooo && seq_diff(h->ooo->seq, h->next_seq) <= 0) {
		struct tcp_seg *s = h->ooo;
		h->ooo = s->next;
		int32_t skip = seq_diff(h->next_seq, s->seq);
		if ((uint32_t)skip < s->len)
			deliver(f, dir, s->data + skip, s->len - (uint32_t)skip, &s->at);
		seg_free(h, s);
	}
	if (!h->ooo)
		h->hole_since = 0;
}

/* Declare the bytes between next_seq and the first queued segment lost. */
static void skip_hole(struct flow *f, int dir)
{
	struct tcp_half *h = &f->half[dir];
	if (!h->ooo)
		return;
	uint32_t gap = (uint32_t)seq_diff(h->ooo->seq, h->next_seq);
	stat_inc(STAT_tcp_gaps);
	stat_add(STAT_tcp_gap_bytes, gap);
	h->gap_bytes += gap;
	app_gap(f, dir, gap, h->next_seq, &h->ooo->at);
	h->next_seq = h->ooo->seq;
	drain(f, dir);
}

static struct tcp_seg *seg_new(struct tcp_half *h, uint32_t seq, const uint8_t *d, uint32_t len,
			       const struct pkt_where *at)
{
	if (h->ooo_bytes + len > MMSW_OOO_DIR_MAX || h->ooo_segs >= MMSW_OOO_SEGS_DIR_MAX) {
		stat_inc(STAT_tcp_ooo_dir_cap);
		return NULL;
	}
	if (!memcap_take(sizeof(struct tcp_seg) + len)) {
		stat_inc(STAT_tcp_reasm_memcap);
		return NULL;
	}
	struct tcp_seg *s = malloc(sizeof(*s) + len);
	if (!s) {
		memcap_give(sizeof(struct tcp_seg) + len);
		stat_inc(STAT_tcp_reasm_memcap);
		return NULL;
	}
	s->seq = seq;
	s->len = len;
	s->at = *at;
	memcpy(s->data, d, len);
	h->ooo_bytes += len;
	h->ooo_segs++;
	return s;
}

/* Insert [seq, seq+len) into the queue; bytes already queued win (first copy), and
 * differing overlap bytes are reported. Returns false when a cap stopped it. */
static bool queue_insert(struct flow *f, int dir, uint32_t seq, const uint8_t *d, uint32_t len,
			 const struct pkt_where *at)
{
	struct tcp_half *h = &f->half[dir];
	struct tcp_seg **link = &h->ooo;
	uint32_t cur = seq, end = seq + len;
	bool differs = false;
	while (seq_diff(end, cur) > 0) {
		struct tcp_seg *s = *link;
		if (s && seq_diff(s->seq + s->len, cur) <= 0) {
			link = &s->next; /* entirely before cur */
			continue;
		}
		if (!s || seq_diff(s->seq, cur) > 0) {
			/* a piece no queued segment covers: up to the next segment or the end */
			uint32_t stop = end;
			if (s && seq_diff(s->seq, end) < 0)
				stop = s->seq;
			struct tcp_seg *n = seg_new(h, cur, d + (cur - seq), stop - cur, at);
			if (!n)
				return false;
			n->next = s;
			*link = n;
			link = &n->next;
			cur = stop;
			continue;
		}
		/* s overlaps cur: compare, keep s's bytes */
		uint32_t stop = seq_diff(s->seq + s->len, end) < 0 ? s->seq + s->len : end;
		if (memcmp(s->data + (cur - s->seq), d + (cur - seq), stop - cur) != 0)
			differs = true;
		cur = stop;
		link = &s->next;
	}
	if (differs) {
		stat_inc(STAT_tcp_overlap_differs);
		bus_stream_note(f, dir, STREAM_EV_OVERLAP_DIFFERS, len, at);
	}
	return true;
}

void stream_data(struct flow *f, int dir, const struct pkt *p)
{
	struct tcp_half *h = &f->half[dir];
	const uint8_t *d = p->payload;
	uint32_t len = p->plen;
	uint32_t seq = p->seq + ((p->tcp_flags & TCP_SYN) ? 1 : 0);

	if (!h->synced) {
		/* First bytes of a direction we never saw the SYN of: start here. */
		h->synced = true;
		h->next_seq = seq;
		f->midstream = true;
		stat_inc(STAT_midstream_pickups);
		app_pickup(f, dir, &p->at);
	}
	int32_t rel = seq_diff(seq, h->next_seq);
	if (rel < 0) {
		if ((int64_t)len + rel <= 0) {
			stat_inc(STAT_tcp_retransmissions); /* all old: first copy won */
			return;
		}
		if ((uint32_t)-rel > SEQ_WINDOW) {
			stat_inc(STAT_tcp_out_of_window);
			return;
		}
		stat_inc(STAT_tcp_retransmissions);
		d += (uint32_t)-rel;
		len -= (uint32_t)-rel;
		seq = h->next_seq;
		rel = 0;
	} else if ((uint32_t)rel > SEQ_WINDOW) {
		stat_inc(STAT_tcp_out_of_window);
		return;
	}
	if (rel == 0 && !h->ooo) {
		deliver(f, dir, d, len, &p->at); /* the common case: no copy */
		return;
	}
	if (rel > 0)
		stat_inc(STAT_tcp_out_of_order);
	bool was_empty = h->ooo == NULL;
	if (!queue_insert(f, dir, seq, d, len, &p->at)) {
		/* A cap is hit: stop waiting for the oldest hole, then try once more. */
		skip_hole(f, dir);
		if (!queue_insert(f, dir, seq, d, len, &p->at)) {
			bus_stream_note(f, dir, STREAM_EV_DROPPED, len, &p->at);
			return;
		}
	}
	if (was_empty)
		h->hole_since = p->at.ts_us;
	drain(f, dir);
}

void stream_ack(struct flow *f, int dir, uint32_t ack)
{
	struct tcp_half *h = &f->half[dir];
	if (!h->synced)
		return;
	if (!h->peer_ack_valid || seq_diff(ack, h->peer_ack) > 0) {
		if ((uint32_t)seq_diff(ack, h->next_seq) < SEQ_WINDOW || seq_diff(ack, h->next_seq) <= 0) {
			h->peer_ack = ack;
			h->peer_ack_valid = true;
		}
	}
}

void stream_check_hole(struct flow *f, int dir, int64_t now, int64_t timeout, bool force)
{
	struct tcp_half *h = &f->half[dir];
	while (h->ooo && (force || now - h->hole_since >= timeout))
		skip_hole(f, dir);
}

void stream_finish(struct flow *f, int dir, const struct pkt_where *at)
{
	struct tcp_half *h = &f->half[dir];
	stream_check_hole(f, dir, 0, 0, true);
	if (!h->synced)
		return;
	/* Bytes the other side acknowledged, or that a FIN proves were sent, that the
	 * capture never carried: loss at the tail of the direction. */
	uint32_t end = h->next_seq;
	if (h->fin_seen)
		end = h->fin_seq;
	else if (h->peer_ack_valid)
		end = h->peer_ack;
	int32_t tail = seq_diff(end, h->next_seq);
	if (tail > 0 && (uint32_t)tail < SEQ_WINDOW) {
		stat_inc(STAT_tcp_gaps);
		stat_add(STAT_tcp_gap_bytes, (uint32_t)tail);
		h->gap_bytes += (uint32_t)tail;
		app_gap(f, dir, (uint32_t)tail, h->next_seq, at);
		h->next_seq = end;
	}
}

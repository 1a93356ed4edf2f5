/* SPDX-License-Identifier: GPL-2.0-or-later */
/* capture_reader.c - reading the capture files on a thread of their own; see
 * capture.h (input_set_read_threaded).
 *
 * Why: reading (libpcap's record parsing, the read() system calls, the page
 * cache copy) is a tenth of an offline run; on a second core it overlaps with
 * the decoding instead of adding to it.
 *
 * How: the reader copies every frame (its header, file index, frame number,
 * link type and bytes) and every message of the read loop into large blocks of
 * a bounded ring; the caller's thread takes the blocks in order and hands each
 * record to the packet callback or the log. One producer, one consumer, first in
 * first out: the callback sees exactly what input_set_read would give it, in the
 * same order, so every output is the same by construction. Blocks, not single
 * packets, cross between the threads: one lock per block, and a waiting reader
 * is woken when half the ring is free. A full ring makes the reader wait
 * (offline, nothing is ever dropped).
 *
 * The reader also decodes ahead (stages/decode_ahead.h), while the pipeline has
 * blocks queued (ahead_wanted): a frame that plainly carries one MMS PDU is
 * followed, in the same block, by a REC_AHEAD record of
 * the PDU and its report decoded, which consume() hands to the pipeline with the
 * frame; the pipeline takes it only for exactly those bytes. The block also
 * keeps each such frame's flow hash, which consume() passes to flow_soon a few
 * frames early so that the pipeline's flow is in the cache when its turn comes.
 *
 * With --shard, a frame the pipeline would only count as another shard's (its
 * headers say so: input_set_frames_left) crosses as a REC_LEFT record, its
 * header without its bytes: each of N processes reading the whole input then
 * copies and decodes only its own share. */
#include "stages/capture.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "stages/decode_ahead.h"
#include "util/log.h"
#include "util/prefetch.h"
#include "util/thread.h"

/* 16 blocks of 128 KiB: 2 MiB read ahead at most, about 700 packets a block of
 * the benchmark capture; a block stays within a core's L2 cache. 8 blocks were
 * about 4 ms of the pipeline's reading: too little while the db-writer thread,
 * on the reader's core, executes a commit's rows (measured: -q --db 2.26 s ->
 * 2.14 s median with 16 or 32 blocks). */
#define BLOCK_BYTES (128 * 1024)
#define RING_BLOCKS 16
/* The reader decodes a frame ahead only while the pipeline has this many
 * blocks or more still to take (the one it is reading among them): fewer, and
 * the pipeline is about to wait for the reader, which then hurries on and
 * leaves the decoding to the pipeline. The two threads so share the decoding
 * by how busy each is: on two cores the db-writer thread takes time from one of
 * them, and which one changes through a run. Decoding every frame ahead, as
 * before, made the pipeline wait for the reader about 2,000 times a run on
 * the benchmark capture. -q --db against that: 3-6% faster (medians 0.938
 * and 0.971 of 12 and 10 alternated pairs); 3 against 2 and 6 blocks:
 * docs/performance.md. */
#define AHEAD_MIN_QUEUED 3
/* Tests (tests/threads/run) set MMSW_DECODE_AHEAD to fix which frames are
 * decoded ahead, whatever the timing: "always", or "alternate" (every other
 * frame), to show that a mix of decoded and not changes nothing. */
#define DECODE_AHEAD_ENV "MMSW_DECODE_AHEAD"
enum ahead_rule { AHEAD_BY_QUEUE, AHEAD_ALWAYS, AHEAD_ALTERNATE };
/* How far ahead of its records the reader asks for the block's lines (advance). */
#define PREFETCH_AHEAD 4096
/* How far ahead of the record it hands on the pipeline asks for the block's
 * lines (consume): they come from the reader's core, and the hardware's own
 * prefetching stops at each 4 KiB page. */
#define CONSUME_AHEAD 2048
/* REC_AHEAD follows the REC_FRAME it belongs to, in the same block: what
 * stages/decode_ahead.c decoded of the frame's copy. */
enum rec_kind { REC_FRAME, REC_WARN, REC_ERROR, REC_AHEAD, REC_LEFT, REC_LEFT_MMS };

/* One record in a block, followed by len bytes (the frame, the message with
 * its NUL, or a frame's decoding), padded to the next 8 bytes. */
struct rec {
	struct pcap_pkthdr hdr; /* REC_FRAME, REC_LEFT* */
	uint64_t frame;
	uint32_t file_idx;
	int32_t dlt;
	uint32_t kind;
	uint32_t len;
};

/* A line of its own: the reader writes its block's `used` for every frame, and a
 * neighbour sharing the line would be the block the pipeline is reading. */
struct block {
	_Alignas(64) size_t used;
	size_t cap;
	uint8_t *data;
	/* The flow hash of each frame record in the block, in order (0: not
	 * decoded ahead), for input_set_flow_soon: a cursor running ahead over
	 * the records themselves would wait for each record's lines in turn (they
	 * come from the reader's core), this reads 16 frames a line. */
	uint32_t n_frames;
	uint32_t *soon; /* SOON_CAP */
};

struct ring {
	pthread_mutex_t mu;
	pthread_cond_t filled;  /* the consumer waits for a block */
	pthread_cond_t emptied; /* the reader waits for a free block */
	struct block blocks[RING_BLOCKS];
	/* Blocks published: tail; taken back: head (both only grow). The reader
	 * owns blocks[tail % RING_BLOCKS] while tail - head < RING_BLOCKS. */
	uint64_t head, tail;
	/* head's low 32 bits, for ahead_wanted's read without the lock: a 32-bit
	 * atomic is a plain load everywhere (a 64-bit one needs libatomic on some
	 * 32-bit targets). The difference is taken modulo 2^32. */
	uint32_t head_low;
	bool done;   /* the reader has published its last block */
	bool cancel; /* the consumer stopped: the reader should too */
	bool oom;    /* a block could not grow for a frame larger than it */
	/* The reader thread's own stop flag for input_set_read_to: only the reader
	 * touches it (set when it sees cancel), so no flag is shared without the lock. */
	volatile int reader_stop;
	struct input_set *set;
	struct decode_ahead_scratch *ahead; /* the reader's; NULL: no decoding ahead */
	enum ahead_rule ahead_rule;
	uint64_t ahead_turn; /* AHEAD_ALTERNATE: frames seen */
};

/* Frame records a block can hold (the smallest is a bare struct rec). */
#define SOON_CAP (BLOCK_BYTES / sizeof(struct rec))

static size_t rec_size(uint32_t len)
{
	return (sizeof(struct rec) + len + 7) & ~(size_t)7;
}

/* Ask for the block's lines [from, to) for writing. They were last read on the
 * pipeline's core: a store to a line not yet owned holds up every later store,
 * and any load that has to wait for one of them (libpcap copying the header it
 * has just written, for one) waits for all. */
static void ask_lines(const struct block *b, size_t from, size_t to)
{
	if (to > b->cap)
		to = b->cap;
	from &= ~(size_t)63;
	if (from >= to)
		return;
	prefetch_lines_for_write(b->data + from, to - from);
}

/* Account for n bytes written to the block, and ask for the lines the records
 * a few frames on will be written to. */
static void advance(struct block *b, size_t n)
{
	size_t from = b->used + PREFETCH_AHEAD;
	b->used += n;
	ask_lines(b, from, b->used + PREFETCH_AHEAD);
}

/* Publish the reader's block and wait for the next free one. False when the
 * consumer has stopped. */
static bool publish(struct ring *r)
{
	pthread_mutex_lock(&r->mu);
	r->tail++;
	pthread_cond_signal(&r->filled);
	while (r->tail - r->head >= RING_BLOCKS && !r->cancel)
		pthread_cond_wait(&r->emptied, &r->mu);
	bool go_on = !r->cancel;
	pthread_mutex_unlock(&r->mu);
	if (!go_on) {
		r->reader_stop = 1;
	} else {
		struct block *b = &r->blocks[r->tail % RING_BLOCKS];
		b->used = 0;
		b->n_frames = 0;
		ask_lines(b, 0, PREFETCH_AHEAD);
	}
	return go_on;
}

/* Append a record; the copy of its bytes in the block, NULL when none was made. */
static const uint8_t *put(struct ring *r, enum rec_kind kind, int dlt, uint32_t file_idx, uint64_t frame,
			  const struct pcap_pkthdr *h, const void *bytes, uint32_t len)
{
	if (r->reader_stop)
		return NULL;
	struct block *b = &r->blocks[r->tail % RING_BLOCKS];
	size_t need = rec_size(len);
	if (b->used + need > b->cap && b->used > 0) {
		if (!publish(r))
			return NULL;
		b = &r->blocks[r->tail % RING_BLOCKS];
	}
	if (need > b->cap) {
		/* A frame larger than a block (a snap length over 128 KiB): this
		 * block grows for it. */
		uint8_t *nd = realloc(b->data, need);
		if (!nd) {
			r->oom = true;
			r->reader_stop = 1;
			return NULL;
		}
		b->data = nd;
		b->cap = need;
	}
	struct rec *rc = (struct rec *)(b->data + b->used);
	memset(rc, 0, sizeof(*rc));
	if (h)
		rc->hdr = *h;
	rc->frame = frame;
	rc->file_idx = file_idx;
	rc->dlt = dlt;
	rc->kind = kind;
	rc->len = len;
	if (len)
		memcpy(rc + 1, bytes, len);
	advance(b, need);
	/* Always below SOON_CAP: every record takes at least sizeof(struct rec),
	 * and a block grown for a large frame holds that frame alone. */
	if (kind == REC_FRAME && b->n_frames < SOON_CAP)
		b->soon[b->n_frames++] = 0;
	return (const uint8_t *)(rc + 1);
}

/* The frame's MMS PDU decoded ahead, in a record right after the frame's, when
 * the rest of the block holds it (else the pipeline decodes it, as always). */
static void put_ahead(struct ring *r, int dlt, const uint8_t *frame, const uint8_t *copy, uint32_t caplen)
{
	struct block *b = &r->blocks[r->tail % RING_BLOCKS];
	if (b->used + sizeof(struct rec) + 8 > b->cap)
		return;
	struct rec *rc = (struct rec *)(b->data + b->used);
	size_t room = (b->cap - b->used - sizeof(*rc)) & ~(size_t)7;
	size_t n = decode_ahead_frame(r->ahead, dlt, frame, copy, caplen, rc + 1, room);
	if (!n)
		return;
	memset(rc, 0, sizeof(*rc));
	rc->kind = REC_AHEAD;
	rc->len = (uint32_t)n;
	advance(b, rec_size(rc->len));
	if (b->n_frames && b->n_frames <= SOON_CAP)
		b->soon[b->n_frames - 1] = decode_ahead_flow_hash(rc + 1); /* the frame just put */
}

static frame_fate_fn frame_fate;
static frame_left_fn frame_left;

void input_set_frames_left(frame_fate_fn fate, frame_left_fn left)
{
	frame_fate = fate;
	frame_left = left;
}

/* Decode this frame ahead? head is read without the lock (head_low): a block
 * taken just now only changes one frame's choice, which changes no output. */
static bool ahead_wanted(struct ring *r)
{
	switch (r->ahead_rule) {
	case AHEAD_ALWAYS:
		return true;
	case AHEAD_ALTERNATE:
		return r->ahead_turn++ % 2 == 0;
	default:
		return (uint32_t)r->tail - __atomic_load_n(&r->head_low, __ATOMIC_RELAXED) >= AHEAD_MIN_QUEUED;
	}
}

static void reader_packet(void *ctx, int dlt, uint32_t file_idx, uint64_t frame, const struct pcap_pkthdr *h,
			  const uint8_t *data)
{
	struct ring *r = ctx;
	enum frame_fate fate = frame_fate ? frame_fate(dlt, data, h->caplen, h->len) : FRAME_HERE;
	if (fate != FRAME_HERE) {
		put(r, fate == FRAME_LEFT_MMS ? REC_LEFT_MMS : REC_LEFT, dlt, file_idx, frame, h, NULL, 0);
		return;
	}
	const uint8_t *copy = put(r, REC_FRAME, dlt, file_idx, frame, h, data, h->caplen);
	if (copy && r->ahead && ahead_wanted(r))
		put_ahead(r, dlt, data, copy, h->caplen);
}

static void reader_note(void *ctx, enum capture_note level, const char *text)
{
	put(ctx, level == CAPTURE_NOTE_ERROR ? REC_ERROR : REC_WARN, 0, 0, 0, NULL, text, (uint32_t)strlen(text) + 1);
}

static void *reader_main(void *arg)
{
	struct ring *r = arg;
	/* The return value is not needed: the consumer counts the error messages
	 * it logs (input_set_read_to returns 1 exactly when it gave one). */
	input_set_read_to(r->set, reader_packet, reader_note, r, &r->reader_stop);
	pthread_mutex_lock(&r->mu);
	if (!r->cancel)
		r->tail++; /* the last block, however full (it is the reader's: see publish) */
	r->done = true;
	pthread_cond_signal(&r->filled);
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

static flow_soon_fn flow_soon;

void input_set_flow_soon(flow_soon_fn fn)
{
	flow_soon = fn;
}

/* Frames between each stage of a frame's flow prefetches and its processing,
 * by stage (flow_soon's stage: enum flow_prefetch in stages/flow_table.h): the
 * bucket's line is asked for 12 frames before, read 6 frames before to ask
 * for the flow's lines, and those read 3 frames before to ask for what the
 * flow points to. A frame takes about 450 ns on the pipeline thread: each
 * stage has over a microsecond, enough for a miss to memory. */
static const uint8_t SOON_AT[] = { 12, 6, 3 };
#define SOON_STAGES (sizeof(SOON_AT) / sizeof(SOON_AT[0]))

/* Stage `stage` of the block's j-th frame record, if it was decoded ahead. */
static void frame_soon(const struct block *b, uint32_t j, int stage)
{
	if (j < b->n_frames && b->soon[j])
		flow_soon(b->soon[j], stage);
}

/* Hand one block's records to fn and the log. False once *stop is set. */
static bool consume(const struct block *b, packet_fn fn, void *ctx, volatile int *stop, int *rc)
{
	/* Read once: a published block does not change until it is given back,
	 * and the callback, opaque to the compiler, would have it read again for
	 * every record. */
	const size_t used = b->used;
	const uint8_t *const data = b->data;
	uint32_t frame_i = 0;
	if (flow_soon) /* the block's first frames: each stage its distance's worth */
		for (size_t k = 0; k < SOON_STAGES; k++)
			for (uint32_t j = 0; j < SOON_AT[k]; j++)
				frame_soon(b, j, (int)k);
	size_t asked = 0; /* the block's lines asked for, up to here */
	for (size_t off = 0; off < used;) {
		size_t ahead_to = off + CONSUME_AHEAD < used ? off + CONSUME_AHEAD : used;
		for (; asked < ahead_to; asked += 64)
			__builtin_prefetch(data + asked, 0, 3);
		const struct rec *e = (const struct rec *)(data + off);
		const uint8_t *bytes = (const uint8_t *)(e + 1);
		off += rec_size(e->len);
		if (e->kind == REC_FRAME) {
			if (flow_soon) {
				for (size_t k = 0; k < SOON_STAGES; k++)
					frame_soon(b, frame_i + SOON_AT[k], (int)k);
				frame_i++;
			}
			const struct rec *next = (const struct rec *)(data + off);
			bool ahead = off < used && next->kind == REC_AHEAD;
			if (ahead) {
				decode_ahead_current(bytes, next + 1);
				off += rec_size(next->len);
			}
			fn(ctx, e->dlt, e->file_idx, e->frame, &e->hdr, bytes);
			if (ahead)
				decode_ahead_current(NULL, NULL);
			if (stop && *stop)
				return false;
		} else if (e->kind == REC_LEFT || e->kind == REC_LEFT_MMS) {
			frame_left(e->file_idx, e->frame, &e->hdr, e->kind == REC_LEFT_MMS);
			if (stop && *stop)
				return false;
		} else if (e->kind == REC_AHEAD) {
			continue; /* its frame's record was not in this block */
		} else if (e->kind == REC_ERROR) {
			log_error("%s", (const char *)bytes);
			*rc = 1;
		} else {
			log_warn("%s", (const char *)bytes);
		}
	}
	return true;
}

/* The ring and its blocks (those allocated: the rest are NULL). */
static void ring_free(struct ring *r)
{
	for (int i = 0; i < RING_BLOCKS; i++) {
		free(r->blocks[i].data);
		free(r->blocks[i].soon);
	}
	free(r->ahead);
	free(r);
}

int input_set_read_threaded(struct input_set *s, packet_fn fn, void *ctx, volatile int *stop)
{
	/* aligned_alloc: the blocks' lines (struct block); sizeof is a multiple of
	 * the alignment, as aligned_alloc wants. */
	struct ring *r = aligned_alloc(_Alignof(struct ring), sizeof(*r));
	if (!r)
		return input_set_read(s, fn, ctx, stop);
	memset(r, 0, sizeof(*r));
	r->set = s;
	r->ahead = calloc(1, sizeof(*r->ahead)); /* NULL: the pipeline decodes every PDU */
	const char *rule = getenv(DECODE_AHEAD_ENV);
	r->ahead_rule = !rule                ? AHEAD_BY_QUEUE
		: !strcmp(rule, "always")    ? AHEAD_ALWAYS
		: !strcmp(rule, "alternate") ? AHEAD_ALTERNATE
					     : AHEAD_BY_QUEUE;
	for (int i = 0; i < RING_BLOCKS; i++) {
		r->blocks[i].cap = BLOCK_BYTES;
		r->blocks[i].data = malloc(BLOCK_BYTES);
		r->blocks[i].soon = malloc(SOON_CAP * sizeof(uint32_t));
		if (!r->blocks[i].data || !r->blocks[i].soon) {
			ring_free(r);
			return input_set_read(s, fn, ctx, stop);
		}
	}
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->filled, NULL);
	pthread_cond_init(&r->emptied, NULL);

	/* Signals stay with the main thread (util/thread.h): a read() they
	 * interrupted in the reader would look like a truncated file. */
	pthread_t th;
	int err = thread_start(&th, reader_main, r, "mmswatch-reader");
	if (err != 0) {
		ring_free(r);
		return input_set_read(s, fn, ctx, stop);
	}

	int rc = 0;
	bool go_on = true;
	while (go_on) {
		pthread_mutex_lock(&r->mu);
		while (r->head == r->tail && !r->done)
			pthread_cond_wait(&r->filled, &r->mu);
		bool have = r->head != r->tail;
		pthread_mutex_unlock(&r->mu);
		if (!have)
			break; /* the reader is done and every block was taken */
		go_on = consume(&r->blocks[r->head % RING_BLOCKS], fn, ctx, stop, &rc);
		pthread_mutex_lock(&r->mu);
		r->head++;
		__atomic_store_n(&r->head_low, (uint32_t)r->head, __ATOMIC_RELAXED); /* ahead_wanted's */
		/* The reader, faster, waits on a full ring: wake it when half the ring
		 * is free, not at every block (a wake-up crosses the hypervisor: 3% of
		 * this thread, one per block). It waits only on a full ring, so it is
		 * always woken before the ring runs dry. */
		if (r->tail - r->head <= RING_BLOCKS / 2)
			pthread_cond_signal(&r->emptied);
		pthread_mutex_unlock(&r->mu);
	}
	pthread_mutex_lock(&r->mu);
	r->cancel = true;
	pthread_cond_signal(&r->emptied);
	pthread_mutex_unlock(&r->mu);
	pthread_join(th, NULL);
	if (r->oom && go_on) {
		log_error("out of memory for a frame larger than %d KiB; reading stopped", BLOCK_BYTES / 1024);
		rc = 1;
	}
	pthread_cond_destroy(&r->filled);
	pthread_cond_destroy(&r->emptied);
	pthread_mutex_destroy(&r->mu);
	ring_free(r);
	return rc;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* block_queue.c - blocks of work for a consumer thread; see block_queue.h. */
#include "util/block_queue.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/prefetch.h"
#include "util/thread.h"

#define BLOCK_QUEUE_MAX 16
/* How far ahead of what is written the producer asks for a block's lines
 * (util/prefetch.h): a queued block comes back from the consumer's core. */
#define ASK_AHEAD 2048

struct block_queue {
	/* The producer's: the block being filled. */
	uint8_t *cur;
	size_t used, block_bytes;
	size_t asked; /* lines of cur asked for up to here (threaded) */
	size_t align; /* block_queue_align's; 1 when not asked for */
	unsigned n_blocks;
	block_consume_fn consume;
	void *ctx;
	char name[16];
	/* The consumer thread and what crosses to it, under lock. Queued blocks
	 * belong to the consumer until they come back as spares. */
	bool threaded, started, stopping;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t work;  /* a block was queued, or the queue is closing */
	pthread_cond_t space; /* a block was consumed (and is free again) */
	uint8_t *queue[BLOCK_QUEUE_MAX];
	size_t queue_len[BLOCK_QUEUE_MAX];
	unsigned head, count;
	uint8_t *spare[BLOCK_QUEUE_MAX];
	unsigned n_spare;
	uint64_t queued, consumed; /* blocks handed over / consumed: a wait ends at equality */
	uint8_t *blocks[BLOCK_QUEUE_MAX];
};

/* Ask for the lines of cur up to ASK_AHEAD past what is written. */
static void ask_ahead(struct block_queue *q)
{
	size_t to = q->used + ASK_AHEAD;
	if (to > q->block_bytes)
		to = q->block_bytes;
	if (q->asked >= to)
		return;
	prefetch_lines_for_write(q->cur + q->asked, to - q->asked);
	q->asked = (to + 63) & ~(size_t)63;
}

static void *consumer_thread(void *arg)
{
	struct block_queue *q = arg;
	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (!q->count && !q->stopping)
			pthread_cond_wait(&q->work, &q->lock);
		if (!q->count)
			break; /* closing, and everything is consumed */
		uint8_t *buf = q->queue[q->head];
		size_t len = q->queue_len[q->head];
		q->head = (q->head + 1) % q->n_blocks;
		q->count--;
		pthread_mutex_unlock(&q->lock);
		q->consume(q->ctx, buf, len);
		pthread_mutex_lock(&q->lock);
		q->spare[q->n_spare++] = buf;
		q->consumed++;
		pthread_cond_broadcast(&q->space);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

/* Started at the first hand-over, not at creation: nothing runs for a queue that
 * is never used, and the thread belongs to the process that uses it. */
static bool start_consumer(struct block_queue *q)
{
	int rc = thread_start(&q->thread, consumer_thread, q, q->name);
	if (rc != 0) {
		log_error("cannot start the %s thread: %s (its work is done on the pipeline thread)", q->name,
			  strerror(rc));
		q->threaded = false;
		return false;
	}
	q->started = true;
	return true;
}

/* Hand cur over with len of its used bytes; what is past the last whole
 * multiple of align begins the next block (cur is not touched by the consumer
 * past len, and is the producer's to read until it hands it over again). */
static void hand_over(struct block_queue *q, size_t len)
{
	size_t keep = q->used & ~(q->align - 1);
	size_t carry = q->used - keep;
	if (!q->threaded || (!q->started && !start_consumer(q))) {
		q->consume(q->ctx, q->cur, len);
		memmove(q->cur, q->cur + keep, carry);
		q->used = carry;
		return;
	}
	uint8_t *old = q->cur;
	pthread_mutex_lock(&q->lock);
	unsigned tail = (q->head + q->count) % q->n_blocks;
	q->queue[tail] = q->cur;
	q->queue_len[tail] = len;
	q->count++;
	q->queued++;
	pthread_cond_signal(&q->work);
	while (!q->n_spare)
		pthread_cond_wait(&q->space, &q->lock);
	q->cur = q->spare[--q->n_spare];
	pthread_mutex_unlock(&q->lock);
	memmove(q->cur, old + keep, carry); /* cur may be old again (the consumer was quick) */
	q->used = carry;
	q->asked = 0;
	ask_ahead(q);
}

void block_queue_hand_over(struct block_queue *q)
{
	if (q->used)
		hand_over(q, q->used);
}

int block_queue_align(struct block_queue *q, size_t align)
{
	if (!align || (align & (align - 1)) || align > BLOCK_QUEUE_ALIGN_MAX || q->block_bytes % align || q->used)
		return -1;
	q->align = align;
	return 0;
}

void block_queue_discard(struct block_queue *q)
{
	q->used = 0;
}

uint8_t *block_queue_reserve(struct block_queue *q, size_t n)
{
	if (n > q->block_bytes)
		return NULL;
	size_t keep = q->used & ~(q->align - 1);
	if (q->block_bytes - q->used < n && keep)
		hand_over(q, keep);
	if (q->block_bytes - q->used < n)
		return NULL; /* the carried part and n do not fit together */
	return q->cur + q->used;
}

void block_queue_commit(struct block_queue *q, size_t n)
{
	q->used += n;
	if (q->threaded)
		ask_ahead(q);
}

void block_queue_wait(struct block_queue *q)
{
	if (!q->started)
		return;
	pthread_mutex_lock(&q->lock);
	while (q->consumed != q->queued)
		pthread_cond_wait(&q->space, &q->lock);
	pthread_mutex_unlock(&q->lock);
}

static void release(struct block_queue *q)
{
	pthread_cond_destroy(&q->space);
	pthread_cond_destroy(&q->work);
	pthread_mutex_destroy(&q->lock);
	for (unsigned i = 0; i < q->n_blocks; i++)
		free(q->blocks[i]);
	free(q);
}

struct block_queue *block_queue_new(const char *name, size_t block_bytes, unsigned n_blocks, bool threaded,
				    block_consume_fn consume, void *ctx)
{
	if (n_blocks < 2 || n_blocks > BLOCK_QUEUE_MAX)
		n_blocks = n_blocks < 2 ? 2 : BLOCK_QUEUE_MAX;
	struct block_queue *q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->work, NULL);
	pthread_cond_init(&q->space, NULL);
	snprintf(q->name, sizeof(q->name), "%s", name);
	q->block_bytes = block_bytes;
	q->consume = consume;
	q->ctx = ctx;
	q->threaded = threaded;
	q->align = 1;
	q->n_blocks = threaded ? n_blocks : 1;
	for (unsigned i = 0; i < q->n_blocks; i++)
		if (posix_memalign((void **)&q->blocks[i], BLOCK_QUEUE_ALIGN_MAX, block_bytes)) {
			q->blocks[i] = NULL;
			release(q);
			return NULL;
		}
	for (unsigned i = 1; i < q->n_blocks; i++)
		q->spare[q->n_spare++] = q->blocks[i];
	q->cur = q->blocks[0];
	return q;
}

void block_queue_free(struct block_queue *q)
{
	if (!q)
		return;
	block_queue_hand_over(q);
	if (q->started) { /* the consumer takes what is queued, then ends */
		pthread_mutex_lock(&q->lock);
		q->stopping = true;
		pthread_cond_signal(&q->work);
		pthread_mutex_unlock(&q->lock);
		pthread_join(q->thread, NULL);
	}
	release(q);
}

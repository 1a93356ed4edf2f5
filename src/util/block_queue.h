/* SPDX-License-Identifier: GPL-2.0-or-later */
/* block_queue.h - work handed, in large blocks of bytes, to a thread of its own
 * that consumes them in order: the EVE file's write() calls (output/eve_file.c)
 * and the store's SQLite statements (store/db_writer.c).
 *
 * One producer (the pipeline thread) fills the current block and hands it over;
 * one consumer thread, started at the first hand-over, passes each block to the
 * consume function, first in first out, and gives it back. When every block is
 * waiting to be consumed, the producer waits: nothing is ever dropped (live, a
 * consumer that cannot keep up shows as the kernel's capture drops). Without a
 * thread (--single-threaded, the reference run, or a thread that could not be
 * started) a block is consumed on the producer's thread as it is handed over: the
 * same blocks, in the same order. */
#ifndef MMSW_BLOCK_QUEUE_H
#define MMSW_BLOCK_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct block_queue;

/* Consume one block: len bytes at buf (the consumer thread, or the producer's
 * without one). The block is reused once this returns. */
typedef void (*block_consume_fn)(void *ctx, uint8_t *buf, size_t len);

/* n_blocks blocks of block_bytes (one without a thread); name names the thread
 * (at most 15 characters). NULL when out of memory. */
struct block_queue *block_queue_new(const char *name, size_t block_bytes, unsigned n_blocks, bool threaded,
				    block_consume_fn consume, void *ctx);
/* Room for n bytes at the end of the current block, handing the block over
 * first when it has less; NULL when n is more than a block holds. */
uint8_t *block_queue_reserve(struct block_queue *q, size_t n);
/* The n bytes written at the last reservation are part of the block. */
void block_queue_commit(struct block_queue *q, size_t n);
/* Hand the current block over (if it holds anything) and start an empty one. */
void block_queue_hand_over(struct block_queue *q);
/* Blocks handed over because they are full carry only whole multiples of align
 * bytes (a power of two that divides the block size, at most
 * BLOCK_QUEUE_ALIGN_MAX); the rest begins the next block. A block handed over by
 * block_queue_hand_over carries everything it holds, and its part past the last
 * whole multiple begins the next block as well, so every block begins at a
 * multiple of align bytes of the stream. Blocks are always allocated at a
 * multiple of BLOCK_QUEUE_ALIGN_MAX. For writes with O_DIRECT (output/eve_file.c);
 * call before the first reservation. 0 on success, -1 for a bad align. */
#define BLOCK_QUEUE_ALIGN_MAX 4096u
int block_queue_align(struct block_queue *q, size_t align);
/* Drop what the current block holds: after block_queue_hand_over and
 * block_queue_wait, the part carried from the block consumed last. */
void block_queue_discard(struct block_queue *q);
/* Wait until every block handed over has been consumed: the consumer is idle
 * until the next hand-over, so the producer may use what it works on. */
void block_queue_wait(struct block_queue *q);
/* Hand over, consume everything, stop the thread and free the queue. */
void block_queue_free(struct block_queue *q);

#endif

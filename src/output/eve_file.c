/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eve_file.c - the file output: lines gathered in large blocks. The capture
 * thread only formats and copies; full blocks go through a short queue to a
 * writer thread ("eve-writer") that makes the write() calls, so the kernel's
 * copy into the page cache (a fifth of a full EVE export) runs on another core.
 * When the queue is full the capture thread waits: nothing is ever dropped (a
 * live capture that falls behind shows it as the kernel's drop counter).
 * --single-threaded (eve_file_set_threaded(false)) writes the blocks from the
 * capture thread itself, as the reference run. See eve_out.h. */
#include "output/eve_out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/block_queue.h"
#include "util/log.h"

#define FILE_BUF_SIZE (1u << 20)
/* One block being filled and up to three waiting for the writer: enough to ride
 * out a slow write, small enough (4 MiB) to stay out of the memory budget. */
#define FILE_BLOCKS 4

static bool threaded_default = true;

void eve_file_set_threaded(bool threaded)
{
	threaded_default = threaded;
}

struct eve_file {
	struct eve_out out; /* first: the writer sees only this */
	FILE *fp;
	bool is_stdout;
	bool failed; /* a write failed (logged once); written by whoever writes */
	uint64_t lines;
	/* The blocks of lines and the writer thread ("eve-writer") that write()s
	 * them (util/block_queue.h). */
	struct block_queue *blocks;
	char *reserved; /* file_reserve's room, for file_commit */
};

static bool gone(struct eve_file *f)
{
	return __atomic_load_n(&f->out.reader_gone, __ATOMIC_ACQUIRE);
}

/* Write one block to the file (the writer thread, or the capture thread when
 * single-threaded). A reader of stdout that went away is no error. */
static void write_block(struct eve_file *f, const char *buf, size_t len)
{
	if (!len || gone(f) || fwrite(buf, 1, len, f->fp) == len)
		return;
	if (errno == EPIPE && f->is_stdout) {
		__atomic_store_n(&f->out.reader_gone, true, __ATOMIC_RELEASE);
	} else if (!f->failed) {
		f->failed = true;
		log_error("%s: EVE write failed: %s", f->out.name, strerror(errno));
	}
}

static void consume_block(void *ctx, uint8_t *buf, size_t len)
{
	write_block(ctx, (const char *)buf, len);
}

static void file_put(struct eve_out *o, const char *head, size_t head_len)
{
	struct eve_file *f = (struct eve_file *)o;
	size_t len = head_len + o->tail_len;
	uint8_t *at = block_queue_reserve(f->blocks, len);
	if (!at) { /* never: a record is capped far below */
		block_queue_hand_over(f->blocks);
		block_queue_wait(f->blocks);
		write_block(f, head, head_len);
		write_block(f, o->tail, o->tail_len);
	} else {
		memcpy(at, head, head_len);
		memcpy(at + head_len, o->tail, o->tail_len);
		block_queue_commit(f->blocks, len);
	}
	f->lines++;
}

static char *file_reserve(struct eve_out *o, size_t max)
{
	struct eve_file *f = (struct eve_file *)o;
	return f->reserved = (char *)block_queue_reserve(f->blocks, max + o->tail_len);
}

static void file_commit(struct eve_out *o, size_t head_len)
{
	struct eve_file *f = (struct eve_file *)o;
	memcpy(f->reserved + head_len, o->tail, o->tail_len);
	block_queue_commit(f->blocks, head_len + o->tail_len);
	f->lines++;
}

/* Everything put so far reaches the file before this returns (a sensor flushes
 * every second; tests read the file while the run goes on). */
static void file_flush(struct eve_out *o)
{
	struct eve_file *f = (struct eve_file *)o;
	block_queue_hand_over(f->blocks);
	block_queue_wait(f->blocks);
	if (!gone(f) && fflush(f->fp) != 0 && errno == EPIPE && f->is_stdout)
		__atomic_store_n(&o->reader_gone, true, __ATOMIC_RELEASE);
}

static int file_reopen(struct eve_out *o)
{
	struct eve_file *f = (struct eve_file *)o;
	if (f->is_stdout)
		return 0;
	file_flush(o); /* the writer is idle now: the FILE may be swapped */
	FILE *n = fopen(o->name, "a");
	if (!n) {
		log_error("%s: cannot reopen EVE output: %s (still writing the old file)", o->name, strerror(errno));
		return -1;
	}
	setvbuf(n, NULL, _IONBF, 0);
	fclose(f->fp);
	f->fp = n;
	return 0;
}

static void file_counts(struct eve_out *o, struct eve_out_counts *c);

static void file_free(struct eve_file *f)
{
	block_queue_free(f->blocks);
	free(f->out.name);
	free(f);
}

static int file_close(struct eve_out *o, int drain_ms, struct eve_out_counts *last)
{
	(void)drain_ms;
	struct eve_file *f = (struct eve_file *)o;
	file_counts(o, last);
	block_queue_free(f->blocks); /* the writer writes what is queued, then ends */
	f->blocks = NULL;
	bool failed = f->failed;
	if (!gone(f) && fflush(f->fp) != 0) {
		if (errno == EPIPE && f->is_stdout)
			__atomic_store_n(&o->reader_gone, true, __ATOMIC_RELEASE);
		else
			failed = true;
	}
	last->reader_gone = gone(f);
	if (!f->is_stdout && fclose(f->fp) != 0)
		failed = true;
	file_free(f);
	return failed ? -1 : 0;
}

static void file_counts(struct eve_out *o, struct eve_out_counts *c)
{
	struct eve_file *f = (struct eve_file *)o;
	memset(c, 0, sizeof(*c));
	c->produced = c->sent = f->lines;
	c->reader_gone = gone(f);
}

static const struct eve_out_ops FILE_OPS = {
	.put = file_put,
	.reserve = file_reserve,
	.commit = file_commit,
	.flush = file_flush,
	.reopen = file_reopen,
	.close = file_close,
	.counts = file_counts,
};

struct eve_out *eve_file_open(const char *path, bool append, char *err, size_t errsize)
{
	struct eve_file *f = calloc(1, sizeof(*f));
	bool ok = f && (f->out.name = strdup(path));
	if (ok)
		ok = (f->blocks = block_queue_new("eve-writer", FILE_BUF_SIZE, FILE_BLOCKS, threaded_default,
						  consume_block, f)) != NULL;
	if (!ok) {
		if (f)
			file_free(f);
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	if (!strcmp(path, "-")) {
		f->fp = stdout;
		f->is_stdout = true;
	} else {
		/* A sensor appends (restarts and logrotate keep the history); an offline
		 * run's output is that run's alone, unless the caller appends (the
		 * processes of --shard K/N share one file). Whole lines only ever
		 * reach the file in one write() (the blocks, unbuffered below), so
		 * appends from several processes do not cut into each other's lines. */
		f->fp = fopen(path, append ? "a" : "w");
		if (!f->fp) {
			snprintf(err, errsize, "%s: cannot write EVE output: %s", path, strerror(errno));
			file_free(f);
			return NULL;
		}
		/* The blocks are the buffer: stdio's own would split every block
		 * into two writes and a copy (and be allocated by the writer thread). */
		setvbuf(f->fp, NULL, _IONBF, 0);
	}
	f->out.ops = &FILE_OPS;
	f->out.types = EVE_TYPES_ALL;
	eve_out_set_sensor(&f->out, NULL);
	return &f->out;
}

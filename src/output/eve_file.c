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
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	char *cur; /* the block being filled, by the capture thread only */
	size_t used;
	/* The writer thread and its queue (threaded only). The capture thread owns
	 * cur; queued blocks belong to the writer until they come back free. */
	bool threaded, started, stopping;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t work;  /* a block was queued, or the output is closing */
	pthread_cond_t space; /* a block was written (and is free again) */
	char *queue[FILE_BLOCKS];
	size_t queue_len[FILE_BLOCKS];
	size_t head, count;
	char *spare[FILE_BLOCKS];
	size_t n_spare;
	uint64_t queued, written; /* blocks handed over / written: a flush waits for equality */
	char *blocks[FILE_BLOCKS];
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

static void *writer_thread(void *arg)
{
	struct eve_file *f = arg;
	pthread_mutex_lock(&f->lock);
	for (;;) {
		while (!f->count && !f->stopping)
			pthread_cond_wait(&f->work, &f->lock);
		if (!f->count)
			break; /* closing, and everything is written */
		char *buf = f->queue[f->head];
		size_t len = f->queue_len[f->head];
		f->head = (f->head + 1) % FILE_BLOCKS;
		f->count--;
		pthread_mutex_unlock(&f->lock);
		write_block(f, buf, len);
		pthread_mutex_lock(&f->lock);
		f->spare[f->n_spare++] = buf;
		f->written++;
		pthread_cond_broadcast(&f->space);
	}
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

/* Started on the first full block, not at open: nothing runs for an output
 * that is never written, and the thread is created by the process that writes. */
static bool start_writer(struct eve_file *f)
{
	/* No signals here: SIGINT, SIGTERM and SIGHUP must reach the capture thread,
	 * which acts on them; SIGPIPE from a gone reader is an EPIPE return. */
	sigset_t block, old;
	sigfillset(&block);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	int rc = pthread_create(&f->thread, NULL, writer_thread, f);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		log_error("%s: cannot start the EVE writer thread: %s (writing from the capture thread)", f->out.name,
			  strerror(rc));
		f->threaded = false;
		return false;
	}
	pthread_setname_np(f->thread, "eve-writer");
	f->started = true;
	return true;
}

/* Hand the block being filled over (to the writer thread, or write it here)
 * and start an empty one; waits while every block is queued. */
static void hand_over(struct eve_file *f)
{
	if (!f->used)
		return;
	if (!f->threaded || (!f->started && !start_writer(f))) {
		write_block(f, f->cur, f->used);
		f->used = 0;
		return;
	}
	pthread_mutex_lock(&f->lock);
	size_t tail = (f->head + f->count) % FILE_BLOCKS;
	f->queue[tail] = f->cur;
	f->queue_len[tail] = f->used;
	f->count++;
	f->queued++;
	pthread_cond_signal(&f->work);
	while (!f->n_spare)
		pthread_cond_wait(&f->space, &f->lock);
	f->cur = f->spare[--f->n_spare];
	pthread_mutex_unlock(&f->lock);
	f->used = 0;
}

/* Every block handed over is in the file (the writer is idle after this until
 * the next hand_over, so the capture thread may use the FILE itself). */
static void wait_written(struct eve_file *f)
{
	if (!f->started)
		return;
	pthread_mutex_lock(&f->lock);
	while (f->written != f->queued)
		pthread_cond_wait(&f->space, &f->lock);
	pthread_mutex_unlock(&f->lock);
}

static void file_put(struct eve_out *o, const char *head, size_t head_len)
{
	struct eve_file *f = (struct eve_file *)o;
	size_t len = head_len + o->tail_len;
	if (FILE_BUF_SIZE - f->used < len)
		hand_over(f);
	if (len > FILE_BUF_SIZE) { /* never: a record is capped far below */
		wait_written(f);
		write_block(f, head, head_len);
		write_block(f, o->tail, o->tail_len);
	} else {
		memcpy(f->cur + f->used, head, head_len);
		memcpy(f->cur + f->used + head_len, o->tail, o->tail_len);
		f->used += len;
	}
	f->lines++;
}

static char *file_reserve(struct eve_out *o, size_t max)
{
	struct eve_file *f = (struct eve_file *)o;
	if (max + o->tail_len > FILE_BUF_SIZE)
		return NULL;
	if (FILE_BUF_SIZE - f->used < max + o->tail_len)
		hand_over(f);
	return f->cur + f->used;
}

static void file_commit(struct eve_out *o, size_t head_len)
{
	struct eve_file *f = (struct eve_file *)o;
	memcpy(f->cur + f->used + head_len, o->tail, o->tail_len);
	f->used += head_len + o->tail_len;
	f->lines++;
}

/* Everything put so far reaches the file before this returns (a sensor flushes
 * every second; tests read the file while the run goes on). */
static void file_flush(struct eve_out *o)
{
	struct eve_file *f = (struct eve_file *)o;
	hand_over(f);
	wait_written(f);
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
	pthread_cond_destroy(&f->space);
	pthread_cond_destroy(&f->work);
	pthread_mutex_destroy(&f->lock);
	for (size_t i = 0; i < FILE_BLOCKS; i++)
		free(f->blocks[i]);
	free(f->out.name);
	free(f);
}

static int file_close(struct eve_out *o, int drain_ms, struct eve_out_counts *last)
{
	(void)drain_ms;
	struct eve_file *f = (struct eve_file *)o;
	file_counts(o, last);
	hand_over(f);
	if (f->started) { /* the writer writes what is queued, then ends */
		pthread_mutex_lock(&f->lock);
		f->stopping = true;
		pthread_cond_signal(&f->work);
		pthread_mutex_unlock(&f->lock);
		pthread_join(f->thread, NULL);
		f->started = false;
	}
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
	if (f) {
		pthread_mutex_init(&f->lock, NULL);
		pthread_cond_init(&f->work, NULL);
		pthread_cond_init(&f->space, NULL);
		f->threaded = threaded_default;
		for (size_t i = 0; ok && i < (f->threaded ? FILE_BLOCKS : 1); i++)
			ok = (f->blocks[i] = malloc(FILE_BUF_SIZE)) != NULL;
	}
	if (!ok) {
		if (f)
			file_free(f);
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	if (f->threaded)
		for (size_t i = 1; i < FILE_BLOCKS; i++)
			f->spare[f->n_spare++] = f->blocks[i];
	f->cur = f->blocks[0];
	if (!strcmp(path, "-")) {
		f->fp = stdout;
		f->is_stdout = true;
	} else {
		/* A sensor appends (restarts and logrotate keep the history); an offline
		 * run's output is that run's alone. */
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

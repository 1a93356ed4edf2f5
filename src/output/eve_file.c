/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eve_file.c - the file output: lines gathered in large blocks. The capture
 * thread only formats and copies; full blocks go through a short queue to a
 * writer thread ("eve-writer") that makes the write() calls, so the kernel's
 * copy into the page cache (a fifth of a full EVE export) runs on another core.
 * When the queue is full the capture thread waits: nothing is ever dropped (a
 * live capture that falls behind shows it as the kernel's drop counter).
 * --single-threaded (eve_file_set_threaded(false)) writes the blocks from the
 * capture thread itself, as the reference run. See eve_out.h.
 *
 * A file an offline run makes anew is written around the page cache (O_DIRECT):
 * the export is written once and not read back by the run, so copying it into
 * the page cache only costs a copy and pushes out what is worth caching (the
 * capture files). Whole 4 KiB multiples go with O_DIRECT, and the blocks come
 * 4 KiB-aligned in memory and in the stream (block_queue_align). A flush's last
 * partial 4 KiB goes through the page cache, and the next block, which begins
 * with the same bytes, writes over it. Where the file system refuses O_DIRECT,
 * at open or at the first write, every block goes through the page cache. */
#include "output/eve_out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	/* Written around the page cache: direct_fd (O_DIRECT) takes the whole
	 * 4 KiB multiples of each block at pos, fileno(fp) a flush's last partial
	 * 4 KiB. -1 when every block goes through fp. The writer's. */
	int direct_fd;
	off_t pos; /* where the next block begins in the file: a multiple of DIRECT_ALIGN */
};

/* The alignment of O_DIRECT writes, in memory, in length and in the file: the
 * largest logical block size of a device in use, and a divisor of a block. */
#define DIRECT_ALIGN BLOCK_QUEUE_ALIGN_MAX

static bool gone(struct eve_file *f)
{
	return __atomic_load_n(&f->out.reader_gone, __ATOMIC_ACQUIRE);
}

static void write_failed(struct eve_file *f)
{
	if (!f->failed) {
		f->failed = true;
		log_error("%s: EVE write failed: %s", f->out.name, strerror(errno));
	}
}

/* Write one block to the file (the writer thread, or the capture thread when
 * single-threaded). A reader of stdout that went away is no error. */
static void write_block(struct eve_file *f, const char *buf, size_t len)
{
	if (!len || gone(f) || fwrite(buf, 1, len, f->fp) == len)
		return;
	if (errno == EPIPE && f->is_stdout)
		__atomic_store_n(&f->out.reader_gone, true, __ATOMIC_RELEASE);
	else
		write_failed(f);
}

/* len bytes at buf to fd at offset at; false (errno set) when a write fails. */
static bool write_at(int fd, const uint8_t *buf, size_t len, off_t at)
{
	while (len) {
		ssize_t n = pwrite(fd, buf, len, at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return false;
		}
		buf += n;
		len -= (size_t)n;
		at += n;
	}
	return true;
}

/* A block of a file written around the page cache: it begins at pos, and only
 * its whole 4 KiB multiples are final (the rest begins the next block too). */
static void write_direct(struct eve_file *f, const uint8_t *buf, size_t len)
{
	size_t whole = len & ~(size_t)(DIRECT_ALIGN - 1);
	off_t at = f->pos;
	/* past the block's final bytes even when a write failed: a later block
	 * never goes over what did reach the file */
	f->pos += (off_t)whole;
	if (whole && f->direct_fd >= 0 && !write_at(f->direct_fd, buf, whole, at)) {
		if (errno != EINVAL) {
			write_failed(f);
			return;
		}
		/* The file system takes O_DIRECT at open but not these writes:
		 * through the page cache from now on (and the same bytes again). */
		close(f->direct_fd);
		f->direct_fd = -1;
	}
	size_t from = f->direct_fd >= 0 ? whole : 0;
	if (len > from && !write_at(fileno(f->fp), buf + from, len - from, at + (off_t)from))
		write_failed(f);
}

/* Leave O_DIRECT for good (the writer idle: after block_queue_wait): the bytes
 * carried into the current block are in the file already, and from here on
 * blocks are appended through fp, from the file's end. */
static void leave_direct(struct eve_file *f)
{
	if (f->pos < 0)
		return;
	block_queue_discard(f->blocks);
	block_queue_align(f->blocks, 1);
	if (f->direct_fd >= 0)
		close(f->direct_fd);
	f->direct_fd = -1;
	f->pos = -1;
	fseeko(f->fp, 0, SEEK_END); /* the blocks went in with pwrite: fp's offset is still 0 */
}

static void consume_block(void *ctx, uint8_t *buf, size_t len)
{
	struct eve_file *f = ctx;
	if (f->pos >= 0)
		write_direct(f, buf, len);
	else
		write_block(f, (const char *)buf, len);
}

static void file_put(struct eve_out *o, const char *head, size_t head_len)
{
	struct eve_file *f = (struct eve_file *)o;
	size_t len = head_len + o->tail_len;
	uint8_t *at = block_queue_reserve(f->blocks, len);
	if (!at) { /* never: a record is capped far below */
		block_queue_hand_over(f->blocks);
		block_queue_wait(f->blocks);
		leave_direct(f);
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
	/* The new file is appended to through the page cache, as a sensor's. */
	leave_direct(f);
	setvbuf(n, NULL, _IONBF, 0);
	fclose(f->fp);
	f->fp = n;
	return 0;
}

static void file_counts(struct eve_out *o, struct eve_out_counts *c);

static void file_free(struct eve_file *f)
{
	block_queue_free(f->blocks);
	if (f->direct_fd >= 0)
		close(f->direct_fd);
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

/* A regular file made anew: also open it with O_DIRECT (see the top). Where
 * that fails, or the path names another file by now, fp writes everything. */
static void open_direct(struct eve_file *f)
{
	struct stat st, dst;
	if (fstat(fileno(f->fp), &st) != 0 || !S_ISREG(st.st_mode))
		return;
	int fd = open(f->out.name, O_WRONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &dst) != 0 || dst.st_dev != st.st_dev || dst.st_ino != st.st_ino ||
	    block_queue_align(f->blocks, DIRECT_ALIGN) != 0) {
		close(fd);
		return;
	}
	f->direct_fd = fd;
	f->pos = 0;
}

struct eve_out *eve_file_open(const char *path, bool append, char *err, size_t errsize)
{
	struct eve_file *f = calloc(1, sizeof(*f));
	if (f) {
		f->direct_fd = -1;
		f->pos = -1;
	}
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
		if (!append)
			open_direct(f);
	}
	f->out.ops = &FILE_OPS;
	f->out.types = EVE_TYPES_ALL;
	eve_out_set_sensor(&f->out, NULL);
	return &f->out;
}

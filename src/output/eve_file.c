/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eve_file.c - the file output: lines gathered in a large buffer and written in
 * big blocks by the capture thread (a disk keeps up; formatting, not I/O, is
 * what a run should spend on). See eve_out.h. */
#include "output/eve_out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"

#define FILE_BUF_SIZE (1u << 20)

struct eve_file {
	struct eve_out out; /* first: the writer sees only this */
	FILE *fp;
	bool is_stdout, failed;
	uint64_t lines;
	size_t used;
	char buf[FILE_BUF_SIZE];
};

static void file_flush_buf(struct eve_file *f)
{
	if (f->used && !f->out.reader_gone && fwrite(f->buf, 1, f->used, f->fp) != f->used) {
		if (errno == EPIPE && f->is_stdout) {
			f->out.reader_gone = true;
		} else if (!f->failed) {
			f->failed = true;
			log_error("%s: EVE write failed: %s", f->out.name, strerror(errno));
		}
	}
	f->used = 0;
}

static void file_put(struct eve_out *o, const char *head, size_t head_len)
{
	struct eve_file *f = (struct eve_file *)o;
	size_t len = head_len + o->tail_len;
	if (FILE_BUF_SIZE - f->used < len)
		file_flush_buf(f);
	if (len > FILE_BUF_SIZE) { /* never: a record is capped far below */
		fwrite(head, 1, head_len, f->fp);
		fwrite(o->tail, 1, o->tail_len, f->fp);
	} else {
		memcpy(f->buf + f->used, head, head_len);
		memcpy(f->buf + f->used + head_len, o->tail, o->tail_len);
		f->used += len;
	}
	f->lines++;
}

static void file_flush(struct eve_out *o)
{
	struct eve_file *f = (struct eve_file *)o;
	file_flush_buf(f);
	if (!o->reader_gone && fflush(f->fp) != 0 && errno == EPIPE && f->is_stdout)
		o->reader_gone = true;
}

static int file_reopen(struct eve_out *o)
{
	struct eve_file *f = (struct eve_file *)o;
	if (f->is_stdout)
		return 0;
	file_flush(o);
	FILE *n = fopen(o->name, "a");
	if (!n) {
		log_error("%s: cannot reopen EVE output: %s (still writing the old file)", o->name, strerror(errno));
		return -1;
	}
	fclose(f->fp);
	f->fp = n;
	return 0;
}

static void file_counts(struct eve_out *o, struct eve_out_counts *c);

static int file_close(struct eve_out *o, int drain_ms, struct eve_out_counts *last)
{
	(void)drain_ms;
	struct eve_file *f = (struct eve_file *)o;
	file_counts(o, last);
	file_flush_buf(f);
	bool failed = f->failed;
	if (!f->out.reader_gone && fflush(f->fp) != 0) {
		if (errno == EPIPE && f->is_stdout)
			f->out.reader_gone = true;
		else
			failed = true;
	}
	last->reader_gone = o->reader_gone;
	if (!f->is_stdout && fclose(f->fp) != 0)
		failed = true;
	free(o->name);
	free(f);
	return failed ? -1 : 0;
}

static void file_counts(struct eve_out *o, struct eve_out_counts *c)
{
	struct eve_file *f = (struct eve_file *)o;
	memset(c, 0, sizeof(*c));
	c->produced = c->sent = f->lines;
	c->reader_gone = o->reader_gone;
}

static const struct eve_out_ops FILE_OPS = {
	.put = file_put,
	.flush = file_flush,
	.reopen = file_reopen,
	.close = file_close,
	.counts = file_counts,
};

struct eve_out *eve_file_open(const char *path, bool append, char *err, size_t errsize)
{
	struct eve_file *f = calloc(1, sizeof(*f));
	if (!f || !(f->out.name = strdup(path))) {
		free(f);
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	if (!strcmp(path, "-")) {
		f->fp = stdout;
		f->is_stdout = true;
	} else {
		/* A sensor appends (restarts and logrotate keep the history); an offline
		 * run's output is that run's alone. */
		f->fp = fopen(path, append ? "a" : "w");
		if (!f->fp) {
			snprintf(err, errsize, "%s: cannot write EVE output: %s", path, strerror(errno));
			free(f->out.name);
			free(f);
			return NULL;
		}
	}
	f->out.ops = &FILE_OPS;
	f->out.types = EVE_TYPES_ALL;
	eve_out_set_sensor(&f->out, NULL);
	return &f->out;
}

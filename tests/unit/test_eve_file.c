/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_eve_file.c - the EVE file output and its writer thread: many records
 * through the short block queue (so the capture side has to wait for free
 * blocks) arrive complete and in order after a flush, with or without the
 * thread; a flush makes the file whole while the output stays open; reopening
 * after a rename (logrotate) splits the lines at the right place; a write error
 * fails the close; records formatted in place (reserve/commit) and copied
 * (put) keep their order; EVE on stdout whose reader closed the pipe is "reader gone",
 * not an error. A file made anew is written with O_DIRECT where the file system
 * takes it, and all of the above holds too where the writes with O_DIRECT are
 * refused (pwrite64 is wrapped at link time: -Wl,--wrap=pwrite64), and where a
 * reopen fails. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "tcheck.h"
#include "output/eve_out.h"

/* 0, or the error every write with O_DIRECT fails with (the wrapper below). */
static int direct_errno;
static unsigned direct_writes;

ssize_t __real_pwrite64(int fd, const void *buf, size_t len, off_t at);
ssize_t __wrap_pwrite64(int fd, const void *buf, size_t len, off_t at);
ssize_t __wrap_pwrite64(int fd, const void *buf, size_t len, off_t at)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0 && (fl & O_DIRECT)) {
		if (direct_errno) {
			errno = direct_errno;
			return -1;
		}
		direct_writes++;
	}
	return __real_pwrite64(fd, buf, len, at);
}

/* Whether this process has path open with O_DIRECT (/proc/self/fdinfo). */
static bool open_direct(const char *path)
{
	DIR *d = opendir("/proc/self/fd");
	bool found = false;
	struct dirent *e;
	while (d && !found && (e = readdir(d))) {
		char link[64], target[PATH_MAX];
		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = 0;
		int fl = strcmp(target, path) ? -1 : fcntl(atoi(e->d_name), F_GETFL);
		found = fl >= 0 && (fl & O_DIRECT);
	}
	if (d)
		closedir(d);
	return found;
}

/* Whether the file system of /tmp takes O_DIRECT at all (a test of it is
 * skipped where it does not). */
static bool tmp_takes_direct(void)
{
	char path[] = "/tmp/test_eve_file_XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return false;
	close(fd);
	fd = open(path, O_WRONLY | O_DIRECT);
	unlink(path);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* A record of varied length (10 to ~2000 bytes) without its closing brace. */
static size_t record(char *buf, unsigned i)
{
	int n = snprintf(buf, 64, "{\"n\":%u,\"pad\":\"", i);
	size_t pad = (i * 37u) % 2000;
	memset(buf + n, 'a' + (char)(i % 26), pad);
	buf[(size_t)n + pad] = '"';
	return (size_t)n + pad + 1;
}

/* Put records from..to-1 into o and append the expected lines to want. */
static void put_records(struct eve_out *o, unsigned from, unsigned to, char *want, size_t *want_len)
{
	char buf[2200];
	for (unsigned i = from; i < to; i++) {
		size_t n = record(buf, i);
		char *at = i % 3 == 0 && o->ops->reserve ? o->ops->reserve(o, 64 * 1024) : NULL;
		if (at) { /* every third record formatted in place, as eve.c does */
			memcpy(at, buf, n);
			at[n] = '}'; /* the writer's closing brace, replaced by the tail */
			o->ops->commit(o, n);
		} else {
			o->ops->put(o, buf, n);
		}
		memcpy(want + *want_len, buf, n);
		memcpy(want + *want_len + n, "}\n", 2);
		*want_len += n + 2;
	}
}

/* The whole file, or NULL. */
static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	*len = fread(s, 1, (size_t)n, fp);
	fclose(fp);
	return s;
}

static void check_file(const char *path, const char *want, size_t want_len)
{
	size_t len = 0;
	char *got = slurp(path, &len);
	CHECK(got != NULL);
	CHECK_EQ(len, want_len);
	CHECK(got && len == want_len && memcmp(got, want, len) == 0);
	free(got);
}

/* A new file of the template path (filled in), opened as an offline run's EVE
 * file is (written afresh); NULL after a failed check. */
static struct eve_out *open_new(char *path, bool threaded)
{
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	char err[300] = "";
	eve_file_set_threaded(threaded);
	struct eve_out *o = eve_file_open(path, false, err, sizeof(err));
	CHECK(o != NULL);
	return o;
}

#define N_FIRST 12000 /* ~12 MB: three times the thread's four 1 MiB blocks, over and over */
#define N_ROTATE 3000
#define N_AFTER 2500

static void order_flush_rotate(bool threaded)
{
	char path[] = "/tmp/test_eve_file_XXXXXX";
	struct eve_out *o = open_new(path, threaded);
	if (!o)
		return;
	char old[sizeof(path) + 4];
	snprintf(old, sizeof(old), "%s.1", path);
	/* A file made anew: written around the page cache, where it can be. */
	bool direct = tmp_takes_direct();
	CHECK_EQ(open_direct(path), direct);
	direct = direct && !direct_errno; /* the first refused write ends it */
	size_t cap = 40u << 20;
	char *want = malloc(cap), *want_new = malloc(cap);
	size_t want_len = 0, want_new_len = 0;

	/* Everything put before a flush is in the file when it returns. */
	put_records(o, 0, N_FIRST, want, &want_len);
	o->ops->flush(o);
	check_file(path, want, want_len);
	/* Small flushes in a row (a sensor's every second): each one waits for the
	 * writer, which has just been woken, to have written its block. */
	unsigned late = 0;
	for (unsigned k = 0; k < 50; k++) {
		put_records(o, N_FIRST + 10 * k, N_FIRST + 10 * k + 10, want, &want_len);
		o->ops->flush(o);
		struct stat st;
		if (stat(path, &st) != 0 || (size_t)st.st_size != want_len)
			late++;
	}
	CHECK_EQ(late, 0);
	check_file(path, want, want_len);
	struct eve_out_counts c;
	o->ops->counts(o, &c);
	CHECK_EQ(c.produced, N_FIRST + 500);
	CHECK(!c.reader_gone);
	CHECK_EQ(direct_writes > 0, direct);
	CHECK_EQ(open_direct(path), direct); /* refused writes: never again */

	/* logrotate: the file is renamed, lines keep going to it until the reopen;
	 * after it, to a new file of the old name. */
	CHECK_EQ(rename(path, old), 0);
	put_records(o, N_FIRST + 500, N_FIRST + N_ROTATE, want, &want_len);
	CHECK_EQ(o->ops->reopen(o), 0);
	put_records(o, N_FIRST + N_ROTATE, N_FIRST + N_ROTATE + N_AFTER, want_new, &want_new_len);
	o->ops->flush(o);
	check_file(old, want, want_len);
	check_file(path, want_new, want_new_len);
	CHECK(!open_direct(path)); /* reopened files are appended to, as a sensor's */

	/* A few lines left in the block being filled: the close writes them. */
	put_records(o, 90000, 90003, want_new, &want_new_len);
	CHECK_EQ(o->ops->close(o, 0, &c), 0);
	CHECK_EQ(c.produced, N_FIRST + N_ROTATE + N_AFTER + 3);
	check_file(path, want_new, want_new_len);
	unlink(path);
	unlink(old);
	free(want);
	free(want_new);
}

static void threaded_order(void)
{
	order_flush_rotate(true);
}

static void single_threaded_order(void)
{
	order_flush_rotate(false);
}

/* A file system that takes O_DIRECT at open but refuses its writes: the same
 * bytes go through the page cache instead. */
static void direct_refused(void)
{
	direct_errno = EINVAL;
	order_flush_rotate(true);
	order_flush_rotate(false);
}

/* A reopen that fails (the path is a directory now): the lines keep going to
 * the old file, after those already in it. */
static void reopen_fails(bool threaded)
{
	char path[] = "/tmp/test_eve_file_XXXXXX";
	struct eve_out *o = open_new(path, threaded);
	if (!o)
		return;
	char old[sizeof(path) + 4];
	snprintf(old, sizeof(old), "%s.1", path);
	size_t cap = 40u << 20;
	char *want = malloc(cap);
	size_t want_len = 0;
	put_records(o, 0, 3000, want, &want_len);
	CHECK_EQ(rename(path, old), 0);
	CHECK_EQ(mkdir(path, 0700), 0);
	CHECK_EQ(o->ops->reopen(o), -1);
	put_records(o, 3000, 6000, want, &want_len);
	struct eve_out_counts c;
	CHECK_EQ(o->ops->close(o, 0, &c), 0);
	check_file(old, want, want_len);
	rmdir(path);
	unlink(old);
	free(want);
}

static void reopen_fails_threaded(void)
{
	reopen_fails(true);
}

static void reopen_fails_single(void)
{
	reopen_fails(false);
}

/* A write with O_DIRECT that fails for good (a full disk) fails the close. */
static void direct_error(void)
{
	if (!tmp_takes_direct()) {
		printf("direct_error: /tmp does not take O_DIRECT: skipped\n");
		return;
	}
	direct_errno = ENOSPC;
	char path[] = "/tmp/test_eve_file_XXXXXX";
	struct eve_out *o = open_new(path, true);
	if (!o)
		return;
	char *scratch = malloc(40u << 20);
	size_t n = 0;
	put_records(o, 0, 4000, scratch, &n);
	struct eve_out_counts c;
	CHECK_EQ(o->ops->close(o, 0, &c), -1);
	unlink(path);
	free(scratch);
}

/* A full disk: the close says the output failed (the error is logged once). */
static void write_error(void)
{
	char err[300] = "";
	eve_file_set_threaded(true);
	struct eve_out *o = eve_file_open("/dev/full", false, err, sizeof(err));
	CHECK(o != NULL);
	if (!o)
		return;
	char *scratch = malloc(40u << 20);
	size_t n = 0;
	put_records(o, 0, 4000, scratch, &n);
	o->ops->flush(o);
	struct eve_out_counts c;
	CHECK_EQ(o->ops->close(o, 0, &c), -1);
	CHECK(!c.reader_gone);
	free(scratch);
}

/* `--eve - | head`: stdout is a pipe whose reader is gone. Runs in a child (it
 * replaces stdout); the child's own report goes to the real stdout again. */
static void reader_gone_case(bool threaded)
{
	int p[2];
	CHECK_EQ(pipe(p), 0);
	close(p[0]); /* the reader went away */
	fflush(stdout);
	int saved = dup(STDOUT_FILENO);
	dup2(p[1], STDOUT_FILENO);
	close(p[1]);
	signal(SIGPIPE, SIG_IGN); /* as main.c does */
	char err[300] = "";
	eve_file_set_threaded(threaded);
	struct eve_out *o = eve_file_open("-", false, err, sizeof(err));
	bool opened = o != NULL, gone_after_flush = false, closed_ok = false, gone_at_close = false;
	if (o) {
		char *scratch = malloc(40u << 20);
		size_t n = 0;
		put_records(o, 0, 3000, scratch, &n); /* ~3 MB: blocks go to the writer */
		o->ops->flush(o);
		gone_after_flush = __atomic_load_n(&o->reader_gone, __ATOMIC_ACQUIRE);
		put_records(o, 3000, 6000, scratch, &n); /* nothing more is written, nothing blocks */
		struct eve_out_counts c;
		closed_ok = o->ops->close(o, 0, &c) == 0;
		gone_at_close = c.reader_gone;
		free(scratch);
	}
	dup2(saved, STDOUT_FILENO);
	close(saved);
	CHECK(opened);
	CHECK(gone_after_flush);
	CHECK(closed_ok); /* not a failure */
	CHECK(gone_at_close);
}

static void reader_gone_threaded(void)
{
	reader_gone_case(true);
}

static void reader_gone_single(void)
{
	reader_gone_case(false);
}

int main(void)
{
	tcheck_in_child("threaded_order", threaded_order);
	tcheck_in_child("single_threaded_order", single_threaded_order);
	tcheck_in_child("reopen_fails_threaded", reopen_fails_threaded);
	tcheck_in_child("reopen_fails_single", reopen_fails_single);
	tcheck_in_child("direct_refused", direct_refused);
	tcheck_in_child("direct_error", direct_error);
	tcheck_in_child("write_error", write_error);
	tcheck_in_child("reader_gone_threaded", reader_gone_threaded);
	tcheck_in_child("reader_gone_single", reader_gone_single);
	TCHECK_DONE();
}

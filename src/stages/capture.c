/* SPDX-License-Identifier: GPL-2.0-or-later */
/* capture.c - reading a set of capture files as one; see capture.h. */
#include "stages/capture.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "stages/decode_link.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/ptime.h"

/* libpcap's messages for a file that is not a capture are terse; say it plainly. */
static const char *open_reason(const char *errbuf)
{
	if (strstr(errbuf, "unknown file format") || strstr(errbuf, "bad dump file format"))
		return "not a pcap or pcapng capture";
	if (strstr(errbuf, "truncated"))
		return "truncated before the first packet";
	return errbuf;
}

/* Open and look at the first packet. Returns 0, or -1 with *why set. */
static int probe(struct input_file *f, const char **why, char *errbuf)
{
	struct stat st;
	if (stat(f->path, &st) != 0) {
		*why = strerror(errno);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		*why = "is a directory";
		return -1;
	}
	FILE *fp = fopen(f->path, "rb");
	if (!fp) {
		*why = strerror(errno);
		return -1;
	}
	pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (!p) {
		fclose(fp);
		*why = st.st_size == 0 ? "empty file" : open_reason(errbuf);
		return -1;
	}
	f->dlt = pcap_datalink(p);
	if (!link_supported(f->dlt)) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "link type %s (%d) is not supported",
			 pcap_datalink_val_to_name(f->dlt) ? pcap_datalink_val_to_name(f->dlt) : "?", f->dlt);
		pcap_close(p);
		*why = errbuf;
		return -1;
	}
	struct pcap_pkthdr *h;
	const u_char *d;
	f->first_ts = INT64_MAX;
	/* A first frame without a usable time sorts last (util/ptime.h). */
	if (pcap_next_ex(p, &h, &d) == 1 && !ptime_us(h->ts.tv_sec, h->ts.tv_usec, &f->first_ts))
		f->first_ts = INT64_MAX;
	pcap_close(p);
	return 0;
}

/* A path as the user gave it, tidied in place: repeated slashes become one and
 * "/./" components go ("-r dir/" gives "dir/x.pcap", never "dir//x.pcap").
 * Lexical only: ".." and symbolic links are left as they are. */
static void path_tidy(char *p)
{
	char *w = p;
	for (const char *r = p; *r;) {
		if (*r == '/' && w > p && w[-1] == '/') {
			r++; /* "//" */
			continue;
		}
		if (*r == '.' && w > p && w[-1] == '/' && r[1] == '/') {
			r += 2; /* "/./" */
			continue;
		}
		*w++ = *r++;
	}
	*w = 0;
}

static int add_file(struct input_set *s, size_t *cap, const char *path)
{
	if (s->n >= MMSW_MAX_INPUT_FILES) {
		log_error("too many input files (more than %d)", MMSW_MAX_INPUT_FILES);
		return -1;
	}
	if (s->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct input_file *nf = realloc(s->files, nc * sizeof(*nf));
		if (!nf)
			return -1;
		s->files = nf;
		*cap = nc;
	}
	memset(&s->files[s->n], 0, sizeof(s->files[0]));
	s->files[s->n].path = strdup(path);
	if (!s->files[s->n].path)
		return -1;
	path_tidy(s->files[s->n].path);
	s->n++;
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file in a directory (not recursive), sorted by name for a stable
 * order among files with equal first-packet times. Non-captures are skipped. */
static int add_dir(struct input_set *s, size_t *cap, const char *dir, char *errbuf)
{
	DIR *d = opendir(dir);
	if (!d) {
		log_error("%s: %s", dir, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0, ncap = 0;
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == ncap) {
			ncap = ncap ? ncap * 2 : 32;
			char **nn = realloc(names, ncap * sizeof(*nn));
			if (!nn) {
				rc = -1;
				break;
			}
			names = nn;
		}
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		names[n] = malloc(len);
		if (!names[n]) {
			rc = -1;
			break;
		}
		snprintf(names[n], len, "%s/%s", dir, e->d_name);
		path_tidy(names[n]);
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_name);
	size_t before = s->n;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct stat st;
		if (stat(names[i], &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		struct input_file f = { .path = names[i] };
		const char *why;
		if (probe(&f, &why, errbuf) != 0) {
			log_warn("%s: skipped: %s", names[i], why);
			continue;
		}
		if (add_file(s, cap, names[i]) != 0)
			rc = -1;
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc == 0 && s->n == before) {
		log_error("%s: no pcap or pcapng capture in this directory", dir);
		return -1;
	}
	return rc;
}

static int cmp_first_ts(const void *a, const void *b)
{
	const struct input_file *x = a, *y = b;
	if (x->first_ts != y->first_ts)
		return x->first_ts < y->first_ts ? -1 : 1;
	return strcmp(x->path, y->path);
}

int input_set_open(struct input_set *s, const char **args, size_t nargs)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	size_t cap = 0;
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < nargs; i++) {
		const char *a = args[i];
		struct stat st;
		if (stat(a, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (add_dir(s, &cap, a, errbuf) != 0)
				return 2;
			continue;
		}
		if (stat(a, &st) != 0 && strpbrk(a, "*?[")) {
			glob_t g;
			int gr = glob(a, 0, NULL, &g);
			if (gr != 0) {
				log_error("%s: no file matches this pattern", a);
				if (gr != GLOB_NOMATCH)
					globfree(&g);
				return 2;
			}
			for (size_t k = 0; k < g.gl_pathc; k++)
				if (add_file(s, &cap, g.gl_pathv[k]) != 0) {
					globfree(&g);
					return 2;
				}
			globfree(&g);
			continue;
		}
		if (add_file(s, &cap, a) != 0)
			return 2;
	}
	for (size_t i = 0; i < s->n; i++) {
		const char *why;
		if (probe(&s->files[i], &why, errbuf) != 0) {
			log_error("%s: %s", s->files[i].path, why);
			return 2;
		}
	}
	/* Stable order: by first packet time, then name (rotated sets sort right). */
	qsort(s->files, s->n, sizeof(s->files[0]), cmp_first_ts);
	return 0;
}

/* libpcap reads a file through stdio; its default buffer (a few KiB) costs a
 * read() system call every few packets. A larger one turns that into one per 256 KiB
 * (larger buffers save little more and cost memory a storm test counts). */
#define READ_BUFFER_BYTES (256 * 1024)

/* Open one file of the set for reading, with our own stdio buffer. NULL with
 * errbuf set as libpcap's own pcap_open_offline would set it. The buffer is the
 * caller's to free after pcap_close. */
static pcap_t *open_buffered(const char *path, char *errbuf, char **buf)
{
	*buf = NULL;
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s: %s", path, strerror(errno));
		return NULL;
	}
	/* Only one thread ever reads this stream (the reader's, or the pipeline's
	 * with --single-threaded): stdio need not lock it for every fread, and
	 * libpcap makes two of those per frame. */
	__fsetlocking(fp, FSETLOCKING_BYCALLER);
	*buf = malloc(READ_BUFFER_BYTES);
	if (*buf && setvbuf(fp, *buf, _IOFBF, READ_BUFFER_BYTES) != 0) {
		free(*buf);
		*buf = NULL;
	}
	pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (!p) {
		fclose(fp);
		free(*buf);
		*buf = NULL;
	}
	return p; /* pcap_close closes fp */
}

static void note_to_log(void *ctx, enum capture_note level, const char *text)
{
	(void)ctx;
	if (level == CAPTURE_NOTE_ERROR)
		log_error("%s", text);
	else
		log_warn("%s", text);
}

int input_set_read(struct input_set *s, packet_fn fn, void *ctx, volatile int *stop)
{
	return input_set_read_to(s, fn, note_to_log, ctx, stop);
}

int input_set_read_to(struct input_set *s, packet_fn fn, note_fn note, void *ctx, volatile int *stop)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	char text[PCAP_ERRBUF_SIZE + 4200];
	int rc = 0;
	for (size_t i = 0; i < s->n && !(stop && *stop); i++) {
		struct input_file *f = &s->files[i];
		char *buf;
		pcap_t *p = open_buffered(f->path, errbuf, &buf);
		if (!p) {
			snprintf(text, sizeof(text), "%s: %s", f->path, open_reason(errbuf));
			note(ctx, CAPTURE_NOTE_ERROR, text);
			rc = 1;
			continue;
		}
		struct pcap_pkthdr *h;
		const u_char *d;
		uint64_t frame = 0;
		int r;
		while ((r = pcap_next_ex(p, &h, &d)) == 1) {
			fn(ctx, f->dlt, (uint32_t)i, ++frame, h, d);
			if (stop && *stop)
				break;
		}
		if (r == PCAP_ERROR) {
			/* A capture still being written ends mid-record: read to the cut. */
			if (i + 1 == s->n) {
				snprintf(text, sizeof(text), "%s: truncated after packet %llu (%s); read up to the cut",
					 f->path, (unsigned long long)frame, pcap_geterr(p));
				note(ctx, CAPTURE_NOTE_WARN, text);
			} else {
				snprintf(text, sizeof(text),
					 "%s: cannot be read past packet %llu (%s); continuing with the next file",
					 f->path, (unsigned long long)frame, pcap_geterr(p));
				note(ctx, CAPTURE_NOTE_ERROR, text);
				rc = 1;
			}
		}
		pcap_close(p);
		free(buf);
	}
	return rc;
}

void input_set_free(struct input_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->files[i].path);
	free(s->files);
	s->files = NULL;
	s->n = 0;
}

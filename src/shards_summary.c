/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shards_summary.c - a --shards job's one summary; see shards_summary.h.
 *
 * Each process's output is read whole (capped), cut into sections at its
 * marker lines, and each section's pieces and numbers are gathered with the
 * same section's of the other processes. A section is printed by the function
 * a single run prints it with: the headings from the sums (output/summary.h,
 * the inventory's and drift's), then the pieces in key order, capped where a
 * single run caps them. Sections this file does not know are printed as their
 * head and their pieces: a new analyzer's block needs nothing here unless its
 * heading has numbers. */
#include "shards_summary.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "core/severity.h"
#include "core/summary_parts.h"
#include "output/summary.h"
#include "util/log.h"
#include "util/stats.h"

#define OUTPUT_MAX (256u << 20) /* what one process may have printed */
#define SECTIONS_MAX 64
#define NUMBERS_MAX 48 /* per section */
#define TEXTS_MAX 4    /* per section */

struct text {
	char *p;
	size_t len, cap;
};

struct piece {
	uint64_t key[5]; /* rank, then core/order.h's key */
	unsigned shard;
	size_t seq;
	struct text t;
};

struct number {
	char name[40];
	uint64_t v;
};

struct section {
	char name[64];
	struct text head; /* the first process's that has one */
	int head_shard;   /* -1: none yet */
	struct piece *pieces;
	size_t n_pieces, cap_pieces;
	struct number nums[NUMBERS_MAX];
	size_t n_nums;
	struct number texts[TEXTS_MAX]; /* name only; the value in text_values */
	char *text_values[TEXTS_MAX];
	size_t n_texts;
};

struct merge {
	struct section secs[SECTIONS_MAX];
	size_t n_secs;
	bool full; /* a cap was hit: what did not fit is named on stderr */
};

static bool text_add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 256;
		while (cap < t->len + n + 1)
			cap *= 2;
		char *p = realloc(t->p, cap);
		if (!p)
			return false;
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = 0;
	return true;
}

static struct section *section_get(struct merge *m, const char *name, size_t len)
{
	if (len >= sizeof(m->secs[0].name))
		len = sizeof(m->secs[0].name) - 1;
	for (size_t i = 0; i < m->n_secs; i++)
		if (strlen(m->secs[i].name) == len && !memcmp(m->secs[i].name, name, len))
			return &m->secs[i];
	if (m->n_secs == SECTIONS_MAX) {
		m->full = true;
		return NULL;
	}
	struct section *s = &m->secs[m->n_secs++];
	memset(s, 0, sizeof(*s));
	memcpy(s->name, name, len);
	s->head_shard = -1;
	return s;
}

/* The index of a section's number, n_nums when it has none of that name. */
static size_t number_find(const struct section *s, const char *name, size_t len)
{
	size_t i = 0;
	while (i < s->n_nums && !(strlen(s->nums[i].name) == len && !memcmp(s->nums[i].name, name, len)))
		i++;
	return i;
}

static struct number *number_get(struct section *s, const char *name, size_t len)
{
	size_t i = number_find(s, name, len);
	if (i < s->n_nums)
		return &s->nums[i];
	if (s->n_nums == NUMBERS_MAX || len >= sizeof(s->nums[0].name))
		return NULL;
	struct number *n = &s->nums[s->n_nums++];
	memset(n, 0, sizeof(*n));
	memcpy(n->name, name, len);
	return n;
}

static uint64_t number(const struct merge *m, const char *sec, const char *name)
{
	for (size_t i = 0; i < m->n_secs; i++)
		if (!strcmp(m->secs[i].name, sec)) {
			size_t j = number_find(&m->secs[i], name, strlen(name));
			return j < m->secs[i].n_nums ? m->secs[i].nums[j].v : 0;
		}
	return 0;
}

static const char *text_of(const struct section *s, const char *name)
{
	for (size_t i = 0; i < s->n_texts; i++)
		if (!strcmp(s->texts[i].name, name))
			return s->text_values[i];
	return NULL;
}

/* One marker line (after the token and its space): S name, P rank k0 k1 k2 k3,
 * N name value, M name value, T name text, E. */
static void marker(struct merge *m, struct section **cur, struct text **piece, unsigned shard, size_t *seq,
		   const char *l, size_t len, bool *ended)
{
	char kind = len ? l[0] : 0;
	const char *arg = len > 2 ? l + 2 : "";
	size_t alen = len > 2 ? len - 2 : 0;
	*piece = NULL;
	if (kind == 'E') {
		*ended = true;
		*cur = NULL;
	} else if (kind == 'S') {
		*cur = section_get(m, arg, alen);
	} else if (kind == 'P' && *cur) {
		struct section *s = *cur;
		if (s->n_pieces == s->cap_pieces) {
			size_t cap = s->cap_pieces ? s->cap_pieces * 2 : 64;
			struct piece *p = realloc(s->pieces, cap * sizeof(*p));
			if (!p) {
				m->full = true;
				return;
			}
			s->pieces = p;
			s->cap_pieces = cap;
		}
		struct piece *p = &s->pieces[s->n_pieces];
		memset(p, 0, sizeof(*p));
		char num[200];
		snprintf(num, sizeof(num), "%.*s", (int)alen, arg);
		if (sscanf(num, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64, &p->key[0], &p->key[1],
			   &p->key[2], &p->key[3], &p->key[4]) != 5)
			return; /* not ours: the text goes to the head */
		p->shard = shard;
		p->seq = (*seq)++;
		s->n_pieces++;
		*piece = &p->t;
	} else if ((kind == 'N' || kind == 'M' || kind == 'T') && *cur) {
		const char *sp = memchr(arg, ' ', alen);
		if (!sp)
			return;
		size_t nlen = (size_t)(sp - arg);
		const char *val = sp + 1;
		size_t vlen = alen - nlen - 1;
		if (kind == 'T') {
			struct section *s = *cur;
			if (s->n_texts == TEXTS_MAX || nlen >= sizeof(s->texts[0].name))
				return;
			for (size_t i = 0; i < s->n_texts; i++)
				if (strlen(s->texts[i].name) == nlen && !memcmp(s->texts[i].name, arg, nlen))
					return; /* every process has it alike: the first */
			char *v = strndup(val, vlen);
			if (!v)
				return;
			memset(&s->texts[s->n_texts], 0, sizeof(s->texts[0]));
			memcpy(s->texts[s->n_texts].name, arg, nlen);
			s->text_values[s->n_texts++] = v;
			return;
		}
		struct number *n = number_get(*cur, arg, nlen);
		char num[32];
		snprintf(num, sizeof(num), "%.*s", (int)(vlen < 31 ? vlen : 31), val);
		uint64_t v = strtoull(num, NULL, 10);
		if (!n)
			m->full = true;
		else if (kind == 'N')
			n->v += v;
		else if (v > n->v)
			n->v = v;
	}
}

/* Read one process's output; false when it has no whole summary. */
static bool read_all(FILE *f, char **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	if (fseek(f, 0, SEEK_END) != 0)
		return false;
	long size = ftell(f);
	if (size < 0 || (unsigned long)size > OUTPUT_MAX)
		return false;
	rewind(f);
	*buf = malloc((size_t)size + 1);
	if (!*buf)
		return false;
	*len = fread(*buf, 1, (size_t)size, f);
	(*buf)[*len] = 0;
	return true;
}

/* Cut one process's output: its text before and after the summary to pre and
 * post, the summary into m. The end marker was checked for first. */
static void cut(struct merge *m, unsigned shard, const char *buf, size_t len, const char *token, struct text *pre,
		struct text *post)
{
	size_t tlen = strlen(token), seq = 0;
	struct section *cur = NULL;
	struct text *piece = NULL;
	bool started = false, ended = false;
	for (size_t at = 0; at < len;) {
		const char *l = buf + at;
		const char *nl = memchr(l, '\n', len - at);
		size_t n = nl ? (size_t)(nl - l) + 1 : len - at;
		at += n;
		if (n >= tlen + 3 && l[0] == '\x1e' && !memcmp(l + 1, token, tlen) && l[tlen + 1] == ' ') {
			size_t body = n - tlen - 2 - (nl ? 1 : 0);
			marker(m, &cur, &piece, shard, &seq, l + tlen + 2, body, &ended);
			started = true;
			continue;
		}
		if (!started)
			text_add(pre, l, n);
		else if (ended)
			text_add(post, l, n);
		else if (piece)
			text_add(piece, l, n);
		else if (cur && (cur->head_shard < 0 || cur->head_shard == (int)shard)) {
			cur->head_shard = (int)shard;
			text_add(&cur->head, l, n);
		}
	}
}

static int piece_cmp(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;
	for (int i = 0; i < 5; i++)
		if (x->key[i] != y->key[i])
			return x->key[i] < y->key[i] ? -1 : 1;
	if (x->shard != y->shard)
		return x->shard < y->shard ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The head, then the first `cap` pieces (0: all), numbered when asked; returns
 * how many were left out. */
static size_t print_pieces(FILE *out, struct section *s, size_t cap, bool numbered)
{
	if (s->n_pieces > 1) /* qsort of a NULL array, even of 0 items, is undefined */
		qsort(s->pieces, s->n_pieces, sizeof(*s->pieces), piece_cmp);
	size_t show = cap && s->n_pieces > cap ? cap : s->n_pieces;
	for (size_t i = 0; i < show; i++) {
		if (numbered)
			fprintf(out, "%-4zu ", i + 1);
		if (s->pieces[i].t.len)
			fwrite(s->pieces[i].t.p, 1, s->pieces[i].t.len, out);
	}
	return s->n_pieces - show;
}

static void print_head(FILE *out, const struct section *s)
{
	if (s->head.len)
		fwrite(s->head.p, 1, s->head.len, out);
}

/* An analyzer's block and the sections that continue it ("+name"), as
 * bus_print prints it: a blank line first unless it says nothing. */
static size_t print_block(FILE *out, struct merge *m, size_t i)
{
	char *text = NULL;
	size_t len = 0;
	FILE *b = open_memstream(&text, &len);
	if (!b) {
		m->full = true;
		return i + 1;
	}
	struct section *s = &m->secs[i];
	if (!strcmp(s->name, "block:inventory")) {
		inventory_print_head(b, number(m, s->name, "ieds"), number(m, s->name, "plcs"),
				     number(m, s->name, "clients"), number(m, s->name, "goose"),
				     number(m, s->name, "sv"));
		print_pieces(b, s, INV_PRINT_MAX, false);
		uint64_t total = number(m, s->name, "total"),
			 shown = s->n_pieces < INV_PRINT_MAX ? s->n_pieces : INV_PRINT_MAX;
		if (total > shown)
			inventory_print_more(b, total - shown);
	} else if (!strcmp(s->name, "block:drift")) {
		const char *base = text_of(s, "base");
		uint64_t counts[DRIFT_PRINT_COUNTS];
		for (int c = 0; c < DRIFT_PRINT_COUNTS; c++) {
			char name[8];
			snprintf(name, sizeof(name), "%d", c);
			counts[c] = number(m, s->name, name);
		}
		if (base)
			drift_print_line(b, base, counts);
	} else {
		print_head(b, s);
		print_pieces(b, s, 0, false);
	}
	for (i++; i < m->n_secs && m->secs[i].name[0] == '+'; i++) {
		print_head(b, &m->secs[i]);
		print_pieces(b, &m->secs[i], 0, false);
	}
	if (fclose(b) == 0 && len) {
		fputc('\n', out);
		fwrite(text, 1, len, out);
	}
	free(text);
	return i;
}

static void totals(const struct merge *m, struct summary_totals *t)
{
	memset(t, 0, sizeof(*t));
	t->live = number(m, "head", "live") != 0;
	t->packets = number(m, "head", "packets");
	t->files = number(m, "head", "files");
	t->ieds = number(m, "head", "ieds");
	t->plcs = number(m, "head", "plcs");
	t->connections = number(m, "head", "connections");
	t->mms_pdus = number(m, "head", "mms_pdus");
	t->rows_dropped = number(m, "streams", "rows_dropped");
	t->ieds_dropped = number(m, "streams", "ieds_dropped");
	t->gaps = number(m, "streams", "gaps");
	t->gap_bytes = number(m, "streams", "gap_bytes");
	t->pickups = number(m, "streams", "pickups");
	t->malformed = number(m, "streams", "malformed");
	for (int s = 0; s < SEV_COUNT; s++)
		t->findings[s] = number(m, "findings", severity_name((uint8_t)s));
	for (int i = 0; i < STAT_COUNT; i++)
		if (stat_is_limit((enum stat_id)i))
			t->limits[i] = number(m, "limits", stat_name((enum stat_id)i));
}

static void print_merged(FILE *out, struct merge *m, unsigned merged, unsigned n)
{
	struct summary_totals t;
	totals(m, &t);
	for (size_t i = 0; i < m->n_secs;) {
		struct section *s = &m->secs[i];
		if (!strncmp(s->name, "block:", 6)) {
			i = print_block(out, m, i);
			continue;
		}
		if (!strcmp(s->name, "head")) {
			summary_print_head(out, &t);
			fprintf(out,
				"one summary of %u process%s (--shards %u), each of which analyzed the IEDs whose "
				"address hashes to it\n",
				merged, merged == 1 ? "" : "es", n);
		} else if (!strcmp(s->name, "connections")) {
			summary_print_rows_head(out, &t);
			size_t more = print_pieces(out, s, SUMMARY_ROWS_SHOWN, true);
			if (more)
				summary_print_rows_more(out, more);
		} else if (!strcmp(s->name, "streams")) {
			summary_print_streams(out, &t);
		} else if (!strcmp(s->name, "findings")) {
			summary_print_findings_head(out, &t);
			size_t more = print_pieces(out, s, SUMMARY_FINDINGS_SHOWN, false);
			if (more)
				summary_print_findings_more(out, more);
		} else if (!strcmp(s->name, "limits")) {
			summary_print_limits(out, &t);
		} else {
			print_head(out, s);
			print_pieces(out, s, 0, false);
		}
		i++;
	}
}

static void merge_free(struct merge *m)
{
	for (size_t i = 0; i < m->n_secs; i++) {
		struct section *s = &m->secs[i];
		free(s->head.p);
		for (size_t j = 0; j < s->n_pieces; j++)
			free(s->pieces[j].t.p);
		free(s->pieces);
		for (size_t j = 0; j < s->n_texts; j++)
			free(s->text_values[j]);
	}
	free(m);
}

unsigned shards_summary_print(FILE *out, FILE *const *outs, unsigned n, const char *token)
{
	struct merge *m = calloc(1, sizeof(*m));
	struct text pre = { 0 }, post = { 0 };
	char end[SUMMARY_PARTS_TOKEN_LEN + 8];
	unsigned merged = 0;
	snprintf(end, sizeof(end), "\x1e%s E\n", token);
	for (unsigned k = 0; k < n; k++) {
		char *buf = NULL;
		size_t len = 0;
		bool ok = outs[k] && read_all(outs[k], &buf, &len);
		if (!ok || !m) {
			log_error("--shards: the output of shard %u/%u cannot be read", k, n);
			free(buf);
			continue;
		}
		const char *first = memmem(buf, len, end, 1 + strlen(token));
		if (first && memmem(buf, len, end, strlen(end))) {
			cut(m, k, buf, len, token, &pre, &post);
			merged++;
		} else {
			/* no whole summary: its text up to where one began */
			size_t keep = first ? (size_t)(first - buf) : len;
			text_add(&pre, buf, keep);
			if (first)
				log_error("--shards: shard %u/%u ended before its summary was whole; the summary "
					  "below leaves its IEDs out",
					  k, n);
		}
		free(buf);
	}
	if (pre.len)
		fwrite(pre.p, 1, pre.len, out);
	if (m && merged)
		print_merged(out, m, merged, n);
	if (m && m->full)
		log_error("--shards: the summary's merge hit a cap; parts of it are left out");
	if (post.len)
		fwrite(post.p, 1, post.len, out);
	free(pre.p);
	free(post.p);
	if (m)
		merge_free(m);
	return merged;
}

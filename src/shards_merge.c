/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shards_merge.c - the parts of a --shards job's processes, gathered; see
 * shards_merge.h. The outputs are our own processes', but the text between
 * the markers holds bytes of the capture (names, RptIDs): every line is taken
 * as bytes, bounded, and only a line that begins with the job's token is read
 * as a marker. */
#include "shards_merge.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define OUTPUT_MAX (256u << 20) /* what one process may have written */

bool merge_text_add(struct merge_text *t, const char *s, size_t n)
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

static struct merge_section *section_get(struct merge *m, const char *name, size_t len)
{
	if (len >= sizeof(m->secs[0].name))
		len = sizeof(m->secs[0].name) - 1;
	for (size_t i = 0; i < m->n_secs; i++)
		if (strlen(m->secs[i].name) == len && !memcmp(m->secs[i].name, name, len))
			return &m->secs[i];
	if (m->n_secs == MERGE_SECTIONS_MAX) {
		m->full = true;
		return NULL;
	}
	struct merge_section *s = &m->secs[m->n_secs++];
	memset(s, 0, sizeof(*s));
	memcpy(s->name, name, len);
	s->head_shard = -1;
	return s;
}

struct merge_section *merge_section(struct merge *m, const char *name)
{
	for (size_t i = 0; i < m->n_secs; i++)
		if (!strcmp(m->secs[i].name, name))
			return &m->secs[i];
	return NULL;
}

/* The index of a section's number, n_nums when it has none of that name. */
static size_t number_find(const struct merge_section *s, const char *name, size_t len)
{
	size_t i = 0;
	while (i < s->n_nums && !(strlen(s->nums[i].name) == len && !memcmp(s->nums[i].name, name, len)))
		i++;
	return i;
}

static struct merge_number *number_get(struct merge_section *s, const char *name, size_t len)
{
	size_t i = number_find(s, name, len);
	if (i < s->n_nums)
		return &s->nums[i];
	if (s->n_nums == MERGE_NUMBERS_MAX || len >= sizeof(s->nums[0].name))
		return NULL;
	struct merge_number *n = &s->nums[s->n_nums++];
	memset(n, 0, sizeof(*n));
	memcpy(n->name, name, len);
	return n;
}

uint64_t merge_number(const struct merge *m, const char *section, const char *name)
{
	for (size_t i = 0; i < m->n_secs; i++)
		if (!strcmp(m->secs[i].name, section)) {
			size_t j = number_find(&m->secs[i], name, strlen(name));
			return j < m->secs[i].n_nums ? m->secs[i].nums[j].v : 0;
		}
	return 0;
}

const char *merge_text_of(const struct merge_section *s, const char *name)
{
	for (size_t i = 0; i < s->n_texts; i++)
		if (!strcmp(s->texts[i].name, name))
			return s->text_values[i];
	return NULL;
}

static struct merge_text *new_piece(struct merge *m, struct merge_section *s, unsigned shard, size_t *seq,
				    const char *arg, size_t alen)
{
	if (s->n_pieces == s->cap_pieces) {
		size_t cap = s->cap_pieces ? s->cap_pieces * 2 : 64;
		struct merge_piece *p = realloc(s->pieces, cap * sizeof(*p));
		if (!p) {
			m->full = true;
			return NULL;
		}
		s->pieces = p;
		s->cap_pieces = cap;
	}
	struct merge_piece *p = &s->pieces[s->n_pieces];
	memset(p, 0, sizeof(*p));
	char line[320];
	int used = 0;
	snprintf(line, sizeof(line), "%.*s", (int)(alen < sizeof(line) - 1 ? alen : sizeof(line) - 1), arg);
	if (sscanf(line, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 "%n", &p->key[0], &p->key[1],
		   &p->key[2], &p->key[3], &p->key[4], &used) != 5)
		return NULL; /* not a piece: its text goes to the head */
	if (line[used] == ' ')
		snprintf(p->id, sizeof(p->id), "%s", line + used + 1);
	p->shard = shard;
	p->seq = (*seq)++;
	s->n_pieces++;
	return &p->t;
}

static void text_value(struct merge_section *s, const char *name, size_t nlen, const char *val, size_t vlen)
{
	if (s->n_texts == MERGE_TEXTS_MAX || nlen >= sizeof(s->texts[0].name))
		return;
	for (size_t i = 0; i < s->n_texts; i++)
		if (strlen(s->texts[i].name) == nlen && !memcmp(s->texts[i].name, name, nlen))
			return; /* every process has it alike: the first */
	char *v = strndup(val, vlen);
	if (!v)
		return;
	memset(&s->texts[s->n_texts], 0, sizeof(s->texts[0]));
	memcpy(s->texts[s->n_texts].name, name, nlen);
	s->text_values[s->n_texts++] = v;
}

/* One marker line (after the token and its space): S name, P rank k0 k1 k2 k3
 * [id], N|M|L name value (summed, largest, least but 0), T name text, E. */
static void marker(struct merge *m, struct merge_section **cur, struct merge_text **piece, unsigned shard, size_t *seq,
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
		*piece = new_piece(m, *cur, shard, seq, arg, alen);
	} else if (*cur && (kind == 'N' || kind == 'M' || kind == 'L' || kind == 'T')) {
		const char *sp = memchr(arg, ' ', alen);
		if (!sp)
			return;
		size_t nlen = (size_t)(sp - arg);
		if (kind == 'T') {
			text_value(*cur, arg, nlen, sp + 1, alen - nlen - 1);
			return;
		}
		struct merge_number *n = number_get(*cur, arg, nlen);
		char num[32];
		size_t vlen = alen - nlen - 1;
		snprintf(num, sizeof(num), "%.*s", (int)(vlen < 31 ? vlen : 31), sp + 1);
		uint64_t v = strtoull(num, NULL, 10);
		if (!n)
			m->full = true;
		else if (kind == 'N')
			n->v += v;
		else if (kind == 'M' ? v > n->v : v && (!n->v || v < n->v))
			n->v = v;
	}
}

bool merge_read(FILE *f, char **buf, size_t *len)
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

bool merge_whole(const char *buf, size_t len, const char *token, const char **first)
{
	char end[128];
	size_t tlen = strlen(token);
	snprintf(end, sizeof(end), "\x1e%s E\n", token);
	*first = memmem(buf, len, end, 1 + tlen);
	return *first && memmem(*first, len - (size_t)(*first - buf), end, strlen(end));
}

void merge_add(struct merge *m, unsigned shard, const char *buf, size_t len, const char *token, struct merge_text *pre,
	       struct merge_text *post)
{
	size_t tlen = strlen(token), seq = 0;
	struct merge_section *cur = NULL;
	struct merge_text *piece = NULL;
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
		bool ok = true;
		if (!started)
			ok = !pre || merge_text_add(pre, l, n);
		else if (ended)
			ok = !post || merge_text_add(post, l, n);
		else if (piece)
			ok = merge_text_add(piece, l, n);
		else if (cur && (cur->head_shard < 0 || cur->head_shard == (int)shard)) {
			cur->head_shard = (int)shard;
			ok = merge_text_add(&cur->head, l, n);
		}
		if (!ok)
			m->full = true;
	}
}

static int piece_cmp(const void *a, const void *b)
{
	const struct merge_piece *x = a, *y = b;
	for (int i = 0; i < 5; i++)
		if (x->key[i] != y->key[i])
			return x->key[i] < y->key[i] ? -1 : 1;
	if (x->shard != y->shard)
		return x->shard < y->shard ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

struct id_at {
	const char *id;
	size_t pos; /* in key order */
};

static int id_at_cmp(const void *a, const void *b)
{
	const struct id_at *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c ? c : x->pos < y->pos ? -1 : x->pos > y->pos;
}

void merge_sort(struct merge *m, struct merge_section *s)
{
	if (s->n_pieces < 2) /* and qsort of a NULL array, even of 0 items, is undefined */
		return;
	qsort(s->pieces, s->n_pieces, sizeof(*s->pieces), piece_cmp);
	/* Twins: the pieces with an id sorted by (id, place), all but the first
	 * of each id marked; n log n, where a design's thousands of IEDs, each
	 * known to every process, would make comparing each with each slow. */
	struct id_at *ids = malloc(s->n_pieces * sizeof(*ids));
	bool *twin = calloc(s->n_pieces, sizeof(*twin));
	size_t n_ids = 0;
	if (!ids || !twin) {
		m->full = true; /* kept as they are: a twin may be listed twice */
		free(ids);
		free(twin);
		return;
	}
	for (size_t i = 0; i < s->n_pieces; i++)
		if (s->pieces[i].id[0])
			ids[n_ids++] = (struct id_at){ s->pieces[i].id, i };
	if (n_ids > 1)
		qsort(ids, n_ids, sizeof(*ids), id_at_cmp);
	for (size_t i = 1; i < n_ids; i++)
		twin[ids[i].pos] = !strcmp(ids[i].id, ids[i - 1].id);
	size_t kept = 0;
	for (size_t i = 0; i < s->n_pieces; i++) {
		if (twin[i]) {
			free(s->pieces[i].t.p);
			m->twins++;
			continue;
		}
		s->pieces[kept++] = s->pieces[i];
	}
	s->n_pieces = kept;
	free(ids);
	free(twin);
}

void merge_free(struct merge *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_secs; i++) {
		struct merge_section *s = &m->secs[i];
		free(s->head.p);
		for (size_t j = 0; j < s->n_pieces; j++)
			free(s->pieces[j].t.p);
		free(s->pieces);
		for (size_t j = 0; j < s->n_texts; j++)
			free(s->text_values[j]);
	}
	free(m);
}

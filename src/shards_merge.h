/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shards_merge.h - what the N processes of a --shards job wrote in parts
 * (core/summary_parts.h), read and gathered: per section, the pieces of every
 * process and the numbers summed (or the largest, or the least that is not 0),
 * for the one summary (shards_summary.c) and the one inventory document
 * (shards_inventory.c) of the job. */
#ifndef MMSW_SHARDS_MERGE_H
#define MMSW_SHARDS_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MERGE_SECTIONS_MAX 64
#define MERGE_NUMBERS_MAX 48 /* per section */
#define MERGE_TEXTS_MAX 4    /* per section */
#define MERGE_ID_MAX 64      /* a piece's id */

struct merge_text {
	char *p;
	size_t len, cap;
};

struct merge_piece {
	uint64_t key[5]; /* rank, then core/order.h's key */
	unsigned shard;
	size_t seq;
	char id[MERGE_ID_MAX]; /* "" none; of pieces with one id, the first in key order is kept */
	struct merge_text t;
};

struct merge_number {
	char name[40];
	uint64_t v;
};

struct merge_section {
	char name[64];
	struct merge_text head; /* its text before its first piece: the first process's that has one */
	int head_shard;         /* -1: none yet */
	struct merge_piece *pieces;
	size_t n_pieces, cap_pieces;
	struct merge_number nums[MERGE_NUMBERS_MAX];
	size_t n_nums;
	struct merge_number texts[MERGE_TEXTS_MAX]; /* names; the values in text_values */
	char *text_values[MERGE_TEXTS_MAX];
	size_t n_texts;
};

struct merge {
	struct merge_section secs[MERGE_SECTIONS_MAX];
	size_t n_secs;
	bool full;    /* a cap was hit or memory ran out: something is left out */
	size_t twins; /* pieces left out as another process's piece of the same id */
};

bool merge_text_add(struct merge_text *t, const char *s, size_t n);
/* A process's whole output (at most 256 MiB), NUL-terminated; false when it
 * cannot be read. */
bool merge_read(FILE *f, char **buf, size_t *len);
/* Does buf hold a whole set of parts (the end marker)? Where the first marker
 * is (NULL: none) in *first. */
bool merge_whole(const char *buf, size_t len, const char *token, const char **first);
/* Gather shard's parts from buf: the text before the first marker to pre, after
 * the end to post (either may be NULL: dropped). */
void merge_add(struct merge *m, unsigned shard, const char *buf, size_t len, const char *token, struct merge_text *pre,
	       struct merge_text *post);
struct merge_section *merge_section(struct merge *m, const char *name);
uint64_t merge_number(const struct merge *m, const char *section, const char *name);
const char *merge_text_of(const struct merge_section *s, const char *name);
/* Sort a section's pieces by rank and key (ties: shard order, then the order
 * each process wrote them), keeping of pieces with one id only the first. */
void merge_sort(struct merge *m, struct merge_section *s);
void merge_free(struct merge *m);

#endif

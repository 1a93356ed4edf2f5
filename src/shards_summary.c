/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shards_summary.c - a --shards job's one summary; see shards_summary.h.
 *
 * The processes' outputs are gathered section by section (shards_merge.c:
 * each section's pieces and numbers with the same section's of the other
 * processes). A section is printed by the function
 * a single run prints it with: the headings from the sums (output/summary.h,
 * the inventory's and drift's), then the pieces in key order, capped where a
 * single run caps them. Sections this file does not know are printed as their
 * head and their pieces: a new analyzer's block needs nothing here unless its
 * heading has numbers. */
#include "shards_summary.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "core/severity.h"
#include "core/summary_parts.h"
#include "output/summary.h"
#include "shards_merge.h"
#include "util/log.h"
#include "util/stats.h"

/* The head, then the first `cap` pieces (0: all), numbered when asked; returns
 * how many were left out. */
static size_t print_pieces(FILE *out, struct merge *m, struct merge_section *s, size_t cap, bool numbered)
{
	merge_sort(m, s);
	size_t show = cap && s->n_pieces > cap ? cap : s->n_pieces;
	for (size_t i = 0; i < show; i++) {
		if (numbered)
			fprintf(out, "%-4zu ", i + 1);
		if (s->pieces[i].t.len)
			fwrite(s->pieces[i].t.p, 1, s->pieces[i].t.len, out);
	}
	return s->n_pieces - show;
}

static void print_head(FILE *out, const struct merge_section *s)
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
	struct merge_section *s = &m->secs[i];
	if (!strcmp(s->name, "block:inventory")) {
		inventory_print_head(b, merge_number(m, s->name, "ieds"), merge_number(m, s->name, "plcs"),
				     merge_number(m, s->name, "clients"), merge_number(m, s->name, "goose"),
				     merge_number(m, s->name, "sv"));
		print_pieces(b, m, s, INV_PRINT_MAX, false);
		uint64_t total = merge_number(m, s->name, "total"),
			 shown = s->n_pieces < INV_PRINT_MAX ? s->n_pieces : INV_PRINT_MAX;
		if (total > shown)
			inventory_print_more(b, total - shown);
	} else if (!strcmp(s->name, "block:drift")) {
		const char *base = merge_text_of(s, "base");
		uint64_t counts[DRIFT_PRINT_COUNTS];
		for (int c = 0; c < DRIFT_PRINT_COUNTS; c++) {
			char name[8];
			snprintf(name, sizeof(name), "%d", c);
			counts[c] = merge_number(m, s->name, name);
		}
		if (base)
			drift_print_line(b, base, counts);
	} else {
		print_head(b, s);
		print_pieces(b, m, s, 0, false);
	}
	for (i++; i < m->n_secs && m->secs[i].name[0] == '+'; i++) {
		print_head(b, &m->secs[i]);
		print_pieces(b, m, &m->secs[i], 0, false);
	}
	if (fclose(b) == 0 && len) {
		fputc('\n', out);
		fwrite(text, 1, len, out);
	}
	free(text);
	return i;
}

static uint64_t job_number(const char *section, const char *name, void *arg)
{
	return merge_number(arg, section, name);
}

static void print_merged(FILE *out, struct merge *m, unsigned merged, unsigned n)
{
	struct summary_totals t;
	summary_totals_of_job(&t, job_number, m);
	for (size_t i = 0; i < m->n_secs;) {
		struct merge_section *s = &m->secs[i];
		if (!strncmp(s->name, "block:", 6)) {
			i = print_block(out, m, i);
			continue;
		}
		if (!strcmp(s->name, "head")) {
			summary_print_head(out, &t);
			if (merged == n)
				fprintf(out,
					"one summary of %u processes (--shards %u), each of which analyzed the IEDs "
					"whose address hashes to it\n",
					n, n);
			else /* a process failed or was stopped: said on stderr, and here */
				fprintf(out,
					"INCOMPLETE: the summary of %u of %u processes (--shards %u); the IEDs of the "
					"other %u are missing from it\n",
					merged, n, n, n - merged);
		} else if (!strcmp(s->name, "connections")) {
			summary_print_rows_head(out, &t);
			size_t more = print_pieces(out, m, s, SUMMARY_ROWS_SHOWN, true);
			if (more)
				summary_print_rows_more(out, more);
		} else if (!strcmp(s->name, "streams")) {
			summary_print_streams(out, &t);
		} else if (!strcmp(s->name, "findings")) {
			summary_print_findings_head(out, &t);
			size_t more = print_pieces(out, m, s, SUMMARY_FINDINGS_SHOWN, false);
			if (more)
				summary_print_findings_more(out, more);
		} else if (!strcmp(s->name, "limits")) {
			summary_print_limits(out, &t);
		} else {
			print_head(out, s);
			print_pieces(out, m, s, 0, false);
		}
		i++;
	}
}

unsigned shards_summary_print(FILE *out, FILE *const *outs, unsigned n, const char *token)
{
	struct merge *m = calloc(1, sizeof(*m));
	struct merge_text pre = { 0 }, post = { 0 };
	unsigned merged = 0;
	for (unsigned k = 0; k < n; k++) {
		char *buf = NULL;
		size_t len = 0;
		const char *first;
		if (!m || !outs[k] || !merge_read(outs[k], &buf, &len)) {
			log_error("--shards: the output of shard %u/%u cannot be read", k, n);
			free(buf);
			continue;
		}
		if (merge_whole(buf, len, token, &first)) {
			merge_add(m, k, buf, len, token, &pre, &post);
			merged++;
		} else {
			/* no whole summary: its text up to where one began */
			merge_text_add(&pre, buf, first ? (size_t)(first - buf) : len);
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
		log_error("--shards: the summary's merge hit a cap or ran out of memory; parts of it are left out");
	if (post.len)
		fwrite(post.p, 1, post.len, out);
	free(pre.p);
	free(post.p);
	merge_free(m);
	return merged;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* summary.h - the readable end-of-run summary on stdout: per IED and per
 * association, PDUs by service, and what happened to the streams. Tables are
 * capped; what does not fit is counted, not dropped silently. */
#ifndef MMSW_SUMMARY_H
#define MMSW_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/bus.h"
#include "core/events.h"
#include "core/inputs.h"
#include "core/severity.h"
#include "util/stats.h"

void summary_init(const struct input_set *files);
void summary_stream(struct flow *f, int dir, const struct stream_event *e, const struct pkt_where *at);
void summary_assoc(struct flow *f, int dir, const struct assoc_event *e, const struct pkt_where *at);
void summary_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at);
void summary_tcp(struct flow *f, int dir, enum tcp_ev kind, const struct pkt_where *at);
void summary_flow_end(struct flow *f, enum flow_end why, const struct pkt_where *at);
/* The summary: the sink's own tables, the analyzers' blocks (bus_print), the
 * findings and the limits hit. */
void summary_print(FILE *out);
extern const struct sink summary_sink;

/* The headings, from a single run's numbers or from a --shards job's sums
 * (src/shards_summary.c prints the job's one summary with them). */
#define SUMMARY_ROWS_SHOWN 200     /* connections listed */
#define SUMMARY_FINDINGS_SHOWN 100 /* findings listed */
struct summary_totals {
	uint64_t live; /* 1: captured live, not read from files */
	uint64_t packets, files;
	uint64_t ieds, plcs, connections, mms_pdus;
	uint64_t rows_dropped, ieds_dropped;
	uint64_t gaps, gap_bytes, pickups, malformed;
	uint64_t findings[SEV_COUNT];
	uint64_t limits[STAT_COUNT]; /* the limits' counters (util/stats.h stat_is_limit) */
};
/* The totals of a --shards job from its processes' numbers: get(section, name)
 * gives each (the sum, or the largest of those every process counts alike), by
 * the names summary_print writes them under in parts. */
void summary_totals_of_job(struct summary_totals *t, uint64_t (*get)(const char *section, const char *name, void *arg),
			   void *arg);
void summary_print_head(FILE *out, const struct summary_totals *t);
void summary_print_rows_head(FILE *out, const struct summary_totals *t);
void summary_print_rows_more(FILE *out, uint64_t more);
void summary_print_streams(FILE *out, const struct summary_totals *t);
void summary_print_findings_head(FILE *out, const struct summary_totals *t);
void summary_print_findings_more(FILE *out, uint64_t more);
void summary_print_limits(FILE *out, const struct summary_totals *t);
void summary_free(void);

#endif

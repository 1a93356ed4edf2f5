/* SPDX-License-Identifier: GPL-2.0-or-later */
/* summary_parts.h - the end-of-run summary cut into parts, so that the N
 * processes of a --shards job print one summary between them.
 *
 * Each process of the job holds some of the IEDs. The first process (the one
 * the user started, src/shards.c) sets a secret token in the others'
 * environment; a process that finds it prints its summary with marker lines
 * that begin with the token. Every printer of the summary (output/summary.c,
 * the analyzers' print hooks, and the inventory document's writer for
 * --inventory) then says, through the calls below, where a
 * section begins, where one keyed piece of it (an IED's block, a connection,
 * a finding) begins, and the numbers its headings are made of; it prints every
 * piece, leaving the caps to the merge. src/shards_summary.c reads the N
 * outputs, sums the numbers, sorts the pieces by their keys (core/order.h) and
 * prints the one summary, through the same heading functions a single run uses.
 * Packet bytes reach the summary's text (names, RptIDs): they cannot make a
 * marker line, since they do not know the token. */
#ifndef MMSW_CORE_SUMMARY_PARTS_H
#define MMSW_CORE_SUMMARY_PARTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/order.h"

#define SUMMARY_PARTS_ENV "MMSWATCH_SUMMARY_PARTS"
#define SUMMARY_PARTS_TOKEN_LEN 32 /* hex digits */

/* Called once at start: parts when the environment holds a well-formed token. */
void summary_parts_init(void);
bool summary_parts(void);
const char *summary_parts_token(void);

/* A new section; its text before its first piece is its head. */
void parts_section(FILE *out, const char *name);
/* A keyed piece: the text from here to the next marker. rank sorts first (the
 * findings' severity), then the key. */
void parts_piece(FILE *out, uint64_t rank, const struct order_key *key);
/* The same, with an id: of pieces with one id, only the first in key order is
 * kept (a fact several processes know, the earliest one's). The id is a word:
 * spaces and control characters become '_'. */
void parts_piece_id(FILE *out, uint64_t rank, const struct order_key *key, const char *id);
/* A number of the headings: summed over the processes, or (same) one every
 * process counts alike (frames read, files), whose largest is taken, or
 * (least) the smallest that is not 0 (a first time). */
void parts_sum(FILE *out, const char *name, uint64_t v);
void parts_same(FILE *out, const char *name, uint64_t v);
void parts_least(FILE *out, const char *name, uint64_t v);
/* A line of text every process has alike (a file name); newlines become '?'. */
void parts_text(FILE *out, const char *name, const char *s);
/* The summary ends: what follows is printed as it is. */
void parts_end(FILE *out);

#endif

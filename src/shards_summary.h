/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shards_summary.h - the one summary of a --shards job, merged from what its
 * processes printed in parts (core/summary_parts.h): the numbers summed, the
 * IEDs, connections, inventory and latency blocks and findings in the order a
 * single run makes them (core/order.h), the caps applied once. */
#ifndef MMSW_SHARDS_SUMMARY_H
#define MMSW_SHARDS_SUMMARY_H

#include <stdint.h>
#include <stdio.h>

/* Print to out what the n processes printed to outs (files at their start or
 * end, read from the start): text outside the summaries as it is, in shard
 * order, then the one summary. A process whose output has no whole summary
 * (it failed, or was stopped) is named on stderr and left out of it. Returns
 * the number of processes whose summaries were merged. */
unsigned shards_summary_print(FILE *out, FILE *const *outs, unsigned n, const char *token);

#endif

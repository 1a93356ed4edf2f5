/* SPDX-License-Identifier: GPL-2.0-or-later */
/* baseline.h - an earlier run's facts (core/facts.h), read from an mmswatch
 * database for --baseline DB[#RUN] (docs/drift.md). The file is opened read-only
 * and never migrated or written; a database of this schema or an older one is
 * read with the tables its version has. */
#ifndef MMSW_BASELINE_H
#define MMSW_BASELINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/facts.h"

struct baseline_info {
	int64_t run_id;
	int schema;         /* the file's PRAGMA user_version */
	const char *source; /* "run_facts", "inventory" or "tables" */
	char status[16];    /* the run's status: done, failed, running */
	int64_t started_wall;
};

/* Load the facts of `spec` ("PATH", or "PATH#RUN" for that run; else the latest
 * finished run) into t (facts_init'd). 0, or -1 with a message in err naming the
 * file and the reason (missing, not a database, another application's, newer
 * schema, no such run, no finished run). */
int baseline_load(const char *spec, struct fact_table *t, struct baseline_info *info, char *err, size_t errsize);

#endif

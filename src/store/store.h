/* SPDX-License-Identifier: GPL-2.0-or-later */
/* store.h - findings, associations, IEDs, RCBs, per-minute statistics, RCB
 * timelines and the inventory, durably in SQLite (--db PATH).
 *
 * One writer (the db-writer thread, store/db_writer.h, fed in order by the
 * pipeline thread), WAL so the dashboard reads while it writes, prepared
 * statements, and a transaction committed at least every MMSW_DB_COMMIT_MS of
 * wall time: a crash or SIGKILL loses at most that much (and what the writer
 * had not reached) and never corrupts the file. */
#ifndef MMSW_STORE_H
#define MMSW_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/bus.h"
#include "core/events.h"
#include "core/inputs.h"

#define MMSW_DB_COMMIT_MS 250
/* --db-pdus: PDU rows kept per run (the oldest are deleted past it). */
#define MMSW_DB_PDUS_KEEP 1000000
/* IED clock offset rows (ied_clock) per IED per run; more are counted in
 * db_cache_full (a year-long run stays below it: windows merge as it goes). */
#define MMSW_DB_CLOCK_ROWS 4096

struct store_config {
	const char *path;
	bool pdus;                      /* --db-pdus */
	const char *mode;               /* "offline" or "live" (", shard K/N" with --shard, ", shards N" in a job) */
	const struct input_set *inputs; /* the files, or the interfaces when live */
	bool threaded;                  /* SQLite's work on the db-writer thread (store/db_writer.h) */
	/* A process of a --shards job: the job's random token (NULL: none), and
	 * its shard of shards. The job is one run (mode "offline, shards N"),
	 * made by the first process to open the database; each process writes
	 * its counters, status and inventory parts to its run_shards row. */
	const char *job;
	unsigned shard, shards;
};

/* Open or create the database, migrate it, start a run. 0, or -1 with a clear
 * message in err (the caller exits 2). */
int store_open(const struct store_config *c, char *err, size_t errsize);
bool store_enabled(void);
void store_finding(const struct finding *f);
void store_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at);
void store_tcp(struct flow *f, int dir, enum tcp_ev kind, const struct pkt_where *at);
/* The store on the bus (findings, report and association records, ticks). */
extern const struct sink store_sink;
/* Periodic (packet time): flush minute rows, IEDs and RCBs; commit if due. */
void store_tick(int64_t now);
/* Live capture's idle hook: commit what is pending once the commit interval has
 * passed, so a quiet link does not leave findings unwritten. */
void store_idle(void);
/* The input has ended: what this connection writes from here on is
 * checkpointed by store_close, not also after one of the commits before it. */
void store_finishing(void);
/* End of run: last rows, the inventory, the run's status. Returns -1 when
 * anything failed during the run (reported on stderr). */
int store_close(bool ok, int64_t last_ts);
/* The run's counters (runs.stats, with the capture's when live: cap[i] for
 * interface i, n of them) and the EVE outputs' (the outputs table), written
 * every stats interval so GET /metrics reads them fresh; sensor names the run. */
struct eve_output_counts;
void store_stats(const struct live_stats *cap, size_t n, const struct eve_output_counts *out, size_t n_out,
		 const char *sensor);

#endif

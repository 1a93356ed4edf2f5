/* SPDX-License-Identifier: GPL-2.0-or-later */
/* store.c - the SQLite store; see store.h and docs/database.md. */
#include "store/store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "config.h"
#include "core/bus.h"
#include "core/facts.h"
#include "core/evidence.h"
#include "core/finding.h"
#include "core/ied.h"
#include "core/scl.h"
#include "core/latency.h"
#include "core/shard.h"
#include "dissectors/iec61850_report.h"
#include "dissectors/mms.h"
#include "output/eve.h"
#include "output/inventory_doc.h"
#include "store/db_writer.h"
#include "store/schema.h"
#include "store/store_design.h"
#include "util/fnv.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/stats.h"

/* Room for a slot, and so an id register, for every IED the run can know
 * (core/ied.h). */
#define IED_CACHE IED_MAX
#define RCB_SECONDS_MAX 4096
#define RCB_ROWS_BATCH 8                 /* an RCB's finished seconds written together (struct rcbsec) */
#define RCB_ROWS_WAIT_MS 2000            /* ... and every pending one at least this often (live) */
#define RCB_ROWS_WAIT_PACKET_US 60000000 /* ... or this much packet time (from files) */

static sqlite3 *db;
static bool enabled, want_pdus;
/* Live, pending rows are written by wall time, for the dashboard; from files by
 * packet time only, so that the order of the rows (their rowids, what a dump
 * shows) does not depend on how fast the run went. */
static bool live;
static int64_t last_rows_at; /* packet time of the last such write (files) */
static int64_t run_id;
/* A process of a --shards job (store_config.job): its counters, status and
 * inventory go to its run_shards row, which the schema's trigger totals into
 * the job's one runs row. */
static bool job;
static unsigned job_shard;
static struct timespec last_commit;
static uint64_t pdu_rows;

enum {
	S_FINDING,
	S_IED,
	S_IED_NAMED,
	S_ASSOC,
	S_RCB,
	S_MINUTE,
	S_RCBSPAN,
	S_RCBSPAN_GROW,
	S_PDU,
	S_PDU_TRIM,
	S_RUN_PROGRESS,
	S_LATENCY,
	S_CONNSEC,
	S_MINUTE_LAT,
	S_INVENTORY,
	S_FACT,
	S_FINDING_PCAP,
	S_CLOCK,
	S_RUN_STATS,
	S_OUTPUTS,
	S_RUN_END,
	S_COUNT
};
static sqlite3_stmt *st[S_COUNT];

static const char *const SQL[S_COUNT] = {
	[S_FINDING] =
		"INSERT INTO findings (run_id, run_finding_id, kind, severity, severity_rank, first_seen, last_seen,"
		" count, ied_id, client, flow_id, object, summary, details, evidence, evidence_total, tshark_filter)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
		" ON CONFLICT (run_id, run_finding_id) DO UPDATE SET kind = ?3, severity = ?4, severity_rank = ?5,"
		" last_seen = ?7, count = ?8, summary = ?13, details = ?14, evidence = ?15,"
		" evidence_total = ?16, tshark_filter = ?17",
	[S_IED] =
		"INSERT INTO ieds (ip, port, vlan, name, vendor, model, revision, first_seen, last_seen,"
		" assoc_limit, limit_inferred, peak_assocs) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, ?11)"
		" ON CONFLICT (ip, port, vlan) DO UPDATE SET name = COALESCE(?4, name),"
		" vendor = COALESCE(?5, vendor), model = COALESCE(?6, model), revision = COALESCE(?7, revision),"
		" last_seen = MAX(COALESCE(last_seen, 0), ?8), assoc_limit = COALESCE(?9, assoc_limit),"
		" limit_inferred = CASE WHEN ?9 IS NULL THEN limit_inferred ELSE ?10 END," /* a run that learnt no limit keeps the old one's source */
		" peak_assocs = MAX(peak_assocs, ?11), first_seen = COALESCE(first_seen, ?8) RETURNING id",
	/* An IED a finding names that this process does not hold (--shard: another
	 * shard's, core/shard.h): its address only, for the finding's ied_id; the
	 * process that holds it fills in the rest (first_seen too, above). */
	[S_IED_NAMED] = "INSERT INTO ieds (ip, port, vlan) VALUES (?1, ?2, ?3)"
			" ON CONFLICT (ip, port, vlan) DO UPDATE SET ip = excluded.ip RETURNING id",
	[S_ASSOC] =
		"INSERT INTO associations (run_id, ied_id, flow_id, client_ip, client_port, start_ts, end_ts, ended,"
		" packets, bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[S_RCB] =
		"INSERT INTO rcbs (ied_id, ref, rptid, datset, buffered, trgops, intgpd_ms, buftm_ms, optflds, confrev,"
		" rptena, reports, updated_ts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
		" ON CONFLICT (ied_id, ref) DO UPDATE SET rptid = COALESCE(?3, rptid), datset = COALESCE(?4, datset),"
		" trgops = COALESCE(?6, trgops), intgpd_ms = COALESCE(?7, intgpd_ms), buftm_ms = COALESCE(?8, buftm_ms),"
		" optflds = COALESCE(?9, optflds), confrev = COALESCE(?10, confrev), rptena = COALESCE(?11, rptena),"
		" reports = ?12, updated_ts = ?13",
	[S_MINUTE] = "INSERT INTO ied_minute (run_id, ied_id, minute, pdus, reports, requests, errors, conn_attempts,"
		     " assocs_max) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
		     " ON CONFLICT (run_id, ied_id, minute) DO UPDATE SET pdus = pdus + ?4, reports = reports + ?5,"
		     " requests = requests + ?6, errors = errors + ?7, conn_attempts = conn_attempts + ?8,"
		     " assocs_max = MAX(assocs_max, ?9)",
	[S_RCBSPAN] = "INSERT INTO rcb_spans (run_id, ied_id, rcb, second, seconds, first_sqnum, last_sqnum, reports,"
		      " reasons, events) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	/* The span this process wrote last for the RCB, grown: found by all it had
	 * when written, the newest such row (one RCB's rows come from one process:
	 * --shards splits by IED; a row alike and older is a second seen again, the
	 * same file read twice). */
	[S_RCBSPAN_GROW] = "UPDATE rcb_spans SET seconds = ?5, last_sqnum = ?6, reports = ?7 WHERE rowid ="
			   " (SELECT max(rowid) FROM rcb_spans WHERE run_id = ?1 AND ied_id = ?2 AND rcb = ?3"
			   " AND second = ?4 AND seconds = ?8 AND first_sqnum = ?9 AND reports = ?10)",
	[S_FINDING_PCAP] =
		"INSERT INTO finding_pcaps (finding_id, name, sha256, frames, redacted, pcap)"
		" SELECT id, ?3, ?4, ?5, ?6, ?7 FROM findings WHERE run_id = ?1 AND run_finding_id = ?2"
		" ON CONFLICT (finding_id) DO UPDATE SET name = ?3, sha256 = ?4, frames = ?5, redacted = ?6, pcap = ?7",
	[S_PDU] = "INSERT INTO pdus (run_id, ts, flow_id, ied_id, direction, pdu, service, invoke_id, acsi, pcap_cnt)"
		  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[S_PDU_TRIM] = "DELETE FROM pdus WHERE id IN (SELECT id FROM pdus WHERE run_id = ?1 ORDER BY id LIMIT ?2)",
	[S_RUN_PROGRESS] =
		"UPDATE runs SET first_ts = COALESCE(first_ts, ?2), last_ts = ?3, packets = ?4, mms_pdus = ?5"
		" WHERE id = ?1",
	[S_LATENCY] = "INSERT OR REPLACE INTO latency (run_id, ied_id, service, count, p50_us, p95_us, p99_us, max_us)"
		      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[S_CONNSEC] = "INSERT INTO conn_seconds (run_id, ied_id, second, attempts) VALUES (?1, ?2, ?3, ?4)"
		      " ON CONFLICT (run_id, ied_id, second) DO UPDATE SET attempts = attempts + ?4",
	[S_MINUTE_LAT] = "UPDATE ied_minute SET lat_p50_us = ?4, lat_p95_us = ?5, lat_p99_us = ?6"
			 " WHERE run_id = ?1 AND ied_id = ?2 AND minute = ?3",
	[S_INVENTORY] = "INSERT OR REPLACE INTO inventory (run_id, json) VALUES (?1, ?2)",
	[S_FACT] =
		"INSERT OR REPLACE INTO run_facts (run_id, kind, ied_id, client, name, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_CLOCK] =
		"INSERT OR REPLACE INTO ied_clock (run_id, ied_id, ts, offset_us, samples) VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_RUN_STATS] = "UPDATE runs SET stats = ?2, stats_wall = ?3, sensor = ?4, packets = ?5, mms_pdus = ?6"
			" WHERE id = ?1",
	[S_OUTPUTS] = "INSERT OR REPLACE INTO outputs VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
		      " ?13, ?14, ?15)",
	[S_RUN_END] = "UPDATE runs SET ended_wall = ?2, status = ?3, first_ts = ?4, last_ts = ?5, packets = ?6,"
		      " mms_pdus = ?7, stats = ?8 WHERE id = ?1",
};

/* The same in a --shards job: the process's own row (shard = the %u), and
 * the retention of the PDU rows by the run's count. */
static const char *const JOB_SQL[S_COUNT] = {
	[S_RUN_PROGRESS] = "UPDATE run_shards SET first_ts = COALESCE(first_ts, ?2), last_ts = ?3, packets = ?4,"
			   " mms_pdus = ?5 WHERE run_id = ?1 AND shard = %u",
	[S_INVENTORY] = "UPDATE run_shards SET inventory = ?2 WHERE run_id = ?1 AND shard = %u",
	/* ?2: the rows the run keeps (the others' rows count too) */
	[S_PDU_TRIM] = "DELETE FROM pdus WHERE id IN (SELECT id FROM pdus WHERE run_id = ?1 ORDER BY id"
		       " LIMIT max(0, (SELECT count(*) FROM pdus WHERE run_id = ?1) - ?2))",
	[S_RUN_STATS] = "UPDATE run_shards SET stats = ?2, stats_wall = ?3, sensor = ?4, packets = ?5, mms_pdus = ?6"
			" WHERE run_id = ?1 AND shard = %u",
	[S_RUN_END] = "UPDATE run_shards SET ended_wall = ?2, status = ?3, first_ts = ?4, last_ts = ?5, packets = ?6,"
		      " mms_pdus = ?7, stats = ?8 WHERE run_id = ?1 AND shard = %u",
};

/* The run's packets: in a --shards job, the process's own (those it read less
 * those it left to the other shards), which summed are the job's. */
static int64_t run_packets(void)
{
	return (int64_t)(g_stats[STAT_packets] - (job ? shard_frames_left() : 0));
}

/* ---- errors --------------------------------------------------------------- */

/* The first error stops every write after it (store/db_writer.h). */
static bool failed(void)
{
	return db_writer_failed();
}

/* A statement run here, not queued: at the open and the close, or after a
 * db_writer_sync. */
/* How long a write waits for another connection's lock (a reader of the
 * dashboard, another --shard process writing the same file). */
#define DB_BUSY_TIMEOUT_MS 5000

static bool exec(const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		db_writer_fail(sql);
		return false;
	}
	return true;
}

static int64_t pragma_int(const char *sql)
{
	sqlite3_stmt *s;
	int64_t v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}


/* ---- transactions --------------------------------------------------------- */

static int64_t ms_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* Queued like every write, and handed to the writer thread at once: durable
 * as soon as it has executed what came before. */
static void commit_now(void)
{
	if (!enabled || failed())
		return;
	db_writer_exec("COMMIT");
	db_writer_exec("BEGIN");
	db_writer_flush();
	clock_gettime(CLOCK_MONOTONIC, &last_commit);
}

static int64_t progress_first, progress_last;

static void rcb_rows_write_all(void);
static struct timespec last_rows_write;

static void maybe_commit(void)
{
	if (ms_since(&last_commit) < MMSW_DB_COMMIT_MS)
		return;
	if (live && !failed() && ms_since(&last_rows_write) >= RCB_ROWS_WAIT_MS)
		rcb_rows_write_all();
	if (!failed()) {
		db_row_begin(S_RUN_PROGRESS);
		db_row_int(1, run_id);
		db_row_int(2, progress_first);
		db_row_int(3, progress_last);
		db_row_int(4, run_packets());
		db_row_int(5, (int64_t)g_stats[STAT_mms_pdus]);
		db_row_step("run progress");
	}
	commit_now();
}

/* The per-PDU path reads the clock every 64th event only: clock_gettime per PDU
 * cost 2% of the run. A quiet link is covered by store_idle. */
static void maybe_commit_hot(void)
{
	static unsigned calls;
	if ((++calls & 63) == 0)
		maybe_commit();
}

void store_idle(void)
{
	if (enabled && !failed())
		maybe_commit();
}

static void progress(int64_t ts)
{
	if (!progress_first)
		progress_first = ts;
	if (ts > progress_last)
		progress_last = ts;
}

/* ---- IEDs ------------------------------------------------------------------ */

static void vlan_text(const struct endpoint *e, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = 0;
	for (unsigned i = 0; i < e->n_vlan && used + 8 < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%u", i ? "." : "", e->vlan[i]);
}

/* Write (insert or update) an IED row; returns its id reference (ied_id), 0 on
 * failure. known: the reference an earlier row of this run gave, if any: the
 * row is then only queued. Else, with the id register reg of the IED's slot,
 * the row is queued to set it (db_row_step_keep: nothing waits); with reg -1
 * (an IED no store event gave a slot, written at a snapshot or the close) the
 * database is asked at once (a wait for the writer). */
static int64_t ied_row(const struct ied *d, int64_t ts, int64_t known, int32_t reg)
{
	char ip[64], vlan[48];
	db_row_begin(S_IED);
	endpoint_ip_text(&d->ep, ip, sizeof(ip));
	vlan_text(&d->ep, vlan, sizeof(vlan));
	db_row_text(1, ip);
	db_row_int(2, d->ep.port);
	db_row_text(3, vlan);
	db_row_text_or_null(4, d->name[0] ? d->name : (d->n_lds ? d->lds[0] : NULL));
	db_row_text_or_null(5, d->vendor);
	db_row_text_or_null(6, d->model);
	db_row_text_or_null(7, d->revision);
	db_row_int(8, ts);
	if (d->limit)
		db_row_int(9, (int)d->limit);
	db_row_int(10, d->limit_inferred);
	db_row_int(11, (int)d->peak_assocs);
	if (known) {
		db_row_step("IED row");
		return known;
	}
	if (reg < 0)
		return db_row_step_id("IED row");
	db_row_step_keep("IED row", (uint32_t)reg);
	return failed() ? 0 : -1 - (int64_t)reg;
}

/* Bind an IED's id reference: > 0 the row id, < 0 the id register -1 - ref. */
static void bind_ied(int i, int64_t ref)
{
	if (ref > 0)
		db_row_int(i, ref);
	else if (ref < 0)
		db_row_id(i, (uint32_t)(-1 - ref));
}

/* ---- per-minute counters ---------------------------------------------------- */

/* One slot per IED (IED_CACHE of them), found through the store's IED slot
 * (core/bus.h) in O(1): its database id and the counters of its current minute
 * and second. */
struct minute {
	/* What every event of the IED touches, in the slot's first cache line
	 * (the slots are aligned to lines). */
	_Alignas(64) const struct ied *ied;
	int64_t id; /* the IED's row, 0 until written */
	int64_t minute;
	uint32_t pdus, reports, requests, errors, attempts, assocs_max;
	int64_t second; /* connection attempts in the current second */
	uint32_t second_attempts;
	/* What the last snapshot (rcb_rows) wrote, so that an IED with nothing new is
	 * skipped: rewriting every IED ever seen every 10 s made a long capture with
	 * IEDs coming and going cost O(time x IEDs). store_close writes them all. */
	bool touched; /* an event of this IED since the last snapshot */
	/* The rest: once a minute or a snapshot. */
	struct svc_latency *prev; /* the IED's latency histogram at the last minute */
	uint32_t clock_rows;      /* ied_clock rows written this run */
	bool snapped;             /* written by a snapshot at least once */
	bool snap_inferred;
	uint32_t snap_limit, snap_peak, snap_rcbs;
	uint64_t snap_answers;
};
static struct minute minutes[IED_CACHE];
static size_t n_minutes;
static int ied_slot;

/* Each slot's IED row id is in the db writer's id register of the same
 * number; -1 without a slot. */
static int32_t register_of(const struct minute *m)
{
	return m ? (int32_t)(m - minutes) : -1;
}

/* The IED's slot if it has one (never creates it). */
static struct minute *slot_known(const struct ied *d)
{
	struct minute *cached = d->slot[ied_slot];
	return cached && cached->ied == d ? cached : NULL;
}

/* The IED's slot, created on first use; NULL when all IED_CACHE slots are taken
 * (counted: db_cache_full; the IED's rows are then written without a cache). */
static struct minute *slot_of(const struct ied *d)
{
	if (!d)
		return NULL;
	struct minute *cached = slot_known(d);
	if (cached)
		return cached;
	if (n_minutes >= IED_CACHE) {
		g_stats[STAT_db_cache_full]++;
		return NULL;
	}
	struct minute *m = &minutes[n_minutes++];
	memset(m, 0, sizeof(*m));
	m->ied = d;
	((struct ied *)d)->slot[ied_slot] = m;
	return m;
}

/* Something of this IED changed: its next snapshot writes it (snapshot_due). */
static void touch(const struct ied *d)
{
	struct minute *m = slot_of(d);
	if (m)
		m->touched = true;
}

/* The IED's id reference for the rows about it, bound with bind_ied: its row
 * id, or the id register its first row sets when the writer executes it (no
 * wait: rows are executed in order, so every row binding the register comes
 * after the row that sets it). 0: no IED, or the store failed. */
static int64_t ied_id(const struct ied *d, int64_t ts)
{
	if (!d)
		return 0;
	struct minute *m = slot_of(d);
	if (m && m->id)
		return m->id;
	int64_t id = ied_row(d, ts, 0, register_of(m));
	if (m)
		m->id = id;
	return id;
}

static void second_flush(struct minute *m)
{
	if (!m->second || !m->second_attempts || failed())
		return;
	int64_t id = ied_id(m->ied, m->second * 1000000);
	if (!id)
		return;
	db_row_begin(S_CONNSEC);
	db_row_int(1, run_id);
	bind_ied(2, id);
	db_row_int(3, m->second);
	db_row_int(4, (int)m->second_attempts);
	db_row_step("connection attempts");
	m->second_attempts = 0;
}

/* This minute's latency quantiles: the IED's histogram now, less the one kept
 * at the last minute. */
static void minute_latency(struct minute *m, int64_t id)
{
	const struct svc_latency *now = ied_latency(m->ied, SVC_ANY);
	if (!now)
		return;
	if (!m->prev && !(m->prev = calloc(1, sizeof(*m->prev))))
		return;
	struct svc_latency d;
	memset(&d, 0, sizeof(d));
	for (int i = 0; i < SVC_LAT_BUCKETS; i++) {
		d.bucket[i] = now->bucket[i] - m->prev->bucket[i];
		d.count += d.bucket[i];
	}
	d.max_us = now->max_us;
	*m->prev = *now;
	if (!d.count)
		return;
	db_row_begin(S_MINUTE_LAT);
	db_row_int(1, run_id);
	bind_ied(2, id);
	db_row_int(3, m->minute);
	db_row_int(4, svc_latency_quantile(&d, 500));
	db_row_int(5, svc_latency_quantile(&d, 950));
	db_row_int(6, svc_latency_quantile(&d, 990));
	db_row_step("minute latency");
}

static void minute_flush(struct minute *m)
{
	second_flush(m);
	if (!m->minute || failed())
		return;
	int64_t id = ied_id(m->ied, m->minute * 60000000);
	if (!id)
		return;
	db_row_begin(S_MINUTE);
	db_row_int(1, run_id);
	bind_ied(2, id);
	db_row_int(3, m->minute);
	db_row_int(4, (int)m->pdus);
	db_row_int(5, (int)m->reports);
	db_row_int(6, (int)m->requests);
	db_row_int(7, (int)m->errors);
	db_row_int(8, (int)m->attempts);
	db_row_int(9, (int)m->assocs_max);
	db_row_step("minute statistics");
	minute_latency(m, id);
	m->pdus = m->reports = m->requests = m->errors = m->attempts = 0;
}

static struct minute *minute_of(const struct ied *d, int64_t ts)
{
	struct minute *m = slot_of(d);
	if (!m)
		return NULL;
	int64_t mn = ts / 60000000;
	if (m->minute != mn) {
		minute_flush(m);
		m->minute = mn;
		m->assocs_max = d->open_assocs;
	}
	if (d->open_assocs > m->assocs_max)
		m->assocs_max = d->open_assocs;
	m->touched = true;
	return m;
}

/* ---- RCB timeline: each RCB's current second, and its rows (spans) ----------- */

/* An RCB's finished seconds wait in its row and are written together, RCB_ROWS_BATCH
 * rows at a time, and every pending row at least every RCB_ROWS_WAIT_MS of wall
 * time (live) or RCB_ROWS_WAIT_PACKET_US of packet time (files).
 * rcb_spans is indexed by (run, IED, RCB, second): one insertion point per RCB, so
 * a transaction holding one new row of every RCB dirties (and the WAL writes) one
 * leaf page per RCB. Written a row at a time, the pages written grew with RCBs x
 * transactions, faster than the capture (3.1x the bytes written for twice the
 * bytes); a batch of one RCB's rows lands in one page. A second with sequence
 * events (gap, duplicate, ...), rare, is written at once with those before it.
 *
 * A pending row is a span: a finished second joins the row before it when it is
 * the next second, with as many reports, for the same reasons, and its SqNums
 * carry on from the row's without a gap (rcb_row_joins). Each second of a span
 * is then known exactly from the row: reports / seconds reports, SqNums from
 * first_sq on. The last row written stays open the same way: while no row is
 * pending, the seconds that carry it on grow it, and the next write updates it
 * in place (S_RCBSPAN_GROW). A steady RCB took a row per second; it now takes
 * one per stretch (at most MMSW_RCB_SPAN_MAX seconds). */
struct rcb_row {
	int64_t second, ied_row; /* ied_row: the IED's id reference (ied_id) */
	uint32_t first_sq, last_sq, reports;
	uint16_t seconds; /* 1..MMSW_RCB_SPAN_MAX */
	uint8_t reasons;
	bool has_sq;
};
_Static_assert(MMSW_RCB_SPAN_MAX <= UINT16_MAX, "a span's length fits its field");

/* An RCB's current second: what every report of it reads and writes, 32 bytes,
 * two to a cache line in a dense array. With one entry of 640 bytes (the pending
 * rows and the names beside the counts) the reports of 2,880 RCBs touched 2,880
 * lines on 450 pages; now 1,440 lines on 23 pages (docs/performance.md,
 * session 15). */
struct rcbsec {
	_Alignas(32) const struct ied *ied;
	int64_t second; /* the second being counted, and its counts */
	uint32_t first_sq, last_sq, reports;
	uint8_t reasons;
	bool has_sq;
	uint8_t n_pending;
	bool grown; /* the open row (rcbsec_cold.written) has grown since it was written */
};
_Static_assert(sizeof(struct rcbsec) == 32, "two rcbsecs to a cache line");
/* ... and what a report reads only when its second ends, when its sequence is
 * not plain, or to find its row by name: same index, another array. */
struct rcbsec_cold {
	struct rcb_row pending[RCB_ROWS_BATCH]; /* finished seconds not yet written */
	struct rcb_row written;                 /* the open row: the last written, as it is now (seconds 0: none) */
	uint16_t written_seconds;               /* its length in the database */
	char events[96];
	char rcb[200];
};
static struct rcbsec rcbsecs[RCB_SECONDS_MAX]; /* untouched pages stay out of the RSS */
static struct rcbsec_cold *rcbsec_colds;       /* calloc'd at the first RCB, for the same reason */
static size_t n_rcbsecs;
/* (IED, RCB name) -> index + 1 into rcbsecs: open addressing, twice the entries. */
#define RCBSEC_HASH (2 * RCB_SECONDS_MAX)
static uint32_t rcbsec_hash[RCBSEC_HASH];

static struct rcbsec_cold *cold_of(const struct rcbsec *r)
{
	return &rcbsec_colds[r - rcbsecs];
}

static uint32_t rcbsec_key(const struct ied *d, const char *name)
{
	return fnv1a32(FNV1A32_INIT ^ (uint32_t)((uintptr_t)d >> 4), name, strlen(name));
}

/* The RCB's current-second row, created on first use; NULL when RCB_SECONDS_MAX
 * RCBs are already tracked (counted: db_cache_full). */
static struct rcbsec *rcbsec_of(const struct ied *d, const char *name)
{
	uint32_t i = rcbsec_key(d, name) & (RCBSEC_HASH - 1);
	for (; rcbsec_hash[i]; i = (i + 1) & (RCBSEC_HASH - 1)) {
		struct rcbsec *r = &rcbsecs[rcbsec_hash[i] - 1];
		if (r->ied == d && !strcmp(cold_of(r)->rcb, name))
			return r;
	}
	if (!rcbsec_colds && !(rcbsec_colds = calloc(RCB_SECONDS_MAX, sizeof(*rcbsec_colds))))
		return NULL;
	if (n_rcbsecs >= RCB_SECONDS_MAX) {
		g_stats[STAT_db_cache_full]++;
		return NULL;
	}
	struct rcbsec *r = &rcbsecs[n_rcbsecs++];
	memset(r, 0, sizeof(*r));
	r->ied = d;
	struct rcbsec_cold *cold = cold_of(r);
	memset(cold, 0, sizeof(*cold));
	snprintf(cold->rcb, sizeof(cold->rcb), "%s", name);
	rcbsec_hash[i] = (uint32_t)n_rcbsecs;
	return r;
}

static void rcb_row_write(const struct rcbsec *r, const struct rcb_row *w, const char *events)
{
	if (failed())
		return;
	char reasons[64];
	db_row_begin(S_RCBSPAN);
	db_row_int(1, run_id);
	bind_ied(2, w->ied_row);
	db_row_text(3, cold_of(r)->rcb);
	db_row_int(4, w->second);
	db_row_int(5, w->seconds);
	if (w->has_sq) {
		db_row_int(6, w->first_sq);
		db_row_int(7, w->last_sq);
	}
	db_row_int(8, w->reports);
	db_row_text(9, iec_trg_text(w->reasons, reasons, sizeof(reasons)));
	db_row_text(10, events);
	db_row_step("RCB timeline");
}

/* Does the finished second w carry on the pending row p as one more second of
 * its span? Only when each second of the span stays known from the row alone:
 * the next second, as many reports as each of p's, SqNums running on from p's
 * without a gap, one per report, for the same reasons. A second seen again
 * (time stepped back) may join too: each row holds its own reports exactly, and
 * a reader adds up the rows of a second. */
static bool rcb_row_joins(const struct rcb_row *p, const struct rcb_row *w)
{
	if (p->second + p->seconds != w->second || p->seconds >= MMSW_RCB_SPAN_MAX)
		return false;
	if (p->ied_row != w->ied_row || p->reasons != w->reasons || !p->has_sq || !w->has_sq)
		return false;
	if (w->last_sq < w->first_sq || w->last_sq - w->first_sq + 1 != w->reports ||
	    w->reports > UINT32_MAX - p->reports)
		return false;
	/* p's first second was checked the same way when p was one second long. */
	if (p->seconds == 1 && (p->last_sq < p->first_sq || p->last_sq - p->first_sq + 1 != p->reports))
		return false;
	/* (A 32-bit SqNum that wraps ends the span.) */
	return p->reports == (uint32_t)p->seconds * w->reports && p->last_sq != UINT32_MAX &&
		p->last_sq + 1 == w->first_sq;
}

/* The open row's growth, then the RCB's pending rows, in their order (a second
 * seen again after time went back is another row, after the first: readers
 * take its last SqNum from it). The last of them is the open row. */
static void rcb_rows_write(struct rcbsec *r)
{
	struct rcbsec_cold *cold = cold_of(r);
	if (r->grown && !failed()) {
		const struct rcb_row *o = &cold->written;
		db_row_begin(S_RCBSPAN_GROW);
		db_row_int(1, run_id);
		bind_ied(2, o->ied_row);
		db_row_text(3, cold->rcb);
		db_row_int(4, o->second);
		db_row_int(5, o->seconds);
		db_row_int(6, o->last_sq);
		db_row_int(7, o->reports);
		db_row_int(8, cold->written_seconds);
		db_row_int(9, o->first_sq);
		db_row_int(10, (int64_t)(o->reports / o->seconds) * cold->written_seconds);
		db_row_step("RCB timeline");
		cold->written_seconds = o->seconds;
	}
	r->grown = false;
	for (uint8_t i = 0; i < r->n_pending; i++)
		rcb_row_write(r, &cold->pending[i], "");
	if (r->n_pending) {
		cold->written = cold->pending[r->n_pending - 1];
		cold->written_seconds = cold->written.seconds;
	}
	r->n_pending = 0;
}

static void rcb_rows_write_all(void)
{
	for (size_t i = 0; i < n_rcbsecs; i++)
		if (rcbsecs[i].n_pending || rcbsecs[i].grown)
			rcb_rows_write(&rcbsecs[i]);
	clock_gettime(CLOCK_MONOTONIC, &last_rows_write);
}

/* The second being counted is finished: it joins the pending rows. */
static void rcbsec_flush(struct rcbsec *r)
{
	if (!r->second || failed() || !r->reports)
		return;
	int64_t id = ied_id(r->ied, r->second * 1000000); /* the IED's row now, as before batching */
	if (!id)
		return;
	struct rcb_row w = { r->second, id, r->first_sq, r->last_sq, r->reports, 1, r->reasons, r->has_sq };
	struct rcbsec_cold *cold = cold_of(r);
	struct rcb_row *last = r->n_pending ? &cold->pending[r->n_pending - 1]
		: cold->written.seconds     ? &cold->written
					    : NULL;
	if (cold->events[0]) {
		rcb_rows_write(r);
		rcb_row_write(r, &w, cold->events);
		cold->written.seconds = 0; /* a row with events is never a span */
	} else if (last && rcb_row_joins(last, &w)) {
		last->seconds++;
		last->reports += w.reports;
		last->last_sq = w.last_sq;
		r->grown |= !r->n_pending;
	} else {
		cold->pending[r->n_pending++] = w;
		if (r->n_pending == RCB_ROWS_BATCH)
			rcb_rows_write(r);
	}
	r->reports = 0;
	r->has_sq = false;
	r->reasons = 0;
	cold->events[0] = 0;
}

/* Does the cached row r belong to this IED and this report's RCB (or RptID)? */
static bool rcbsec_is(const struct rcbsec *r, const struct ied *d, const struct report_record *e)
{
	if (r->ied != d)
		return false;
	const char *rcb = cold_of(r)->rcb;
	if (e->rcb)
		return !strcmp(rcb, e->rcb);
	size_t n = e->rep->rptid.len;
	return !strncmp(rcb, "RptID ", 6) && strlen(rcb + 6) == n && !memcmp(rcb + 6, e->rep->rptid.p, n);
}

/* Each report stream's row, by stream id (direct-mapped; a miss only costs the
 * lookup by name): no name building or hashing per report. */
#define STREAM_ROW_CACHE 4096
static struct stream_row {
	uint32_t row; /* index + 1 into rcbsecs */
	/* The stream the entry was last confirmed for: a stream's RCB name never
	 * changes, so the same stream on the same IED needs no name compared
	 * again. Beside row: one cache line per report, not two. */
	uint32_t id;
} stream_row[STREAM_ROW_CACHE];

static void store_report(struct flow *f, const struct report_record *e, const struct pkt_where *at)
{
	const struct ied *d = f->ied;
	if (!enabled || failed() || !d)
		return;
	struct rcbsec *r = NULL;
	struct stream_row *c = &stream_row[e->stream_id % STREAM_ROW_CACHE];
	if (c->row && c->row <= n_rcbsecs &&
	    (c->id == e->stream_id ? rcbsecs[c->row - 1].ied == d : rcbsec_is(&rcbsecs[c->row - 1], d, e)))
		r = &rcbsecs[c->row - 1];
	if (!r) {
		char name[sizeof(((struct rcbsec_cold *)0)->rcb)];
		if (e->rcb)
			snprintf(name, sizeof(name), "%s", e->rcb);
		else
			snprintf(name, sizeof(name), "RptID %.*s", (int)e->rep->rptid.len,
				 (const char *)e->rep->rptid.p);
		if (!(r = rcbsec_of(d, name)))
			return;
		c->row = (uint32_t)(r - rcbsecs) + 1;
	}
	c->id = e->stream_id;
	int64_t sec = at->ts_us / 1000000;
	if (r->second != sec) {
		rcbsec_flush(r);
		r->second = sec;
	}
	r->reports++;
	r->reasons |= e->rep->reasons_all;
	if (e->rep->has_sqnum) {
		if (!r->has_sq)
			r->first_sq = e->rep->sqnum;
		r->last_sq = e->rep->sqnum;
		r->has_sq = true;
	}
	const char *q = e->sequence;
	if (q && strcmp(q, "next") && strcmp(q, "first") && strcmp(q, "wrap") && strcmp(q, "segment_next")) {
		struct rcbsec_cold *cold = cold_of(r);
		char *events = cold->events;
		if (!strstr(events, q) && strlen(events) + strlen(q) + 2 < sizeof(cold->events)) {
			if (events[0])
				strcat(events, ",");
			strcat(events, q);
		}
	}
	struct minute *m = minute_of(d, at->ts_us);
	if (m)
		m->reports++;
	maybe_commit_hot();
}

/* ---- events ------------------------------------------------------------------ */

void store_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at)
{
	if (!enabled || failed())
		return;
	progress(at->ts_us);
	struct ied *d = ied_of_flow(f);
	struct minute *m = minute_of(d, at->ts_us);
	if (m) {
		m->pdus++;
		if (e->pdu->type == MMS_CONFIRMED_REQUEST)
			m->requests++;
		else if (e->pdu->type == MMS_CONFIRMED_ERROR || e->pdu->type == MMS_REJECT)
			m->errors++;
	}
	if (want_pdus) {
		int64_t ied = ied_id(d, at->ts_us); /* first: it may write the IED's row */
		db_row_begin(S_PDU);
		db_row_int(1, run_id);
		db_row_int(2, at->ts_us);
		db_row_int(3, (int64_t)f->id);
		bind_ied(4, ied);
		db_row_text(5, dir == 0 ? "to_server" : "to_client");
		db_row_text(6, mms_pdu_name(e->pdu->type));
		db_row_text_or_null(7, mms_service_name(e->pdu->type, e->pdu->service));
		if (e->pdu->has_invoke)
			db_row_int(8, e->pdu->invoke_id);
		db_row_text_or_null(9, e->acsi);
		db_row_int(10, (int64_t)at->frame);
		db_row_step("PDU row");
		/* Retention: the oldest rows of this run go, 10 000 at a time. A
		 * job's processes share the run: every 10 000 rows of its own, each
		 * deletes the run's rows past MMSW_DB_PDUS_KEEP. */
		if (job ? ++pdu_rows >= 10000 : ++pdu_rows > MMSW_DB_PDUS_KEEP + 10000) {
			db_row_begin(S_PDU_TRIM);
			db_row_int(1, run_id);
			db_row_int(2, job ? MMSW_DB_PDUS_KEEP : 10000);
			db_row_step("PDU retention");
			pdu_rows = job ? 0 : pdu_rows - 10000;
		}
	}
	maybe_commit_hot();
}

void store_tcp(struct flow *f, int dir, enum tcp_ev kind, const struct pkt_where *at)
{
	(void)dir;
	if (!enabled || failed() || kind != TCP_EV_SYN)
		return;
	progress(at->ts_us);
	struct minute *m = minute_of(ied_of_flow(f), at->ts_us);
	if (!m)
		return;
	m->attempts++;
	if (m->second != at->ts_us / 1000000) {
		second_flush(m);
		m->second = at->ts_us / 1000000;
	}
	m->second_attempts++;
}

/* An association ended (the association analyzer's verdict): its row. */
static void store_assoc_end(struct flow *f, const char *how)
{
	if (!enabled || failed())
		return;
	struct ied *d = ied_of_flow(f);
	touch(d);
	int64_t id = ied_id(d, f->first_ts);
	if (!id)
		return;
	char ip[64];
	flow_client_ip(f, ip, sizeof(ip));
	db_row_begin(S_ASSOC);
	db_row_int(1, run_id);
	bind_ied(2, id);
	db_row_int(3, (int64_t)f->id);
	db_row_text(4, ip);
	db_row_int(5, f->key.port[f->client]);
	db_row_int(6, f->first_ts);
	db_row_int(7, f->last_ts);
	db_row_text(8, how);
	db_row_int(9, (int64_t)(f->pkts[0] + f->pkts[1]));
	db_row_int(10, (int64_t)(f->bytes[0] + f->bytes[1]));
	db_row_step("association row");
	maybe_commit();
}

void store_finding(const struct finding *fd)
{
	if (!enabled || failed())
		return;
	struct ied *d = ied_get(&fd->ied, false);
	touch(d);
	char client[64] = "", filter[1024];
	char *evidence = malloc(8192);
	if (!evidence)
		return;
	struct jw w;
	jw_init(&w, evidence, 8191);
	jw_arr(&w, NULL);
	for (unsigned i = 0; i < fd->n_evidence; i++) {
		jw_obj(&w, NULL);
		const char *file = input_name(fd->evidence[i].file_idx);
		if (file)
			jw_str(&w, "pcap_filename", file);
		jw_u64(&w, "pcap_cnt", fd->evidence[i].frame);
		jw_i64(&w, "ts", fd->evidence[i].ts_us);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	evidence[w.overflow ? 0 : w.len] = 0;
	if (w.overflow)
		strcpy(evidence, "[]");
	if (fd->has_client)
		endpoint_ip_text(&fd->client, client, sizeof(client));
	finding_tshark_filter(fd, filter, sizeof(filter));
	/* first: it may write the IED's row, which then says the IED was seen when
	 * the finding was last made, not at its first_seen: an aggregate such as
	 * goose_on_mms_vlan dates from a GOOSE frame before the IED's own first */
	int64_t ied = d ? ied_id(d, fd->last_seen) : 0;
	bool named = !d && fd->ied.ipver && shard_count() && !shard_holds_ied(fd->ied.ip, fd->ied.ipver);
	if (named) { /* another shard's IED: shard 0's GOOSE/SV findings name it */
		char ip[64], vlan[48];
		endpoint_ip_text(&fd->ied, ip, sizeof(ip));
		vlan_text(&fd->ied, vlan, sizeof(vlan));
		db_row_begin(S_IED_NAMED);
		db_row_text(1, ip);
		db_row_int(2, fd->ied.port);
		db_row_text(3, vlan);
		ied = db_row_step_id("IED row");
	}
	db_row_begin(S_FINDING);
	db_row_int(1, run_id);
	db_row_int(2, (int64_t)fd->id);
	db_row_text(3, fd->kind);
	db_row_text(4, severity_name(fd->severity));
	db_row_int(5, fd->severity);
	db_row_int(6, fd->first_seen);
	db_row_int(7, fd->last_seen);
	db_row_int(8, (int64_t)fd->count);
	if (d || (named && ied > 0))
		bind_ied(9, ied);
	db_row_text_or_null(10, client);
	if (fd->flow_id)
		db_row_int(11, (int64_t)fd->flow_id);
	db_row_text_or_null(12, fd->object);
	db_row_text(13, fd->summary);
	const struct evidence_slice *slice = evidence_slice_of(fd);
	if (slice && slice->redacted) {
		char details[FINDING_DETAILS_MAX + 64];
		evidence_details(fd, details, sizeof(details));
		db_row_text(14, details);
	} else {
		db_row_text(14, fd->details);
	}
	db_row_text(15, evidence);
	db_row_int(16, (int64_t)fd->evidence_total);
	db_row_text(17, filter);
	db_row_step("finding");
	free(evidence);
	if (slice && !failed()) {
		/* The slice's bytes: the copy that outlives DIR (the dashboard serves it). */
		db_row_begin(S_FINDING_PCAP);
		db_row_int(1, run_id);
		db_row_int(2, (int64_t)fd->id);
		db_row_text(3, slice->name);
		db_row_text(4, slice->sha256);
		db_row_int(5, slice->frames);
		db_row_int(6, slice->redacted);
		db_row_blob(7, slice->bytes, slice->len);
		db_row_step("finding pcap");
	}
	maybe_commit();
}

/* ---- IED and RCB snapshots --------------------------------------------------- */

static void latency_rows(const struct ied *d, int64_t id)
{
	for (int svc = -1; svc < 128 && !failed(); svc++) {
		const struct svc_latency *l = ied_latency(d, svc < 0 ? SVC_ANY : svc);
		if (!l || !l->count)
			continue;
		const char *name = svc < 0 ? "all" : mms_service_name(MMS_CONFIRMED_REQUEST, svc);
		char other[24];
		if (!name) {
			snprintf(other, sizeof(other), "service-%d", svc);
			name = other;
		}
		db_row_begin(S_LATENCY);
		db_row_int(1, run_id);
		bind_ied(2, id);
		db_row_text(3, name);
		db_row_int(4, (int64_t)l->count);
		db_row_int(5, svc_latency_quantile(l, 500));
		db_row_int(6, svc_latency_quantile(l, 950));
		db_row_int(7, svc_latency_quantile(l, 990));
		db_row_int(8, l->max_us);
		db_row_step("latency row");
	}
}

static void rcb_rows(struct ied *d, void *arg)
{
	int64_t ts = *(int64_t *)arg;
	struct minute *m = slot_known(d);
	int64_t id = ied_row(d, ts, m ? m->id : 0, register_of(m)); /* also refreshes name, identity, limits */
	if (!id)
		return;
	if (m)
		m->id = id;
	latency_rows(d, id);
	for (uint16_t i = 0; i < d->n_rcbs && !failed(); i++) {
		const struct rcb *r = &d->rcbs[i];
		char trg[64];
		db_row_begin(S_RCB);
#define K(a) (r->known & (1u << (a)))
		bind_ied(1, id);
		db_row_text(2, r->ref);
		db_row_text_or_null(3, K(RCB_RPTID) ? r->rptid : NULL);
		db_row_text_or_null(4, K(RCB_DATSET) ? r->datset : NULL);
		db_row_int(5, r->buffered);
		if (K(RCB_TRGOPS))
			db_row_text(6, iec_trg_text(r->trgops, trg, sizeof(trg)));
		if (K(RCB_INTGPD))
			db_row_int(7, r->intgpd);
		if (K(RCB_BUFTM))
			db_row_int(8, r->buftm);
		if (K(RCB_OPTFLDS))
			db_row_int(9, r->optflds);
		if (K(RCB_CONFREV))
			db_row_int(10, r->confrev);
		if (K(RCB_RPTENA))
			db_row_int(11, r->rptena);
#undef K
		db_row_int(12, (int64_t)r->reports);
		db_row_int(13, ts);
		db_row_step("RCB row");
	}
}

/* Has the IED anything the last snapshot did not write? Events reach the store
 * through minute_of, findings and association ends (touched); the association
 * analyzer may also learn a limit or a peak on a timer, and the services
 * analyzer time an answer, so those are compared. */
static bool snapshot_due(const struct ied *d, struct minute *m)
{
	const struct svc_latency *l = ied_latency(d, SVC_ANY);
	uint64_t answers = l ? l->count : 0;
	bool due = !m->snapped || m->touched || m->snap_limit != d->limit || m->snap_inferred != d->limit_inferred ||
		m->snap_peak != d->peak_assocs || m->snap_rcbs != d->n_rcbs || m->snap_answers != answers;
	m->snapped = true;
	m->touched = false;
	m->snap_limit = d->limit;
	m->snap_inferred = d->limit_inferred;
	m->snap_peak = d->peak_assocs;
	m->snap_rcbs = d->n_rcbs;
	m->snap_answers = answers;
	return due;
}

static void snapshot_changed(struct ied *d, void *arg)
{
	struct minute *m = slot_of(d);
	if (!m || snapshot_due(d, m))
		rcb_rows(d, arg);
}

static int64_t last_snapshot;

void store_tick(int64_t now)
{
	if (!enabled || failed())
		return;
	progress(now);
	if (!live && now - last_rows_at >= RCB_ROWS_WAIT_PACKET_US) {
		if (last_rows_at)
			rcb_rows_write_all();
		last_rows_at = now;
	}
	/* IEDs and RCBs change rarely: a snapshot every 10 s of packet time, of the
	 * IEDs that changed. */
	if (now - last_snapshot >= 10000000) {
		ied_foreach(snapshot_changed, &now);
		last_snapshot = now;
	}
	/* A minute is written once when it ends; minute 0 = nothing pending (the
	 * next event starts a new one). */
	for (size_t i = 0; i < n_minutes; i++)
		if (minutes[i].minute && minutes[i].minute != now / 60000000) {
			minute_flush(&minutes[i]);
			minutes[i].minute = 0;
		}
	maybe_commit();
}

/* ---- open and close ----------------------------------------------------------- */

/* The writer is closed: the prepared statements go. */
static void finalize_all(void)
{
	for (int i = 0; i < S_COUNT; i++) {
		sqlite3_finalize(st[i]);
		st[i] = NULL;
	}
}

static int open_fail(char *err, size_t errsize, const char *path, const char *why)
{
	snprintf(err, errsize, "%s: %s", path, why);
	db_writer_close();
	finalize_all();
	if (db)
		sqlite3_close(db);
	db = NULL;
	return -1;
}

/* The run's inputs as a JSON array: the interfaces as -i named them ("eth1",
 * or "eth1/A" with a declared LAN), or the files. */
static void inputs_json(const struct input_set *in, char *buf, size_t size)
{
	struct jw w;
	jw_init(&w, buf, size - 1);
	jw_arr(&w, NULL);
	for (size_t i = 0; in && i < in->n_ifaces; i++) {
		const struct input_iface *f = &in->ifaces[i];
		char name[300];
		const char *lan = input_lan_name(f->lan);
		snprintf(name, sizeof(name), "%.255s%s%s", f->name, lan ? "/" : "", lan ? lan : "");
		jw_str(&w, NULL, name);
	}
	for (size_t i = 0; in && i < in->n && i < 100; i++)
		jw_str(&w, NULL, in->files[i].path);
	jw_arr_end(&w);
	if (w.overflow)
		snprintf(buf, size, "[]");
	else
		buf[w.len] = 0;
}

/* A --shards job's run, made by the first of its processes to get here (in
 * the open's IMMEDIATE transaction, so only one makes it): 0 with run_id set,
 * or -1 after the reason in why. */
static int find_job_run(const struct store_config *c, char *why, size_t whysize)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(db, "SELECT id, mode, status, shards FROM runs WHERE job = ?1", -1, &q, NULL) !=
	    SQLITE_OK) {
		snprintf(why, whysize, "cannot read the runs: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(q, 1, c->job, -1, SQLITE_STATIC);
	int rc = 0, step = sqlite3_step(q);
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		snprintf(why, whysize, "cannot read the runs: %s", sqlite3_errmsg(db));
		rc = -1;
	} else if (step == SQLITE_ROW) {
		const char *mode = (const char *)sqlite3_column_text(q, 1);
		const char *status = (const char *)sqlite3_column_text(q, 2);
		run_id = sqlite3_column_int64(q, 0);
		if (!mode || strcmp(mode, c->mode) || !status || strcmp(status, "running") ||
		    sqlite3_column_int64(q, 3) != (int64_t)c->shards) {
			snprintf(why, whysize, "the --shards job's run %lld is not this process's (%s, %s)",
				 (long long)run_id, mode ? mode : "?", status ? status : "?");
			rc = -1;
		}
	}
	sqlite3_finalize(q);
	return rc;
}

/* The run's row (a --shards job's: found or made, and this process's
 * run_shards row); 0, or -1 after the reason in why. */
static int start_run(const struct store_config *c, char *why, size_t whysize)
{
	run_id = 0;
	if (job && find_job_run(c, why, whysize) != 0)
		return -1;
	sqlite3_stmt *r;
	if (!run_id) {
		char inputs[4096];
		inputs_json(c->inputs, inputs, sizeof(inputs));
		if (sqlite3_prepare_v2(db,
				       "INSERT INTO runs (started_wall, mode, inputs, version, status, job, shards)"
				       " VALUES (?1, ?2, ?3, ?4, 'running', ?5, ?6)",
				       -1, &r, NULL) != SQLITE_OK) {
			snprintf(why, whysize, "cannot start a run: %s", sqlite3_errmsg(db));
			return -1;
		}
		sqlite3_bind_int64(r, 1, (int64_t)time(NULL));
		sqlite3_bind_text(r, 2, c->mode, -1, SQLITE_STATIC);
		sqlite3_bind_text(r, 3, inputs, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(r, 4, PACKAGE_VERSION, -1, SQLITE_STATIC);
		if (job) {
			sqlite3_bind_text(r, 5, c->job, -1, SQLITE_STATIC);
			sqlite3_bind_int64(r, 6, c->shards);
		}
		int rc = sqlite3_step(r);
		sqlite3_finalize(r);
		if (rc != SQLITE_DONE) {
			snprintf(why, whysize, "cannot write the database: %s", sqlite3_errmsg(db));
			return -1;
		}
		run_id = sqlite3_last_insert_rowid(db);
	}
	if (!job)
		return 0;
	if (sqlite3_prepare_v2(
		    db, "INSERT INTO run_shards (run_id, shard, started_wall, status) VALUES (?1, ?2, ?3, 'running')",
		    -1, &r, NULL) != SQLITE_OK) {
		snprintf(why, whysize, "cannot start a run: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int64(r, 1, run_id);
	sqlite3_bind_int64(r, 2, c->shard);
	sqlite3_bind_int64(r, 3, (int64_t)time(NULL));
	int rc = sqlite3_step(r);
	sqlite3_finalize(r);
	if (rc != SQLITE_DONE) {
		snprintf(why, whysize, "cannot start shard %u of the --shards job's run %lld: %s", c->shard,
			 (long long)run_id, sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

int store_open(const struct store_config *c, char *err, size_t errsize)
{
	struct stat sb;
	char why[300];
	if (stat(c->path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return open_fail(err, errsize, c->path, "is a directory, not a database file");
	if (sqlite3_open_v2(c->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		snprintf(why, sizeof(why), "cannot open database: %s", db ? sqlite3_errmsg(db) : "out of memory");
		return open_fail(err, errsize, c->path, why);
	}
	sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS);
	if (db_writer_open(db, st, S_COUNT, IED_CACHE, c->threaded) != 0)
		return open_fail(err, errsize, c->path, "out of memory");
	int64_t objects = pragma_int("SELECT count(*) FROM sqlite_master");
	if (objects < 0) {
		snprintf(why, sizeof(why), "not a database mmswatch can use: %s", sqlite3_errmsg(db));
		return open_fail(err, errsize, c->path, why);
	}
	int64_t app = pragma_int("PRAGMA application_id");
	int64_t version = pragma_int("PRAGMA user_version");
	if (objects > 0 && app != MMSW_DB_APPLICATION_ID)
		return open_fail(err, errsize, c->path, "is a SQLite database of another application: not touched");
	if (version > MMSW_DB_VERSION) {
		snprintf(why, sizeof(why),
			 "was written by a newer mmswatch (schema %lld; this build knows up to %d): "
			 "not touched",
			 (long long)version, MMSW_DB_VERSION);
		return open_fail(err, errsize, c->path, why);
	}
	/* WAL mode. Switching a new file to it needs the file to itself for a
	 * moment, and SQLite answers "database is locked" at once, without the
	 * busy timeout, while another process has it open: N --shard processes
	 * starting on one new file met that (1 start in 30 under load). So it is
	 * asked again, every 20 ms, for as long as the busy timeout, unless the
	 * file is read-only. */
	sqlite3_stmt *s;
	for (int waited = 0;; waited += 20) {
		if (sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &s, NULL) != SQLITE_OK)
			break;
		const char *mode = NULL;
		if (sqlite3_step(s) == SQLITE_ROW)
			mode = (const char *)sqlite3_column_text(s, 0);
		bool wal = mode && !strcmp(mode, "wal");
		sqlite3_finalize(s);
		if (wal)
			break;
		if (waited >= DB_BUSY_TIMEOUT_MS || sqlite3_db_readonly(db, "main") == 1) {
			snprintf(why, sizeof(why),
				 "cannot write the database (WAL mode refused: %s); is the path "
				 "read-only?",
				 sqlite3_errmsg(db));
			return open_fail(err, errsize, c->path, why);
		}
		sqlite3_sleep(20);
	}
	if (!exec("PRAGMA synchronous=NORMAL") || !exec("PRAGMA foreign_keys=ON"))
		return open_fail(err, errsize, c->path, "cannot set up the database");
	/* The schema is made or brought up to date, and the file marked as
	 * mmswatch's, in one transaction that holds the write lock from its start:
	 * another mmswatch opening the same new file at the same moment (a second
	 * --shard process, a sensor and an offline run) waits for it (the busy
	 * timeout) and then finds the whole schema, where it used to find part of
	 * it, unmarked, and refused the file as another application's. */
	if (!exec("BEGIN IMMEDIATE"))
		return open_fail(err, errsize, c->path, "cannot write the database (it stayed locked)");
	objects = pragma_int("SELECT count(*) FROM sqlite_master");
	app = pragma_int("PRAGMA application_id");
	version = pragma_int("PRAGMA user_version");
	const char *refusal = NULL;
	if (objects > 0 && app != MMSW_DB_APPLICATION_ID)
		refusal = "is a SQLite database of another application: not touched";
	else if (version > MMSW_DB_VERSION)
		refusal = "was written by a newer mmswatch: not touched";
	for (int v = (int)version; !refusal && v < MMSW_DB_VERSION; v++) {
		char sql[64];
		snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", v + 1);
		if (!exec(MMSW_MIGRATIONS[v]) || !exec(sql)) {
			snprintf(why, sizeof(why), "cannot bring the database to schema %d: %s", v + 1,
				 sqlite3_errmsg(db));
			refusal = why;
		}
	}
	char sql[96];
	snprintf(sql, sizeof(sql), "PRAGMA application_id=%d", MMSW_DB_APPLICATION_ID);
	if (!refusal && (!exec(sql) || !exec("COMMIT")))
		refusal = "cannot write the database";
	if (refusal) {
		exec("ROLLBACK");
		return open_fail(err, errsize, c->path, refusal);
	}
	job = c->job != NULL;
	job_shard = c->shard;
	for (int i = 0; i < S_COUNT; i++) {
		char job_sql[512];
		const char *text = SQL[i];
		if (job && JOB_SQL[i]) {
			snprintf(job_sql, sizeof(job_sql), JOB_SQL[i], job_shard);
			text = job_sql;
		}
		if (sqlite3_prepare_v3(db, text, -1, SQLITE_PREPARE_PERSISTENT, &st[i], NULL) != SQLITE_OK) {
			snprintf(why, sizeof(why), "cannot prepare statements: %s", sqlite3_errmsg(db));
			return open_fail(err, errsize, c->path, why);
		}
	}
	want_pdus = c->pdus;
	live = c->mode && !strncmp(c->mode, "live", 4);
	last_rows_at = 0;
	/* IMMEDIATE: the design's write reads first (is it stored?), and so does a
	 * job's process (has another made the job's run?); a deferred transaction
	 * that read is refused at once ("database is locked", no busy timeout) if
	 * another process (a --shards job's) wrote since; this one waits its turn,
	 * then reads what that one stored. */
	if (!exec("BEGIN IMMEDIATE"))
		return open_fail(err, errsize, c->path, "cannot start a transaction");
	if (start_run(c, why, sizeof(why)) != 0)
		return open_fail(err, errsize, c->path, why);
	if (store_design_write(db, run_id, g_scl, why, sizeof(why)) != 0)
		return open_fail(err, errsize, c->path, why);
	clock_gettime(CLOCK_MONOTONIC, &last_commit);
	enabled = true;
	return 0;
}

bool store_enabled(void)
{
	return enabled;
}

/* ---- records ------------------------------------------------------------------ */

/* The run's inventory document, rendered when the inventory record arrives (the
 * model it reads lives only as long as the delivery) and kept to the run's end. */
static char *inventory_doc;
static size_t inventory_len;

static void inventory_keep(const struct inventory_view *v)
{
	free(inventory_doc);
	inventory_doc = NULL;
	inventory_len = 0;
	char *doc = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&doc, &len);
	if (!mem)
		return;
	bool ok = inventory_doc_write_for_store(mem, v, job);
	if (fclose(mem) == 0 && ok && doc) {
		/* the stream's buffer grew by doubling: keep only what the document
		 * needs while the run's end (facts, other sinks) is built (issue 17) */
		char *fit = realloc(doc, len + 1);
		inventory_doc = fit ? fit : doc;
		inventory_len = len;
	} else {
		free(doc);
	}
}

/* The run's facts (REC_FACTS): those new or changed since the last record. A fact
 * names its IED by address; its row links to the IED's row like every other. */
static void facts_rows(const struct facts_record *fr, int64_t ts)
{
	if (!enabled || failed() || !fr->facts)
		return;
	const struct fact_table *t = fr->facts;
	struct ied *d = NULL;
	char last_key[FACT_IED_LEN] = "";
	int64_t id = 0;
	for (size_t i = 0; i < t->n && !failed(); i++) {
		const struct fact *f = &t->v[i];
		if (f->stamp < fr->since)
			continue;
		if (strcmp(f->ied, last_key)) { /* facts come grouped by IED: look each up once */
			struct endpoint ep;
			snprintf(last_key, sizeof(last_key), "%s", f->ied);
			d = fact_ied_endpoint(f->ied, &ep) ? ied_get(&ep, false) : NULL;
			id = ied_id(d, ts);
		}
		if (!id)
			continue;
		db_row_begin(S_FACT);
		db_row_int(1, run_id);
		db_row_text(2, fact_kind_name((enum fact_kind)f->kind));
		bind_ied(3, id);
		db_row_text(4, f->client);
		db_row_text(5, f->name);
		db_row_text(6, f->value);
		db_row_step("fact row");
	}
}

/* One window of an IED's clock offset (analyze/clock.c), for the IED page. */
static void store_clock(const struct clock_record *c)
{
	if (!enabled || failed())
		return;
	struct minute *m = slot_of(c->ied);
	if (!m || m->clock_rows >= MMSW_DB_CLOCK_ROWS) {
		if (m)
			g_stats[STAT_db_cache_full]++;
		return;
	}
	int64_t id = ied_id(c->ied, c->ts);
	if (!id)
		return;
	db_row_begin(S_CLOCK);
	db_row_int(1, run_id);
	bind_ied(2, id);
	db_row_int(3, c->ts);
	db_row_int(4, c->offset_us);
	db_row_int(5, c->samples);
	db_row_step("ied_clock");
	m->clock_rows++;
	maybe_commit();
}

static void store_record(const struct record *r)
{
	switch (r->kind) {
	case REC_REPORT:
		store_report(r->flow, &r->u.report, &r->at);
		break;
	case REC_ASSOC_END:
		store_assoc_end(r->flow, r->u.assoc_end.how);
		break;
	case REC_INVENTORY:
		if (enabled)
			inventory_keep(r->u.inventory.view);
		break;
	case REC_FACTS:
		facts_rows(&r->u.facts, r->at.ts_us);
		break;
	case REC_CLOCK:
		store_clock(&r->u.clock);
		break;
	default:
		break;
	}
}

static void store_sink_init(void)
{
	ied_slot = bus_ied_slot("store");
}

const struct sink store_sink = {
	.name = "store",
	.init = store_sink_init,
	.tcp = store_tcp,
	.mms = store_mms,
	.tick = store_tick,
	.finding = store_finding,
	.record = store_record,
};

/* The capture's last counters, kept for the close's stats JSON. */
static struct live_stats cap_sum;
static bool cap_known;

/* The run's counters as JSON (malloc'd; "{}" when too big): every counter that
 * is not zero, and the capture's when live. */
static char *stats_json(void)
{
	char *stats = malloc(16384);
	if (!stats)
		return NULL;
	struct jw w;
	jw_init(&w, stats, 16383);
	jw_obj(&w, NULL);
	for (int i = 0; i < STAT_COUNT; i++)
		if (g_stats[i])
			jw_u64(&w, stat_name((enum stat_id)i), g_stats[i]);
	if (cap_known) {
		jw_obj(&w, "capture");
		jw_u64(&w, "received", cap_sum.received);
		jw_u64(&w, "kernel_dropped", cap_sum.dropped);
		jw_u64(&w, "interface_dropped", cap_sum.if_dropped);
		jw_obj_end(&w);
	}
	jw_obj_end(&w);
	if (w.overflow)
		snprintf(stats, 16384, "{}");
	else
		stats[w.len] = 0;
	return stats;
}

void store_stats(const struct live_stats *cap, size_t n, const struct eve_output_counts *out, size_t n_out,
		 const char *sensor)
{
	if (!enabled || failed())
		return;
	if (cap && n) {
		memset(&cap_sum, 0, sizeof(cap_sum));
		for (size_t i = 0; i < n; i++) {
			cap_sum.received += cap[i].received;
			cap_sum.dropped += cap[i].dropped;
			cap_sum.if_dropped += cap[i].if_dropped;
		}
		cap_known = true;
	}
	char *stats = stats_json();
	if (stats) {
		db_row_begin(S_RUN_STATS);
		db_row_int(1, run_id);
		db_row_text(2, stats);
		db_row_int(3, (int64_t)time(NULL));
		db_row_text_or_null(4, sensor);
		db_row_int(5, run_packets());
		db_row_int(6, (int64_t)g_stats[STAT_mms_pdus]);
		db_row_step("run stats");
	}
	free(stats);
	for (size_t i = 0; i < n_out && !failed(); i++) {
		const struct eve_out_counts *c = &out[i].n;
		int64_t v[] = { (int64_t)c->produced,     (int64_t)c->sent,         (int64_t)c->dropped,
				(int64_t)c->dropped_full, (int64_t)c->dropped_exit, (int64_t)c->refused,
				(int64_t)c->retried,      (int64_t)c->unheard,      (int64_t)c->reconnects,
				(int64_t)c->depth,        (int64_t)c->capacity,     c->connected };
		/* a --shards job's processes each count their own writes to an output */
		char name[600];
		if (job)
			snprintf(name, sizeof(name), "%.500s (shard %u)", out[i].name, job_shard);
		db_row_begin(S_OUTPUTS);
		db_row_int(1, run_id);
		db_row_text(2, job ? name : out[i].name);
		db_row_int(3, c->network);
		for (int k = 0; k < 12; k++)
			db_row_int(4 + k, v[k]);
		db_row_step("output counters");
	}
	commit_now();
}

void store_finishing(void)
{
	/* The commits from here on are the last stretch's, one core's work. An
	 * automatic checkpoint after one of them (once the WAL holds 1,000 pages:
	 * two fsyncs) only comes before store_close's own, which makes the same
	 * two. */
	if (enabled && !failed())
		db_writer_exec("PRAGMA wal_autocheckpoint=0");
}

int store_close(bool ok, int64_t last_ts)
{
	if (!enabled)
		return 0;
	progress(last_ts);
	for (size_t i = 0; i < n_minutes; i++)
		minute_flush(&minutes[i]);
	for (size_t i = 0; i < n_rcbsecs; i++)
		rcbsec_flush(&rcbsecs[i]);
	rcb_rows_write_all();
	if (!failed())
		ied_foreach(rcb_rows, &last_ts);
	if (!failed() && inventory_doc) {
		db_row_begin(S_INVENTORY);
		db_row_int(1, run_id);
		db_row_text_len(2, inventory_doc, inventory_len);
		db_row_step("inventory");
	}
	free(inventory_doc);
	inventory_doc = NULL;
	if (!failed()) {
		char *stats = stats_json();
		if (stats) {
			db_row_begin(S_RUN_END);
			db_row_int(1, run_id);
			db_row_int(2, (int64_t)time(NULL));
			db_row_text(3, ok ? "done" : "failed");
			db_row_int(4, progress_first);
			db_row_int(5, progress_last);
			db_row_int(6, run_packets());
			db_row_int(7, (int64_t)g_stats[STAT_mms_pdus]);
			db_row_text(8, stats);
			db_row_step("run row");
		}
		free(stats);
	}
	db_writer_exec("COMMIT");
	db_writer_close(); /* everything executed: the connection is this thread's */
	if (failed())
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	finalize_all();
	/* A clean close folds the WAL back into the database file. */
	sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	bool closed = sqlite3_close(db) == SQLITE_OK;
	db = NULL;
	enabled = false;
	free(rcbsec_colds);
	rcbsec_colds = NULL;
	for (size_t i = 0; i < n_minutes; i++)
		free(minutes[i].prev);
	n_rcbsecs = n_minutes = 0;
	memset(rcbsec_hash, 0, sizeof(rcbsec_hash));
	memset(stream_row, 0, sizeof(stream_row));
	return failed() || !closed ? -1 : 0;
}

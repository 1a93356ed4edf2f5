/* SPDX-License-Identifier: GPL-2.0-or-later */
/* api.c - the /api/v1/ endpoints of docs/api.md over the SQLite store.
 *
 * Every SQL text is a constant of this file; request values only ever reach
 * SQLite as bound parameters. Optional filters are written as
 * "(?N IS NULL OR column = ?N)" and left unbound (NULL) when absent, so one
 * statement serves every combination. A reply is written with the JSON writer
 * into a buffer; when a reply outgrows it, the buffer grows and the (read-only,
 * repeatable) handler runs again, up to MMSW_WEB_REPLY_MAX. */
#include "web/api.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "util/limits.h"
#include "web/rcb_points.h"

static const char *const SEVERITY[] = { "info", "low", "medium", "high", "critical" };
#define N_SEVERITY 5

struct req {
	sqlite3 *db;
	api_param_fn param;
	void *ctx;
	struct jw *w;
	const char *error; /* set with a 4xx/5xx status: the reply is {"error": ...} */
	char errbuf[160];
};

/* ---- replies and parameters ------------------------------------------------ */

static int fail(struct req *q, int status, const char *msg)
{
	q->error = msg;
	return status;
}

/* A message naming one of our parameters (never the request's value). */
static int fail_param(struct req *q, const char *name, const char *what)
{
	snprintf(q->errbuf, sizeof(q->errbuf), "parameter '%s' %s", name, what);
	q->error = q->errbuf;
	return 400;
}

static int db_fail(struct req *q)
{
	return fail(q, 500, "database error");
}

/* A non-negative decimal integer: digits only, at most 18 of them. */
static bool parse_uint(const char *s, int64_t *out)
{
	int64_t v = 0;
	size_t n = 0;
	for (; s[n]; n++) {
		if (s[n] < '0' || s[n] > '9' || n >= 18)
			return false;
		v = v * 10 + (s[n] - '0');
	}
	if (!n)
		return false;
	*out = v;
	return true;
}

/* Optional integer parameter: false (and q->error) when present but bad. */
static bool opt_int(struct req *q, const char *name, bool *have, int64_t *v)
{
	const char *s = q->param(q->ctx, name);
	*have = false;
	*v = 0;
	if (!s)
		return true;
	if (!parse_uint(s, v)) {
		fail_param(q, name, "must be a non-negative integer");
		return false;
	}
	*have = true;
	return true;
}

static int severity_rank(const char *s)
{
	for (int i = 0; i < N_SEVERITY; i++)
		if (!strcmp(s, SEVERITY[i]))
			return i;
	return -1;
}

static bool opt_severity(struct req *q, const char *name, bool *have, int64_t *v)
{
	const char *s = q->param(q->ctx, name);
	*have = false;
	if (!s)
		return true;
	int r = severity_rank(s);
	if (r < 0) {
		fail_param(q, name, "must be one of info, low, medium, high, critical");
		return false;
	}
	*have = true;
	*v = r;
	return true;
}

struct page {
	int64_t limit, offset;
};

static bool paging(struct req *q, struct page *p)
{
	bool have;
	if (!opt_int(q, "limit", &have, &p->limit))
		return false;
	if (!have)
		p->limit = MMSW_WEB_PAGE_DEFAULT;
	else if (p->limit > MMSW_WEB_PAGE_MAX) {
		fail_param(q, "limit", "must be at most 1000");
		return false;
	}
	return opt_int(q, "offset", &have, &p->offset);
}

static void bind_opt(sqlite3_stmt *s, int i, bool have, int64_t v)
{
	if (have)
		sqlite3_bind_int64(s, i, v);
}

static sqlite3_stmt *prepare(struct req *q, const char *sql)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(q->db, sql, -1, &s, NULL) != SQLITE_OK) {
		sqlite3_finalize(s);
		return NULL;
	}
	return s;
}

/* One integer from a query (or -1 when it yields no row or NULL). */
static int64_t scalar(struct req *q, sqlite3_stmt *s, bool *ok)
{
	int64_t v = -1;
	int rc = sqlite3_step(s);
	*ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
	if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	(void)q;
	return v;
}

/* ---- columns to JSON ---------------------------------------------------------- */

/* How a column is written: as stored, as a boolean, as JSON text the sensor
 * wrote itself (inputs, details, evidence, inventory), or as an unsigned 64-bit
 * number stored in SQLite's signed INTEGER (flow ids). */
enum col_kind { C_VAL, C_BOOL, C_JSON, C_U64 };
struct col {
	const char *key;
	enum col_kind kind;
};

static void put_col(struct jw *w, const char *key, enum col_kind kind, sqlite3_stmt *s, int i)
{
	int type = sqlite3_column_type(s, i);
	if (type == SQLITE_NULL) {
		jw_null(w, key);
		return;
	}
	switch (kind) {
	case C_BOOL:
		jw_bool(w, key, sqlite3_column_int64(s, i) != 0);
		return;
	case C_U64:
		jw_u64(w, key, (uint64_t)sqlite3_column_int64(s, i));
		return;
	case C_JSON: {
		const char *t = (const char *)sqlite3_column_text(s, i);
		int n = sqlite3_column_bytes(s, i);
		if (t && n > 0)
			jw_raw(w, key, t, (size_t)n);
		else
			jw_null(w, key);
		return;
	}
	case C_VAL:
		break;
	}
	if (type == SQLITE_INTEGER) {
		jw_i64(w, key, sqlite3_column_int64(s, i));
	} else if (type == SQLITE_FLOAT) {
		jw_double(w, key, sqlite3_column_double(s, i));
	} else {
		const unsigned char *t = sqlite3_column_text(s, i);
		jw_strn(w, key, t ? t : (const unsigned char *)"", (size_t)sqlite3_column_bytes(s, i));
	}
}

/* Columns first .. first + n - 1 as members of the open object. */
static void put_cols(struct jw *w, sqlite3_stmt *s, int first, const struct col *cols, int n)
{
	for (int k = 0; k < n; k++)
		put_col(w, cols[k].key, cols[k].kind, s, first + k);
}

#define NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* shards: N for a --shards job's run (its N processes' counters totalled), else null */
#define RUN_SQL \
	"id, started_wall, ended_wall, mode, inputs, version, status, first_ts, last_ts, packets, mms_pdus, shards"
static const struct col RUN_COLS[] = {
	{ "id", C_VAL },      { "started_wall", C_VAL }, { "ended_wall", C_VAL }, { "mode", C_VAL },
	{ "inputs", C_JSON }, { "version", C_VAL },      { "status", C_VAL },     { "first_ts", C_VAL },
	{ "last_ts", C_VAL }, { "packets", C_VAL },      { "mms_pdus", C_VAL },   { "shards", C_VAL },
};

#define IED_SQL \
	"i.id, i.ip, i.port, i.vlan, i.name, i.vendor, i.model, i.revision, i.first_seen, i.last_seen," \
	" i.assoc_limit, i.limit_inferred, i.peak_assocs"
static const struct col IED_COLS[] = {
	{ "id", C_VAL },          { "ip", C_VAL },        { "port", C_VAL },        { "vlan", C_VAL },
	{ "name", C_VAL },        { "vendor", C_VAL },    { "model", C_VAL },       { "revision", C_VAL },
	{ "first_seen", C_VAL },  { "last_seen", C_VAL }, { "assoc_limit", C_VAL }, { "limit_inferred", C_BOOL },
	{ "peak_assocs", C_VAL },
};
/* Findings per severity of the IED in column 0 of the row (i.id). */
#define IED_COUNTS_SQL \
	", (SELECT count(*) FROM findings f WHERE f.ied_id = i.id AND f.severity_rank = 0)" \
	", (SELECT count(*) FROM findings f WHERE f.ied_id = i.id AND f.severity_rank = 1)" \
	", (SELECT count(*) FROM findings f WHERE f.ied_id = i.id AND f.severity_rank = 2)" \
	", (SELECT count(*) FROM findings f WHERE f.ied_id = i.id AND f.severity_rank = 3)" \
	", (SELECT count(*) FROM findings f WHERE f.ied_id = i.id AND f.severity_rank = 4)"

#define IEDREF_SQL "i.id, i.ip, i.port, i.vlan, i.name"
static const struct col IEDREF_COLS[] = {
	{ "id", C_VAL }, { "ip", C_VAL }, { "port", C_VAL }, { "vlan", C_VAL }, { "name", C_VAL },
};

#define FINDING_SQL \
	"f.id, f.run_id, f.kind, f.severity, f.first_seen, f.last_seen, f.count, " IEDREF_SQL \
	", f.client, f.flow_id, f.object, f.summary"
static const struct col FINDING_HEAD[] = {
	{ "id", C_VAL },         { "run_id", C_VAL },    { "kind", C_VAL },  { "severity", C_VAL },
	{ "first_seen", C_VAL }, { "last_seen", C_VAL }, { "count", C_VAL },
};
static const struct col FINDING_TAIL[] = {
	{ "client", C_VAL },
	{ "flow_id", C_U64 },
	{ "object", C_VAL },
	{ "summary", C_VAL },
};

#define RCB_SQL \
	"id, ref, rptid, datset, buffered, trgops, intgpd_ms, buftm_ms, optflds, confrev, rptena," \
	" reports, updated_ts"
static const struct col RCB_COLS[] = {
	{ "id", C_VAL },         { "ref", C_VAL },     { "rptid", C_VAL },     { "datset", C_VAL },
	{ "buffered", C_BOOL },  { "trgops", C_VAL },  { "intgpd_ms", C_VAL }, { "buftm_ms", C_VAL },
	{ "optflds", C_VAL },    { "confrev", C_VAL }, { "rptena", C_BOOL },   { "reports", C_VAL },
	{ "updated_ts", C_VAL },
};

/* IEDREF at column `first`, or null when the row has no IED (LEFT JOIN). */
static void put_iedref(struct jw *w, sqlite3_stmt *s, int first)
{
	if (sqlite3_column_type(s, first) == SQLITE_NULL) {
		jw_null(w, "ied");
		return;
	}
	jw_obj(w, "ied");
	put_cols(w, s, first, IEDREF_COLS, NCOLS(IEDREF_COLS));
	jw_obj_end(w);
}

/* Each row of s as an object of cols, into the array the caller opened; s is
 * finalized. False when stepping failed. */
static bool put_rows(struct jw *w, sqlite3_stmt *s, const struct col *cols, int n)
{
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		jw_obj(w, NULL);
		put_cols(w, s, 0, cols, n);
		jw_obj_end(w);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE;
}

/* A finding row of FINDING_SQL (16 columns) as members of the open object. */
static void put_finding(struct jw *w, sqlite3_stmt *s)
{
	put_cols(w, s, 0, FINDING_HEAD, NCOLS(FINDING_HEAD));
	put_iedref(w, s, 7);
	put_cols(w, s, 12, FINDING_TAIL, NCOLS(FINDING_TAIL));
}

/* {"info": n, ...} from five count columns, and the health they add up to. */
static void put_counts_health(struct jw *w, sqlite3_stmt *s, int first)
{
	int64_t n[N_SEVERITY];
	jw_obj(w, "findings");
	for (int i = 0; i < N_SEVERITY; i++) {
		n[i] = sqlite3_column_int64(s, first + i);
		jw_i64(w, SEVERITY[i], n[i]);
	}
	jw_obj_end(w);
	jw_str(w, "health", n[3] + n[4] ? "bad" : n[1] + n[2] ? "warn" : "ok");
}

/* The {items, total, limit, offset} envelope: items are written by the caller
 * between page_open and page_close. */
static void page_open(struct jw *w)
{
	jw_obj(w, NULL);
	jw_arr(w, "items");
}

static void page_close(struct jw *w, int64_t total, const struct page *p)
{
	jw_arr_end(w);
	jw_i64(w, "total", total);
	jw_i64(w, "limit", p->limit);
	jw_i64(w, "offset", p->offset);
	jw_obj_end(w);
}

/* Does IED `id` exist? -1 on a database error. */
static int ied_exists(struct req *q, int64_t id)
{
	sqlite3_stmt *s = prepare(q, "SELECT count(*) FROM ieds WHERE id = ?1");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	bool ok;
	int64_t n = scalar(q, s, &ok);
	return ok ? n > 0 : -1;
}

/* ---- endpoints ---------------------------------------------------------------- */

static int overview(struct req *q)
{
	bool have_run, ok;
	int64_t run;
	if (!opt_int(q, "run", &have_run, &run))
		return 400;
	sqlite3_stmt *s = prepare(q, have_run ? "SELECT id FROM runs WHERE id = ?1" : "SELECT max(id) FROM runs");
	if (!s)
		return db_fail(q);
	bind_opt(s, 1, have_run, run);
	run = scalar(q, s, &ok);
	if (!ok)
		return db_fail(q);
	if (have_run && run < 0)
		return fail(q, 404, "no such run");
	if (!(s = prepare(q, "SELECT count(*) FROM runs")))
		return db_fail(q);
	int64_t runs = scalar(q, s, &ok);
	int64_t sev[N_SEVERITY] = { 0 };
	if (!(s = prepare(q, "SELECT severity_rank, count(*) FROM findings WHERE run_id = ?1 GROUP BY 1")))
		return db_fail(q);
	sqlite3_bind_int64(s, 1, run);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t r = sqlite3_column_int64(s, 0);
		if (r >= 0 && r < N_SEVERITY)
			sev[r] = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return db_fail(q);
	/* The IEDs this run saw: in its minute rows, associations or findings. */
	if (!(s = prepare(q,
			  "SELECT count(*) FROM (SELECT ied_id FROM ied_minute WHERE run_id = ?1"
			  " UNION SELECT ied_id FROM associations WHERE run_id = ?1"
			  " UNION SELECT ied_id FROM findings WHERE run_id = ?1 AND ied_id IS NOT NULL)")))
		return db_fail(q);
	sqlite3_bind_int64(s, 1, run);
	int64_t ieds = scalar(q, s, &ok);
	if (!(s = prepare(q, "SELECT count(*) FROM associations WHERE run_id = ?1")))
		return db_fail(q);
	sqlite3_bind_int64(s, 1, run);
	int64_t assocs = scalar(q, s, &ok);
	if (!(s = prepare(q, "SELECT mms_pdus FROM runs WHERE id = ?1")))
		return db_fail(q);
	sqlite3_bind_int64(s, 1, run);
	int64_t pdus = scalar(q, s, &ok);

	struct jw *w = q->w;
	jw_obj(w, NULL);
	jw_i64(w, "runs", runs);
	if (run >= 0)
		jw_i64(w, "run", run);
	else
		jw_null(w, "run");
	jw_obj(w, "findings_by_severity");
	for (int i = 0; i < N_SEVERITY; i++)
		jw_i64(w, SEVERITY[i], sev[i]);
	jw_obj_end(w);
	jw_i64(w, "ieds", ieds < 0 ? 0 : ieds);
	jw_i64(w, "associations", assocs < 0 ? 0 : assocs);
	jw_i64(w, "mms_pdus", pdus < 0 ? 0 : pdus);
	jw_obj_end(w);
	return 200;
}

static int runs_list(struct req *q)
{
	struct page p;
	bool ok;
	if (!paging(q, &p))
		return 400;
	sqlite3_stmt *s = prepare(q, "SELECT count(*) FROM runs");
	if (!s)
		return db_fail(q);
	int64_t total = scalar(q, s, &ok);
	if (!(s = prepare(q, "SELECT " RUN_SQL " FROM runs ORDER BY id DESC LIMIT ?1 OFFSET ?2")))
		return db_fail(q);
	sqlite3_bind_int64(s, 1, p.limit);
	sqlite3_bind_int64(s, 2, p.offset);
	page_open(q->w);
	if (!put_rows(q->w, s, RUN_COLS, NCOLS(RUN_COLS)))
		return db_fail(q);
	page_close(q->w, total, &p);
	return 200;
}

#define FINDINGS_WHERE \
	" WHERE (?1 IS NULL OR f.run_id = ?1) AND (?2 IS NULL OR f.kind = ?2)" \
	" AND (?3 IS NULL OR f.severity_rank = ?3) AND (?4 IS NULL OR f.severity_rank >= ?4)" \
	" AND (?5 IS NULL OR f.ied_id = ?5) AND (?6 IS NULL OR f.last_seen >= ?6)" \
	" AND (?7 IS NULL OR f.last_seen <= ?7) AND (?8 IS NULL OR f.id > ?8)"

static int findings_list(struct req *q)
{
	struct page p;
	bool h[8];
	int64_t v[8];
	const char *kind = q->param(q->ctx, "kind");
	if (!paging(q, &p) || !opt_int(q, "run", &h[0], &v[0]) || !opt_severity(q, "severity", &h[2], &v[2]) ||
	    !opt_severity(q, "min_severity", &h[3], &v[3]) || !opt_int(q, "ied", &h[4], &v[4]) ||
	    !opt_int(q, "since", &h[5], &v[5]) || !opt_int(q, "until", &h[6], &v[6]) ||
	    !opt_int(q, "after_id", &h[7], &v[7]))
		return 400;
	h[1] = false;
	v[1] = 0;
	sqlite3_stmt *c = prepare(q, "SELECT count(*) FROM findings f" FINDINGS_WHERE);
	/* Polling for new findings reads oldest first, so nothing is skipped between polls. */
	sqlite3_stmt *s = prepare(
		q,
		h[7] ? "SELECT " FINDING_SQL " FROM findings f LEFT JOIN ieds i ON i.id = f.ied_id" FINDINGS_WHERE
		       " ORDER BY f.id ASC LIMIT ?9 OFFSET ?10"
		     : "SELECT " FINDING_SQL " FROM findings f LEFT JOIN ieds i ON i.id = f.ied_id" FINDINGS_WHERE
		       " ORDER BY f.last_seen DESC, f.id DESC LIMIT ?9 OFFSET ?10");
	if (!c || !s) {
		sqlite3_finalize(c);
		sqlite3_finalize(s);
		return db_fail(q);
	}
	for (int i = 0; i < 8; i++) {
		bind_opt(c, i + 1, h[i], v[i]);
		bind_opt(s, i + 1, h[i], v[i]);
	}
	if (kind) {
		sqlite3_bind_text(c, 2, kind, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 2, kind, -1, SQLITE_TRANSIENT);
	}
	sqlite3_bind_int64(s, 9, p.limit);
	sqlite3_bind_int64(s, 10, p.offset);
	bool ok;
	int64_t total = scalar(q, c, &ok);
	if (!ok) {
		sqlite3_finalize(s);
		return db_fail(q);
	}
	page_open(q->w);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		jw_obj(q->w, NULL);
		put_finding(q->w, s);
		jw_obj_end(q->w);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return db_fail(q);
	page_close(q->w, total, &p);
	return 200;
}

static int finding_one(struct req *q, int64_t id)
{
	sqlite3_stmt *s = prepare(q,
				  "SELECT " FINDING_SQL ", f.details, f.evidence, f.evidence_total, f.tshark_filter,"
				  " p.name, p.sha256, p.frames, p.redacted"
				  " FROM findings f LEFT JOIN ieds i ON i.id = f.ied_id"
				  " LEFT JOIN finding_pcaps p ON p.finding_id = f.id WHERE f.id = ?1");
	if (!s)
		return db_fail(q);
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		return rc == SQLITE_DONE ? fail(q, 404, "no such finding") : db_fail(q);
	}
	static const struct col more[] = {
		{ "details", C_JSON },
		{ "evidence", C_JSON },
		{ "evidence_total", C_VAL },
		{ "tshark_filter", C_VAL },
	};
	static const struct col slice[] = {
		{ "name", C_VAL },
		{ "sha256", C_VAL },
		{ "frames", C_VAL },
		{ "redacted", C_BOOL },
	};
	jw_obj(q->w, NULL);
	put_finding(q->w, s);
	put_cols(q->w, s, 16, more, NCOLS(more));
	/* Its evidence slice (--evidence), served by /findings/ID/pcap. */
	if (sqlite3_column_type(s, 20) != SQLITE_NULL) {
		jw_obj(q->w, "evidence_pcap");
		put_cols(q->w, s, 20, slice, NCOLS(slice));
		jw_obj_end(q->w);
	} else {
		jw_null(q->w, "evidence_pcap");
	}
	jw_obj_end(q->w);
	sqlite3_finalize(s);
	return 200;
}

static int kinds(struct req *q)
{
	bool have_run;
	int64_t run;
	if (!opt_int(q, "run", &have_run, &run))
		return 400;
	sqlite3_stmt *s = prepare(q,
				  "SELECT kind, count(*), max(severity_rank) FROM findings"
				  " WHERE (?1 IS NULL OR run_id = ?1) GROUP BY kind ORDER BY kind");
	if (!s)
		return db_fail(q);
	bind_opt(s, 1, have_run, run);
	jw_arr(q->w, NULL);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t r = sqlite3_column_int64(s, 2);
		jw_obj(q->w, NULL);
		put_col(q->w, "kind", C_VAL, s, 0);
		put_col(q->w, "count", C_VAL, s, 1);
		jw_str(q->w, "max_severity", SEVERITY[r >= 0 && r < N_SEVERITY ? r : 0]);
		jw_obj_end(q->w);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return db_fail(q);
	jw_arr_end(q->w);
	return 200;
}

/* Finding counts per severity of IED i.id, in run ?3 (NULL: every run). */
#define IED_RUN_COUNTS_SQL \
	", (SELECT count(*) FROM findings f WHERE f.ied_id = i.id AND f.severity_rank = 0 AND (?3 IS NULL OR f.run_id = ?3))" \
	", (SELECT count(*) FROM findings f WHERE f.ied_id = i.id AND f.severity_rank = 1 AND (?3 IS NULL OR f.run_id = ?3))" \
	", (SELECT count(*) FROM findings f WHERE f.ied_id = i.id AND f.severity_rank = 2 AND (?3 IS NULL OR f.run_id = ?3))" \
	", (SELECT count(*) FROM findings f WHERE f.ied_id = i.id AND f.severity_rank = 3 AND (?3 IS NULL OR f.run_id = ?3))" \
	", (SELECT count(*) FROM findings f WHERE f.ied_id = i.id AND f.severity_rank = 4 AND (?3 IS NULL OR f.run_id = ?3))"
/* With a run, only the IEDs that run saw (traffic, connection attempts or findings). */
#define IED_IN_RUN_SQL \
	" WHERE ?3 IS NULL OR EXISTS (SELECT 1 FROM ied_minute m WHERE m.ied_id = i.id AND m.run_id = ?3)" \
	" OR EXISTS (SELECT 1 FROM findings f WHERE f.ied_id = i.id AND f.run_id = ?3)" \
	" OR EXISTS (SELECT 1 FROM associations a WHERE a.ied_id = i.id AND a.run_id = ?3)"

static int ieds_list(struct req *q)
{
	struct page p;
	bool ok, have_run;
	int64_t run;
	if (!paging(q, &p) || !opt_int(q, "run", &have_run, &run))
		return 400;
	sqlite3_stmt *s = prepare(q, "SELECT count(*) FROM ieds i" IED_IN_RUN_SQL);
	if (!s)
		return db_fail(q);
	bind_opt(s, 3, have_run, run);
	int64_t total = scalar(q, s, &ok);
	if (!(s = prepare(q,
			  "SELECT " IED_SQL IED_RUN_COUNTS_SQL " FROM ieds i" IED_IN_RUN_SQL
			  " ORDER BY i.id LIMIT ?1 OFFSET ?2")))
		return db_fail(q);
	sqlite3_bind_int64(s, 1, p.limit);
	sqlite3_bind_int64(s, 2, p.offset);
	bind_opt(s, 3, have_run, run);
	page_open(q->w);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		jw_obj(q->w, NULL);
		put_cols(q->w, s, 0, IED_COLS, NCOLS(IED_COLS));
		put_counts_health(q->w, s, NCOLS(IED_COLS));
		jw_obj_end(q->w);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return db_fail(q);
	page_close(q->w, total, &p);
	return 200;
}

/* The RCBs of an IED as an array (member `key`, or a bare value when NULL). */
static int put_rcbs(struct req *q, const char *key, int64_t ied)
{
	sqlite3_stmt *s = prepare(q, "SELECT " RCB_SQL " FROM rcbs WHERE ied_id = ?1 ORDER BY ref");
	if (!s)
		return db_fail(q);
	sqlite3_bind_int64(s, 1, ied);
	jw_arr(q->w, key);
	if (!put_rows(q->w, s, RCB_COLS, NCOLS(RCB_COLS)))
		return db_fail(q);
	jw_arr_end(q->w);
	return 200;
}

/* Latency per service of one run: the given one, else the newest run that
 * measured this IED ("all" first). */
static int put_latency(struct req *q, const char *key, int64_t ied, bool have_run, int64_t run)
{
	sqlite3_stmt *s = prepare(q,
				  "SELECT service, count, p50_us, p95_us, p99_us, max_us FROM latency"
				  " WHERE ied_id = ?1 AND run_id = COALESCE(?2, (SELECT max(run_id) FROM latency"
				  " WHERE ied_id = ?1)) ORDER BY service <> 'all', service");
	if (!s)
		return db_fail(q);
	static const struct col cols[] = {
		{ "service", C_VAL }, { "count", C_VAL },  { "p50_us", C_VAL },
		{ "p95_us", C_VAL },  { "p99_us", C_VAL }, { "max_us", C_VAL },
	};
	sqlite3_bind_int64(s, 1, ied);
	bind_opt(s, 2, have_run, run);
	jw_arr(q->w, key);
	if (!put_rows(q->w, s, cols, NCOLS(cols)))
		return db_fail(q);
	jw_arr_end(q->w);
	return 200;
}

/* This IED's object in the newest inventory that lists it (address, port and
 * the VLAN tags joined with '.', as the ieds table keeps them), else null. */
static void put_ied_inventory(struct req *q, int64_t ied)
{
	sqlite3_stmt *s = prepare(
		q,
		"SELECT e.value FROM inventory v, json_each(v.json, '$.ieds') e, ieds i"
		" WHERE i.id = ?1 AND json_valid(v.json) AND json_extract(e.value, '$.address') = i.ip"
		" AND json_extract(e.value, '$.port') = i.port"
		" AND COALESCE((SELECT group_concat(x.value, '.') FROM json_each(e.value, '$.vlan') x), '') = i.vlan"
		" ORDER BY v.run_id DESC LIMIT 1");
	if (s) {
		sqlite3_bind_int64(s, 1, ied);
		if (sqlite3_step(s) == SQLITE_ROW) {
			put_col(q->w, "inventory", C_JSON, s, 0);
			sqlite3_finalize(s);
			return;
		}
		sqlite3_finalize(s);
	}
	jw_null(q->w, "inventory");
}

/* "design": the statement's one row as an object, or null when the design has
 * no such thing (or the database no design tables); s may be NULL, and is
 * finalized. */
static void put_design_row(struct req *q, sqlite3_stmt *s, const struct col *cols, size_t n)
{
	if (s && sqlite3_step(s) == SQLITE_ROW) {
		jw_obj(q->w, "design");
		put_cols(q->w, s, 0, cols, n);
		jw_obj_end(q->w);
	} else {
		jw_null(q->w, "design");
	}
	sqlite3_finalize(s);
}

/* The design's IED at this IED's address (--scl, tables of migration 3): from
 * the newest design that has a ConnectedAP there, else null. */
static void put_ied_design(struct req *q, int64_t ied)
{
	sqlite3_stmt *s = prepare(
		q,
		"SELECT d.name, d.desc, d.manufacturer, d.type, d.config_version, d.file, a.design_id, a.access_point"
		" FROM design_addresses a JOIN design_ieds d ON d.design_id = a.design_id AND d.name = a.ied, ieds i"
		" WHERE i.id = ?1 AND a.ip = i.ip AND a.port = i.port ORDER BY a.design_id DESC LIMIT 1");
	if (s) {
		sqlite3_bind_int64(s, 1, ied);
	}
	static const struct col cols[] = {
		{ "name", C_VAL },           { "desc", C_VAL }, { "manufacturer", C_VAL }, { "type", C_VAL },
		{ "config_version", C_VAL }, { "file", C_VAL }, { "design_id", C_VAL },    { "access_point", C_VAL },
	};
	put_design_row(q, s, cols, NCOLS(cols));
}

static int ied_one(struct req *q, int64_t id)
{
	sqlite3_stmt *s = prepare(q, "SELECT " IED_SQL IED_COUNTS_SQL " FROM ieds i WHERE i.id = ?1");
	if (!s)
		return db_fail(q);
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		return rc == SQLITE_DONE ? fail(q, 404, "no such IED") : db_fail(q);
	}
	jw_obj(q->w, NULL);
	put_cols(q->w, s, 0, IED_COLS, NCOLS(IED_COLS));
	put_counts_health(q->w, s, NCOLS(IED_COLS));
	sqlite3_finalize(s);
	int st = put_rcbs(q, "rcbs", id);
	if (st == 200)
		st = put_latency(q, "latency", id, false, 0);
	if (st != 200)
		return st;
	put_ied_inventory(q, id);
	put_ied_design(q, id);
	jw_obj_end(q->w);
	return 200;
}

static int ied_minutes(struct req *q, int64_t id)
{
	bool hr, hf, ht;
	int64_t run, from, to;
	if (!opt_int(q, "run", &hr, &run) || !opt_int(q, "from", &hf, &from) || !opt_int(q, "to", &ht, &to))
		return 400;
	/* Without run, several runs over the same minute add up (latency: the worst);
	 * past a week, the newest week. */
	sqlite3_stmt *s = prepare(
		q,
		"SELECT * FROM (SELECT minute, sum(pdus), sum(reports), sum(requests), sum(errors), sum(conn_attempts),"
		" max(assocs_max), max(lat_p50_us), max(lat_p95_us), max(lat_p99_us) FROM ied_minute"
		" WHERE ied_id = ?1 AND (?2 IS NULL OR run_id = ?2) AND (?3 IS NULL OR minute >= ?3)"
		" AND (?4 IS NULL OR minute <= ?4) GROUP BY minute ORDER BY minute DESC LIMIT ?5) ORDER BY minute");
	if (!s)
		return db_fail(q);
	static const struct col cols[] = {
		{ "minute", C_VAL },     { "pdus", C_VAL },          { "reports", C_VAL },    { "requests", C_VAL },
		{ "errors", C_VAL },     { "conn_attempts", C_VAL }, { "assocs_max", C_VAL }, { "lat_p50_us", C_VAL },
		{ "lat_p95_us", C_VAL }, { "lat_p99_us", C_VAL },
	};
	sqlite3_bind_int64(s, 1, id);
	bind_opt(s, 2, hr, run);
	bind_opt(s, 3, hf, from);
	bind_opt(s, 4, ht, to);
	sqlite3_bind_int64(s, 5, MMSW_WEB_MINUTES_MAX);
	jw_arr(q->w, NULL);
	if (!put_rows(q->w, s, cols, NCOLS(cols)))
		return db_fail(q);
	jw_arr_end(q->w);
	return 200;
}

static int ied_associations(struct req *q, int64_t id)
{
	struct page p;
	bool hr, ok;
	int64_t run;
	if (!paging(q, &p) || !opt_int(q, "run", &hr, &run))
		return 400;
	sqlite3_stmt *c =
		prepare(q, "SELECT count(*) FROM associations WHERE ied_id = ?1 AND (?2 IS NULL OR run_id = ?2)");
	sqlite3_stmt *s =
		prepare(q,
			"SELECT id, run_id, flow_id, client_ip, client_port, start_ts, end_ts, ended, packets,"
			" bytes FROM associations WHERE ied_id = ?1 AND (?2 IS NULL OR run_id = ?2)"
			" ORDER BY start_ts DESC, id DESC LIMIT ?3 OFFSET ?4");
	if (!c || !s) {
		sqlite3_finalize(c);
		sqlite3_finalize(s);
		return db_fail(q);
	}
	static const struct col cols[] = {
		{ "id", C_VAL },          { "run_id", C_VAL },   { "flow_id", C_U64 }, { "client_ip", C_VAL },
		{ "client_port", C_VAL }, { "start_ts", C_VAL }, { "end_ts", C_VAL },  { "ended", C_VAL },
		{ "packets", C_VAL },     { "bytes", C_VAL },
	};
	sqlite3_bind_int64(c, 1, id);
	bind_opt(c, 2, hr, run);
	sqlite3_bind_int64(s, 1, id);
	bind_opt(s, 2, hr, run);
	sqlite3_bind_int64(s, 3, p.limit);
	sqlite3_bind_int64(s, 4, p.offset);
	int64_t total = scalar(q, c, &ok);
	page_open(q->w);
	if (!put_rows(q->w, s, cols, NCOLS(cols)) || !ok)
		return db_fail(q);
	page_close(q->w, total, &p);
	return 200;
}

static int ied_latency(struct req *q, int64_t id)
{
	bool hr;
	int64_t run;
	if (!opt_int(q, "run", &hr, &run))
		return 400;
	return put_latency(q, NULL, id, hr, run);
}

/* The IED's clock offset over time (ied_clock rows) of one run: the given one,
 * else the newest run that measured it. */
static int ied_clock(struct req *q, int64_t id)
{
	bool hr;
	int64_t run;
	if (!opt_int(q, "run", &hr, &run))
		return 400;
	sqlite3_stmt *s = prepare(q,
				  "SELECT ts, offset_us, samples FROM ied_clock WHERE ied_id = ?1 AND run_id ="
				  " COALESCE(?2, (SELECT max(run_id) FROM ied_clock WHERE ied_id = ?1)) ORDER BY ts");
	if (!s)
		return db_fail(q);
	static const struct col cols[] = { { "ts", C_VAL }, { "offset_us", C_VAL }, { "samples", C_VAL } };
	sqlite3_bind_int64(s, 1, id);
	bind_opt(s, 2, hr, run);
	jw_arr(q->w, NULL);
	if (!put_rows(q->w, s, cols, NCOLS(cols)))
		return db_fail(q);
	jw_arr_end(q->w);
	return 200;
}

static int ied_route(struct req *q, const char *rest)
{
	int64_t id;
	char num[24];
	size_t n = strcspn(rest, "/");
	if (n == 0 || n >= sizeof(num))
		return fail(q, 404, "not found");
	memcpy(num, rest, n);
	num[n] = 0;
	if (!parse_uint(num, &id))
		return fail(q, 404, "not found");
	const char *sub = rest + n;
	if (!*sub)
		return ied_one(q, id);
	int exists = ied_exists(q, id);
	if (exists < 0)
		return db_fail(q);
	if (!strcmp(sub, "/minutes") || !strcmp(sub, "/associations") || !strcmp(sub, "/rcbs") ||
	    !strcmp(sub, "/latency") || !strcmp(sub, "/clock")) {
		if (!exists)
			return fail(q, 404, "no such IED");
	} else {
		return fail(q, 404, "not found");
	}
	if (!strcmp(sub, "/minutes"))
		return ied_minutes(q, id);
	if (!strcmp(sub, "/associations"))
		return ied_associations(q, id);
	if (!strcmp(sub, "/rcbs"))
		return put_rcbs(q, NULL, id);
	if (!strcmp(sub, "/clock"))
		return ied_clock(q, id);
	return ied_latency(q, id);
}

/* The findings that mark an RCB's timeline (docs/api.md). */
static const char MARKS_SQL[] =
	"SELECT id, kind, first_seen, last_seen, summary FROM findings WHERE ied_id = ?1"
	" AND (?2 IS NULL OR run_id = ?2) AND (kind = 'capture_loss' OR (object = ?3 AND kind IN"
	" ('report_sequence_gap', 'report_sequence_restart', 'integrity_late')))"
	" AND (?4 IS NULL OR last_seen >= ?4 * 1000000) AND (?5 IS NULL OR first_seen < (?5 + 1) * 1000000)"
	" ORDER BY first_seen, id LIMIT ?6";

/* What the design says of an RCB instance (mms: "LD/LLN0$RP$name01"): the design
 * of the run shown, else the newest with a ConnectedAP at the IED's address; an
 * indexed RCB answers for its instances name01..name99. With it the member names
 * of the dataset in force (the DatSet observed, else the designed one). Null
 * when no design has it. */
static void put_rcb_design(struct req *q, int64_t ied, const char *mms, bool have_run, int64_t run)
{
	sqlite3_stmt *s = prepare(
		q,
		"SELECT r.ied, r.ref, r.buffered, r.indexed, r.max, r.confrev, r.datset, r.rptid, r.trgops, r.optflds,"
		" r.intgpd_ms, r.buftm_ms, r.clients, r.settings,"
		" (SELECT ds.members FROM design_datasets ds WHERE ds.design_id = r.design_id AND ds.ref ="
		"   COALESCE((SELECT o.datset FROM rcbs o WHERE o.ied_id = ?1 AND o.ref = ?2 AND o.datset IS NOT NULL"
		"     AND EXISTS (SELECT 1 FROM design_datasets x WHERE x.design_id = r.design_id AND x.ref = o.datset)),"
		"   r.datset)),"
		" (SELECT ds.ref FROM design_datasets ds WHERE ds.design_id = r.design_id AND ds.ref ="
		"   COALESCE((SELECT o.datset FROM rcbs o WHERE o.ied_id = ?1 AND o.ref = ?2 AND o.datset IS NOT NULL"
		"     AND EXISTS (SELECT 1 FROM design_datasets x WHERE x.design_id = r.design_id AND x.ref = o.datset)),"
		"   r.datset)),"
		" r.design_id"
		" FROM design_rcbs r WHERE r.design_id = COALESCE((SELECT design_id FROM run_designs WHERE run_id = ?3),"
		"   (SELECT a.design_id FROM design_addresses a, ieds i WHERE i.id = ?1 AND a.ip = i.ip AND a.port = i.port"
		"    ORDER BY a.design_id DESC LIMIT 1))"
		" AND (r.ref = ?2 OR (r.indexed AND length(?2) = length(r.ref) + 2 AND substr(?2, 1, length(r.ref)) = r.ref"
		"   AND substr(?2, length(r.ref) + 1) GLOB '[0-9][0-9]'"
		"   AND CAST(substr(?2, length(r.ref) + 1) AS INTEGER) BETWEEN 1 AND r.max))"
		" ORDER BY r.ref = ?2 DESC LIMIT 1");
	if (s) {
		sqlite3_bind_int64(s, 1, ied);
		sqlite3_bind_text(s, 2, mms, -1, SQLITE_TRANSIENT);
		bind_opt(s, 3, have_run, run);
	}
	static const struct col cols[] = {
		{ "ied", C_VAL },       { "ref", C_VAL },
		{ "buffered", C_BOOL }, { "indexed", C_BOOL },
		{ "max", C_VAL },       { "confrev", C_VAL },
		{ "datset", C_VAL },    { "rptid", C_VAL },
		{ "trgops", C_VAL },    { "optflds", C_VAL },
		{ "intgpd_ms", C_VAL }, { "buftm_ms", C_VAL },
		{ "clients", C_JSON },  { "report_settings", C_JSON },
		{ "members", C_JSON },  { "members_of", C_VAL },
		{ "design_id", C_VAL },
	};
	put_design_row(q, s, cols, NCOLS(cols));
}

/* Rows of one run's RCB timeline into p, newest first, from one table: until p
 * wants no older row (false: a database error or out of memory). */
static bool feed_rcb_rows(struct req *q, struct rcb_points *p, const char *sql, int64_t run, int64_t ied,
			  const char *rcb, int64_t lower, int64_t upper)
{
	sqlite3_stmt *s = prepare(q, sql);
	if (!s)
		return false;
	sqlite3_bind_int64(s, 1, run);
	sqlite3_bind_int64(s, 2, ied);
	sqlite3_bind_text(s, 3, rcb, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, lower);
	sqlite3_bind_int64(s, 5, upper);
	bool ok = true;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct rcb_row_in row = {
			.second = sqlite3_column_int64(s, 0),
			.seconds = sqlite3_column_int64(s, 1),
			.has_first = sqlite3_column_type(s, 2) != SQLITE_NULL,
			.has_last = sqlite3_column_type(s, 3) != SQLITE_NULL,
			.first_sqnum = sqlite3_column_int64(s, 2),
			.last_sqnum = sqlite3_column_int64(s, 3),
			.reports = sqlite3_column_int64(s, 4),
			.reasons = (const char *)sqlite3_column_text(s, 5),
			.events = (const char *)sqlite3_column_text(s, 6),
			.written = sqlite3_column_int64(s, 7),
		};
		if (!rcb_points_want(p, row.second))
			break;
		if (!(ok = rcb_points_add(p, &row)))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ok = false;
	sqlite3_finalize(s);
	return ok;
}

/* The RCB's points of one run, a second each (web/rcb_points.h), from its rows in
 * rcb_spans and, for runs before it, in rcb_seconds (whose rows count as the
 * older where both have a second). Each statement walks the table's index from
 * the newest row in range down and stops when the points are complete: a row of
 * rcb_spans starts at most MMSW_RCB_SPAN_MAX - 1 seconds before a second it
 * covers, hence the lower bound. */
static bool put_rcb_points(struct req *q, int64_t run, int64_t ied, const char *rcb, bool hf, int64_t from, bool ht,
			   int64_t to)
{
	int64_t upper = ht ? to : INT64_MAX;
	int64_t lower = !hf                            ? INT64_MIN
		: from < INT64_MIN + MMSW_RCB_SPAN_MAX ? INT64_MIN
						       : from - MMSW_RCB_SPAN_MAX + 1;
	struct rcb_points *p = rcb_points_new(MMSW_WEB_POINTS_MAX, hf, from, ht, to);
	bool ok = p &&
		feed_rcb_rows(q, p,
			      "SELECT second, seconds, first_sqnum, last_sqnum, reports, reasons, events, rowid"
			      " FROM rcb_spans WHERE run_id = ?1 AND ied_id = ?2 AND rcb = ?3"
			      " AND second >= ?4 AND second <= ?5 ORDER BY second DESC",
			      run, ied, rcb, lower, upper);
	ok = ok &&
		feed_rcb_rows(q, p,
			      "SELECT second, 1, first_sqnum, last_sqnum, reports, reasons, events,"
			      " rowid - 4611686018427387904 FROM rcb_seconds WHERE run_id = ?1 AND ied_id = ?2"
			      " AND rcb = ?3 AND second >= ?4 AND second <= ?5 ORDER BY second DESC",
			      run, ied, rcb, hf ? from : INT64_MIN, upper);
	const struct rcb_point *pt;
	size_t n;
	if (ok && (ok = rcb_points_finish(p, &pt, &n)))
		for (size_t i = 0; i < n; i++) {
			struct jw *w = q->w;
			jw_obj(w, NULL);
			jw_i64(w, "second", pt[i].second);
			if (pt[i].has_first)
				jw_i64(w, "first_sqnum", pt[i].first_sqnum);
			else
				jw_null(w, "first_sqnum");
			if (pt[i].has_last)
				jw_i64(w, "last_sqnum", pt[i].last_sqnum);
			else
				jw_null(w, "last_sqnum");
			jw_i64(w, "reports", pt[i].reports);
			jw_str(w, "reasons", pt[i].reasons);
			jw_str(w, "events", pt[i].events);
			jw_obj_end(w);
		}
	rcb_points_free(p);
	return ok;
}

static int rcb_timeline(struct req *q)
{
	bool hi, hr, hf, ht, ok;
	int64_t ied, run, from, to;
	if (!opt_int(q, "ied", &hi, &ied) || !opt_int(q, "run", &hr, &run) || !opt_int(q, "from", &hf, &from) ||
	    !opt_int(q, "to", &ht, &to))
		return 400;
	const char *rcb = q->param(q->ctx, "rcb");
	if (!hi)
		return fail_param(q, "ied", "is required");
	if (!rcb || !*rcb)
		return fail_param(q, "rcb", "is required");
	/* Timelines and findings name an RCB the way engineers read it
	 * (LD/LLN0.RP.name); the rcbs table keeps the MMS form (LD/LLN0$RP$name). */
	char dotted[512];
	size_t n = strlen(rcb);
	if (n >= sizeof(dotted))
		return fail_param(q, "rcb", "is too long");
	for (size_t i = 0; i <= n; i++)
		dotted[i] = rcb[i] == '$' ? '.' : rcb[i];
	int exists = ied_exists(q, ied);
	if (exists < 0)
		return db_fail(q);
	if (!exists)
		return fail(q, 404, "no such IED");
	/* One run's timeline: the given one, else the newest that has this RCB. */
	if (!hr) {
		sqlite3_stmt *s = prepare(q,
					  "SELECT max(run_id) FROM (SELECT max(run_id) AS run_id FROM rcb_spans"
					  " WHERE ied_id = ?1 AND rcb = ?2 UNION ALL SELECT max(run_id) FROM"
					  " rcb_seconds WHERE ied_id = ?1 AND rcb = ?2)");
		if (!s)
			return db_fail(q);
		sqlite3_bind_int64(s, 1, ied);
		sqlite3_bind_text(s, 2, dotted, -1, SQLITE_TRANSIENT);
		run = scalar(q, s, &ok);
		if (!ok)
			return db_fail(q);
		hr = run >= 0;
	}
	sqlite3_stmt *s = prepare(q,
				  "SELECT intgpd_ms FROM rcbs WHERE ied_id = ?1 AND (replace(ref, '$', '.') = ?2"
				  " OR 'RptID ' || rptid = ?2) ORDER BY id LIMIT 1");
	if (!s)
		return db_fail(q);
	sqlite3_bind_int64(s, 1, ied);
	sqlite3_bind_text(s, 2, dotted, -1, SQLITE_TRANSIENT);
	int64_t intgpd = scalar(q, s, &ok);

	struct jw *w = q->w;
	jw_obj(w, NULL);
	if (hr)
		jw_i64(w, "run", run);
	else
		jw_null(w, "run");
	jw_arr(w, "points");
	if (hr && !put_rcb_points(q, run, ied, dotted, hf, from, ht, to))
		return db_fail(q);
	jw_arr_end(w);
	if (!(s = prepare(q, MARKS_SQL)))
		return db_fail(q);
	static const struct col mark_cols[] = {
		{ "id", C_VAL },        { "kind", C_VAL },    { "first_seen", C_VAL },
		{ "last_seen", C_VAL }, { "summary", C_VAL },
	};
	sqlite3_bind_int64(s, 1, ied);
	bind_opt(s, 2, hr, run);
	sqlite3_bind_text(s, 3, dotted, -1, SQLITE_TRANSIENT);
	bind_opt(s, 4, hf, from);
	bind_opt(s, 5, ht, to);
	sqlite3_bind_int64(s, 6, MMSW_WEB_MARKS_MAX);
	jw_arr(w, "marks");
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		jw_obj(w, NULL);
		put_cols(w, s, 0, mark_cols, NCOLS(mark_cols));
		jw_obj_end(w);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return db_fail(q);
	jw_arr_end(w);
	if (intgpd >= 0)
		jw_i64(w, "intgpd_ms", intgpd);
	else
		jw_null(w, "intgpd_ms");
	/* The rcbs table and the design keep the MMS form of the reference. */
	char mms[512];
	for (size_t i = 0; i <= n; i++)
		mms[i] = rcb[i] == '.' ? '$' : rcb[i];
	put_rcb_design(q, ied, mms, hr, run);
	jw_obj_end(w);
	return 200;
}

static int rates(struct req *q)
{
	bool hr, hf, ht;
	int64_t run, from, to;
	if (!opt_int(q, "run", &hr, &run) || !opt_int(q, "from", &hf, &from) || !opt_int(q, "to", &ht, &to))
		return 400;
	sqlite3_stmt *s = prepare(
		q,
		"SELECT * FROM (SELECT minute, sum(pdus), sum(reports), sum(conn_attempts) FROM ied_minute"
		" WHERE (?1 IS NULL OR run_id = ?1) AND (?2 IS NULL OR minute >= ?2) AND (?3 IS NULL OR minute <= ?3)"
		" GROUP BY minute ORDER BY minute DESC LIMIT ?4) ORDER BY minute");
	if (!s)
		return db_fail(q);
	static const struct col cols[] = {
		{ "minute", C_VAL },
		{ "pdus", C_VAL },
		{ "reports", C_VAL },
		{ "conn_attempts", C_VAL },
	};
	bind_opt(s, 1, hr, run);
	bind_opt(s, 2, hf, from);
	bind_opt(s, 3, ht, to);
	sqlite3_bind_int64(s, 4, MMSW_WEB_MINUTES_MAX);
	jw_arr(q->w, NULL);
	if (!put_rows(q->w, s, cols, NCOLS(cols)))
		return db_fail(q);
	jw_arr_end(q->w);
	return 200;
}

struct window {
	int64_t from, to; /* seconds */
};

static int cmp_window(const void *a, const void *b)
{
	const struct window *x = a, *y = b;
	return x->from < y->from ? -1 : x->from > y->from;
}

static int storms(struct req *q)
{
	bool hr, hi;
	int64_t run, ied;
	if (!opt_int(q, "run", &hr, &run) || !opt_int(q, "ied", &hi, &ied))
		return 400;
	sqlite3_stmt *s =
		prepare(q,
			"SELECT f.id, " IEDREF_SQL ", f.first_seen, f.last_seen, f.summary, f.details"
			" FROM findings f LEFT JOIN ieds i ON i.id = f.ied_id WHERE f.kind = 'connection_storm'"
			" AND (?1 IS NULL OR f.run_id = ?1) AND (?2 IS NULL OR f.ied_id = ?2)"
			" ORDER BY f.first_seen, f.id LIMIT ?3");
	if (!s)
		return db_fail(q);
	bind_opt(s, 1, hr, run);
	bind_opt(s, 2, hi, ied);
	sqlite3_bind_int64(s, 3, MMSW_WEB_MARKS_MAX);
	struct window *win = calloc(MMSW_WEB_MARKS_MAX, sizeof(*win));
	if (!win) {
		sqlite3_finalize(s);
		return fail(q, 500, "out of memory");
	}
	size_t n = 0;
	static const struct col tail[] = {
		{ "first_seen", C_VAL },
		{ "last_seen", C_VAL },
		{ "summary", C_VAL },
		{ "details", C_JSON },
	};
	struct jw *w = q->w;
	jw_obj(w, NULL);
	jw_arr(w, "storms");
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		jw_obj(w, NULL);
		put_col(w, "id", C_VAL, s, 0);
		put_iedref(w, s, 1);
		put_cols(w, s, 6, tail, NCOLS(tail));
		jw_obj_end(w);
		if (n < MMSW_WEB_MARKS_MAX) {
			/* A minute either side shows what led up to the storm and how it ended. */
			win[n].from = sqlite3_column_int64(s, 6) / 1000000 - 60;
			win[n].to = sqlite3_column_int64(s, 7) / 1000000 + 60;
			n++;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(win);
		return db_fail(q);
	}
	jw_arr_end(w);
	/* Overlapping windows merged, so no second is listed twice. */
	qsort(win, n, sizeof(*win), cmp_window);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m && win[i].from <= win[m - 1].to) {
			if (win[i].to > win[m - 1].to)
				win[m - 1].to = win[i].to;
		} else {
			win[m++] = win[i];
		}
	}
	jw_arr(w, "attempts");
	int64_t points = 0;
	if (m &&
	    !(s = prepare(q,
			  "SELECT second, ied_id, sum(attempts) FROM conn_seconds WHERE second BETWEEN ?1 AND ?2"
			  " AND (?3 IS NULL OR run_id = ?3) AND (?4 IS NULL OR ied_id = ?4)"
			  " GROUP BY second, ied_id ORDER BY second, ied_id LIMIT ?5"))) {
		free(win);
		return db_fail(q);
	}
	static const struct col cols[] = { { "second", C_VAL }, { "ied_id", C_VAL }, { "attempts", C_VAL } };
	for (size_t i = 0; i < m && points < MMSW_WEB_POINTS_MAX; i++) {
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, win[i].from);
		sqlite3_bind_int64(s, 2, win[i].to);
		bind_opt(s, 3, hr, run);
		bind_opt(s, 4, hi, ied);
		sqlite3_bind_int64(s, 5, MMSW_WEB_POINTS_MAX - points);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			jw_obj(w, NULL);
			put_cols(w, s, 0, cols, NCOLS(cols));
			jw_obj_end(w);
			points++;
		}
		if (rc != SQLITE_DONE) {
			sqlite3_finalize(s);
			free(win);
			return db_fail(q);
		}
	}
	if (m)
		sqlite3_finalize(s);
	free(win);
	jw_arr_end(w);
	jw_obj_end(w);
	return 200;
}

static int inventory(struct req *q)
{
	bool hr;
	int64_t run;
	if (!opt_int(q, "run", &hr, &run))
		return 400;
	sqlite3_stmt *s = prepare(q,
				  "SELECT json FROM inventory WHERE run_id = COALESCE(?1,"
				  " (SELECT max(run_id) FROM inventory))");
	if (!s)
		return db_fail(q);
	bind_opt(s, 1, hr, run);
	int rc = sqlite3_step(s);
	if (rc != SQLITE_ROW || sqlite3_column_type(s, 0) == SQLITE_NULL) {
		sqlite3_finalize(s);
		return rc == SQLITE_ROW || rc == SQLITE_DONE ? fail(q, 404, "no inventory for this run") : db_fail(q);
	}
	put_col(q->w, NULL, C_JSON, s, 0);
	sqlite3_finalize(s);
	return 200;
}

/* ---- changes between two runs ---------------------------------------------- */

/* What changed from run ?1 to run ?2, from each run's facts (run_facts, schema 3;
 * docs/drift.md): the same comparison --baseline makes, with the missing clients
 * too. A value seen in only one of the runs is no change. Columns: order, change,
 * fact kind, IED id, client, name, value in ?1, value in ?2. */
#define CHANGES_SQL \
	"SELECT 1 AS ord, 'new_ied' AS change, b.kind, b.ied_id, '' AS client, '' AS name, NULL AS from_value," \
	"  NULL AS to_value FROM run_facts b WHERE b.run_id = ?2 AND b.kind = 'ied' AND NOT EXISTS" \
	"  (SELECT 1 FROM run_facts a WHERE a.run_id = ?1 AND a.kind = 'ied' AND a.ied_id = b.ied_id)" \
	" UNION ALL SELECT 2, 'missing_ied', a.kind, a.ied_id, '', '', NULL, NULL FROM run_facts a" \
	"  WHERE a.run_id = ?1 AND a.kind = 'ied' AND NOT EXISTS" \
	"  (SELECT 1 FROM run_facts b WHERE b.run_id = ?2 AND b.kind = 'ied' AND b.ied_id = a.ied_id)" \
	" UNION ALL SELECT 3, 'new_client', b.kind, b.ied_id, b.client, '', NULL, NULL FROM run_facts b" \
	"  WHERE b.run_id = ?2 AND b.kind = 'client' AND NOT EXISTS (SELECT 1 FROM run_facts a" \
	"  WHERE a.run_id = ?1 AND a.kind = 'client' AND a.ied_id = b.ied_id AND a.client = b.client)" \
	" UNION ALL SELECT 4, 'missing_client', a.kind, a.ied_id, a.client, '', NULL, NULL FROM run_facts a" \
	"  WHERE a.run_id = ?1 AND a.kind = 'client' AND NOT EXISTS (SELECT 1 FROM run_facts b" \
	"  WHERE b.run_id = ?2 AND b.kind = 'client' AND b.ied_id = a.ied_id AND b.client = a.client)" \
	" UNION ALL SELECT 5, 'new_service', b.kind, b.ied_id, b.client, b.name, NULL, NULL FROM run_facts b" \
	"  WHERE b.run_id = ?2 AND b.kind IN ('service', 'acsi') AND EXISTS (SELECT 1 FROM run_facts a" \
	"  WHERE a.run_id = ?1 AND a.kind = 'client' AND a.ied_id = b.ied_id AND a.client = b.client)" \
	"  AND NOT EXISTS (SELECT 1 FROM run_facts a WHERE a.run_id = ?1 AND a.kind = b.kind" \
	"  AND a.ied_id = b.ied_id AND a.client = b.client AND a.name = b.name)" \
	" UNION ALL SELECT 6, CASE b.kind WHEN 'identity' THEN 'identity_changed' WHEN 'confrev' THEN" \
	"  'confrev_changed' WHEN 'dataset' THEN 'dataset_changed' ELSE 'rcb_settings_changed' END," \
	"  b.kind, b.ied_id, '', b.name, a.value, b.value FROM run_facts b JOIN run_facts a" \
	"  ON a.run_id = ?1 AND a.kind = b.kind AND a.ied_id = b.ied_id AND a.client = b.client AND a.name = b.name" \
	"  WHERE b.run_id = ?2 AND b.kind IN ('identity', 'confrev', 'dataset', 'rcb')" \
	"  AND a.value <> b.value AND a.value <> '' AND b.value <> ''"

static const struct col CHANGE_HEAD[] = { { "change", C_VAL }, { "fact", C_VAL } };
static const struct col CHANGE_TAIL[] = {
	{ "client", C_VAL },
	{ "name", C_VAL },
	{ "from_value", C_VAL },
	{ "to_value", C_VAL },
};

/* The run object of `id` as member `key`; false on a database error. */
static bool put_run(struct req *q, const char *key, int64_t id)
{
	sqlite3_stmt *s = prepare(q,
				  "SELECT " RUN_SQL ", (SELECT count(*) FROM run_facts WHERE run_id = ?1)"
				  " FROM runs WHERE id = ?1");
	if (!s)
		return false;
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		jw_obj(q->w, key);
		put_cols(q->w, s, 0, RUN_COLS, NCOLS(RUN_COLS));
		jw_i64(q->w, "facts", sqlite3_column_int64(s, NCOLS(RUN_COLS)));
		jw_obj_end(q->w);
	} else {
		jw_null(q->w, key);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

static int changes(struct req *q)
{
	struct page p;
	bool hf, ht, ok;
	int64_t from, to;
	if (!opt_int(q, "from", &hf, &from) || !opt_int(q, "to", &ht, &to) || !paging(q, &p))
		return 400;
	sqlite3_stmt *s = prepare(q, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'run_facts'");
	if (!s)
		return db_fail(q);
	if (scalar(q, s, &ok) != 1)
		return ok ? fail(q, 404, "this database keeps no facts per run (schema older than 3)") : db_fail(q);
	/* Defaults: the latest run with facts, and the one with facts before it. */
	if (!ht) {
		if (!(s = prepare(q, "SELECT max(run_id) FROM run_facts WHERE (?1 IS NULL OR run_id > ?1)")))
			return db_fail(q);
		bind_opt(s, 1, hf, from);
		to = scalar(q, s, &ok);
		if (!ok)
			return db_fail(q);
	}
	if (!hf && to >= 0) {
		if (!(s = prepare(q, "SELECT max(run_id) FROM run_facts WHERE run_id < ?1")))
			return db_fail(q);
		sqlite3_bind_int64(s, 1, to);
		from = scalar(q, s, &ok);
		if (!ok)
			return db_fail(q);
	}
	if (from < 0 || to < 0)
		return fail(q, 404, "two runs with facts are needed to compare");
	if (!(s = prepare(q, "SELECT count(*) FROM runs WHERE id IN (?1, ?2)")))
		return db_fail(q);
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	if (scalar(q, s, &ok) != (from == to ? 1 : 2))
		return ok ? fail(q, 404, "no such run") : db_fail(q);
	if (!(s = prepare(q, "SELECT count(*) FROM (" CHANGES_SQL ")")))
		return db_fail(q);
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	int64_t total = scalar(q, s, &ok);
	if (!ok)
		return db_fail(q);
	if (!(s = prepare(q,
			  "SELECT c.change, c.kind, " IEDREF_SQL ", c.client, c.name, c.from_value, c.to_value"
			  " FROM (" CHANGES_SQL ") c JOIN ieds i ON i.id = c.ied_id"
			  " ORDER BY c.ord, i.ip, i.port, i.vlan, c.client, c.kind, c.name LIMIT ?3 OFFSET ?4")))
		return db_fail(q);
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	sqlite3_bind_int64(s, 3, p.limit);
	sqlite3_bind_int64(s, 4, p.offset);
	jw_obj(q->w, NULL);
	if (!put_run(q, "from", from) || !put_run(q, "to", to)) {
		sqlite3_finalize(s);
		return db_fail(q);
	}
	jw_arr(q->w, "items");
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		jw_obj(q->w, NULL);
		put_cols(q->w, s, 0, CHANGE_HEAD, NCOLS(CHANGE_HEAD));
		put_iedref(q->w, s, 2);
		put_cols(q->w, s, 7, CHANGE_TAIL, NCOLS(CHANGE_TAIL));
		jw_obj_end(q->w);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return db_fail(q);
	jw_arr_end(q->w);
	jw_i64(q->w, "total", total);
	jw_i64(q->w, "limit", p.limit);
	jw_i64(q->w, "offset", p.offset);
	jw_obj_end(q->w);
	return 200;
}

/* ---- routing ------------------------------------------------------------------ */

static int route(struct req *q, const char *path)
{
	if (!strcmp(path, "/overview"))
		return overview(q);
	if (!strcmp(path, "/runs"))
		return runs_list(q);
	if (!strcmp(path, "/findings"))
		return findings_list(q);
	if (!strncmp(path, "/findings/", 10)) {
		int64_t id;
		if (!parse_uint(path + 10, &id))
			return fail(q, 404, "not found");
		return finding_one(q, id);
	}
	if (!strcmp(path, "/kinds"))
		return kinds(q);
	if (!strcmp(path, "/ieds"))
		return ieds_list(q);
	if (!strncmp(path, "/ieds/", 6))
		return ied_route(q, path + 6);
	if (!strcmp(path, "/rcb_timeline"))
		return rcb_timeline(q);
	if (!strcmp(path, "/rates"))
		return rates(q);
	if (!strcmp(path, "/storms"))
		return storms(q);
	if (!strcmp(path, "/inventory"))
		return inventory(q);
	if (!strcmp(path, "/changes"))
		return changes(q);
	return fail(q, 404, "not found");
}

void api_error(struct api_reply *r, int status, const char *msg)
{
	size_t cap = strlen(msg) * 6 + 32;
	r->status = status;
	r->len = 0;
	r->content_type = NULL; /* JSON */
	r->filename[0] = 0;
	r->body = malloc(cap);
	if (!r->body)
		return;
	struct jw w;
	jw_init(&w, r->body, cap);
	jw_obj(&w, NULL);
	jw_str(&w, "error", msg);
	jw_obj_end(&w);
	r->len = w.overflow ? 0 : w.len;
}

/* GET /findings/ID/pcap: the finding's evidence slice, as the sensor stored it. */
static bool finding_pcap(sqlite3 *db, const char *path, struct api_reply *r)
{
	const char *tail = path + 10;
	size_t n = strspn(tail, "0123456789");
	if (strncmp(path, "/findings/", 10) || !n || n > 18 || strcmp(tail + n, "/pcap"))
		return false;
	char digits[20];
	memcpy(digits, tail, n);
	digits[n] = 0;
	int64_t id;
	if (!parse_uint(digits, &id)) {
		api_error(r, 404, "not found");
		return true;
	}
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(db, "SELECT name, pcap FROM finding_pcaps WHERE finding_id = ?1", -1, &s, NULL) !=
	    SQLITE_OK) {
		sqlite3_finalize(s);
		api_error(r, 500, "database error");
		return true;
	}
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		api_error(r, rc == SQLITE_DONE ? 404 : 500,
			  rc == SQLITE_DONE ? "no evidence pcap for this finding (run with --evidence DIR)"
					    : "database error");
		return true;
	}
	const void *blob = sqlite3_column_blob(s, 1);
	size_t len = (size_t)sqlite3_column_bytes(s, 1);
	r->body = malloc(len ? len : 1);
	if (!r->body) {
		sqlite3_finalize(s);
		api_error(r, 500, "out of memory");
		return true;
	}
	if (len)
		memcpy(r->body, blob, len);
	r->len = len;
	r->status = 200;
	r->content_type = "application/vnd.tcpdump.pcap";
	/* The stored name, reduced to characters safe in a header. */
	const unsigned char *name = sqlite3_column_text(s, 0);
	size_t k = 0;
	for (; name && name[k] && k + 1 < sizeof(r->filename); k++) {
		unsigned char c = name[k];
		r->filename[k] = (char)((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
							c == '.' || c == '-' || c == '_'
						? c
						: '_');
	}
	r->filename[k] = 0;
	if (!k)
		snprintf(r->filename, sizeof(r->filename), "finding-%lld.pcap", (long long)id);
	sqlite3_finalize(s);
	return true;
}

void api_handle(sqlite3 *db, const char *path, api_param_fn param, void *ctx, struct api_reply *r)
{
	struct req q = { .db = db, .param = param, .ctx = ctx };
	struct jw w;
	size_t cap = 16 * 1024;
	memset(r, 0, sizeof(*r));
	if (finding_pcap(db, path, r))
		return;
	for (;;) {
		char *buf = malloc(cap);
		if (!buf) {
			api_error(r, 500, "out of memory");
			return;
		}
		jw_init(&w, buf, cap);
		q.w = &w;
		q.error = NULL;
		int status = route(&q, path);
		if (q.error) {
			free(buf);
			api_error(r, status, q.error);
			return;
		}
		if (!w.overflow) {
			r->status = status;
			r->body = buf;
			r->len = w.len;
			return;
		}
		free(buf);
		if (cap >= MMSW_WEB_REPLY_MAX) {
			api_error(r, 500, "reply too large");
			return;
		}
		cap *= 4;
	}
}

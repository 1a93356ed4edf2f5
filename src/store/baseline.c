/* SPDX-License-Identifier: GPL-2.0-or-later */
/* baseline.c - an earlier run's facts from an mmswatch database; see baseline.h.
 *
 * Three sources, newest first, each read only from the tables its schema has:
 *  - run_facts (schema 3): the facts the drift analyzer recorded for that run;
 *  - inventory (schema 2): the run's inventory document, read with SQLite's JSON
 *    functions: IEDs, clients, MMS services per client, identity, ConfRev,
 *    dataset members, RCB settings (no ACSI per client: the document has none);
 *  - the tables of schema 1: IEDs and clients of the run's associations; identity
 *    and RCBs from the ieds and rcbs rows, which every run shares, so they are the
 *    file's latest values (no services, no datasets).
 * The facts are spelt the way analyze/drift.c spells this run's, so that the same
 * traffic gives the same facts whatever the source. */
#include "store/baseline.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dissectors/iec61850_report.h"
#include "store/schema.h"

#define KIND_BIT(k) (1u << (k))

static int fail(char *err, size_t errsize, const char *path, const char *why)
{
	snprintf(err, errsize, "--baseline %s: %s", path, why);
	return -1;
}

/* "file:" URI of a path (SQLite's URI form: '%', '?' and '#' must be escaped), so
 * that mode=ro or immutable=1 can be asked for. */
static char *file_uri(const char *path, const char *query)
{
	size_t len = strlen(path);
	char *uri = malloc(len * 3 + strlen(query) + 16);
	if (!uri)
		return NULL;
	char *o = uri + sprintf(uri, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("/-_.~", *p))
			*o++ = (char)*p;
		else
			o += sprintf(o, "%%%02X", *p);
	}
	sprintf(o, "?%s", query);
	return uri;
}

static int64_t one_int(sqlite3 *db, const char *sql, int64_t dflt)
{
	sqlite3_stmt *s;
	int64_t v = dflt;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return dflt;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static bool has_table(sqlite3 *db, const char *name)
{
	sqlite3_stmt *s;
	bool yes = false;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", -1, &s, NULL) !=
	    SQLITE_OK)
		return false;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	yes = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return yes;
}

static bool run_has_rows(sqlite3 *db, const char *table, int64_t run)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT EXISTS (SELECT 1 FROM %s WHERE run_id = %lld)", table, (long long)run);
	return one_int(db, sql, 0) == 1;
}

static const char SQL_RUN_FACTS[] = "SELECT f.kind, i.ip || '|' || i.port || '|' || i.vlan, f.client, f.name, f.value"
				    " FROM run_facts f JOIN ieds i ON i.id = f.ied_id WHERE f.run_id = ?1";

static const char SQL_INVENTORY[] =
	"WITH ied AS (SELECT e.value AS j, json_extract(e.value, '$.address') || '|' || json_extract(e.value, '$.port')"
	"   || '|' || COALESCE((SELECT group_concat(v.value, '.') FROM json_each(e.value, '$.vlan') v), '') AS k"
	"   FROM inventory, json_each(inventory.json, '$.ieds') e"
	"   WHERE inventory.run_id = ?1 AND json_extract(e.value, '$.mms')),"
	" cl AS (SELECT ied.k, c.value AS j FROM ied, json_each(ied.j, '$.clients') c"
	"   WHERE json_extract(c.value, '$.associations') > 0)"
	" SELECT 'ied', k, '', '', '' FROM ied"
	" UNION ALL SELECT 'client', k, json_extract(j, '$.address'), '', '' FROM cl"
	" UNION ALL SELECT 'service', k, json_extract(cl.j, '$.address'), s.key, '' FROM cl, json_each(cl.j, '$.services') s"
	" UNION ALL SELECT 'identity', k, '', n.a, json_extract(ied.j, '$.' || n.a)"
	"   FROM ied, (SELECT 'vendor' AS a UNION ALL SELECT 'model' UNION ALL SELECT 'revision') n"
	"   WHERE json_extract(ied.j, '$.' || n.a) IS NOT NULL"
	" UNION ALL SELECT 'confrev', k, '', json_extract(r.value, '$.mms_ref'), json_extract(r.value, '$.confrev')"
	"   FROM ied, json_each(ied.j, '$.rcbs') r WHERE json_extract(r.value, '$.confrev') IS NOT NULL"
	" UNION ALL SELECT 'dataset', k, '', json_extract(d.value, '$.ref'),"
	"   (SELECT group_concat(m.value, ',') FROM json_each(d.value, '$.members') m)"
	"   FROM ied, json_each(ied.j, '$.datasets') d WHERE json_type(d.value, '$.members') = 'array'"
	" UNION ALL SELECT 'rcb', k, '', json_extract(r.value, '$.mms_ref') || ' ' || a.attr,"
	"   CASE WHEN json_type(r.value, '$.' || a.key) = 'array'"
	"   THEN (SELECT group_concat(t.value, ',') FROM json_each(r.value, '$.' || a.key) t)"
	"   ELSE json_extract(r.value, '$.' || a.key) END"
	"   FROM ied, json_each(ied.j, '$.rcbs') r, (SELECT 'RptID' AS attr, 'rptid' AS key"
	"   UNION ALL SELECT 'DatSet', 'datset' UNION ALL SELECT 'TrgOps', 'trgops' UNION ALL SELECT 'IntgPd', 'intgpd_ms'"
	"   UNION ALL SELECT 'BufTm', 'buftm_ms' UNION ALL SELECT 'OptFlds', 'optflds') a"
	"   WHERE COALESCE(json_type(r.value, '$.' || a.key), 'null') <> 'null'";

/* Schema 1: the run's associations name its IEDs and clients; identity and RCBs
 * are the shared rows. OptFlds is a bit set there (the C side names its bits). */
static const char SQL_TABLES[] =
	"WITH ied AS (SELECT i.* , i.ip || '|' || i.port || '|' || i.vlan AS k FROM ieds i"
	"   WHERE i.id IN (SELECT ied_id FROM associations WHERE run_id = ?1))"
	" SELECT 'ied', k, '', '', '' FROM ied"
	" UNION ALL SELECT DISTINCT 'client', ied.k, a.client_ip, '', '' FROM ied JOIN associations a"
	"   ON a.ied_id = ied.id AND a.run_id = ?1"
	" UNION ALL SELECT 'identity', k, '', 'vendor', vendor FROM ied WHERE vendor IS NOT NULL"
	" UNION ALL SELECT 'identity', k, '', 'model', model FROM ied WHERE model IS NOT NULL"
	" UNION ALL SELECT 'identity', k, '', 'revision', revision FROM ied WHERE revision IS NOT NULL"
	" UNION ALL SELECT 'confrev', k, '', r.ref, r.confrev FROM ied JOIN rcbs r ON r.ied_id = ied.id"
	"   WHERE r.confrev IS NOT NULL"
	" UNION ALL SELECT 'rcb', k, '', r.ref || ' RptID', r.rptid FROM ied JOIN rcbs r ON r.ied_id = ied.id WHERE r.rptid IS NOT NULL"
	" UNION ALL SELECT 'rcb', k, '', r.ref || ' DatSet', r.datset FROM ied JOIN rcbs r ON r.ied_id = ied.id WHERE r.datset IS NOT NULL"
	" UNION ALL SELECT 'rcb', k, '', r.ref || ' TrgOps', r.trgops FROM ied JOIN rcbs r ON r.ied_id = ied.id WHERE r.trgops IS NOT NULL"
	" UNION ALL SELECT 'rcb', k, '', r.ref || ' IntgPd', r.intgpd_ms FROM ied JOIN rcbs r ON r.ied_id = ied.id WHERE r.intgpd_ms IS NOT NULL"
	" UNION ALL SELECT 'rcb', k, '', r.ref || ' BufTm', r.buftm_ms FROM ied JOIN rcbs r ON r.ied_id = ied.id WHERE r.buftm_ms IS NOT NULL"
	" UNION ALL SELECT 'rcb', k, '', r.ref || ' OptFlds', r.optflds FROM ied JOIN rcbs r ON r.ied_id = ied.id WHERE r.optflds IS NOT NULL";

static int load_rows(sqlite3 *db, const char *sql, int64_t run, bool optflds_bits, struct fact_table *t)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, run);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *col[5];
		for (int i = 0; i < 5; i++) {
			col[i] = (const char *)sqlite3_column_text(s, i);
			if (!col[i])
				col[i] = "";
		}
		int kind = fact_kind_parse(col[0]);
		if (kind < 0)
			continue; /* a kind a newer build wrote (same schema): not compared */
		const char *value = col[4];
		char opt[200];
		size_t nl = strlen(col[3]);
		if (optflds_bits && kind == FACT_RCB && nl > 8 && !strcmp(col[3] + nl - 8, " OptFlds"))
			value = iec_optflds_text((uint16_t)sqlite3_column_int64(s, 4), opt, sizeof(opt));
		facts_put(t, (enum fact_kind)kind, col[1], col[2], col[3], value, NULL);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int baseline_load(const char *spec, struct fact_table *t, struct baseline_info *info, char *err, size_t errsize)
{
	memset(info, 0, sizeof(*info));
	/* "PATH#RUN": the part after the last '#' when it is a run number. */
	char path[4096];
	int64_t want_run = 0;
	snprintf(path, sizeof(path), "%s", spec);
	char *hash = strrchr(path, '#');
	if (hash) {
		char *end;
		errno = 0;
		long long r = strtoll(hash + 1, &end, 10);
		if (hash[1] && !*end && !errno && r > 0) {
			want_run = r;
			*hash = 0;
		} else if (!hash[1] || (hash[1] >= '0' && hash[1] <= '9') || hash[1] == '-') {
			return fail(err, errsize, spec, "the run after '#' must be a run id (a positive number)");
		}
	}
	struct stat sb;
	if (stat(path, &sb) != 0)
		return fail(err, errsize, path, strerror(errno));
	if (S_ISDIR(sb.st_mode))
		return fail(err, errsize, path, "is a directory, not a database file");
	char why[400];
	sqlite3 *db = NULL;
	/* Read-only, and nothing created beside the file either. A database with no
	 * WAL file is closed (mmswatch folds the WAL back in and removes it when it
	 * closes): immutable=1 reads it without locks, without creating -wal or -shm
	 * files. A WAL file means a sensor may be writing it now: mode=ro then reads
	 * what was committed, through the WAL index (SQLite's read-only WAL reader),
	 * and never writes the database. Either way the other is the fallback. */
	char wal[4200];
	snprintf(wal, sizeof(wal), "%s-wal", path);
	bool live_wal = stat(wal, &sb) == 0;
	bool readable = false;
	for (int attempt = 0; attempt < 2 && !readable; attempt++) {
		char *uri = file_uri(path, (attempt == 0) == live_wal ? "mode=ro" : "immutable=1");
		if (!uri)
			return fail(err, errsize, path, "out of memory");
		if (db)
			sqlite3_close(db);
		db = NULL;
		int rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
		free(uri);
		if (rc != SQLITE_OK) {
			snprintf(why, sizeof(why), "cannot open: %s", db ? sqlite3_errmsg(db) : "out of memory");
			continue;
		}
		sqlite3_busy_timeout(db, 5000);
		sqlite3_stmt *s;
		if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &s, NULL) != SQLITE_OK) {
			snprintf(why, sizeof(why), "not a database mmswatch can read: %s", sqlite3_errmsg(db));
			if (sqlite3_errcode(db) == SQLITE_NOTADB)
				break; /* no other way of opening makes it one */
			continue;
		}
		readable = sqlite3_step(s) == SQLITE_ROW;
		if (!readable)
			snprintf(why, sizeof(why), "not a database mmswatch can read: %s", sqlite3_errmsg(db));
		sqlite3_finalize(s);
	}
	if (!readable) {
		sqlite3_close(db);
		return fail(err, errsize, path, why);
	}
	int rc = -1;
	int64_t objects = one_int(db, "SELECT count(*) FROM sqlite_master", 0);
	int64_t app = one_int(db, "PRAGMA application_id", 0);
	int64_t version = one_int(db, "PRAGMA user_version", 0);
	info->schema = (int)version;
	if (objects == 0) {
		fail(err, errsize, path, "is empty: not an mmswatch database");
		goto out;
	}
	if (app != MMSW_DB_APPLICATION_ID) {
		fail(err, errsize, path, "is a SQLite database of another application, not an mmswatch database");
		goto out;
	}
	if (version > MMSW_DB_VERSION) {
		snprintf(why, sizeof(why), "was written by a newer mmswatch (schema %lld; this build reads up to %d)",
			 (long long)version, MMSW_DB_VERSION);
		fail(err, errsize, path, why);
		goto out;
	}
	if (version < 1 || !has_table(db, "runs") || !has_table(db, "ieds") || !has_table(db, "associations")) {
		fail(err, errsize, path, "has no mmswatch schema (no runs, ieds or associations table)");
		goto out;
	}
	sqlite3_stmt *s;
	const char *pick = want_run
		? "SELECT id, status, started_wall FROM runs WHERE id = ?1"
		: "SELECT id, status, started_wall FROM runs WHERE status = 'done' ORDER BY id DESC LIMIT 1";
	if (sqlite3_prepare_v2(db, pick, -1, &s, NULL) != SQLITE_OK) {
		snprintf(why, sizeof(why), "cannot read its runs: %s", sqlite3_errmsg(db));
		fail(err, errsize, path, why);
		goto out;
	}
	sqlite3_bind_int64(s, 1, want_run);
	if (sqlite3_step(s) == SQLITE_ROW) {
		info->run_id = sqlite3_column_int64(s, 0);
		const char *st = (const char *)sqlite3_column_text(s, 1);
		snprintf(info->status, sizeof(info->status), "%s", st ? st : "");
		info->started_wall = sqlite3_column_int64(s, 2);
	}
	sqlite3_finalize(s);
	if (!info->run_id) {
		if (want_run)
			snprintf(why, sizeof(why), "has no run %lld", (long long)want_run);
		else
			snprintf(why, sizeof(why), "has no finished run (status done) to compare with");
		fail(err, errsize, path, why);
		goto out;
	}
	int load;
	if (has_table(db, "run_facts") && run_has_rows(db, "run_facts", info->run_id)) {
		info->source = "run_facts";
		t->kinds = (1u << FACT_KIND_COUNT) - 1;
		load = load_rows(db, SQL_RUN_FACTS, info->run_id, false, t);
	} else if (has_table(db, "inventory") && run_has_rows(db, "inventory", info->run_id)) {
		info->source = "inventory";
		t->kinds = KIND_BIT(FACT_IED) | KIND_BIT(FACT_CLIENT) | KIND_BIT(FACT_SERVICE) |
			KIND_BIT(FACT_IDENTITY) | KIND_BIT(FACT_CONFREV) | KIND_BIT(FACT_DATASET) | KIND_BIT(FACT_RCB);
		load = load_rows(db, SQL_INVENTORY, info->run_id, false, t);
	} else {
		info->source = "tables";
		t->kinds = KIND_BIT(FACT_IED) | KIND_BIT(FACT_CLIENT) | KIND_BIT(FACT_IDENTITY) |
			KIND_BIT(FACT_CONFREV) | KIND_BIT(FACT_RCB);
		load = load_rows(db, SQL_TABLES, info->run_id, true, t);
	}
	if (load != 0) {
		snprintf(why, sizeof(why), "cannot read run %lld: %s", (long long)info->run_id, sqlite3_errmsg(db));
		fail(err, errsize, path, why);
		facts_free(t);
		goto out;
	}
	rc = 0;
out:
	sqlite3_close(db);
	return rc;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shards_db.c - a --shards job's inventory in the database; see shards_db.h. */
#include "shards_db.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shards_inventory.h"
#include "shards_merge.h"
#include "util/log.h"

/* The first schema with a job's run (store/schema.h, 7 -> 8). */
#define JOB_SCHEMA 8
/* As long as the store waits for another connection's lock (store.c). */
#define FINISH_BUSY_TIMEOUT_MS 5000

/* The database, opened as the store opens it (NULL: it cannot be: no process
 * got as far as its store, or an error). */
static sqlite3 *open_db(const char *path)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, FINISH_BUSY_TIMEOUT_MS);
	return db;
}

/* The job's run, if it has ended: its id, or 0 (still running, or no run of the
 * job: nothing to do), or -1 (an error, in why). */
static int64_t ended_run(sqlite3 *db, const char *token, bool *done, char *why, size_t whysize)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(db,
			       "SELECT r.id, r.status FROM runs r WHERE r.job = ?1 AND NOT EXISTS"
			       " (SELECT 1 FROM inventory i WHERE i.run_id = r.id)",
			       -1, &q, NULL) != SQLITE_OK) {
		snprintf(why, whysize, "cannot read the runs: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(q, 1, token, -1, SQLITE_STATIC);
	int64_t id = 0;
	if (sqlite3_step(q) == SQLITE_ROW) {
		const char *status = (const char *)sqlite3_column_text(q, 1);
		if (status && strcmp(status, "running")) {
			id = sqlite3_column_int64(q, 0);
			*done = !strcmp(status, "done");
		}
	}
	sqlite3_finalize(q);
	return id;
}

/* Gather every process's parts of the inventory (true when all are whole). */
static bool gather(sqlite3 *db, int64_t run, const char *token, struct merge *m, char *why, size_t whysize)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(db, "SELECT shard, inventory FROM run_shards WHERE run_id = ?1 ORDER BY shard", -1, &q,
			       NULL) != SQLITE_OK) {
		snprintf(why, whysize, "cannot read the processes' inventories: %s", sqlite3_errmsg(db));
		return false;
	}
	sqlite3_bind_int64(q, 1, run);
	bool whole = true;
	while (whole && sqlite3_step(q) == SQLITE_ROW) {
		unsigned shard = (unsigned)sqlite3_column_int64(q, 0);
		const char *buf = (const char *)sqlite3_column_text(q, 1);
		size_t len = (size_t)sqlite3_column_bytes(q, 1);
		const char *first;
		if (!buf || !merge_whole(buf, len, token, &first)) {
			snprintf(why, whysize, "the inventory of shard %u is missing or not whole: none stored", shard);
			whole = false;
		} else {
			merge_add(m, shard, buf, len, token, NULL, NULL);
		}
	}
	sqlite3_finalize(q);
	return whole;
}

static bool store_doc(sqlite3 *db, int64_t run, struct merge *m, char *why, size_t whysize)
{
	char *doc = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&doc, &len);
	if (!mem) {
		snprintf(why, whysize, "out of memory");
		return false;
	}
	shards_inventory_put(mem, m);
	bool ok = fclose(mem) == 0 && doc;
	sqlite3_stmt *w = NULL;
	if (ok)
		ok = sqlite3_prepare_v2(db, "INSERT INTO inventory (run_id, json) VALUES (?1, ?2)", -1, &w, NULL) ==
			SQLITE_OK;
	if (ok) {
		sqlite3_bind_int64(w, 1, run);
		sqlite3_bind_text(w, 2, doc, (int)len, SQLITE_STATIC);
		ok = sqlite3_step(w) == SQLITE_DONE;
	}
	sqlite3_finalize(w);
	if (!ok)
		snprintf(why, whysize, "cannot store the job's inventory: %s", sqlite3_errmsg(db));
	free(doc);
	return ok;
}

static bool drop_parts(sqlite3 *db, int64_t run)
{
	sqlite3_stmt *u;
	if (sqlite3_prepare_v2(db, "UPDATE run_shards SET inventory = NULL WHERE run_id = ?1", -1, &u, NULL) !=
	    SQLITE_OK)
		return false;
	sqlite3_bind_int64(u, 1, run);
	bool ok = sqlite3_step(u) == SQLITE_DONE;
	sqlite3_finalize(u);
	return ok;
}

int shards_db_finish(const char *path, const char *token)
{
	char why[400] = "";
	sqlite3 *db = open_db(path);
	bool ok = db != NULL;
	bool done = false;
	if (ok) {
		/* A process that is not the last only reads (the others may be
		 * writing). The last takes the write lock and asks again: two
		 * that end at once must not both write the document; the second
		 * finds it stored. */
		int64_t ended = ended_run(db, token, &done, why, sizeof(why));
		if (ended == 0) {
			sqlite3_close(db);
			return 0;
		}
		ok = ended > 0 && sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
	}
	if (!ok && !why[0])
		snprintf(why, sizeof(why), "cannot open the database%s%s", db ? ": " : "",
			 db ? sqlite3_errmsg(db) : "");
	int64_t run = ok ? ended_run(db, token, &done, why, sizeof(why)) : -1;
	int rc = run < 0 ? -1 : 0;
	if (run > 0 && done) {
		struct merge *m = calloc(1, sizeof(*m));
		if (!m) {
			snprintf(why, sizeof(why), "out of memory");
			rc = -1;
		} else if (!gather(db, run, token, m, why, sizeof(why)) || !store_doc(db, run, m, why, sizeof(why))) {
			rc = -1;
		} else if (m->full) {
			log_error("%s: the job's inventory hit a cap of the merge or ran out of memory; parts of it "
				  "are left out",
				  path);
		}
		merge_free(m);
	}
	/* The parts are the document's now (or, the job failed, of no use). */
	if (run > 0 && rc == 0 && !drop_parts(db, run)) {
		snprintf(why, sizeof(why), "cannot store the job's inventory: %s", sqlite3_errmsg(db));
		rc = -1;
	}
	if (ok)
		sqlite3_exec(db, rc == 0 ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
	if (rc == 0 && run > 0)
		sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	sqlite3_close(db);
	if (rc != 0)
		log_error("%s: %s", path, why);
	return rc;
}

int shards_db_settle(const char *path, const char *token, unsigned n)
{
	sqlite3 *db = open_db(path);
	if (!db) /* no database: no process got as far as its store */
		return 0;
	sqlite3_stmt *q = NULL, *add = NULL, *end = NULL;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW &&
	    sqlite3_column_int(q, 0) < JOB_SCHEMA) {
		sqlite3_finalize(q); /* older than jobs' runs: no process got as far as its store */
		sqlite3_close(db);
		return 0;
	}
	sqlite3_finalize(q);
	q = NULL;
	bool ok = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK &&
		sqlite3_prepare_v2(db, "SELECT id FROM runs WHERE job = ?1 AND status = 'running'", -1, &q, NULL) ==
			SQLITE_OK &&
		sqlite3_prepare_v2(db,
				   "INSERT OR IGNORE INTO run_shards (run_id, shard, started_wall, ended_wall, status)"
				   " VALUES (?1, ?2, ?3, ?3, 'failed')",
				   -1, &add, NULL) == SQLITE_OK &&
		sqlite3_prepare_v2(db,
				   "UPDATE run_shards SET status = 'failed', ended_wall = ?2 WHERE run_id = ?1 AND"
				   " status = 'running'",
				   -1, &end, NULL) == SQLITE_OK;
	int64_t run = 0;
	if (ok) {
		sqlite3_bind_text(q, 1, token, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW)
			run = sqlite3_column_int64(q, 0);
	}
	int64_t now = (int64_t)time(NULL);
	/* missing rows first: the last update then ends the run (the trigger) */
	for (unsigned k = 0; ok && run && k < n; k++) {
		sqlite3_reset(add);
		sqlite3_bind_int64(add, 1, run);
		sqlite3_bind_int64(add, 2, k);
		sqlite3_bind_int64(add, 3, now);
		ok = sqlite3_step(add) == SQLITE_DONE;
	}
	if (ok && run) {
		sqlite3_bind_int64(end, 1, run);
		sqlite3_bind_int64(end, 2, now);
		ok = sqlite3_step(end) == SQLITE_DONE;
	}
	/* every row updated, so the trigger totals the run (and ends it) even when
	 * only rows were missing */
	if (ok && run)
		ok = drop_parts(db, run);
	sqlite3_finalize(q);
	sqlite3_finalize(add);
	sqlite3_finalize(end);
	if (!ok)
		log_error("%s: cannot mark the job's run failed: %s", path, sqlite3_errmsg(db));
	sqlite3_exec(db, ok ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	return ok ? 0 : -1;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* db.c - read-only connections for the dashboard; see db.h. */
#include "web/db.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/schema.h"
#include "util/limits.h"

static char *db_path;
static sqlite3 *conns[MMSW_WEB_THREADS];
static bool busy[MMSW_WEB_THREADS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t freed = PTHREAD_COND_INITIALIZER;

static sqlite3 *open_readonly(const char *path)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	/* The sensor commits every few hundred milliseconds; a reader that meets a
	 * checkpoint waits a little rather than failing the request. */
	sqlite3_busy_timeout(db, 2000);
	/* Belt and braces: even a statement that tried to write would be refused. */
	sqlite3_exec(db, "PRAGMA query_only=1", NULL, NULL, NULL);
	return db;
}

static int64_t pragma_int(sqlite3 *db, const char *sql, bool *ok)
{
	sqlite3_stmt *s;
	int64_t v = -1;
	*ok = false;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW) {
		v = sqlite3_column_int64(s, 0);
		*ok = true;
	}
	sqlite3_finalize(s);
	return v;
}

int web_db_check(const char *path, char *err, size_t errsize)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		snprintf(err, errsize, "%s: no such database (create one with -r FILE --db %s)", path, path);
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errsize, "%s: not a database file", path);
		return -1;
	}
	sqlite3 *db = open_readonly(path);
	if (!db) {
		snprintf(err, errsize, "%s: cannot open the database read-only", path);
		return -1;
	}
	bool ok1, ok2, ok3;
	int64_t objects = pragma_int(db, "SELECT count(*) FROM sqlite_master", &ok1);
	int64_t app = pragma_int(db, "PRAGMA application_id", &ok2);
	int64_t version = pragma_int(db, "PRAGMA user_version", &ok3);
	sqlite3_close(db);
	if (!ok1 || !ok2 || !ok3)
		snprintf(err, errsize, "%s: not a database mmswatch can read", path);
	else if (objects == 0 || app != MMSW_DB_APPLICATION_ID)
		snprintf(err, errsize, "%s: not an mmswatch database", path);
	else if (version > MMSW_DB_VERSION)
		snprintf(err, errsize, "%s: written by a newer mmswatch (schema %lld; this build reads up to %d)", path,
			 (long long)version, MMSW_DB_VERSION);
	else if (version < MMSW_DB_VERSION)
		/* Serving never writes, so it cannot migrate: the next run with --db does. */
		snprintf(err, errsize,
			 "%s: schema %lld is older than this build's %d; one run with -r FILE --db %s "
			 "brings it up to date",
			 path, (long long)version, MMSW_DB_VERSION, path);
	else
		return 0;
	return -1;
}

void web_db_init(const char *path)
{
	free(db_path);
	db_path = strdup(path);
}

sqlite3 *web_db_acquire(void)
{
	pthread_mutex_lock(&lock);
	int slot;
	for (;;) {
		for (slot = 0; slot < MMSW_WEB_THREADS && busy[slot]; slot++)
			;
		if (slot < MMSW_WEB_THREADS)
			break;
		pthread_cond_wait(&freed, &lock);
	}
	busy[slot] = true;
	pthread_mutex_unlock(&lock);
	/* Opened outside the lock: the slot is ours alone now. */
	if (!conns[slot] && db_path)
		conns[slot] = open_readonly(db_path);
	if (!conns[slot]) {
		pthread_mutex_lock(&lock);
		busy[slot] = false;
		pthread_cond_signal(&freed);
		pthread_mutex_unlock(&lock);
		return NULL;
	}
	return conns[slot];
}

void web_db_release(sqlite3 *db)
{
	pthread_mutex_lock(&lock);
	for (int i = 0; i < MMSW_WEB_THREADS; i++)
		if (conns[i] == db && busy[i]) {
			busy[i] = false;
			break;
		}
	pthread_cond_signal(&freed);
	pthread_mutex_unlock(&lock);
}

void web_db_close(void)
{
	pthread_mutex_lock(&lock);
	for (int i = 0; i < MMSW_WEB_THREADS; i++) {
		sqlite3_close(conns[i]);
		conns[i] = NULL;
		busy[i] = false;
	}
	free(db_path);
	db_path = NULL;
	pthread_mutex_unlock(&lock);
}

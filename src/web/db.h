/* SPDX-License-Identifier: GPL-2.0-or-later */
/* db.h - the dashboard's read-only view of the database: a small pool of
 * SQLITE_OPEN_READONLY connections (one per web worker thread), so serving can
 * never change the file and WAL lets it read while the sensor writes. */
#ifndef MMSW_WEB_DB_H
#define MMSW_WEB_DB_H

#include <stddef.h>
#include <sqlite3.h>

/* Is PATH an mmswatch database of the schema this build reads? 0, or -1 with the
 * reason in err (the caller exits 2). Opens read-only; changes nothing. */
int web_db_check(const char *path, char *err, size_t errsize);
/* Remember the path; connections are opened on first use. */
void web_db_init(const char *path);
/* A connection for one request, or NULL (cannot open: the request gets 503). */
sqlite3 *web_db_acquire(void);
void web_db_release(sqlite3 *db);
/* Close every connection (the web server is stopped). */
void web_db_close(void);

#endif

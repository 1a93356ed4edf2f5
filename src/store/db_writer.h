/* SPDX-License-Identifier: GPL-2.0-or-later */
/* db_writer.h - the store's writes, executed in order on a thread of their own
 * ("db-writer"), so SQLite's work (the B-tree inserts, the WAL writes, the
 * checkpoints) runs on another core and out of the pipeline's cache.
 *
 * store.c builds each write as a row: a prepared statement (its S_* index) and
 * the values bound to it, copied. Rows and literal statements (COMMIT, BEGIN)
 * go, in the order they are made, into blocks (util/block_queue.h) that the
 * thread executes one after the other: the database receives exactly the
 * statements of a run without the thread, in the same order, so its content
 * is the same (tests/threads/run compares the dumps). A full queue makes the
 * pipeline wait; nothing is dropped.
 *
 * A row id the database gives (an IED's, the first time: an UPSERT's RETURNING
 * id) need not be waited for: the row is queued with an id register
 * (db_row_step_keep), and later rows bind the register (db_row_id), which the
 * thread reads when it executes them, after the row that set it. A write that
 * needs an answer on this thread (the run's statistics, the close, the row of
 * an IED without a register) first waits for the queue to be executed
 * (db_writer_sync); the thread is then idle and the caller may use the
 * connection itself.
 *
 * The first error is logged ("database: WHAT: SQLite's message") from the
 * thread that met it, and every write after it is skipped, as before:
 * db_writer_failed() tells the store to stop making rows. */
#ifndef MMSW_DB_WRITER_H
#define MMSW_DB_WRITER_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The connection and store.c's prepared statements (n of them), with
 * n_registers id registers (numbered from 0, each 0 until set); threaded: the
 * thread, or every block executed on the caller's (--single-threaded). -1 when
 * out of memory. */
int db_writer_open(sqlite3 *db, sqlite3_stmt *const *stmts, int n, uint32_t n_registers, bool threaded);
/* Everything queued is executed, the thread stopped. */
void db_writer_close(void);

/* One row at a time: begin, bind what is known (an unbound value is NULL), step.
 * Values are copied at once. */
void db_row_begin(int stmt);
void db_row_int(int i, int64_t v);
void db_row_text(int i, const char *v); /* NUL-terminated; NULL binds NULL */
void db_row_text_len(int i, const char *v, size_t n);
void db_row_text_or_null(int i, const char *v); /* NULL or "" binds NULL */
void db_row_blob(int i, const void *v, size_t n);
/* Bind what id register reg holds when the row is executed. */
void db_row_id(int i, uint32_t reg);
/* Queue the row; what names it in an error message. */
void db_row_step(const char *what);
/* Queue the row; when executed, the first column of its first result (an
 * UPSERT's RETURNING id; 0 without one) goes to id register reg. */
void db_row_step_keep(const char *what, uint32_t reg);
/* Execute the row now, after everything queued (a wait for the thread), and
 * return the first column of its first result (an UPSERT's RETURNING id); 0 on
 * failure. */
int64_t db_row_step_id(const char *what);
/* Queue a statement without values, a literal that outlives the run (COMMIT,
 * BEGIN). */
void db_writer_exec(const char *sql);
/* Hand what is queued to the thread now (a commit: durable soon, not when the
 * block is full). */
void db_writer_flush(void);
/* Wait until everything queued is executed; the connection is the caller's
 * until the next row. */
void db_writer_sync(void);

/* Log the connection's error (the first only) and stop writing. */
void db_writer_fail(const char *what);
bool db_writer_failed(void);

#endif

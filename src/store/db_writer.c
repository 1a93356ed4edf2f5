/* SPDX-License-Identifier: GPL-2.0-or-later */
/* db_writer.c - the store's writes on a thread of their own; see db_writer.h. */
#include "store/db_writer.h"

#include <stdlib.h>
#include <string.h>

#include "util/block_queue.h"
#include "util/log.h"

/* 4 blocks of 256 KiB, about 2,000 rows each; a full block is handed over, and
 * a commit hands over the one being filled (every 250 ms, MMSW_DB_COMMIT_MS).
 * 64 KiB blocks (shorter bursts on the reader's core, more wake-ups) measured
 * slower: docs/performance.md. */
#define DBW_BLOCK_BYTES (256 * 1024)
#define DBW_BLOCKS 4
/* A row larger than a block (an evidence slice, the inventory document) is
 * executed on the caller's thread after a sync. The builder's buffer is kept
 * between rows up to this size, and freed past it. */
#define DBW_ROW_KEEP (64 * 1024)

/* A row in a block: this header, then n values, each padded to 8 bytes. */
struct row_head {
	uint32_t size;   /* of the whole row, header included */
	int32_t stmt;    /* index into stmts, or -1: sql is a literal to execute */
	uint32_t n;      /* values */
	int32_t keep;    /* the id register its first result goes to, -1 none */
	const char *sql; /* -1: the statement; else what the row is, for errors */
};

/* V_ID: the value is an id register's content when the row is executed. */
enum { V_INT, V_TEXT, V_BLOB, V_ID };

struct row_value {
	uint8_t type;
	uint8_t pad[3];
	int32_t index; /* the statement's parameter, from 1 */
	uint64_t len;  /* V_TEXT, V_BLOB: bytes that follow */
	int64_t v;     /* V_INT */
};

static sqlite3 *db;
static sqlite3_stmt *const *stmts;
static int n_stmts;
static struct block_queue *queue;
static bool failed; /* read and written with __atomic: the thread sets it */

/* The id registers (db_row_step_keep, db_row_id): written and read only where
 * rows are executed, the thread, or the caller's after a sync (the queue's lock
 * orders the two). */
static int64_t *ids;
static uint32_t n_ids;

/* The row being built (the pipeline thread's). */
static uint8_t *row;
static size_t row_len, row_cap;
static bool row_oom;
static bool row_bad_register; /* never: store.c numbers its registers below n_ids */

bool db_writer_failed(void)
{
	return __atomic_load_n(&failed, __ATOMIC_RELAXED);
}

void db_writer_fail(const char *what)
{
	if (!db_writer_failed()) {
		int code = sqlite3_errcode(db);
		log_error("database: %s: %s%s", what, sqlite3_errmsg(db),
			  code == SQLITE_FULL ? " (the disk is full: findings after this point are not stored)" : "");
	}
	__atomic_store_n(&failed, true, __ATOMIC_RELAXED);
}

static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* ---- executing (the thread, or the caller's after a sync) ------------------ */

static void bind_value(sqlite3_stmt *s, const struct row_value *v)
{
	const char *bytes = (const char *)(v + 1);
	switch (v->type) {
	case V_INT:
		sqlite3_bind_int64(s, v->index, v->v);
		break;
	case V_ID:
		sqlite3_bind_int64(s, v->index, ids[v->v]);
		break;
	case V_TEXT:
		sqlite3_bind_text64(s, v->index, bytes, v->len, SQLITE_STATIC, SQLITE_UTF8);
		break;
	default:
		sqlite3_bind_blob64(s, v->index, bytes, v->len, SQLITE_STATIC);
		break;
	}
}

/* Execute one row; its first result's first column, 0 without one. */
static int64_t execute_row(const uint8_t *p)
{
	const struct row_head *h = (const struct row_head *)p;
	if (db_writer_failed())
		return 0;
	if (h->stmt < 0) {
		if (sqlite3_exec(db, h->sql, NULL, NULL, NULL) != SQLITE_OK)
			db_writer_fail(h->sql); /* the connection holds exec's message too */
		return 0;
	}
	if (h->stmt >= n_stmts) { /* never: store.c names its own statements */
		db_writer_fail(h->sql);
		return 0;
	}
	sqlite3_stmt *s = stmts[h->stmt];
	const uint8_t *v = p + sizeof(*h);
	for (uint32_t i = 0; i < h->n; i++) {
		const struct row_value *rv = (const struct row_value *)v;
		bind_value(s, rv);
		v += sizeof(*rv) + pad8(rv->type == V_INT || rv->type == V_ID ? 0 : rv->len);
	}
	int rc = sqlite3_step(s);
	int64_t first = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		db_writer_fail(h->sql);
	if (h->keep >= 0)
		ids[h->keep] = first;
	return first;
}

static void execute_block(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	for (size_t at = 0; at < len; at += ((const struct row_head *)(buf + at))->size)
		execute_row(buf + at);
}

/* ---- building (the pipeline thread) ------------------------------------------ */

static void *row_room(size_t n)
{
	if (row_oom)
		return NULL;
	if (row_cap - row_len < n) {
		size_t cap = row_cap ? row_cap : 4096;
		while (cap - row_len < n)
			cap *= 2;
		uint8_t *grown = realloc(row, cap);
		if (!grown) {
			row_oom = true;
			return NULL;
		}
		row = grown;
		row_cap = cap;
	}
	void *at = row + row_len;
	row_len += n;
	return at;
}

static void begin(int32_t stmt, const char *sql)
{
	row_len = 0;
	row_oom = false;
	row_bad_register = false;
	struct row_head *h = row_room(sizeof(*h));
	if (h)
		*h = (struct row_head){ 0, stmt, 0, -1, sql };
}

void db_row_begin(int stmt)
{
	begin(stmt, NULL);
}

static struct row_value *value(int i, uint8_t type, size_t len)
{
	struct row_value *v = row_room(sizeof(*v) + pad8(len));
	if (!v)
		return NULL;
	memset(v, 0, sizeof(*v));
	v->type = type;
	v->index = i;
	v->len = len;
	((struct row_head *)row)->n++;
	return v;
}

void db_row_int(int i, int64_t n)
{
	struct row_value *v = value(i, V_INT, 0);
	if (v)
		v->v = n;
}

void db_row_id(int i, uint32_t reg)
{
	if (reg >= n_ids) {
		row_bad_register = true;
		return;
	}
	struct row_value *v = value(i, V_ID, 0);
	if (v)
		v->v = reg;
}

static void bytes(int i, uint8_t type, const void *p, size_t n)
{
	if (!p) /* NULL binds NULL, as sqlite3_bind_text and _blob do */
		return;
	struct row_value *v = value(i, type, n);
	if (v && n)
		memcpy(v + 1, p, n);
}

void db_row_text_len(int i, const char *v, size_t n)
{
	bytes(i, V_TEXT, v, n);
}

void db_row_text(int i, const char *v)
{
	if (v)
		bytes(i, V_TEXT, v, strlen(v));
}

void db_row_text_or_null(int i, const char *v)
{
	if (v && v[0])
		db_row_text(i, v);
}

void db_row_blob(int i, const void *v, size_t n)
{
	bytes(i, V_BLOB, v, n);
}

static void queue_row(void)
{
	struct row_head *h = (struct row_head *)row;
	h->size = (uint32_t)row_len;
	uint8_t *at = row_len <= UINT32_MAX ? block_queue_reserve(queue, row_len) : NULL;
	if (at) {
		memcpy(at, row, row_len);
		block_queue_commit(queue, row_len);
		return;
	}
	/* Larger than a block: executed here, in its turn. */
	db_writer_sync();
	if (row_len <= UINT32_MAX)
		execute_row(row);
	else
		db_writer_fail(h->sql);
	if (row_cap > DBW_ROW_KEEP) {
		free(row);
		row = NULL;
		row_cap = 0;
	}
}

/* The row is whole: true, or false with the store stopped. */
static bool row_whole(const char *what)
{
	if (db_writer_failed())
		return false;
	if (row_oom || row_bad_register) {
		log_error("database: %s: %s", what, row_oom ? "out of memory" : "no such id register");
		__atomic_store_n(&failed, true, __ATOMIC_RELAXED);
		return false;
	}
	((struct row_head *)row)->sql = what;
	return true;
}

void db_row_step(const char *what)
{
	if (row_whole(what))
		queue_row();
}

void db_row_step_keep(const char *what, uint32_t reg)
{
	if (reg >= n_ids)
		row_bad_register = true;
	if (!row_whole(what))
		return;
	((struct row_head *)row)->keep = (int32_t)reg;
	queue_row();
}

int64_t db_row_step_id(const char *what)
{
	if (!row_whole(what))
		return 0;
	db_writer_sync();
	int64_t id = execute_row(row);
	if (!id)
		db_writer_fail(what);
	return id;
}

void db_writer_exec(const char *sql)
{
	begin(-1, sql);
	if (row_whole(sql))
		queue_row();
}

void db_writer_flush(void)
{
	if (queue)
		block_queue_hand_over(queue);
}

void db_writer_sync(void)
{
	if (!queue)
		return;
	block_queue_hand_over(queue);
	block_queue_wait(queue);
}

/* ---- open and close ----------------------------------------------------------- */

int db_writer_open(sqlite3 *conn, sqlite3_stmt *const *prepared, int n, uint32_t n_registers, bool threaded)
{
	db = conn;
	stmts = prepared;
	n_stmts = n;
	failed = false;
	n_ids = n_registers;
	if (n_ids && !(ids = calloc(n_ids, sizeof(*ids))))
		return -1;
	queue = block_queue_new("db-writer", DBW_BLOCK_BYTES, DBW_BLOCKS, threaded, execute_block, NULL);
	if (!queue) {
		free(ids);
		ids = NULL;
		return -1;
	}
	return 0;
}

void db_writer_close(void)
{
	block_queue_free(queue);
	queue = NULL;
	free(row);
	row = NULL;
	row_len = row_cap = 0;
	free(ids);
	ids = NULL;
	n_ids = 0;
}

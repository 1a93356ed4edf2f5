/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_db_writer.c - store/db_writer (and util/block_queue under it): rows made
 * on this thread reach SQLite in the order they were made, with and without the
 * writer thread, across many blocks (the producer waits for free ones); a row
 * larger than a block runs in its turn; a row that asks for an id sees every
 * row queued before it; an id register holds, for every row binding it, what
 * the last row queued before it to set it returned; the first error stops every
 * write after it; NULL and empty values stay apart. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db_writer.h"
#include "tcheck.h"

enum { S_ADD, S_ADD_ID, S_COUNT };

static const char *const SQL[S_COUNT] = {
	[S_ADD] = "INSERT INTO t (seq, txt, b) VALUES (?1, ?2, ?3)",
	[S_ADD_ID] = "INSERT INTO t (seq, txt) VALUES (?1, (SELECT count(*) FROM t)) RETURNING seq + 1000000",
};

#define ROWS 60000 /* about 3 MiB of rows: several times the writer's four blocks */
#define BIG (1024 * 1024)

static sqlite3 *open_db(sqlite3_stmt **st)
{
	sqlite3 *db = NULL;
	CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, seq INTEGER UNIQUE, txt TEXT, b BLOB)", NULL,
			   NULL, NULL) == SQLITE_OK);
	for (int i = 0; i < S_COUNT; i++)
		CHECK(sqlite3_prepare_v2(db, SQL[i], -1, &st[i], NULL) == SQLITE_OK);
	return db;
}

/* BIG bytes of fill and a NUL, malloc'd (NULL: a failed check). */
static char *big_text(char fill)
{
	char *big = malloc(BIG + 1);
	CHECK(big != NULL);
	if (big) {
		memset(big, fill, BIG);
		big[BIG] = 0;
	}
	return big;
}

/* A fresh database with the writer opened on it (4 id registers). */
static sqlite3 *open_with_writer(sqlite3_stmt **st, bool threaded)
{
	sqlite3 *db = open_db(st);
	CHECK_EQ(db_writer_open(db, st, S_COUNT, 4, threaded), 0);
	return db;
}

static int64_t one(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	int64_t v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return -2;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void add(int64_t seq)
{
	char txt[64];
	db_row_begin(S_ADD);
	db_row_int(1, seq);
	if (seq % 3) { /* every third row leaves its text unbound: NULL */
		snprintf(txt, sizeof(txt), "row %lld %.*s", (long long)seq, (int)(seq % 40),
			 "........................................");
		db_row_text(2, txt);
	}
	if (seq % 7 == 0)
		db_row_blob(3, &seq, sizeof(seq));
	db_row_step("test row");
}

/* The whole sequence; returns the database, rows written and checked. */
static sqlite3 *run(bool threaded, sqlite3_stmt **st)
{
	sqlite3 *db = open_with_writer(st, threaded);
	db_writer_exec("BEGIN");
	for (int64_t i = 0; i < ROWS / 2; i++)
		add(i);
	/* An id asked of the database: everything queued before it is there. */
	db_row_begin(S_ADD_ID);
	db_row_int(1, ROWS / 2);
	CHECK_EQ(db_row_step_id("test id"), ROWS / 2 + 1000000);
	for (int64_t i = ROWS / 2 + 1; i < ROWS; i++)
		add(i);
	/* Larger than a block: run after the rows before it. */
	char *big = big_text('x');
	if (big) {
		db_row_begin(S_ADD);
		db_row_int(1, ROWS);
		db_row_text_len(2, big, BIG);
		db_row_step("big row");
		free(big);
	}
	add(ROWS + 1);
	db_writer_exec("COMMIT");
	db_writer_close();
	CHECK(!db_writer_failed());
	CHECK_EQ(one(db, "SELECT count(*) FROM t"), ROWS + 2);
	/* In the order made: the rowids follow seq. */
	CHECK_EQ(one(db, "SELECT count(*) FROM t WHERE id != seq + 1"), 0);
	CHECK_EQ(one(db, "SELECT txt FROM t WHERE seq = 30000"), ROWS / 2);   /* rows before it, counted */
	CHECK_EQ(one(db, "SELECT count(*) FROM t WHERE txt IS NULL"), 19999); /* 0, 3, ... 59997, but 30000 */
	CHECK_EQ(one(db, "SELECT length(txt) FROM t WHERE seq = 60000"), BIG);
	CHECK_EQ(one(db, "SELECT count(*) FROM t WHERE b IS NOT NULL AND length(b) = 8"), 8572); /* 0, 7, ... 59997 */
	CHECK_EQ(one(db, "SELECT length(txt) FROM t WHERE seq = 59999"), 10 + 59999 % 40);
	return db;
}

static void close_db(sqlite3 *db, sqlite3_stmt **st)
{
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st[i]);
	sqlite3_close(db);
}

/* The same statements with and without the thread: the same table. */
static void same_with_and_without_thread(void)
{
	sqlite3_stmt *a[S_COUNT], *b[S_COUNT];
	sqlite3 *threaded = run(true, a);
	sqlite3 *inline_db = run(false, b);
	int64_t ha = one(threaded,
			 "SELECT sum(id * 7 + seq * 3 + coalesce(length(txt), 0) + coalesce(length(b), 0)) FROM t");
	int64_t hb = one(inline_db,
			 "SELECT sum(id * 7 + seq * 3 + coalesce(length(txt), 0) + coalesce(length(b), 0)) FROM t");
	CHECK(ha > 0);
	CHECK_EQ(ha, hb);
	close_db(threaded, a);
	close_db(inline_db, b);
}

/* A row that fails (seq is UNIQUE) stops the writes after it, on the thread. */
static void first_error_stops(void)
{
	sqlite3_stmt *st[S_COUNT];
	sqlite3 *db = open_with_writer(st, true);
	add(1);
	add(2);
	add(2); /* the error */
	add(3);
	db_writer_sync();
	CHECK(db_writer_failed());
	add(4); /* not even queued */
	db_writer_close();
	CHECK(db_writer_failed());
	CHECK_EQ(one(db, "SELECT count(*) FROM t"), 2);
	CHECK_EQ(one(db, "SELECT max(seq) FROM t"), 2);
	/* A new open starts clean. */
	CHECK_EQ(db_writer_open(db, st, S_COUNT, 4, true), 0);
	CHECK(!db_writer_failed());
	add(5);
	db_writer_close();
	CHECK_EQ(one(db, "SELECT count(*) FROM t"), 3);
	close_db(db, st);
}

/* A NULL text or blob binds NULL (as sqlite3_bind_text and _blob do); an empty
 * one binds an empty value, not NULL. */
static void null_values(void)
{
	sqlite3_stmt *st[S_COUNT];
	sqlite3 *db = open_with_writer(st, true);
	db_row_begin(S_ADD);
	db_row_int(1, 1);
	db_row_text(2, NULL);
	db_row_blob(3, NULL, 0);
	db_row_step("null row");
	db_row_begin(S_ADD);
	db_row_int(1, 2);
	db_row_text(2, "");
	db_row_blob(3, "", 0);
	db_row_step("empty row");
	db_writer_close();
	CHECK(!db_writer_failed());
	CHECK_EQ(one(db, "SELECT count(*) FROM t WHERE seq = 1 AND txt IS NULL AND b IS NULL"), 1);
	CHECK_EQ(one(db, "SELECT count(*) FROM t WHERE seq = 2 AND txt = '' AND length(b) = 0"), 1);
	close_db(db, st);
}

/* A row whose seq is what id register reg holds, with text tag. */
static void add_from_register(uint32_t reg, const char *tag)
{
	db_row_begin(S_ADD);
	db_row_id(1, reg);
	db_row_text(2, tag);
	db_row_step("register row");
}

/* Insert seq; the RETURNING value (seq + 1000000) goes to register reg. */
static void set_register(int64_t seq, uint32_t reg)
{
	db_row_begin(S_ADD_ID);
	db_row_int(1, seq);
	db_row_step_keep("keep row", reg);
}

/* Id registers, with and without the thread: nothing waits, and each row binds
 * what its register holds after the rows queued before it. */
static void id_registers(bool threaded)
{
	sqlite3_stmt *st[S_COUNT];
	sqlite3 *db = open_with_writer(st, threaded);
	db_writer_exec("BEGIN");
	add_from_register(1, "unset"); /* never set: 0 */
	set_register(5, 3);            /* register 3 = 1000005 */
	for (int64_t i = 100; i < 100 + ROWS / 4; i++)
		add(i); /* blocks handed over between the setting and the use */
	add_from_register(3, "first");
	set_register(6, 3); /* register 3 = 1000006 from here on */
	add_from_register(3, "second");
	/* A row larger than a block is executed on this thread after a sync: it
	 * binds the register too (as its blob column), and a statement without
	 * a result sets its register to 0. */
	char *big = big_text('y');
	if (big) {
		db_row_begin(S_ADD);
		db_row_int(1, 7);
		db_row_text_len(2, big, BIG);
		db_row_id(3, 3);
		db_row_step_keep("big row", 2);
		free(big);
	}
	db_row_begin(S_ADD);
	db_row_int(1, 8);
	db_row_id(3, 2);
	db_row_step("after big");
	db_writer_exec("COMMIT");
	db_writer_close();
	CHECK(!db_writer_failed());
	CHECK_EQ(one(db, "SELECT seq FROM t WHERE txt = 'unset'"), 0);
	CHECK_EQ(one(db, "SELECT seq FROM t WHERE txt = 'first'"), 1000005);
	CHECK_EQ(one(db, "SELECT seq FROM t WHERE txt = 'second'"), 1000006);
	CHECK_EQ(one(db, "SELECT b FROM t WHERE seq = 7"), 1000006);
	CHECK_EQ(one(db, "SELECT length(txt) FROM t WHERE seq = 7"), BIG);
	CHECK_EQ(one(db, "SELECT b FROM t WHERE seq = 8"), 0);
	CHECK_EQ(one(db, "SELECT count(*) FROM t"), 7 + ROWS / 4);
	close_db(db, st);
}

/* A register the writer was not opened with stops the store, as an error does. */
static void register_out_of_range(void)
{
	sqlite3_stmt *st[S_COUNT];
	sqlite3 *db = open_with_writer(st, true);
	add(1);
	db_writer_sync(); /* else the error would also stop row 1, not yet executed */
	add_from_register(4, "bad");
	add(2);
	db_writer_close();
	CHECK(db_writer_failed());
	CHECK_EQ(one(db, "SELECT count(*) FROM t"), 1);
	CHECK_EQ(db_writer_open(db, st, S_COUNT, 4, true), 0);
	set_register(3, 4);
	db_writer_close();
	CHECK(db_writer_failed());
	CHECK_EQ(one(db, "SELECT count(*) FROM t"), 1);
	close_db(db, st);
}

int main(void)
{
	same_with_and_without_thread();
	id_registers(true);
	id_registers(false);
	register_out_of_range();
	first_error_stops();
	null_values();
	printf("test_db_writer: %d checks, %d failed\n", tcheck_checks, tcheck_failures);
	return tcheck_failures ? 1 : 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shards_db.h - a --shards job's one run in the database (--db): what is left
 * once its processes have ended. Each process writes its own run_shards row,
 * and the schema's trigger keeps the job's runs row their total and marks it
 * done (or failed) when the last has ended (store/schema.h). The inventory
 * document cannot be totalled in SQL: each process stores its parts of it, and
 * the last to end merges them into the run's inventory row, the single run's
 * document (shards_inventory.h). */
#ifndef MMSW_SHARDS_DB_H
#define MMSW_SHARDS_DB_H

/* Called by each process of the job after its store has closed. When the job's
 * run has ended (this process was the last) and every process stored its parts
 * whole, writes the job's inventory. 0, or -1 after an error message. */
int shards_db_finish(const char *path, const char *token);

/* Called by the job's first process (src/shards.c) once all n have exited: a
 * process that died before its end (a signal, a failure before its store
 * opened) left its row running, or none. Both are marked failed, which ends the
 * job's run as failed (the trigger), and the processes' inventory parts are
 * dropped. Nothing when no process made the job's run. 0, or -1 after an error
 * message. */
int shards_db_settle(const char *path, const char *token, unsigned n);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* store_design.h - the design (--scl) in the database: one copy per distinct design
 * (its hash), and the run that used it. docs/database.md describes the tables. */
#ifndef MMSW_STORE_DESIGN_H
#define MMSW_STORE_DESIGN_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "core/scl.h"

/* Writes the design unless a design of the same hash is there already, then links
 * the run to it. 0, or -1 with a message in err. Inside the caller's transaction. */
int store_design_write(sqlite3 *db, int64_t run_id, const struct scl *m, char *err, size_t errsize);

#endif

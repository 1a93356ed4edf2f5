/* SPDX-License-Identifier: GPL-2.0-or-later */
/* grow.h - a table that grows by doubling up to its cap. Per-IED and per-run
 * tables start small and grow as they fill, so an IED or a run that uses little
 * costs little (a table allocated whole at its cap is zeroed whole). */
#ifndef MMSW_GROW_H
#define MMSW_GROW_H

#include <stdbool.h>
#include <stddef.h>

/* Room for element `need` (0-based) in *table, which holds *cap elements of
 * elem bytes: true when there is, growing it (realloc) by doubling from `first`
 * elements, up to `max`. False when need >= max or realloc fails: *table and
 * *cap are left as they were, and the caller names the limit it hit. */
bool grow_room(void **table, size_t *cap, size_t need, size_t first, size_t max, size_t elem);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inventory_doc.h - the inventory document (docs/inventory.md): the inventory
 * model (core/inventory.h) and the IED model (core/ied.h) as one JSON object.
 * A formatter, not a sink: main.c writes it for --inventory, and the store keeps
 * a copy with each run. It only reads what it is given. */
#ifndef MMSW_INVENTORY_DOC_H
#define MMSW_INVENTORY_DOC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct inventory_view;

/* The document to any stream; true when every part was written. */
bool inventory_doc_write_to(FILE *out, const struct inventory_view *v);
/* The same for the database: the design section lists only the designed IEDs
 * seen (and how many were not), since the design is stored once on its own. In
 * parts (a --shards job's process, core/summary_parts.h), when parts is true and
 * the process has a token: the job's document is merged from them at its end. */
bool inventory_doc_write_for_store(FILE *out, const struct inventory_view *v, bool parts);
/* The document to path ("-" stdout); 0, or -1 after an error message. A
 * process of --shards writes its parts instead (core/summary_parts.h). */
int inventory_doc_write(const char *path, const struct inventory_view *v);

/* The document's numbers: its first and last packet times (0: none) and its
 * limits. */
struct inventory_doc_totals {
	int64_t first_seen, last_seen;
	uint64_t inventory_full, ied_table_full, l2_frames_not_listed, l2_frames_unusable;
};
/* Its first line's members and its end, for a --shards job's document
 * (src/shards_inventory.c), which writes the lists between from the parts:
 * open writes `{"inventory_version":1,"first_seen":..,"last_seen":..`; close
 * ends the last list (array_open: a list, else the design object) and writes
 * the limits. */
void inventory_doc_open(FILE *out, const struct inventory_doc_totals *t);
void inventory_doc_close(FILE *out, bool array_open, const struct inventory_doc_totals *t);

#endif

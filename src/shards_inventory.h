/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shards_inventory.h - the one inventory document of a --shards job (--inventory
 * PATH), written from the parts its processes wrote to files of their own
 * (output/inventory_doc.c in parts, core/summary_parts.h): the IEDs in the order
 * a single run lists them, each segment with MMS once (the first process to see
 * it), a designed IED from the process that saw it, the numbers summed. */
#ifndef MMSW_SHARDS_INVENTORY_H
#define MMSW_SHARDS_INVENTORY_H

#include <stdio.h>

/* Write the document to path from the n parts files; 0, or -1 after an error
 * message (a process's parts missing or not whole: no document is written). */
int shards_inventory_write(const char *path, char *const *parts, unsigned n, const char *token);

/* The document of the parts gathered in m (every process's, merge_add). */
struct merge;
void shards_inventory_put(FILE *out, struct merge *m);

#endif

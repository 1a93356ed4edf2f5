/* SPDX-License-Identifier: GPL-2.0-or-later */
/* evidence.h - evidence slices (--evidence DIR): for every finding with evidence
 * frames, a classic pcap that can be read on its own. Fed by the bus's frame hook
 * (core/bus.h), so live runs and offline runs work the same way. */
#ifndef MMSW_OUTPUT_EVIDENCE_H
#define MMSW_OUTPUT_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "core/bus.h"

/* Caps of the frames kept in memory to cut slices from. */
struct evidence_config {
	const char *dir;      /* as given on the command line */
	uint64_t disk_max;    /* bytes of *.pcap in DIR, 0 for no cap */
	uint32_t ring_frames; /* per flow */
	uint64_t ring_bytes;  /* per flow */
	uint64_t memory_max;  /* every frame kept, all flows together */
};

#define EVIDENCE_RING_FRAMES 4096
#define EVIDENCE_RING_BYTES (4ull << 20)
#define EVIDENCE_MEMORY_MAX (256ull << 20)
#define EVIDENCE_DISK_MAX (1024ull << 20)

/* Check DIR (a writable directory, created when missing) and what it already
 * holds; -1 with err when it cannot be used. */
int evidence_open(const struct evidence_config *c, char *err, size_t errsize);
/* The end-of-run line on stderr (slices written, caps hit). */
void evidence_report(void);

extern const struct sink evidence_sink;

#endif

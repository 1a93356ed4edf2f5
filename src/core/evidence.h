/* SPDX-License-Identifier: GPL-2.0-or-later */
/* evidence.h - what the evidence slices (output/evidence.c, --evidence DIR) tell
 * the other sinks about the finding being delivered: the slice's file, its
 * SHA-256 and its bytes (EVE names the file, the store keeps the bytes), and the
 * named counters of the slicer's caps. The slicer is registered before every
 * other sink, so during one finding's delivery they all see its slice. */
#ifndef MMSW_EVIDENCE_H
#define MMSW_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct finding;

struct evidence_slice {
	uint64_t finding_id;
	const char *name;     /* the file name: <first seen>-<id>-<kind>.pcap */
	const char *path;     /* DIR as given joined with the file name; NULL when
				     * the disk cap kept it out of DIR */
	char sha256[65];      /* hex, of the slice's bytes */
	const uint8_t *bytes; /* the classic pcap file, valid for the delivery */
	size_t len;
	uint32_t frames;
	bool redacted; /* an ACSE authentication value was overwritten */
};

/* The slicer's side: the slice of the finding it was just given (NULL: none). */
void evidence_slice_set(const struct evidence_slice *s);
/* The other sinks' side: the slice of this finding, NULL when it has none. */
const struct evidence_slice *evidence_slice_of(const struct finding *f);
/* The finding's details, plus "evidence_redacted" when its slice had a secret
 * overwritten (the finding says so). */
void evidence_details(const struct finding *f, char *buf, size_t size);

/* Named counters (EVE stats `evidence`, the summary), only with --evidence: the
 * run's own counters (util/stats.h) stay those of a run without it.
 * memory_peak_bytes is not a count but the most memory the kept frames held (as
 * the --evidence-memory-mb cap counts it, plus the setup frames). */
/* clang-format off */
#define EVIDENCE_COUNTERS(X)                                                        \
	X(slices_written) X(slices_rewritten) X(slice_frames)                       \
	X(ring_frames_cap) X(ring_bytes_cap) X(memory_cap) X(setup_frames_cap)      \
	X(ended_flows_cap) X(evidence_frames_missing) X(link_type_mixed)            \
	X(disk_cap_skipped) X(write_errors) X(secrets_overwritten) X(secrets_unlocated) \
	X(memory_peak_bytes)
/* clang-format on */

enum evidence_counter {
#define X(name) EVC_##name,
	EVIDENCE_COUNTERS(X)
#undef X
		EVC_COUNT
};

extern bool g_evidence_enabled;
extern uint64_t g_evidence_count[EVC_COUNT];
const char *evidence_counter_name(enum evidence_counter c);

#endif

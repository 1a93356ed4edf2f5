/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gate.h - the commissioning gate: --fail-on SEVERITY and --fail-on-kind KIND,...
 * (and --fail-on-loss) make the run end with exit status 3 when such a finding
 * occurred (or the capture lost bytes), offline and live (also when a live run
 * ends by SIGTERM or --duration), with the reasons. */
#ifndef MMSW_GATE_H
#define MMSW_GATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/bus.h"

struct finding;

/* min_severity: SEV_COUNT for none. kinds: comma-separated list or NULL.
 * Returns -1 (with err) when a kind list is malformed or names a kind that is
 * not in core/kinds.h (err then lists the kinds: give it 2 KiB or more). */
int gate_init(uint8_t min_severity, const char *kinds, char *err, size_t errsize);
void gate_finding(const struct finding *f);
/* --fail-on-loss: bytes lost in capture (TCP gaps) or packets dropped by the
 * capture fail the gate themselves. Without it, a verdict on a lossy capture
 * says that it rests on an incomplete capture. */
void gate_fail_on_loss(bool on);
/* Packets the capture dropped (kernel, interface): live runs tell the gate. */
void gate_note_dropped(uint64_t packets);
bool gate_tripped(void);
/* Why the gate tripped (or that it passed on an incomplete capture), for people
 * and CI logs; nothing when no gate was asked for or nothing is to be said. */
void gate_report(FILE *out);

extern const struct sink gate_sink;

#endif

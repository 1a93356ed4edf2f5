/* gate.h - the commissioning gate: --fail-on SEVERITY and --fail-on-kind KIND,...
 * make the run end with exit status 3 when such a finding occurred (offline and
 * live, also when a live run ends by SIGTERM or --duration), with the reasons. */
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
bool gate_tripped(void);
/* Why the gate tripped, for people and CI logs. */
void gate_report(FILE *out);

extern const struct sink gate_sink;

#endif

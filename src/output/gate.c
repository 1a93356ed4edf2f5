/* gate.c - the commissioning gate; see gate.h. */
#include "output/gate.h"

#include <stdlib.h>
#include <string.h>

#include "core/finding.h"
#include "core/kinds.h"

#define GATE_KINDS_MAX 64
#define GATE_REASONS_KEPT 10

static bool active;
static uint8_t min_sev = SEV_COUNT;
static size_t n_kinds;
static char kinds[GATE_KINDS_MAX][48];
static uint64_t tripped;
static char reasons[GATE_REASONS_KEPT][256];
static size_t n_reasons;

int gate_init(uint8_t min_severity, const char *list, char *err, size_t errsize)
{
	min_sev = min_severity;
	active = min_severity < SEV_COUNT;
	if (!list)
		return 0;
	const char *p = list;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == 0 || len >= sizeof(kinds[0]) || n_kinds >= GATE_KINDS_MAX) {
			snprintf(err, errsize, "--fail-on-kind: '%s' is not a list of finding kinds (e.g. report_sequence_gap,connection_storm)", list);
			return -1;
		}
		memcpy(kinds[n_kinds], p, len);
		kinds[n_kinds][len] = 0;
		if (!finding_kind_find(kinds[n_kinds])) {
			/* A kind no analyzer emits would never trip the gate: a typo must
			 * not silently turn the gate off. */
			char known[2048];
			finding_kinds_text(known, sizeof(known), 78, 2);
			snprintf(err, errsize, "--fail-on-kind: '%.*s' is not a finding kind; the kinds are "
				 "(docs/findings.md):\n  %s", (int)len, p, known);
			return -1;
		}
		n_kinds++;
		p += len + (e ? 1 : 0);
	}
	active = true;
	return 0;
}

void gate_finding(const struct finding *f)
{
	if (!active || f->emitted)
		return;
	bool hit = f->severity >= min_sev;
	for (size_t i = 0; i < n_kinds && !hit; i++)
		hit = !strcmp(kinds[i], f->kind);
	if (!hit)
		return;
	tripped++;
	if (n_reasons < GATE_REASONS_KEPT)
		snprintf(reasons[n_reasons++], sizeof(reasons[0]), "%s %s: %.200s", severity_name(f->severity),
			 f->kind, f->summary);
}

bool gate_tripped(void) { return tripped > 0; }

void gate_report(FILE *out)
{
	if (!tripped)
		return;
	fprintf(out, "mmswatch: gate failed: %llu finding%s at or above the --fail-on threshold:\n",
		(unsigned long long)tripped, tripped == 1 ? "" : "s");
	for (size_t i = 0; i < n_reasons; i++)
		fprintf(out, "  %s\n", reasons[i]);
	if (tripped > n_reasons)
		fprintf(out, "  ... and %llu more\n", (unsigned long long)(tripped - n_reasons));
}

const struct sink gate_sink = {
	.name = "gate",
	.finding = gate_finding,
};

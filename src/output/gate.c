/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gate.c - the commissioning gate; see gate.h. */
#include "output/gate.h"

#include <stdlib.h>
#include <string.h>

#include "core/finding.h"
#include "core/kinds.h"
#include "util/stats.h"

#define GATE_KINDS_MAX 64
#define GATE_REASONS_KEPT 10

static bool active;
static uint8_t min_sev = SEV_COUNT;
static size_t n_kinds;
static char kinds[GATE_KINDS_MAX][48];
static uint64_t tripped;
static uint64_t tripped_sev, tripped_kind; /* by the option that caught them */
static char reasons[GATE_REASONS_KEPT][256];
static size_t n_reasons;
static bool fail_on_loss;
static uint64_t packets_dropped; /* by the kernel or an interface (live) */

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
			snprintf(
				err, errsize,
				"--fail-on-kind: '%s' is not a list of finding kinds (e.g. report_sequence_gap,connection_storm)",
				list);
			return -1;
		}
		memcpy(kinds[n_kinds], p, len);
		kinds[n_kinds][len] = 0;
		if (!finding_kind_find(kinds[n_kinds])) {
			/* A kind no analyzer emits would never trip the gate: a typo must
			 * not silently turn the gate off. */
			char known[2048];
			finding_kinds_text(known, sizeof(known), 78, 2);
			snprintf(err, errsize,
				 "--fail-on-kind: '%.*s' is not a finding kind; the kinds are "
				 "(docs/findings.md):\n  %s",
				 (int)len, p, known);
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
	bool by_sev = f->severity >= min_sev, by_kind = false;
	for (size_t i = 0; i < n_kinds && !by_kind; i++)
		by_kind = !strcmp(kinds[i], f->kind);
	if (!by_sev && !by_kind)
		return;
	tripped++;
	/* Each finding is told under the option that caught it (severity first:
	 * a finding both options catch would have failed the run either way). */
	if (by_sev)
		tripped_sev++;
	else
		tripped_kind++;
	if (n_reasons < GATE_REASONS_KEPT)
		snprintf(reasons[n_reasons++], sizeof(reasons[0]), "%s %s (%s): %.200s", severity_name(f->severity),
			 f->kind, by_sev ? "--fail-on" : "--fail-on-kind", f->summary);
}

void gate_fail_on_loss(bool on)
{
	fail_on_loss = on;
	if (on)
		active = true;
}

void gate_note_dropped(uint64_t packets)
{
	packets_dropped += packets;
}

static bool capture_lossy(void)
{
	return g_stats[STAT_tcp_gap_bytes] || packets_dropped;
}

bool gate_tripped(void)
{
	return tripped > 0 || (fail_on_loss && capture_lossy());
}

/* What the capture lost, in one phrase: "1234 bytes lost in 2 TCP gaps, 5 packets dropped". */
static void loss_text(char *buf, size_t size)
{
	unsigned long long bytes = (unsigned long long)g_stats[STAT_tcp_gap_bytes];
	unsigned long long gaps = (unsigned long long)g_stats[STAT_tcp_gaps];
	int n = 0;
	buf[0] = 0;
	if (bytes)
		n = snprintf(buf, size, "%llu byte%s lost in %llu TCP gap%s", bytes, bytes == 1 ? "" : "s", gaps,
			     gaps == 1 ? "" : "s");
	if (packets_dropped && n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, "%s%llu packet%s dropped by the capture", n ? ", " : "",
			 (unsigned long long)packets_dropped, packets_dropped == 1 ? "" : "s");
}

void gate_report(FILE *out)
{
	if (!active)
		return;
	char loss[160];
	bool lossy = capture_lossy();
	if (lossy)
		loss_text(loss, sizeof(loss));
	if (!tripped && !(fail_on_loss && lossy)) {
		/* Passed: but a pass on an incomplete capture is not a clean bill. */
		if (lossy)
			fprintf(out,
				"mmswatch: gate passed on an incomplete capture (%s): what was lost was not "
				"judged (--fail-on-loss makes loss fail the gate)\n",
				loss);
		return;
	}
	if (tripped) {
		char why[160];
		char level[64];
		snprintf(level, sizeof(level), "at or above --fail-on %s",
			 min_sev < SEV_COUNT ? severity_name(min_sev) : "");
		if (tripped_sev && tripped_kind)
			snprintf(why, sizeof(why), "%llu %s, %llu of a kind in --fail-on-kind",
				 (unsigned long long)tripped_sev, level, (unsigned long long)tripped_kind);
		else if (tripped_sev)
			snprintf(why, sizeof(why), "%s", level);
		else
			snprintf(why, sizeof(why), "of a kind in --fail-on-kind");
		fprintf(out, "mmswatch: gate failed: %llu finding%s %s%s%s%s\n", (unsigned long long)tripped,
			tripped == 1 ? "" : "s", tripped_sev && tripped_kind ? "(" : "", why,
			tripped_sev && tripped_kind ? ")" : "", lossy ? "; the capture was incomplete" : ":");
		if (lossy)
			fprintf(out, "  (%s: findings may be missing, the verdict rests on an incomplete capture)\n",
				loss);
		for (size_t i = 0; i < n_reasons; i++)
			fprintf(out, "  %s\n", reasons[i]);
		if (tripped > n_reasons)
			fprintf(out, "  ... and %llu more\n", (unsigned long long)(tripped - n_reasons));
	}
	if (fail_on_loss && lossy)
		fprintf(out, "mmswatch: gate failed: --fail-on-loss: the capture was incomplete (%s)\n", loss);
}

const struct sink gate_sink = {
	.name = "gate",
	.finding = gate_finding,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_stream.c - the whole ISO path from TCP bytes: TPKT framing and resync,
 * COTP reassembly, session, presentation, ACSE, MMS, and above it every analyzer
 * and the EVE and summary sinks on the bus.
 * Input: a series of chunks, each [header byte][bytes]: header bit 7 is the
 * direction, bits 0-6 the chunk length (0 means: a gap of 100 bytes here). */
#include <stdlib.h>
#include <string.h>

#include "pipeline.h"
#include "core/bus.h"
#include "core/events.h"
#include "core/flow.h"
#include "core/rules.h"
#include "output/eve.h"
#include "output/summary.h"
#include "stages/app_iso.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static bool opened;
	if (!opened) {
		/* What the ISO glue emits reaches whatever is on the bus: every
		 * analyzer and the sinks that work unconfigured, as in a run. */
		pipeline_add_analyzers();
		bus_add_sink(&eve_sink);
		bus_add_sink(&summary_sink);
		eve_open("/dev/null", NULL, true, false);
		rules_defaults(&g_rules);
		opened = true;
	}
	struct flow f;
	memset(&f, 0, sizeof(f));
	f.key.ipver = 4;
	f.key.port[1] = 102;
	f.client = 0;
	struct pkt_where at = { 1000000, 0, 1 };
	size_t i = 0;
	bool first = true;
	while (i < n) {
		uint8_t h = d[i++];
		int dir = h >> 7;
		size_t len = h & 0x7f;
		if (first && (h & 0x40)) {
			app_pickup(&f, 0, &at);
			app_pickup(&f, 1, &at);
		}
		first = false;
		if (len == 0) {
			app_gap(&f, dir, 100, 0, &at);
			continue;
		}
		if (len > n - i)
			len = n - i;
		app_data(&f, dir, d + i, (uint32_t)len, &at);
		i += len;
		at.frame++;
	}
	bus_flow_end(&f, FLOW_END_CAPTURE_END, &at);
	app_flow_free(&f);
	return 0;
}

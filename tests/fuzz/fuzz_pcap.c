/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_pcap.c - the whole pcap-to-events path: libpcap reads the input as a
 * capture file, every packet goes through the pipeline to every analyzer and the
 * EVE and summary sinks on the bus. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "options.h"
#include "pipeline.h"
#include "core/bus.h"
#include "core/finding.h"
#include "core/ied.h"
#include "core/rules.h"
#include "output/eve.h"
#include "output/summary.h"
#include "stages/packet_clock.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static struct options opt;
	static bool ready;
	if (!ready) {
		memset(&opt, 0, sizeof(opt));
		opt.mms_ports[0] = 102;
		opt.mms_ports[1] = 3782;
		opt.n_mms_ports = 2;
		opt.max_flows = 64;
		opt.hole_timeout_us = 1000000;
		/* The bus as a run has it, less the sinks that need configuring. */
		pipeline_add_analyzers();
		bus_add_sink(&eve_sink);
		bus_add_sink(&summary_sink);
		eve_open("/dev/null", NULL, true, false);
		rules_defaults(&g_rules);
		ready = true;
	}
	if (n == 0)
		return 0;
	FILE *fp = fmemopen((void *)d, n, "rb");
	if (!fp)
		return 0;
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_fopen_offline(fp, err);
	if (!p) {
		fclose(fp);
		return 0;
	}
	/* One input in two runs as a shard (--shard 0/2 or 1/2, core/shard.h),
	 * chosen by its length, the rest whole. */
	opt.shards = n % 2 ? 0 : 2;
	opt.shard = (uint32_t)(n / 2) % 2;
	if (pipeline_init(&opt) != 0) {
		pcap_close(p);
		return 0;
	}
	int dlt = pcap_datalink(p);
	struct pcap_pkthdr *h;
	const u_char *pkt;
	uint64_t frame = 0;
	while (pcap_next_ex(p, &h, &pkt) == 1 && frame < 10000) {
		/* A shard's frames go as the offline reader sends them: another
		 * shard's plainly (pipeline_frame_fate) as its header alone. */
		enum frame_fate fate = opt.shards ? pipeline_frame_fate(dlt, pkt, h->caplen, h->len) : FRAME_HERE;
		if (fate != FRAME_HERE)
			pipeline_frame_left(0, ++frame, h, fate == FRAME_LEFT_MMS);
		else
			pipeline_packet(NULL, dlt, 0, ++frame, h, pkt);
	}
	pipeline_finish();
	/* Each input is a whole run: its end frees what a run's end frees (main.c),
	 * so no analyzer sees a second end of run on the state of the first (the
	 * clock's window length once doubled on over thousands of inputs). */
	bus_free();
	findings_free();
	ied_free_all();
	packet_clock_reset();
	pcap_close(p);
	return 0;
}

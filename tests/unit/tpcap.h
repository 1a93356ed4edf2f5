/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tpcap.h - the bundled captures, frame by frame, for the unit tests that check
 * something of every frame of them (test_decode_ahead, test_shard). */
#ifndef MMSW_TPCAP_H
#define MMSW_TPCAP_H

#include <glob.h>
#include <pcap/pcap.h>
#include <stdlib.h>

#include "tcheck.h"

typedef void (*tpcap_frame_fn)(void *ctx, const char *path, int dlt, const struct pcap_pkthdr *h, const u_char *d);

/* Every frame of the .pcap files in $srcdir/pcaps, file by file, to fn; the
 * frames walked. No file found, or one that does not open, is a failed check. */
static inline unsigned long tpcap_each_frame(tpcap_frame_fn fn, void *ctx)
{
	const char *src = getenv("srcdir");
	char pattern[512];
	snprintf(pattern, sizeof(pattern), "%s/pcaps/*.pcap", src && *src ? src : ".");
	glob_t g;
	CHECK(glob(pattern, 0, NULL, &g) == 0);
	unsigned long frames = 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char err[PCAP_ERRBUF_SIZE];
		pcap_t *p = pcap_open_offline(g.gl_pathv[i], err);
		CHECK(p != NULL);
		if (!p)
			continue;
		struct pcap_pkthdr *h;
		const u_char *d;
		while (pcap_next_ex(p, &h, &d) == 1) {
			frames++;
			fn(ctx, g.gl_pathv[i], pcap_datalink(p), h, d);
		}
		pcap_close(p);
	}
	globfree(&g);
	return frames;
}

#endif

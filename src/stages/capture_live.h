/* capture_live.h - live capture from an interface (-i): pcap_create/activate with
 * a large kernel buffer, a default filter that keeps MMS (and GOOSE/SV for the
 * VLAN check), and capture statistics read every interval. */
#ifndef MMSW_CAPTURE_LIVE_H
#define MMSW_CAPTURE_LIVE_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stages/capture.h"

struct live_config {
	const char *iface;
	const char *filter;       /* NULL: the default MMS filter */
	const uint16_t *ports;    /* MMS ports for the default filter */
	size_t n_ports;
	int snaplen;
	int buffer_mb;
	bool immediate;
	bool no_promisc;
};

/* Open and activate; returns NULL with a clear message (what to grant when it
 * is a permission problem) in err. */
pcap_t *live_open(const struct live_config *c, char *err, size_t errsize);
/* The default capture filter for these ports, into buf. */
void live_default_filter(const uint16_t *ports, size_t n, char *buf, size_t size);
/* Read until *stop, the count or the deadline (wall seconds, 0 none). Calls
 * on_stats every interval_s seconds of wall time with the kernel counters.
 * Returns 0, or -1 after a capture error (reported). */
int live_loop(pcap_t *p, packet_fn fn, void *ctx, volatile int *stop, uint64_t max_packets,
	      int64_t deadline_s, int interval_s, void (*on_stats)(const struct live_stats *, void *),
	      void (*idle)(void *), void *sctx);
bool live_stats_read(pcap_t *p, struct live_stats *s);

#endif

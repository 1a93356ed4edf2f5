/* SPDX-License-Identifier: GPL-2.0-or-later */
/* capture_live.h - live capture from one interface or several (-i, repeatable):
 * pcap_create/activate with a large kernel buffer, a default filter that keeps
 * MMS (and GOOSE/SV for the VLAN check), and capture statistics read every
 * interval. Several interfaces (a PRP sensor: one per LAN) are read together and
 * their packets handed on in time order, each with its interface's index. */
#ifndef MMSW_CAPTURE_LIVE_H
#define MMSW_CAPTURE_LIVE_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/inputs.h"

struct live_config {
	const char *iface;     /* live_open: the interface */
	const char *filter;    /* NULL: the default MMS filter */
	const uint16_t *ports; /* MMS ports for the default filter */
	size_t n_ports;
	int snaplen;
	int buffer_mb;
	bool immediate;
	bool no_promisc;
	int timeout_ms;         /* the kernel buffer's timeout; 0: 100 ms */
	uint32_t shard, shards; /* --shard K/N: the default filter keeps shard K's frames (shards 0: all) */
};

/* Open and activate one interface; returns NULL with a clear message naming the
 * interface (what to grant when it is a permission problem) in err. */
pcap_t *live_open(const struct live_config *c, char *err, size_t errsize);
/* The default capture filter for these ports, into buf. */
void live_default_filter(const uint16_t *ports, size_t n, char *buf, size_t size);
/* The same, keeping only what shard k of n (core/shard.h) may take: the kernel
 * then copies each process only its own frames, and a frame of another shard's
 * IPv4 MMS connection never reaches it, but for shard 0, which is given the
 * frames that open an association (session CN or AC: which segments carry
 * MMS is its to know; live, it learns a segment whose MMS is all another
 * shard's when an association there starts, not from a running one). A
 * superset of the shard's frames (IPv6 MMS, fragments, TCP between two MMS
 * ports pass to every shard): the pipeline decides (in_shard). False when buf
 * is too small. */
bool live_shard_filter(const uint16_t *ports, size_t n, uint32_t k, uint32_t shards, char *buf, size_t size);
bool live_stats_read(pcap_t *p, struct live_stats *s);

/* Every interface of a run, open. */
struct live_capture;

/* Open ifaces[0..n) with c's settings (c->iface ignored), all or none: NULL with
 * the failing interface's message in err. */
struct live_capture *live_capture_open(const struct live_config *c, const struct input_iface *ifaces, size_t n,
				       char *err, size_t errsize);
void live_capture_close(struct live_capture *lc);
/* The same over handles already open (taken over; names not copied), e.g.
 * savefiles: how the merge is tested without a network. */
struct live_capture *live_capture_from(pcap_t *const *handles, const char *const *names, size_t n, char *err,
				       size_t errsize);
/* Interface i's counters: the reorder buffer's always; false when the kernel's
 * could not be read (they are 0 then). */
bool live_capture_stats(const struct live_capture *lc, uint32_t i, struct live_stats *s);

/* A live packet: its interface (index into the -i list), link type and frame
 * number (one sequence across all interfaces, 1-based). */
typedef void (*live_packet_fn)(void *ctx, uint32_t iface, int dlt, uint64_t frame, const struct pcap_pkthdr *h,
			       const uint8_t *data);

/* Read until *stop, the count or the deadline (wall seconds, 0 none). Calls
 * on_stats every interval_s seconds of wall time with each interface's counters
 * (s[i] for interface i, n of them), and once more at the end.
 *
 * With several interfaces, frames are delivered in timestamp order: a frame
 * waits in its interface's reorder buffer until every other interface either
 * has a frame queued or was read empty at least MMSW_LIVE_MERGE_HOLD_US (100 ms)
 * after the frame's timestamp (util/limits.h); the kernel hands a frame over
 * within its buffer timeout (20 ms in this mode), so by then nothing stamped
 * earlier can still come. The bound on disorder: a frame is delivered after a
 * later-stamped frame of another interface only when the kernel held it back
 * longer than the hold, when a reorder buffer overflowed (a busy interface
 * beside a quiet one, beyond about 80,000 frames/s), or when a frame waited
 * MMSW_LIVE_MERGE_STALL_US after it was read (a clock stepped back); each is
 * counted per interface (struct live_stats: reorder_full, out_of_order), and
 * so is every frame read later than the hold after its stamp (late: the first
 * cause; a loaded host's softirqs can hold frames back that long). At a
 * stop or the deadline what is held is delivered; past the count it is not.
 * Returns 0, or -1 after a capture error (reported, naming the interface). */
int live_loop(struct live_capture *lc, live_packet_fn fn, void *ctx, volatile int *stop, uint64_t max_packets,
	      int64_t deadline_s, int interval_s, void (*on_stats)(const struct live_stats *s, size_t n, void *sctx),
	      void (*idle)(void *), void *sctx);

#endif

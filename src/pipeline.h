/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pipeline.h - one packet's way through: link -> IP (defrag) -> flow table -> TCP
 * stream -> ISO glue -> the bus (core/bus.h). Everything runs on the capture
 * thread. With main.c, the only file that names concrete analyzers. */
#ifndef MMSW_PIPELINE_H
#define MMSW_PIPELINE_H

#include <pcap/pcap.h>
#include <stdint.h>

#include "options.h"
#include "stages/capture.h"

int pipeline_init(const struct options *o);
/* Register every analyzer on the bus, in the order events reach them. */
void pipeline_add_analyzers(void);
/* The packet callback given to the capture of files (ctx unused; interface 0). */
void pipeline_packet(void *ctx, int dlt, uint32_t file_idx, uint64_t frame, const struct pcap_pkthdr *h,
		     const uint8_t *data);
/* The same for a live capture: the packet's interface (index into the -i list,
 * struct pkt's iface), file 0. */
void pipeline_live_packet(void *ctx, uint32_t iface, int dlt, uint64_t frame, const struct pcap_pkthdr *h,
			  const uint8_t *data);
/* End of input: flush every flow and buffered event. */
void pipeline_finish(void);
/* A frame of this flow hash comes in a few frames: ask the caches for its
 * flow (input_set_flow_soon, flow_table_prefetch). */
void pipeline_flow_soon(uint32_t flow_hash, int stage);
int64_t pipeline_last_ts(void);
/* --shard, offline (input_set_frames_left): on the reader's thread, is a frame
 * surely another shard's, as packet_in would judge it after the link and IP
 * stages? Only frames those stages pass without counting anything are judged
 * (stages/frame_peek.h); the rest are FRAME_HERE and packet_in decides. */
enum frame_fate pipeline_frame_fate(int dlt, const uint8_t *data, uint32_t caplen, uint32_t wirelen);
/* Such a frame, in its place: what packet_in does for another shard's frame
 * (its time, timers and counters) without its bytes. */
void pipeline_frame_left(uint32_t file_idx, uint64_t frame, const struct pcap_pkthdr *h, bool mms);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* capture.h - where packets come from: a set of pcap/pcapng files read as one
 * capture, ordered by first packet time (a rotated set, a directory, a glob). */
#ifndef MMSW_CAPTURE_H
#define MMSW_CAPTURE_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/inputs.h"

typedef void (*packet_fn)(void *ctx, int dlt, uint32_t file_idx, uint64_t frame, const struct pcap_pkthdr *h,
			  const uint8_t *data);

/* Expand and check the -r arguments. Returns 0, or 2 after a one-line error on
 * stderr naming the file and the reason. */
int input_set_open(struct input_set *s, const char **args, size_t n);
/* Read every file in order. Returns 0, or 1 when a file other than the last one
 * could not be read to its end (reported; the rest is still read). A truncated
 * last file is read up to the cut with a warning. *stop can end the run early. */
int input_set_read(struct input_set *s, packet_fn fn, void *ctx, volatile int *stop);
/* What the read loop has to say about a file (cannot be opened, truncated, not
 * readable to its end), as one line of text without the program's prefix. */
enum capture_note { CAPTURE_NOTE_WARN, CAPTURE_NOTE_ERROR };
typedef void (*note_fn)(void *ctx, enum capture_note level, const char *text);
/* input_set_read with its messages handed to note instead of the log; it returns
 * 1 exactly when it gave note a CAPTURE_NOTE_ERROR. */
int input_set_read_to(struct input_set *s, packet_fn fn, note_fn note, void *ctx, volatile int *stop);
/* input_set_read with the files read ahead by a thread of its own (named
 * "mmswatch-reader") into a bounded ring: fn and the messages still come on the
 * caller's thread, in exactly the order input_set_read gives them. A full ring
 * makes the reader wait (nothing is lost); *stop, checked after every packet as
 * input_set_read does, ends the reader too. Messages are logged as
 * input_set_read logs them. */
int input_set_read_threaded(struct input_set *s, packet_fn fn, void *ctx, volatile int *stop);
/* What input_set_read_threaded's consumer calls, a few frames before it hands
 * a frame decoded ahead to fn (stage 0 twelve frames before, stage 1 six,
 * stage 2 three), with the flow table's hash of the frame's key
 * (stages/decode_ahead.h), so that the pipeline asks the caches for its flow
 * in time (pipeline_flow_soon, flow_table_prefetch). NULL (the default):
 * nothing is called. */
typedef void (*flow_soon_fn)(uint32_t flow_hash, int stage);
void input_set_flow_soon(flow_soon_fn fn);
/* What input_set_read_threaded's reader asks of each frame when set (--shard):
 * is it surely another shard's, from its headers alone (the pipeline's
 * pipeline_frame_fate)? Such a frame crosses to the caller's thread as its
 * header alone and goes to `left` instead of fn, in its place in the order:
 * its bytes are neither copied nor decoded. FRAME_LEFT_MMS: the frame is an
 * MMS connection's. NULL (the default): every frame goes to fn. */
enum frame_fate { FRAME_HERE, FRAME_LEFT, FRAME_LEFT_MMS };
typedef enum frame_fate (*frame_fate_fn)(int dlt, const uint8_t *data, uint32_t caplen, uint32_t wirelen);
typedef void (*frame_left_fn)(uint32_t file_idx, uint64_t frame, const struct pcap_pkthdr *h, bool mms);
void input_set_frames_left(frame_fate_fn fate, frame_left_fn left);
void input_set_free(struct input_set *s);

#endif

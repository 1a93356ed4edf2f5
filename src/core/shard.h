/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shard.h - which of N shards a packet or an IED belongs to, for --shard K/N.
 *
 * N mmswatch processes, each given one K of the same N, split a capture or a
 * SPAN port by IED: an MMS connection (TCP with exactly one side on an MMS port)
 * goes to the shard of its IED, the address of that side, hashed (32-bit FNV-1a
 * over its 4 or 16 bytes) modulo N. Every analyzer's state is per association or
 * per IED, so each process sees all it needs for the IEDs it holds, and the
 * processes' findings together are the single run's (tests/shard/run). TCP
 * between two MMS ports goes by the lower of the two addresses. What is not an
 * MMS connection (GOOSE, SV, PRP/HSR supervision, time sources, other TCP,
 * broken frames) goes to shard 0, so it is analysed and accounted once. The hash
 * is fixed: the same K/N takes the same IEDs in every run and on every machine
 * (tests/bench/shards splits files by the same rule). */
#ifndef MMSW_CORE_SHARD_H
#define MMSW_CORE_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/packet.h"

/* This process's shard (--shard k/n; n 0: the whole input), set once by the
 * wiring before any packet; read by the stages and by the analyzers that judge
 * an absence (a design's or a baseline's IED never seen is another shard's to
 * judge when its address is). */
void shard_set(uint32_t k, uint32_t n);
uint32_t shard_count(void); /* n, 0 without --shard */
uint32_t shard_self(void);  /* k */
/* A frame left to another shard (the pipeline's in_shard), and how many this
 * run (the summary says it); shard_set starts the count again. */
void shard_frame_left(void);
uint64_t shard_frames_left(void);
/* A number the process gives out in order from 1 (a finding's id), made unique
 * among the N shards' processes so that their EVE records can share a file and
 * their evidence slices a directory: shard K's local numbers 1, 2, 3 become
 * K + 1, K + 1 + N, K + 1 + 2N. Unchanged without --shard. */
uint64_t shard_serial(uint64_t local);

/* Is the IED at this address (4 or 16 bytes by ipver) this process's? Always
 * true without --shard. */
bool shard_holds_ied(const uint8_t *ip, uint8_t ipver);

/* The shard (0..n-1) of a decoded IP packet: src_mms and dst_mms say whether
 * its source and destination ports are MMS ports (always false when it is not
 * TCP). n >= 1. */
uint32_t shard_of_ip(const struct pkt *p, bool src_mms, bool dst_mms, uint32_t n);
/* The shard of the MMS connection between addresses a and b (len bytes each):
 * a_mms and b_mms say which side is on an MMS port (at least one is). */
uint32_t shard_of_pair(const uint8_t *a, const uint8_t *b, size_t len, bool a_mms, bool b_mms, uint32_t n);

#endif

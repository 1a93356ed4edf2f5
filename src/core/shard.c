/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shard.c - the shard of a packet or an IED for --shard K/N; see shard.h. */
#include "core/shard.h"

#include <string.h>

#include "util/fnv.h"

/* The shard of an address: its 4 or 16 bytes hashed. */
static uint32_t addr_shard(const uint8_t *ip, size_t len, uint32_t n)
{
	return fnv1a32(FNV1A32_INIT, ip, len) % n;
}

/* The process's shard: set once, then read for every frame on the reader's
 * thread too (stages/decode_ahead.c). Each of these two is on a line of its
 * own. The count is written for every other shard's frame by the pipeline's
 * thread; K and N shared a line with it once, and then with the run's
 * counters (util/stats.h), written for every frame: each read waited for the
 * line to come back from the pipeline's core (by perf, a tenth of the reader's
 * samples in --shard mode, 2% of them without it). */
static struct {
	_Alignas(64) uint32_t k, n;
} self;
static struct {
	_Alignas(64) uint64_t n;
} frames_left;

void shard_set(uint32_t k, uint32_t n)
{
	self.k = k;
	self.n = n;
	frames_left.n = 0;
}

void shard_frame_left(void)
{
	frames_left.n++;
}

uint64_t shard_frames_left(void)
{
	return frames_left.n;
}

uint32_t shard_count(void)
{
	return self.n;
}

uint32_t shard_self(void)
{
	return self.k;
}

uint64_t shard_serial(uint64_t local)
{
	return self.n <= 1 ? local : (local - 1) * self.n + self.k + 1;
}

bool shard_holds_ied(const uint8_t *ip, uint8_t ipver)
{
	return self.n <= 1 || addr_shard(ip, ipver == 4 ? 4 : 16, self.n) == self.k;
}

uint32_t shard_of_pair(const uint8_t *a, const uint8_t *b, size_t len, bool a_mms, bool b_mms, uint32_t n)
{
	if (n <= 1 || (!a_mms && !b_mms))
		return 0;
	const uint8_t *ied;
	if (a_mms != b_mms)
		ied = a_mms ? a : b;
	else /* both sides on an MMS port: the lower address, the same both ways */
		ied = memcmp(a, b, len) <= 0 ? a : b;
	return addr_shard(ied, len, n);
}

uint32_t shard_of_ip(const struct pkt *p, bool src_mms, bool dst_mms, uint32_t n)
{
	return shard_of_pair(p->src, p->dst, p->ipver == 4 ? 4 : 16, src_mms, dst_mms, n);
}

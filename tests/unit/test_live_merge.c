/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_live_merge.c - several interfaces merged in time order (stages/
 * capture_live.c), without a network: savefiles written here stand in for the
 * interfaces (live_capture_from), read by the live loop as it reads interfaces.
 *
 * What must hold: every frame delivered once, intact, with its interface's
 * index; frame numbers one run-wide sequence; timestamps in order when the
 * reorder buffers suffice; when one overflows (frames or bytes), the early
 * deliveries and the disorder they cause are counted, and nothing is lost or
 * corrupted (the byte ring wraps); --count stops at exactly N; a frame that
 * cannot be shown safe waits the stall time, no more. The hold against real
 * interfaces' timing: tests/live/multi_if. */
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tcheck.h"

#include "stages/capture_live.h"
#include "util/limits.h"

#define T0 1700000000LL

/* A frame's bytes: an Ethernet header, then its id, then a pattern of the id. */
static void fill(uint8_t *b, uint32_t len, uint64_t id)
{
	memset(b, 0, 14);
	b[12] = 0x08;
	memcpy(b + 14, &id, sizeof(id));
	for (uint32_t k = 14 + sizeof(id); k < len; k++)
		b[k] = (uint8_t)(id * 7 + k);
}

static bool intact(const uint8_t *b, uint32_t len, uint64_t *id)
{
	if (len < 14 + sizeof(*id))
		return false;
	memcpy(id, b + 14, sizeof(*id));
	for (uint32_t k = 14 + sizeof(*id); k < len; k++)
		if (b[k] != (uint8_t)(*id * 7 + k))
			return false;
	return true;
}

/* A savefile of n frames of len bytes, frame i at ts_us(i), ids from id0. */
static char *savefile(const char *tag, uint32_t n, uint32_t len, int64_t (*ts_us)(uint32_t), uint64_t id0)
{
	char *path = malloc(64);
	snprintf(path, 64, "/tmp/test_live_merge_%s_%d.pcap", tag, (int)getpid());
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 262144);
	pcap_dumper_t *d = pcap_dump_open(dead, path);
	uint8_t *b = malloc(len);
	for (uint32_t i = 0; i < n; i++) {
		int64_t t = ts_us(i);
		struct pcap_pkthdr h = { { (time_t)(t / 1000000), (suseconds_t)(t % 1000000) }, len, len };
		fill(b, len, id0 + i);
		pcap_dump((u_char *)d, &h, b);
	}
	free(b);
	pcap_dump_close(d);
	pcap_close(dead);
	return path;
}

struct seen {
	uint64_t n, bad, frames_wrong, iface_wrong, backwards;
	int64_t start_us, at_us[2]; /* monotonic: the loop's start; frames 1999 and 2000 delivered */
	int64_t last_ts;
	uint64_t last_frame;
	uint64_t per_iface[2];
	uint8_t *got; /* ids seen (by id) */
	size_t n_ids;
};

/* Ids below 1e6 were written to interface 0, from 1e6 to interface 1. */
#define ID1 1000000

static void on_frame(void *ctx, uint32_t iface, int dlt, uint64_t frame, const struct pcap_pkthdr *h,
		     const uint8_t *data)
{
	struct seen *s = ctx;
	uint64_t id;
	int64_t ts = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
	s->n++;
	if (s->n == 1999 || s->n == 2000) {
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		s->at_us[s->n - 1999] = (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000 - s->start_us;
	}
	if (dlt != DLT_EN10MB || !intact(data, h->caplen, &id)) {
		s->bad++;
		return;
	}
	if (frame != s->last_frame + 1)
		s->frames_wrong++;
	s->last_frame = frame;
	if (iface > 1 || iface != (id >= ID1 ? 1u : 0u))
		s->iface_wrong++;
	else
		s->per_iface[iface]++;
	if (s->n > 1 && ts < s->last_ts)
		s->backwards++;
	if (ts > s->last_ts)
		s->last_ts = ts;
	size_t k = id >= ID1 ? s->n_ids / 2 + (id - ID1) : id;
	if (k < s->n_ids) {
		if (s->got[k])
			s->bad++; /* twice */
		s->got[k] = 1;
	}
}

static size_t missing(const struct seen *s, uint32_t n0, uint32_t n1)
{
	size_t m = 0;
	for (uint32_t i = 0; i < n0; i++)
		m += !s->got[i];
	for (uint32_t i = 0; i < n1; i++)
		m += !s->got[s->n_ids / 2 + i];
	return m;
}

/* Read two savefiles as interfaces 0 and 1 through the live loop. */
static void run(const char *p0, const char *p1, uint32_t n0, uint32_t n1, uint64_t count, struct seen *s,
		struct live_stats st[2])
{
	char err[PCAP_ERRBUF_SIZE + 100];
	pcap_t *h[2] = { pcap_open_offline(p0, err), pcap_open_offline(p1, err) };
	CHECK(h[0] && h[1]);
	if (!h[0] || !h[1])
		return;
	const char *names[2] = { "if0", "if1" };
	struct live_capture *lc = live_capture_from(h, names, 2, err, sizeof(err));
	CHECK(lc != NULL);
	if (!lc)
		return;
	memset(s, 0, sizeof(*s));
	s->n_ids = 2 * (size_t)(n0 > n1 ? n0 : n1);
	s->got = calloc(s->n_ids, 1);
	volatile int stop = 0;
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	s->start_us = (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
	CHECK_EQ(live_loop(lc, on_frame, s, &stop, count ? count : n0 + n1, 20, 0, NULL, NULL, NULL), 0);
	for (uint32_t i = 0; i < 2; i++)
		CHECK(!live_capture_stats(lc, i, &st[i])); /* a savefile has no kernel counters */
	live_capture_close(lc);
}

static int64_t even_ms(uint32_t i)
{
	return T0 * 1000000 + (int64_t)i * 2000;
}
static int64_t odd_ms(uint32_t i)
{
	return T0 * 1000000 + (int64_t)i * 2000 + 1000;
}
static int64_t every_ms(uint32_t i)
{
	return T0 * 1000000 + (int64_t)i * 1000;
}
static int64_t future_base;
static int64_t future_even(uint32_t i)
{
	return future_base + (int64_t)i * 2000;
}
static int64_t future_odd(uint32_t i)
{
	return future_base + (int64_t)i * 2000 + 1000;
}
static int64_t late_start(uint32_t i)
{
	return T0 * 1000000 + 100500 + (int64_t)i * 1000;
}
static int64_t early_start(uint32_t i)
{
	return T0 * 1000000 + 10500 + (int64_t)i * 1000;
}

/* Interleaved in time, each within its buffer: one sequence, strictly in order. */
static void test_interleaved(void)
{
	char *a = savefile("a", 1000, 100, even_ms, 0), *b = savefile("b", 1000, 100, odd_ms, ID1);
	struct seen s;
	struct live_stats st[2];
	run(a, b, 1000, 1000, 0, &s, st);
	CHECK_EQ(s.n, 2000);
	CHECK_EQ(s.bad, 0);
	CHECK_EQ(s.frames_wrong, 0);
	CHECK_EQ(s.last_frame, 2000);
	CHECK_EQ(s.iface_wrong, 0);
	CHECK_EQ(s.per_iface[0], 1000);
	CHECK_EQ(s.per_iface[1], 1000);
	CHECK_EQ(s.backwards, 0);
	CHECK_EQ(missing(&s, 1000, 1000), 0);
	CHECK_EQ(st[0].reorder_full + st[1].reorder_full, 0);
	CHECK_EQ(st[0].out_of_order + st[1].out_of_order, 0);
	/* stamped in 2023, read now: every frame later than the hold */
	CHECK_EQ(st[0].late, 1000);
	CHECK_EQ(st[1].late, 1000);
	free(s.got);

	/* --count: exactly N, the first N in time order */
	run(a, b, 1000, 1000, 50, &s, st);
	CHECK_EQ(s.n, 50);
	CHECK_EQ(s.last_frame, 50);
	CHECK_EQ(s.backwards, 0);
	CHECK_EQ(s.per_iface[0], 25);
	CHECK_EQ(s.per_iface[1], 25);
	free(s.got);
	unlink(a);
	unlink(b);
	free(a);
	free(b);
}

/* Interface 1 far behind in its own time: interface 0's frames (read in
 * batches, the emptier buffer first) and interface 1's merge in time order, no
 * buffer overflows, nothing counted. */
static void test_busy_and_late(void)
{
	uint32_t n0 = MMSW_LIVE_REORDER_FRAMES + 808, n1 = 100;
	char *a = savefile("c", n0, 80, every_ms, 0), *b = savefile("d", n1, 80, late_start, ID1);
	struct seen s;
	struct live_stats st[2];
	run(a, b, n0, n1, 0, &s, st);
	CHECK_EQ(s.n, n0 + n1);
	CHECK_EQ(s.bad, 0);
	CHECK_EQ(s.frames_wrong, 0);
	CHECK_EQ(s.iface_wrong, 0);
	CHECK_EQ(missing(&s, n0, n1), 0);
	CHECK_EQ(s.backwards, 0);
	CHECK_EQ(st[0].reorder_full + st[1].reorder_full, 0);
	CHECK_EQ(st[0].out_of_order + st[1].out_of_order, 0);
	free(s.got);
	unlink(a);
	unlink(b);
	free(a);
	free(b);
}

/* More frames than a buffer holds, none of which may go on yet (stamped ahead
 * of the other interface's empty reads), the kernel holding more: the earliest
 * go on early, counted, rather than leave the kernel to drop; still in order,
 * none lost. */
static void test_frames_full(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	future_base = ((int64_t)t.tv_sec + 5) * 1000000;
	uint32_t n0 = MMSW_LIVE_REORDER_FRAMES + 808;
	char *a = savefile("i", n0, 80, future_even, 0), *b = savefile("j", 0, 80, future_odd, ID1);
	struct seen s;
	struct live_stats st[2];
	run(a, b, n0, 0, 0, &s, st);
	CHECK_EQ(s.n, n0);
	CHECK_EQ(s.bad, 0);
	CHECK_EQ(s.frames_wrong, 0);
	CHECK_EQ(missing(&s, n0, 0), 0);
	CHECK_EQ(s.backwards, 0);
	CHECK(st[0].reorder_full >= 808); /* at least the excess, at most a batch more */
	CHECK(st[0].reorder_full <= 808 + 1024);
	CHECK_EQ(st[1].reorder_full, 0);
	CHECK_EQ(st[0].out_of_order + st[1].out_of_order, 0);
	/* stamped ahead of the wall clock: none read late */
	CHECK_EQ(st[0].late + st[1].late, 0);
	free(s.got);
	unlink(a);
	unlink(b);
	free(a);
	free(b);
}

/* Frames of 60000 bytes: the byte ring (MMSW_LIVE_REORDER_BYTES) fills before
 * the frame ring; records wrap around its end, and every one arrives intact.
 * The 61 that went on early (0 to 60 ms) overtook interface 1's three (10.5 to
 * 12.5 ms, read after them): those are counted out of order. */
static void test_bytes_full(void)
{
	uint32_t len = 60000, fit = MMSW_LIVE_REORDER_BYTES / len, n0 = fit + 61, n1 = 3;
	char *a = savefile("e", n0, len, every_ms, 0), *b = savefile("f", n1, len, early_start, ID1);
	struct seen s;
	struct live_stats st[2];
	run(a, b, n0, n1, 0, &s, st);
	CHECK_EQ(s.n, n0 + n1);
	CHECK_EQ(s.bad, 0);
	CHECK_EQ(s.frames_wrong, 0);
	CHECK_EQ(missing(&s, n0, n1), 0);
	CHECK_EQ(st[0].reorder_full, 61);
	CHECK_EQ(st[1].reorder_full, 0);
	CHECK_EQ(st[1].out_of_order, 3);
	CHECK_EQ(st[0].out_of_order, 0);
	CHECK_EQ(s.backwards, 3);
	free(s.got);
	unlink(a);
	unlink(b);
	free(a);
	free(b);
}

/* Frames stamped in the future (a clock stepped back): while both interfaces
 * hold frames the earliest goes on at once; the last one, alone, cannot be shown
 * safe by the other's empty reads (they come before its timestamp), so it waits
 * the stall time after it was read, and no longer. */
static void test_hold(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	future_base = ((int64_t)t.tv_sec + 5) * 1000000;
	char *a = savefile("g", 1000, 100, future_even, 0), *b = savefile("h", 1000, 100, future_odd, ID1);
	struct seen s;
	struct live_stats st[2];
	run(a, b, 1000, 1000, 0, &s, st);
	CHECK_EQ(s.n, 2000);
	CHECK_EQ(s.backwards, 0);
	CHECK_EQ(missing(&s, 1000, 1000), 0);
	CHECK(s.at_us[0] < MMSW_LIVE_MERGE_HOLD_US);   /* frame 1999: both had frames */
	CHECK(s.at_us[1] >= MMSW_LIVE_MERGE_STALL_US); /* frame 2000: alone, held */
	CHECK(s.at_us[1] < MMSW_LIVE_MERGE_STALL_US + 1000000);
	free(s.got);
	unlink(a);
	unlink(b);
	free(a);
	free(b);
}

int main(void)
{
	test_interleaved();
	test_busy_and_late();
	test_frames_full();
	test_bytes_full();
	test_hold();
	TCHECK_DONE();
}

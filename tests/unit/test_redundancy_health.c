/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_redundancy_health.c - the LAN health analyzer (analyze/redundancy.c) on
 * hand-made PRP and HSR frames fed through bus_redundancy(), as the link stage
 * hands them over (both copies, the later one marked a duplicate), with the
 * pipeline's one-second ticks and its end of input (bus_finish).
 *
 * What must be said: a LAN that stops half-way (prp_lan_down, LAN B, since its
 * last frame), a LAN losing 10% (prp_lan_degraded), an HSR ring seen on one lane
 * (hsr_ring_open), a LAN that comes back (said in the down finding), the end of
 * a capture judged, a degraded LAN that then dies (one finding: down). What must
 * not: a clean capture with reordering between the LANs, a single missing copy,
 * PRP only at the start or at the end of a capture, a LAN never seen, the last
 * copies cut off by the end of the capture.
 *
 * The test sink keeps each finding's last state; a tally sink of this file
 * counts every record per kind, so that "never published" can be checked too.
 * Each case runs in a child process: the analyzers keep run-wide state. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tcheck.h"
#include "test_sink.h"

#include "core/bus.h"
#include "core/finding.h"
#include "core/packet.h"
#include "core/rules.h"
#include "util/stats.h"

#define T0 ((int64_t)1764340000 * 1000000) /* 2025-11-28T14:26:40Z */
#define MS 1000
#define SEC 1000000

static const uint8_t NODE1[6] = { 0x00, 0x30, 0xa7, 0x00, 0x00, 0x01 };
static const uint8_t NODE2[6] = { 0x00, 0x30, 0xa7, 0x00, 0x00, 0x02 };

/* ---- feeding ---------------------------------------------------------------- */

static uint64_t frame_no;
static int64_t last_tick, last_ts;

/* The pipeline's clock: a tick when packet time moved a second (pipeline.c). */
static void clock_to(int64_t ts)
{
	last_ts = ts;
	if (!last_tick) {
		last_tick = ts;
		return;
	}
	if (ts - last_tick >= SEC) {
		bus_tick(ts);
		last_tick = ts;
	}
}

/* One copy; returns its frame number. */
static uint64_t copy(uint8_t red, int64_t ts, const uint8_t *mac, uint16_t seq, uint8_t lan, bool dup)
{
	clock_to(ts);
	struct pkt p;
	memset(&p, 0, sizeof(p));
	p.at.ts_us = ts;
	p.at.frame = ++frame_no;
	p.src_mac = mac;
	p.red = red;
	p.red_lan = lan;
	p.red_seq = seq;
	p.red_duplicate = dup;
	p.ethertype = ETHERTYPE_IPV4;
	bus_redundancy(&p);
	return p.at.frame;
}

/* A frame that is not PRP or HSR: time passes, no redundancy event. */
static void other_traffic(int64_t ts)
{
	clock_to(ts);
	frame_no++;
}

static void finish(void)
{
	bus_finish(last_ts);
}

/* Copies scheduled out of order (the other copy of a frame may come after the
 * node's next frame), then played in time order, as a capture delivers them. */
struct sched_copy {
	int64_t ts;
	const uint8_t *mac;
	uint16_t seq;
	uint8_t red, lan;
	uint32_t frame_id;   /* which frame it is a copy of */
	uint32_t order;      /* scheduling order: ties keep it */
	uint64_t pcap_frame; /* its frame number, once played */
};
#define SCHED_MAX 20000
static struct sched_copy sched[SCHED_MAX];
static uint32_t n_sched, n_sched_frames;

static uint32_t sched_copy(uint8_t red, int64_t ts, const uint8_t *mac, uint16_t seq, uint8_t lan, uint32_t id)
{
	if (n_sched >= SCHED_MAX)
		abort();
	sched[n_sched] = (struct sched_copy){ ts, mac, seq, red, lan, id, n_sched, 0 };
	return n_sched++;
}

/* A PRP frame of one node: its copies on the LANs in `lans` (bit 0: A, bit 1:
 * B), A's at ts and B's `skew` later (negative: earlier). Returns the index of
 * its last copy scheduled. */
static uint32_t prp_frame(int64_t ts, const uint8_t *mac, uint16_t seq, unsigned lans, int64_t skew)
{
	uint32_t id = n_sched_frames++, last = 0;
	if (lans & 1)
		last = sched_copy(RED_PRP, ts, mac, seq, 0xA, id);
	if (lans & 2)
		last = sched_copy(RED_PRP, ts + skew, mac, seq, 0xB, id);
	return last;
}

static int by_time(const void *a, const void *b)
{
	const struct sched_copy *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int by_order(const void *a, const void *b)
{
	const struct sched_copy *x = a, *y = b;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Feed what was scheduled in time order; the later copy of a frame is marked a
 * duplicate, as the link stage marks it. Afterwards sched[i] is copy i again,
 * with its frame number. */
static void play(void)
{
	qsort(sched, n_sched, sizeof(sched[0]), by_time);
	uint8_t *seen = calloc(n_sched_frames + 1, 1);
	if (!seen)
		abort();
	for (uint32_t i = 0; i < n_sched; i++) {
		struct sched_copy *c = &sched[i];
		c->pcap_frame = copy(c->red, c->ts, c->mac, c->seq, c->lan, seen[c->frame_id]);
		seen[c->frame_id] = 1;
	}
	free(seen);
	qsort(sched, n_sched, sizeof(sched[0]), by_order);
}

/* ---- what came out ---------------------------------------------------------- */

struct tally_kind {
	const char *kind;
	unsigned records;
};
static struct tally_kind tallies[8];

static void tally_finding(const struct finding *f)
{
	for (size_t i = 0; i < sizeof(tallies) / sizeof(tallies[0]); i++) {
		if (!tallies[i].kind) {
			tallies[i].kind = f->kind;
			tallies[i].records = 1;
			return;
		}
		if (!strcmp(tallies[i].kind, f->kind)) {
			tallies[i].records++;
			return;
		}
	}
}

static const struct sink tally_sink = { .name = "tally", .finding = tally_finding };

static unsigned records_of(const char *kind)
{
	for (size_t i = 0; i < sizeof(tallies) / sizeof(tallies[0]) && tallies[i].kind; i++)
		if (!strcmp(tallies[i].kind, kind))
			return tallies[i].records;
	return 0;
}

struct find {
	const char *kind;
	const struct finding *found;
	unsigned n;
};

static void find_kind(const struct finding *f, void *arg)
{
	struct find *c = arg;
	if (!strcmp(f->kind, c->kind)) {
		c->n++;
		if (!c->found)
			c->found = f;
	}
}

/* The one finding of a kind (NULL, with a failed check, when not exactly one). */
static const struct finding *one(const char *kind)
{
	struct find c = { kind, NULL, 0 };
	test_findings_foreach(find_kind, &c);
	if (c.n != 1)
		fprintf(stderr, "%s: %u findings, expected 1\n", kind, c.n);
	CHECK_EQ(c.n, 1);
	return c.n == 1 ? c.found : NULL;
}

static unsigned count_of(const char *kind)
{
	struct find c = { kind, NULL, 0 };
	test_findings_foreach(find_kind, &c);
	return c.n;
}

static bool has_evidence(const struct finding *f, uint64_t frame)
{
	for (unsigned i = 0; i < f->n_evidence; i++)
		if (f->evidence[i].frame == frame)
			return true;
	return false;
}

static void iso(int64_t ts, char *buf, size_t size)
{
	time_t t = (time_t)(ts / SEC);
	struct tm tm;
	char s[24];
	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%06lldZ", s, (long long)(ts % SEC));
}

/* details contains "key":value (value as JSON text). */
static bool detail(const struct finding *f, const char *key, const char *value)
{
	char want[160];
	snprintf(want, sizeof(want), "\"%s\":%s", key, value);
	if (strstr(f->details, want))
		return true;
	fprintf(stderr, "details %s lack %s\n", f->details, want);
	return false;
}

/* The analyzers' summary blocks, as bus_print writes them (malloc'd). */
static char *summary_text(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		return NULL;
	bus_print(m);
	fclose(m);
	return text;
}

static void setup(void)
{
	n_sched = n_sched_frames = 0;
	memset(tallies, 0, sizeof(tallies));
	last_tick = last_ts = 0;
	frame_no = 0;
	rules_defaults(&g_rules);
	stats_reset();
	test_bus_setup(true);
	bus_add_sink(&tally_sink);
}

static void teardown(void)
{
	bus_free();
	findings_free();
}

/* ---- the cases -------------------------------------------------------------- */

/* Two nodes at 20 frames/s for 60 s, both LANs, reordered (B first every third
 * frame, copies up to 30 ms apart, later than the node's next frame), with
 * supervision frames, and one copy missing once. Nothing to say. */
static void child_clean(void)
{
	setup();
	uint16_t seq[2] = { 100, 60000 };
	for (int i = 0; i < 1200; i++) {
		int64_t ts = T0 + (int64_t)i * 50 * MS;
		for (int n = 0; n < 2; n++) {
			int64_t skew = i % 3 == 0 ? -(int64_t)(i % 7) * MS : (int64_t)(i % 31) * MS;
			unsigned lans = (n == 0 && i == 500) ? 1 : 3; /* one copy lost once */
			prp_frame(ts + n * 7 * MS, n ? NODE2 : NODE1, seq[n]++, lans, skew);
		}
		if (i % 40 == 0) {
			uint32_t id = n_sched_frames++;
			sched_copy(RED_PRP_SUPERVISION, ts + 20 * MS, NODE1, seq[0], 0xA, id);
			sched_copy(RED_PRP_SUPERVISION, ts + 20 * MS + 50, NODE1, seq[0]++, 0xB, id);
		}
	}
	play();
	finish();
	CHECK_EQ(test_findings_count(), 0);
	CHECK_EQ(g_stats[STAT_redundancy_table_full], 0);
	/* the summary block names both LANs */
	char *text = summary_text();
	CHECK(text != NULL);
	if (text) {
		CHECK(text && strstr(text, "Redundancy (PRP/HSR):"));
		char want[160], when[40];
		iso(last_ts, when, sizeof(when));
		snprintf(want, sizeof(want), "PRP LAN B: 2429 frames, last %s, ok\n", when);
		CHECK(text && strstr(text, "PRP LAN A: 2430 frames, last "));
		CHECK(text && strstr(text, want));
		CHECK(text && strstr(text, "PRP supervision frames: 60\n"));
		CHECK(text && strstr(text, "00:30:a7:00:00:01 PRP 1229 1 0; 60\n"));
		free(text);
	}
	teardown();
}

/* LAN B stops at 30 s of 60: down, since its last frame, with the frames A
 * carried alone since; not degraded as well. */
static void child_lan_down(void)
{
	setup();
	uint16_t seq = 1;
	uint64_t last_b = 0, first_alone = 0;
	int64_t last_b_ts = 0;
	for (int i = 0; i < 600; i++) {
		int64_t ts = T0 + (int64_t)i * 100 * MS;
		bool b = i < 300;
		copy(RED_PRP, ts, NODE1, seq, 0xA, false);
		if (!b && !first_alone)
			first_alone = frame_no;
		if (b) {
			last_b = copy(RED_PRP, ts + 200, NODE1, seq, 0xB, true);
			last_b_ts = ts + 200;
		}
		seq++;
	}
	finish();
	const struct finding *f = one("prp_lan_down");
	CHECK_EQ(count_of("prp_lan_degraded"), 0);
	CHECK_EQ(records_of("prp_lan_degraded"), 0);
	CHECK_EQ(test_findings_count(), 1);
	if (f) {
		char since[40];
		iso(last_b_ts, since, sizeof(since));
		char q[48];
		snprintf(q, sizeof(q), "\"%s\"", since);
		CHECK_EQ(f->severity, SEV_HIGH);
		CHECK_STR(f->object, "PRP LAN B");
		CHECK(detail(f, "lan", "\"B\""));
		CHECK(detail(f, "since", q));
		CHECK(detail(f, "frames_only_on_other_lan", "300")); /* A's frames 300..599, to the end */
		CHECK(strstr(f->details, "\"back\"") == NULL);
		CHECK(has_evidence(f, last_b));
		CHECK(has_evidence(f, first_alone));
		CHECK(f->ied.ipver == 0 && f->ied.port == 0); /* a network, not an IED */
		CHECK_EQ(f->count, 1);
		CHECK(strstr(f->summary, "LAN B has delivered nothing since") != NULL);
	}
	teardown();
}

/* LAN A misses every tenth frame for 60 s: degraded, A, with the counts. */
static void child_degraded(void)
{
	setup();
	uint16_t seq = 7;
	uint32_t first_missing = 0;
	for (int i = 0; i < 1200; i++) {
		int64_t ts = T0 + (int64_t)i * 50 * MS;
		unsigned lans = i % 10 == 5 ? 2 : 3;
		uint32_t c = prp_frame(ts, i % 2 ? NODE2 : NODE1, seq++, lans, 300);
		if (i == 5)
			first_missing = c;
	}
	play();
	finish();
	const struct finding *f = one("prp_lan_degraded");
	CHECK_EQ(test_findings_count(), 1);
	CHECK_EQ(records_of("prp_lan_down"), 0);
	if (f) {
		CHECK_EQ(f->severity, SEV_MEDIUM);
		CHECK_STR(f->object, "PRP LAN A");
		CHECK(detail(f, "lan", "\"A\""));
		/* 120 of 1200 frames missed; the last (59.75 s) is within the pairing
		 * wait of the capture's end (59.95 s), not judged */
		CHECK(detail(f, "frames_only_on_other_lan", "119"));
		CHECK(detail(f, "frames_on_both", "1080"));
		CHECK(strstr(f->details, "\"mac\":\"00:30:a7:00:00:02\"") != NULL);
		CHECK(has_evidence(f, sched[first_missing].pcap_frame));
		CHECK_EQ(f->count, 1); /* one episode */
	}
	teardown();
}

/* B goes quiet from 20 s to 40 s (at 20 frames/s) and comes back: one down
 * finding that says so, and no degraded LAN for the frames still waiting for
 * their copy when it came back. */
static void child_lan_back(void)
{
	setup();
	/* stricter than the default, so that the frames still waiting for their
	 * copy when B comes back would be enough to call it degraded */
	g_rules.thr[THR_PRP_DEGRADED_RATIO] = 20;
	uint16_t seq = 1;
	uint64_t back = 0;
	int64_t back_ts = 0;
	for (int i = 0; i < 1200; i++) {
		int64_t ts = T0 + (int64_t)i * 50 * MS;
		bool b = i < 400 || i >= 800;
		copy(RED_PRP, ts, NODE1, seq, 0xA, false);
		if (b) {
			uint64_t n = copy(RED_PRP, ts + 200, NODE1, seq, 0xB, true);
			if (i == 800) {
				back = n;
				back_ts = ts + 200;
			}
		}
		seq++;
	}
	finish();
	const struct finding *f = one("prp_lan_down");
	CHECK_EQ(count_of("prp_lan_degraded"), 0);
	CHECK_EQ(records_of("prp_lan_degraded"), 0);
	if (f) {
		char when[40], q[48];
		iso(back_ts, when, sizeof(when));
		snprintf(q, sizeof(q), "\"%s\"", when);
		CHECK(detail(f, "back", q));
		/* A's copies after B's last frame, the one of B's first frame back included */
		CHECK(detail(f, "frames_only_on_other_lan", "401"));
		CHECK(has_evidence(f, back));
		CHECK(strstr(f->summary, "then came back") != NULL);
		CHECK_EQ(f->count, 1);
	}
	teardown();
}

/* The end of a capture judges what is open: LAN B silent for the last 8 s while
 * A carried on is down (its count runs to the last frame); PRP cut off by the
 * end of the capture (the last copies on B beyond it) is nothing. */
static void child_end_of_capture(void)
{
	setup();
	uint16_t seq = 1;
	for (int i = 0; i < 300; i++) {
		int64_t ts = T0 + (int64_t)i * 100 * MS;
		copy(RED_PRP, ts, NODE1, seq, 0xA, false);
		if (i < 220)
			copy(RED_PRP, ts + 200, NODE1, seq, 0xB, true);
		seq++;
	}
	finish();
	const struct finding *f = one("prp_lan_down");
	if (f) {
		CHECK(detail(f, "frames_only_on_other_lan", "80"));
		CHECK(detail(f, "lan", "\"B\""));
	}
	CHECK_EQ(count_of("prp_lan_degraded"), 0);
	teardown();

	/* The end cuts off the last copies on B (and B's last 3 s): not a LAN down
	 * (too short a silence), not a degraded LAN (it may be going down). */
	setup();
	seq = 1;
	for (int i = 0; i < 300; i++) {
		int64_t ts = T0 + (int64_t)i * 100 * MS;
		copy(RED_PRP, ts, NODE1, seq, 0xA, false);
		if (i < 270)
			copy(RED_PRP, ts + 200, NODE1, seq, 0xB, true);
		seq++;
	}
	finish();
	CHECK_EQ(test_findings_count(), 0);
	teardown();
}

/* PRP only at the start (both LANs stop, other traffic goes on), only at the
 * end, and one LAN never seen: nothing to say. */
static void child_partial_captures(void)
{
	setup();
	uint16_t seq = 1;
	for (int i = 0; i < 100; i++)
		prp_frame(T0 + (int64_t)i * 100 * MS, NODE1, seq++, 3, 100);
	play();
	for (int i = 0; i < 500; i++)
		other_traffic(T0 + 10 * SEC + (int64_t)i * 100 * MS);
	finish();
	CHECK_EQ(test_findings_count(), 0);
	teardown();

	setup();
	for (int i = 0; i < 500; i++)
		other_traffic(T0 + (int64_t)i * 100 * MS);
	for (int i = 0; i < 30; i++)
		prp_frame(T0 + 50 * SEC + (int64_t)i * 100 * MS, NODE1, seq++, 3, 100);
	play();
	finish();
	CHECK_EQ(test_findings_count(), 0);
	teardown();

	/* B comes up 20 s after A (it was down before the capture, or the sensor's
	 * LAN B port started late): what it missed before its first frame is not
	 * judged, it was not seen to go down */
	setup();
	g_rules.thr[THR_PRP_DEGRADED_RATIO] = 20; /* stricter: 10 frames would do */
	for (int i = 0; i < 1200; i++)
		prp_frame(T0 + (int64_t)i * 50 * MS, NODE1, seq++, i < 400 ? 1 : 3, 300);
	play();
	finish();
	CHECK_EQ(test_findings_count(), 0);
	teardown();

	/* a sensor on LAN A only: B is never seen, so never judged */
	setup();
	for (int i = 0; i < 600; i++)
		prp_frame(T0 + (int64_t)i * 100 * MS, NODE1, seq++, 1, 0);
	play();
	finish();
	CHECK_EQ(test_findings_count(), 0);
	teardown();
}

/* Degraded, then down, in one episode: one finding, down. First A loses 20%
 * for 30 s (the degraded finding is out), then dies: the same finding becomes
 * the down finding and is published again as such. */
static void child_degraded_then_down(void)
{
	setup();
	uint16_t seq = 1;
	for (int i = 0; i < 500; i++) {
		int64_t ts = T0 + (int64_t)i * 100 * MS;
		unsigned lans = i >= 300 ? 2 : i % 5 == 2 ? 2 : 3;
		prp_frame(ts, NODE1, seq++, lans, 500);
	}
	play();
	finish();
	CHECK(records_of("prp_lan_degraded") >= 1); /* it was said while it was true */
	CHECK_EQ(test_findings_count(), 1);
	const struct finding *f = one("prp_lan_down");
	CHECK_EQ(count_of("prp_lan_degraded"), 0);
	if (f) {
		CHECK_EQ(f->severity, SEV_HIGH);
		CHECK(detail(f, "lan", "\"A\""));
		CHECK(strstr(f->details, "\"frames_missed_before\":") != NULL);
		CHECK_EQ(f->count, 1);
	}
	CHECK_EQ(findings_count(SEV_MEDIUM), 0);
	CHECK_EQ(findings_count(SEV_HIGH), 1);
	teardown();

	/* A goes quiet 1 s before the first window ends, so that the window holds
	 * enough frames it missed to be degraded: but it is going down, and is
	 * never called degraded. */
	setup();
	seq = 1;
	for (int i = 0; i < 400; i++) {
		int64_t ts = T0 + (int64_t)i * 100 * MS;
		unsigned lans = i >= 90 ? 2 : 3;
		prp_frame(ts, NODE1, seq++, lans, 500);
	}
	play();
	finish();
	CHECK_EQ(records_of("prp_lan_degraded"), 0);
	CHECK_EQ(test_findings_count(), 1);
	f = one("prp_lan_down");
	if (f)
		CHECK(strstr(f->details, "frames_missed_before") == NULL);
	teardown();
}

/* Copies reordered between the LANs by up to 200 ms (far more than a station
 * bus does, less than the pairing wait), either LAN first, many across the
 * pipeline's ticks: no finding, every frame seen on both. */
static void child_reordering(void)
{
	setup();
	uint16_t seq = 65000; /* the counter wraps on the way */
	for (int i = 0; i < 1000; i++) {
		int64_t ts = T0 + (int64_t)i * 20 * MS;
		int64_t skew = ((i * 37) % 81 - 40) * 5 * MS;
		prp_frame(ts, i % 3 ? NODE1 : NODE2, seq++, 3, skew);
	}
	play();
	finish();
	CHECK_EQ(test_findings_count(), 0);
	char *text = summary_text();
	CHECK(text && strstr(text, "00:30:a7:00:00:01 PRP 666 0 0; 0\n"));
	CHECK(text && strstr(text, "00:30:a7:00:00:02 PRP 334 0 0; 0\n"));
	free(text);
	teardown();
}

/* HSR: frames on lane A only (a ring seen from one side, or open from the
 * start); then a ring that opens and closes again. */
static void child_hsr(void)
{
	setup();
	uint16_t seq = 1;
	uint64_t first = 0;
	for (int i = 0; i < 200; i++) {
		uint64_t n = copy(RED_HSR, T0 + (int64_t)i * 100 * MS, i % 2 ? NODE1 : NODE2, seq++, 0, false);
		if (!first)
			first = n;
	}
	finish();
	const struct finding *f = one("hsr_ring_open");
	if (f) {
		CHECK_EQ(f->severity, SEV_HIGH);
		CHECK_STR(f->object, "HSR net 0");
		CHECK(detail(f, "nodes_one_lane", "2"));
		CHECK(detail(f, "seen_on_both_lanes", "false"));
		CHECK(strstr(f->details, "\"lane\":\"A\"") != NULL);
		CHECK(has_evidence(f, first));
	}
	char *text = summary_text();
	CHECK(text && strstr(text, "HSR net 0 lane A: 200 frames, last "));
	CHECK(text && strstr(text, "HSR net 0 lane B: never seen\n"));
	CHECK(text && strstr(text, "HSR net 0: ring open\n"));
	/* its 100 frames on lane A only, less the 3 within the pairing wait of the end */
	CHECK(text && strstr(text, "00:30:a7:00:00:01 HSR 0 97 0; 0 (lane A only)\n"));
	free(text);
	teardown();

	/* Both lanes for 10 s (clean), one lane from 10 s to 20 s, both again. */
	setup();
	seq = 1;
	int64_t last_both = 0;
	for (int i = 0; i < 300; i++) {
		int64_t ts = T0 + (int64_t)i * 100 * MS;
		bool open = i >= 100 && i < 200;
		copy(RED_HSR, ts, NODE1, seq, 1, false);
		if (!open) {
			copy(RED_HSR, ts + 50, NODE1, seq, 0, true);
			if (i < 100)
				last_both = ts;
		}
		seq++;
	}
	finish();
	f = one("hsr_ring_open");
	if (f) {
		char when[40], q[48];
		iso(last_both, when, sizeof(when));
		snprintf(q, sizeof(q), "\"%s\"", when);
		CHECK(detail(f, "seen_on_both_lanes", "true"));
		CHECK(strstr(f->details, "\"closed\":") != NULL);
		CHECK(strstr(f->details, q) != NULL);
	}
	teardown();

	/* Both lanes all along: nothing. */
	setup();
	for (int i = 0; i < 300; i++) {
		int64_t ts = T0 + (int64_t)i * 100 * MS;
		copy(RED_HSR, ts, NODE1, seq, i % 2, false);
		copy(RED_HSR, ts + 80, NODE1, seq++, 1 - i % 2, true);
		copy(RED_HSR_SUPERVISION, ts + 90, NODE2, seq, 0, false);
		copy(RED_HSR_SUPERVISION, ts + 95, NODE2, seq++, 1, true);
	}
	finish();
	CHECK_EQ(test_findings_count(), 0);
	teardown();
}

/* More nodes than the table holds: counted, not paired, no finding made up. */
static void child_table_full(void)
{
	setup();
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0 };
	static uint8_t macs[400][6];
	for (int i = 0; i < 400; i++) {
		memcpy(macs[i], mac, 6);
		macs[i][4] = (uint8_t)(i >> 8);
		macs[i][5] = (uint8_t)i;
	}
	for (int r = 0; r < 20; r++)
		for (int i = 0; i < 400; i++)
			prp_frame(T0 + (int64_t)r * SEC + i * MS, macs[i], (uint16_t)r, 3, 100);
	play();
	finish();
	CHECK(g_stats[STAT_redundancy_table_full] > 0);
	CHECK_EQ(test_findings_count(), 0);
	teardown();
}

/* Without PRP or HSR the analyzer has no summary block at all. */
static void child_no_redundancy(void)
{
	setup();
	for (int i = 0; i < 50; i++)
		other_traffic(T0 + (int64_t)i * 100 * MS);
	finish();
	char *text = summary_text();
	CHECK(text && !strstr(text, "Redundancy"));
	free(text);
	teardown();
}

int main(void)
{
	tcheck_in_child("clean", child_clean);
	tcheck_in_child("lan_down", child_lan_down);
	tcheck_in_child("degraded", child_degraded);
	tcheck_in_child("lan_back", child_lan_back);
	tcheck_in_child("end_of_capture", child_end_of_capture);
	tcheck_in_child("partial_captures", child_partial_captures);
	tcheck_in_child("degraded_then_down", child_degraded_then_down);
	tcheck_in_child("reordering", child_reordering);
	tcheck_in_child("hsr", child_hsr);
	tcheck_in_child("table_full", child_table_full);
	tcheck_in_child("no_redundancy", child_no_redundancy);
	TCHECK_DONE();
}

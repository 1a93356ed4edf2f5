/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_cabling.c - the PRP cabling analyzer (analyze/cabling.c) on hand-made
 * packets: a sensor with interfaces declared on LAN A and LAN B (and one left
 * undeclared), PRP frames handed to the bus's redundancy hook as the link stage
 * will hand them (bus_redundancy), and what reached the test sink (test_sink.h).
 *
 * The link stage's PRP decoding is not needed here: the packet carries what it
 * would have found (red, red_lan), so the test fixes what the analyzer makes of
 * it: nothing for frames on their declared LAN, for undeclared interfaces, for
 * files, for HSR; one high finding per crossed interface, aggregated, with the
 * counts, the evidence frames and a summary that tells swapped cabling from an
 * interface that sees both LANs. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tcheck.h"
#include "test_sink.h"

#include "core/bus.h"
#include "core/finding.h"
#include "core/inputs.h"
#include "core/packet.h"
#include "core/rules.h"

static const struct input_iface IFACES[] = {
	{ "eth1", INPUT_LAN_A },
	{ "eth2", INPUT_LAN_B },
	{ "eth3", 0 },
};
static struct input_set live_set = { NULL, 0, IFACES, 3 };
static struct input_set file_set = { NULL, 0, NULL, 0 };

static uint64_t frame_no;

/* One frame on interface iface, with the redundancy the link stage found, at
 * packet time t seconds. */
static void frame(uint32_t iface, uint8_t red, uint8_t lan, int64_t t)
{
	struct pkt p;
	memset(&p, 0, sizeof(p));
	p.at.ts_us = 1700000000LL * 1000000 + t * 1000000;
	p.at.frame = ++frame_no;
	p.iface = iface;
	p.red = red;
	p.red_lan = lan;
	p.red_seq = (uint16_t)frame_no;
	p.ethertype = ETHERTYPE_IPV4;
	bus_redundancy(&p);
}

static void start(struct input_set *s)
{
	bus_free();
	findings_free();
	test_bus_setup(true);
	inputs_use(s);
	frame_no = 0;
}

struct found {
	size_t n;
	const struct finding *f[8];
};

static void collect(const struct finding *f, void *arg)
{
	struct found *c = arg;
	if (c->n < 8)
		c->f[c->n++] = f;
}

static struct found crossed(void)
{
	struct found c = { 0, { NULL } };
	struct found all = { 0, { NULL } };
	test_findings_foreach(collect, &all);
	for (size_t i = 0; i < all.n; i++)
		if (!strcmp(all.f[i]->kind, "prp_lan_crossed"))
			c.f[c.n++] = all.f[i];
	return c;
}

/* Frames on their declared LAN, on an undeclared interface (both LANs: a SPAN
 * of both), HSR lanes, frames without redundancy, an index past the list. */
static void test_clean(void)
{
	start(&live_set);
	for (int i = 0; i < 100; i++) {
		frame(0, RED_PRP, 0xA, i);
		frame(1, RED_PRP, 0xB, i);
		frame(1, RED_PRP_SUPERVISION, 0xB, i);
		frame(2, RED_PRP, i % 2 ? 0xA : 0xB, i);
		frame(0, RED_HSR, 1, i); /* HSR lane B: not a PRP LAN id */
		frame(1, RED_HSR_SUPERVISION, 0, i);
		frame(0, RED_NONE, 0, i);
		frame(7, RED_PRP, 0xB, i); /* no such interface */
		frame(0, RED_PRP, 0x5, i); /* not a LAN id */
	}
	bus_finish(1700000000LL * 1000000 + 200 * 1000000LL);
	CHECK_EQ(test_findings_count(), 0);
}

/* The same crossed frames read from a file: nothing was declared, nothing judged. */
static void test_files(void)
{
	start(&file_set);
	for (int i = 0; i < 20; i++)
		frame(0, RED_PRP, i % 2 ? 0xA : 0xB, i);
	bus_finish(1700000000LL * 1000000 + 100 * 1000000LL);
	CHECK_EQ(test_findings_count(), 0);
}

/* eth1 (declared A) carries only LAN B: swapped cabling. eth2 (declared B) sees
 * B, then some A: both LANs on one port. One finding each, aggregated. */
static void test_crossed(void)
{
	start(&live_set);
	for (int i = 0; i < 5; i++)
		frame(0, RED_PRP, 0xB, i); /* frames 1..5 */
	for (int i = 0; i < 3; i++)
		frame(1, RED_PRP, 0xB, 10 + i); /* frames 6..8, as declared */
	frame(1, RED_PRP, 0xA, 20);             /* frame 9 */
	frame(1, RED_PRP_SUPERVISION, 0xA, 21); /* frame 10 */
	frame(2, RED_PRP, 0xB, 22);             /* undeclared: nothing */
	/* the first record went out at once; the end of input publishes the rest */
	struct found c = crossed();
	CHECK_EQ(c.n, 2);
	if (c.n == 2)
		CHECK_EQ(c.f[0]->count, 1);
	bus_finish(1700000000LL * 1000000 + 30 * 1000000LL);
	c = crossed();
	CHECK_EQ(c.n, 2);
	CHECK_EQ(test_findings_count(), 2);
	if (c.n != 2)
		return;
	const struct finding *a = !strcmp(c.f[0]->object, "eth1") ? c.f[0] : c.f[1];
	const struct finding *b = a == c.f[0] ? c.f[1] : c.f[0];
	CHECK_STR(a->object, "eth1");
	CHECK_STR(b->object, "eth2");
	CHECK_EQ(a->severity, SEV_HIGH);
	CHECK_EQ(b->severity, SEV_HIGH);
	CHECK_EQ(a->count, 5);
	CHECK_EQ(a->n_evidence, 5);
	CHECK_EQ(a->evidence[0].frame, 1);
	CHECK_EQ(a->evidence[4].frame, 5);
	CHECK_EQ(a->first_seen, 1700000000LL * 1000000);
	CHECK_EQ(a->last_seen, 1700000004LL * 1000000);
	CHECK_STR(a->details,
		  "{\"interface\":\"eth1\",\"declared_lan\":\"A\",\"lan_seen\":\"B\","
		  "\"frames_crossed\":5,\"frames_as_declared\":0}");
	CHECK(strstr(a->summary, "cabled to the other LAN") != NULL);
	CHECK(strstr(a->summary, "-i eth1/A") != NULL);
	CHECK_EQ(b->count, 2);
	CHECK_EQ(b->n_evidence, 2);
	CHECK_EQ(b->evidence[0].frame, 9);
	CHECK_EQ(b->evidence[1].frame, 10);
	CHECK_STR(b->details,
		  "{\"interface\":\"eth2\",\"declared_lan\":\"B\",\"lan_seen\":\"A\","
		  "\"frames_crossed\":2,\"frames_as_declared\":3}");
	CHECK(strstr(b->summary, "sees both LANs") != NULL);
	CHECK(strstr(b->summary, "bridged") != NULL);
	char filter[256];
	finding_tshark_filter(a, filter, sizeof(filter));
	CHECK_STR(filter, "frame.number in {1, 2, 3, 4, 5}");
}

/* A cabling fault that lasts: one finding while the crossed frames go on (each
 * within the aggregation window of the last), evidence capped, all counted. */
static void test_lasting(void)
{
	start(&live_set);
	for (int i = 0; i < 1000; i++)
		frame(0, RED_PRP, 0xB, i); /* one a second for 1000 s */
	bus_finish(1700000000LL * 1000000 + 1000 * 1000000LL);
	struct found c = crossed();
	CHECK_EQ(c.n, 1);
	if (!c.n)
		return;
	CHECK_EQ(c.f[0]->count, 1000);
	CHECK_EQ(c.f[0]->n_evidence, FINDING_EVIDENCE_MAX);
	CHECK_EQ(c.f[0]->evidence_total, 1000);
	CHECK(strstr(c.f[0]->details, "\"frames_crossed\":1000,") != NULL);
}

/* A site may rate it otherwise: `severity prp_lan_crossed medium`. */
static void test_severity_rule(void)
{
	char path[] = "/tmp/test_cabling_rulesXXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	const char text[] = "severity prp_lan_crossed medium\n";
	CHECK_EQ(write(fd, text, sizeof(text) - 1), (long long)sizeof(text) - 1);
	close(fd);
	char err[256];
	CHECK_EQ(rules_load(&g_rules, path, err, sizeof(err)), 0);
	unlink(path);
	start(&live_set);
	frame(1, RED_PRP, 0xA, 1);
	bus_finish(1700000000LL * 1000000 + 100 * 1000000LL);
	struct found c = crossed();
	CHECK_EQ(c.n, 1);
	if (c.n)
		CHECK_EQ(c.f[0]->severity, SEV_MEDIUM);
	rules_defaults(&g_rules);
}

int main(void)
{
	rules_defaults(&g_rules);
	test_clean();
	test_files();
	test_crossed();
	test_lasting();
	test_severity_rule();
	bus_free();
	findings_free();
	TCHECK_DONE();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_unread.c - what the sensor could not read: the tallies (core/unread.c:
 * which EtherTypes are known not to be MMS, what looks like TPKT on another port,
 * the caps and their counters), the visibility analyzer's verdicts on the bus
 * (capture_not_understood, no_mms_seen; at the end, on a tick after the rules'
 * threshold, over when MMS or TLS is seen), and the finding kinds table. */
#include <string.h>

#include "tcheck.h"
#include "test_sink.h"
#include "analyze/analyze.h"
#include "core/kinds.h"
#include "core/rules.h"
#include "core/unread.h"
#include "util/stats.h"

#define S 1000000LL

static struct pkt_where at_s(int64_t s, uint64_t frame)
{
	struct pkt_where w = { .ts_us = 1700000000 * S + s * S, .file_idx = 0, .frame = frame };
	return w;
}

static const struct unread_entry *entry(const struct unread_table *t, uint32_t key, const char *name)
{
	for (uint16_t i = 0; i < t->n; i++)
		if (t->e[i].key == key && (!name || (t->e[i].name && !strcmp(t->e[i].name, name))))
			return &t->e[i];
	return NULL;
}

static void test_ethertypes(void)
{
	unread_reset();
	struct pkt_where w = at_s(0, 1);
	const char *name;
	CHECK(unread_ethertype_known(0x0806, &name) && !strcmp(name, "ARP"));
	CHECK(unread_ethertype_known(0x88f7, &name) && !strcmp(name, "PTP"));
	CHECK(unread_ethertype_known(0x892f, &name)); /* HSR: the link stage decodes it */
	CHECK(unread_ethertype_known(0x0026, &name)); /* an 802.3 length: LLC (STP) */
	CHECK(!unread_ethertype_known(0x9000, &name));
	CHECK(!unread_ethertype_known(0x8847, &name)); /* MPLS may carry MMS */
	CHECK(!unread_ethertype_known(0x88e5, &name)); /* MACsec may hide it */
	unread_not_ip(0x0806, &w);
	unread_not_ip(0x0806, &w);
	CHECK(!unread_any());
	w = at_s(1, 7);
	unread_not_ip(0x9000, &w);
	unread_not_ip(0x9000, &w);
	CHECK(unread_any());
	const struct unread *u = unread_get();
	const struct unread_entry *e = entry(&u->ethertypes, 0x9000, NULL);
	CHECK(e && e->frames == 2 && e->first.frame == 7);
	e = entry(&u->understood, 0, "ARP");
	CHECK(e && e->frames == 2);
	/* the cap: keys past it are counted, not kept */
	for (uint32_t k = 0; k < UNREAD_ETHERTYPES_MAX + 5; k++)
		unread_not_ip((uint16_t)(0xa000 + k), &w);
	CHECK_EQ(u->ethertypes.n, UNREAD_ETHERTYPES_MAX);
	CHECK_EQ(u->ethertypes.not_kept, 6); /* 0x9000 took one place */
	unread_reset();
	CHECK(!unread_any());
	CHECK_EQ(u->ethertypes.n, 0);
	CHECK_EQ(u->ethertypes.not_kept, 0);
}

static void test_tpkt(void)
{
	unread_reset();
	struct pkt_where w = at_s(0, 1);
	const struct unread *u = unread_get();
	/* a COTP CR in a TPKT, as an MMS client opens */
	static const uint8_t cr[] = { 0x03, 0x00, 0x00, 0x16, 0x11, 0xe0, 0x00, 0x00, 0x00, 0x01, 0x00,
				      0xc0, 0x01, 0x0a, 0xc2, 0x02, 0x00, 0x01, 0xc1, 0x02, 0x00, 0x01 };
	unread_tcp_other_port(49152, 1102, cr, sizeof(cr), &w);
	const struct unread_entry *e = entry(&u->tpkt_ports, 1102, NULL);
	CHECK(e && e->frames == 1);
	/* two DT TPKTs in one segment; then one cut by the segment's end */
	static const uint8_t dt2[] = { 0x03, 0x00, 0x00, 0x08, 0x02, 0xf0, 0x80, 0x01,
				       0x03, 0x00, 0x00, 0x08, 0x02, 0xf0, 0x80, 0x01 };
	unread_tcp_other_port(1102, 49152, dt2, sizeof(dt2), &w);
	unread_tcp_other_port(1102, 49152, dt2, 12, &w);
	CHECK(e->frames == 3);
	/* a TPKT shorter than the segment and garbage behind it is not TPKT */
	uint8_t junk[sizeof(dt2)];
	memcpy(junk, dt2, sizeof(junk));
	junk[8] = 0x17;
	unread_tcp_other_port(1102, 49152, junk, sizeof(junk), &w);
	/* nor are HTTP, a bare TPKT header, or RDP's X.224 connection request */
	static const uint8_t http[] = "GET / HTTP/1.1\r\n\r\n";
	unread_tcp_other_port(49152, 80, http, sizeof(http) - 1, &w);
	unread_tcp_other_port(1102, 49152, cr, 5, &w);
	unread_tcp_other_port(49153, 3389, cr, sizeof(cr), &w);
	unread_tcp_other_port(49153, 3389, NULL, 0, &w);
	CHECK(e->frames == 3);
	CHECK_EQ(u->tpkt_ports.n, 1);
	e = entry(&u->understood, 0, "TCP on other ports");
	CHECK(e && e->frames == 5);
}

/* ---- the analyzer on the bus ---------------------------------------------- */

struct seen {
	int n;
	const struct finding *last;
};

static void collect(const struct finding *f, void *arg)
{
	struct seen *s = arg;
	s->n++;
	s->last = f;
}

static struct seen findings(void)
{
	struct seen s = { 0, NULL };
	test_findings_foreach(collect, &s);
	return s;
}

static void setup(void)
{
	rules_defaults(&g_rules);
	test_bus_setup(false);
	bus_add_analyzer(&visibility_analyzer);
	bus_add_analyzer(&common_analyzer);
}

static void frame_not_ip(int64_t s, uint64_t n, uint16_t et)
{
	struct pkt_where w = at_s(s, n);
	bus_tick(w.ts_us);
	unread_frame(w, 60, 60);
	unread_not_ip(et, &w);
}

static void an_mms_pdu(int64_t s, uint64_t n)
{
	struct pkt_where w = at_s(s, n);
	unread_frame(w, 60, 60);
	unread_tcp_mms_port(&w);
	stat_inc(STAT_mms_pdus); /* what app_iso counts for each PDU it decodes */
}

static void test_verdicts(void)
{
	/* 1. a short run of an unknown EtherType: judged at the end */
	setup();
	for (uint64_t i = 1; i <= 5; i++)
		frame_not_ip((int64_t)i, i, 0x9000);
	CHECK_EQ(findings().n, 0);
	bus_finish(at_s(5, 5).ts_us);
	struct seen s = findings();
	CHECK_EQ(s.n, 1);
	if (s.last) {
		CHECK_STR(s.last->kind, "capture_not_understood");
		CHECK_EQ(s.last->severity, SEV_MEDIUM);
		CHECK(strstr(s.last->details, "{\"ethertype\":\"0x9000\",\"frames\":5}") != NULL);
		CHECK(strstr(s.last->summary, "EtherType 0x9000 (5 frames)") != NULL);
		CHECK_EQ(s.last->evidence[0].frame, 1);
	}
	bus_free();

	/* 2. ARP only, a long capture: found on the tick that passes the threshold */
	setup();
	int64_t thr = g_rules.thr[THR_NO_MMS_TIMEOUT] / S;
	frame_not_ip(0, 1, 0x0806);
	frame_not_ip(thr - 1, 2, 0x0806);
	CHECK_EQ(findings().n, 0);
	frame_not_ip(thr, 3, 0x0806);
	s = findings();
	CHECK_EQ(s.n, 1);
	if (s.last) {
		CHECK_STR(s.last->kind, "no_mms_seen");
		CHECK_EQ(s.last->severity, SEV_INFO);
		CHECK(strstr(s.last->details, "{\"what\":\"ARP\",\"frames\":2}") != NULL);
	}
	/* an unknown EtherType later in the same silence: its own, graver finding */
	frame_not_ip(thr + 1, 4, 0x88e5);
	frame_not_ip(thr + 2, 5, 0x0806);
	s = findings();
	CHECK_EQ(s.n, 2);
	if (s.last) {
		CHECK_STR(s.last->kind, "capture_not_understood");
		CHECK(strstr(s.last->details, "\"0x88e5\"") != NULL);
	}
	bus_finish(at_s(thr + 2, 5).ts_us);
	CHECK_EQ(findings().n, 2); /* the end brings both up to date, no third */
	bus_free();

	/* 3. MMS ends a silence; a silence after it shorter than the threshold is fine */
	setup();
	frame_not_ip(0, 1, 0x9000);
	an_mms_pdu(1, 2);
	frame_not_ip(2, 3, 0x9000);
	bus_finish(at_s(thr - 1, 3).ts_us);
	CHECK_EQ(findings().n, 0);
	bus_free();

	/* 4. TLS on an MMS port is MMS seen: no finding */
	setup();
	frame_not_ip(0, 1, 0x0806);
	unread_tls_segment();
	frame_not_ip(1, 2, 0x0806);
	bus_finish(at_s(2, 2).ts_us);
	CHECK_EQ(findings().n, 0);
	bus_free();

	/* 5. nothing at all: nothing to say */
	setup();
	bus_finish(at_s(0, 0).ts_us);
	CHECK_EQ(findings().n, 0);
	bus_free();
}

static void test_kinds(void)
{
	const struct finding_kind *k = finding_kind_find("capture_not_understood");
	CHECK(k && k->severity == SEV_MEDIUM);
	k = finding_kind_find("report_sequence_gap");
	CHECK(k && k->severity == SEV_HIGH);
	CHECK(finding_kind_find("prp_lan_down") && finding_kind_find("hsr_ring_open"));
	CHECK(!finding_kind_find("nosuchkind"));
	CHECK(!finding_kind_find(""));
	CHECK(finding_kinds_count() >= 50);
	/* the list for error messages: wrapped, and cut at a whole name when short */
	char all[4096], small[48];
	finding_kinds_text(all, sizeof(all), 60, 2);
	CHECK(strstr(all, "acse_password_cleartext, ") == all); /* sorted */
	size_t names = 1;
	for (const char *p = all; *p; p++)
		names += *p == ',';
	CHECK_EQ(names, finding_kinds_count());
	for (const char *line = all; line; line = strchr(line, '\n')) {
		line += *line == '\n';
		const char *end = strchr(line, '\n');
		CHECK((end ? (size_t)(end - line) : strlen(line)) <= 60);
		if (line != all)
			CHECK(line[0] == ' ' && line[1] == ' ' && line[2] != ' ');
	}
	finding_kinds_text(small, sizeof(small), 200, 0);
	CHECK_STR(small, "acse_password_cleartext, association_aborted");
}

int main(void)
{
	test_ethertypes();
	test_tpkt();
	test_verdicts();
	test_kinds();
	TCHECK_DONE();
}

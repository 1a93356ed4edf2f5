/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_clock.c - IED clocks: the estimator (clock_estimate.c: reservoir,
 * percentile of a mix of fresh and stale samples, window merging, drift), the
 * TimeQuality octet as EVE values write it (core/mms_value.c), and the clock
 * analyzer (clock.c) fed hand-made read responses on fake associations: an IED
 * ahead is named with its offset, an IED on time is not, TimeQuality flags make
 * their findings only past clock.quality_min distinct stamps, a read of a
 * control object (the client's T) and an old stamp read again and again count
 * for nothing. Findings are watched from the sink side of the bus. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcheck.h"
#include "test_sink.h"

#include "analyze/clock_estimate.h"
#include "core/bus.h"
#include "core/finding.h"
#include "core/ied.h"
#include "core/mms_value.h"
#include "core/rules.h"
#include "dissectors/mms.h"
#include "stages/app_iso.h"
#include "stages/capture_live.h"

#include <pcap/pcap.h>
#include "util/json.h"

/* ---- the estimator ----------------------------------------------------------------- */

static uint64_t rnd_state = 88172645463325252ull;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static void test_estimator(void)
{
	int64_t v[] = { 5, 1, 4, 2, 3, 10, 9, 8, 7, 6 };
	CHECK_EQ(clock_percentile(v, 10, 900), 9);
	CHECK_EQ(clock_percentile(v, 10, 500), 5);
	CHECK_EQ(clock_percentile(v, 10, 1000), 10);
	CHECK_EQ(clock_percentile(v, 10, 0), 1);
	CHECK_EQ(clock_percentile(v, 0, 900), 0);
	/* sorted once, read at several ranks: what clock_percentile gives for each */
	int64_t w[] = { 7, -3, 12, 0, 5, 5, -8, 30 };
	clock_sort(w, 8);
	for (int i = 1; i < 8; i++)
		CHECK(w[i - 1] <= w[i]);
	CHECK_EQ(clock_rank(w, 8, 0), -8);
	CHECK_EQ(clock_rank(w, 8, 500), 5);
	CHECK_EQ(clock_rank(w, 8, 900), 30);
	CHECK_EQ(clock_rank(w, 0, 900), 0);

	/* the reservoir keeps at most its cap and a uniform share of the rest */
	struct clock_reservoir r;
	memset(&r, 0, sizeof(r));
	unsigned kept_late = 0;
	for (unsigned i = 0; i < 10000; i++) {
		int s = clock_reservoir_slot(&r, 100);
		CHECK(s < 100);
		if (i < 100)
			CHECK_EQ(s, (int)i);
		else if (s >= 0)
			kept_late++;
	}
	CHECK_EQ(r.n, 100);
	CHECK_EQ(r.seen, 10000);
	/* about 100 * ln(100) = 460 replacements expected */
	CHECK(kept_late > 300 && kept_late < 650);

	/* An IED 2 s ahead: 70 % of its samples stale (up to 10 s old: GI of old
	 * values, backlogs), 30 % fresh (transit up to 5 ms): the 90th percentile
	 * of a reservoir of them is the fresh cluster, the mean is not. */
	static int64_t res[CLOCK_RESERVOIR];
	memset(&r, 0, sizeof(r));
	double sum = 0;
	for (unsigned i = 0; i < 20000; i++) {
		int64_t off = 2000000 - (int64_t)(rnd() % 5000);
		if (rnd() % 10 < 7)
			off -= (int64_t)(rnd() % 10000000);
		sum += (double)off;
		int s = clock_reservoir_slot(&r, CLOCK_RESERVOIR);
		if (s >= 0)
			res[s] = off;
	}
	int64_t est = clock_percentile(res, r.n, CLOCK_PERCENTILE);
	CHECK(est <= 2000000 && est > 2000000 - 5000);
	CHECK(sum / 20000 < 1000000); /* the mean would be seconds off */

	/* drift: 50 ppm over an hour of 10 s points, with 1 ms of noise */
	static struct clock_point pts[CLOCK_POINTS_MAX];
	size_t n = 0;
	for (int64_t t = 0; t < 3600000000ll && n < CLOCK_POINTS_MAX; t += 10000000) {
		pts[n].ts = 1700000000000000ll + t;
		pts[n].offset = 300000 + t / 20000 + (int64_t)(rnd() % 1000);
		pts[n].samples = 10;
		n++;
	}
	double ppm = 0;
	CHECK(clock_drift_ppm(pts, n, &ppm));
	CHECK(fabs(ppm - 50) < 1);
	/* merging halves the points and keeps the slope */
	size_t m = clock_points_merge(pts, n);
	CHECK_EQ(m, (n + 1) / 2);
	CHECK(clock_drift_ppm(pts, m, &ppm) && fabs(ppm - 50) < 1);
	CHECK(!clock_drift_ppm(pts, 2, &ppm));
}

/* ---- TimeQuality in EVE values -------------------------------------------------------- */

static void utc_bytes(uint8_t *b, uint32_t secs, uint32_t frac24, uint8_t q)
{
	b[0] = (uint8_t)(secs >> 24);
	b[1] = (uint8_t)(secs >> 16);
	b[2] = (uint8_t)(secs >> 8);
	b[3] = (uint8_t)secs;
	b[4] = (uint8_t)(frac24 >> 16);
	b[5] = (uint8_t)(frac24 >> 8);
	b[6] = (uint8_t)frac24;
	b[7] = q;
}

static void value_text(uint8_t q, char *out, size_t size)
{
	uint8_t b[8];
	utc_bytes(b, 1700000000u, 0x800000u, q);
	struct mms_data d = { .tag = MMS_DATA_UTC_TIME, .constructed = false, .val = { b, 8, 0 } };
	char buf[512];
	struct jw w;
	jw_init(&w, buf, sizeof(buf));
	mms_value_json(&w, &d, 400);
	snprintf(out, size, "%.*s", (int)w.len, buf);
}

static void test_time_quality(void)
{
	char s[512];
	value_text(0x0a, s, sizeof(s));
	CHECK_STR(s, "{\"utc\":\"2023-11-14T22:13:20.500000Z\",\"quality\":\"0a\",\"time_accuracy\":10}");
	value_text(0xe5, s, sizeof(s));
	CHECK_STR(s,
		  "{\"utc\":\"2023-11-14T22:13:20.500000Z\",\"quality\":\"e5\",\"leap_seconds_known\":true,"
		  "\"clock_failure\":true,\"clock_not_synchronized\":true,\"time_accuracy\":5}");
	value_text(0x3f, s, sizeof(s));
	CHECK_STR(s,
		  "{\"utc\":\"2023-11-14T22:13:20.500000Z\",\"quality\":\"3f\",\"clock_not_synchronized\":true,"
		  "\"time_accuracy\":31}");
	value_text(0x80, s, sizeof(s));
	CHECK(strstr(s, "\"leap_seconds_known\":true,\"time_accuracy\":0}") != NULL);
	CHECK(!strstr(s, "clock_failure"));
}

/* ---- the analyzer ----------------------------------------------------------------------- */

static uint64_t next_flow_id = 1, frame_no = 1;
#define T0 1700000000000000LL

/* Client 10.0.0.1:40000, IED 10.1.0.<host>:102. */
static struct flow *new_flow(uint8_t host)
{
	struct flow *f = calloc(1, sizeof(*f));
	f->key.ipver = 4;
	f->key.ip[0][0] = 10;
	f->key.ip[0][3] = 1;
	f->key.ip[1][0] = 10;
	f->key.ip[1][1] = 1;
	f->key.ip[1][3] = host;
	f->key.port[0] = 40000;
	f->key.port[1] = 102;
	f->id = next_flow_id++;
	return f;
}

/* A read of one attribute at t (us after T0) answered at once by a structure
 * {boolean, utc-time} stamped at ied_us (us since 1970) with quality q. */
static void read_once(struct flow *f, const char *item, int64_t t, int64_t ied_us, uint8_t q)
{
	static uint32_t invoke = 1;
	struct mms_pdu p;
	memset(&p, 0, sizeof(p));
	p.type = MMS_CONFIRMED_REQUEST;
	p.service = MMS_SVC_READ;
	p.has_invoke = true;
	p.invoke_id = invoke;
	p.object_class = -1;
	static const char dom[] = "IED1LD0";
	p.n_objs = p.n_objs_total = 1;
	p.objs[0].scope = MMS_SCOPE_DOMAIN;
	p.objs[0].domain = (struct bview){ (const uint8_t *)dom, sizeof(dom) - 1 };
	p.objs[0].item = (struct bview){ (const uint8_t *)item, strlen(item) };
	struct pkt_where at = { T0 + t, 0, frame_no++ };
	app_mms_pdu(f, 0, &p, 20, false, false, &at);

	uint8_t data[2 + 3 + 10];
	data[0] = 0xa2; /* structure */
	data[1] = 13;
	data[2] = 0x83; /* boolean TRUE */
	data[3] = 1;
	data[4] = 1;
	data[5] = 0x91; /* utc-time */
	data[6] = 8;
	uint32_t secs = (uint32_t)(ied_us / 1000000);
	uint32_t frac = (uint32_t)(((uint64_t)(ied_us % 1000000) << 24) / 1000000);
	utc_bytes(data + 7, secs, frac, q);
	memset(&p, 0, sizeof(p));
	p.type = MMS_CONFIRMED_RESPONSE;
	p.service = MMS_SVC_READ;
	p.has_invoke = true;
	p.invoke_id = invoke++;
	p.object_class = -1;
	p.has_data = true;
	p.n_data = 1;
	p.data = (struct rd){ data, sizeof(data), 0 };
	at.ts_us += 2000;
	at.frame++;
	frame_no++;
	app_mms_pdu(f, 1, &p, 40, false, false, &at);
}

struct hit {
	const char *kind;
	uint8_t host;
	unsigned n;
	char details[FINDING_DETAILS_MAX];
};

static void find_one(const struct finding *fd, void *arg)
{
	struct hit *h = arg;
	if (strcmp(fd->kind, h->kind) || (h->host && (fd->ied.ip[1] != 1 || fd->ied.ip[3] != h->host)))
		return;
	h->n++;
	snprintf(h->details, sizeof(h->details), "%s", fd->details);
}

static struct hit find(const char *kind, uint8_t host)
{
	struct hit h;
	memset(&h, 0, sizeof(h));
	h.kind = kind;
	h.host = host;
	test_findings_foreach(find_one, &h);
	return h;
}

static double detail(const struct hit *h, const char *key)
{
	char k[64];
	snprintf(k, sizeof(k), "\"%s\":", key);
	const char *p = strstr(h->details, k);
	return p ? atof(p + strlen(k)) : NAN;
}

static void test_analyzer(void)
{
	struct flow *ahead = new_flow(1), *on_time = new_flow(2), *unsync = new_flow(3), *control = new_flow(4),
		    *stale = new_flow(5), *backlog = new_flow(6), *polled = new_flow(7);
	/* statuses polled three times, each keeping the stamp of its last change
	 * (hours old): no stamp changes between reads, so none reads the clock */
	for (int round = 0; round < 3; round++)
		for (int v = 0; v < 40; v++) {
			char item[64];
			snprintf(item, sizeof(item), "GGIO1$ST$Ind%d$t", v + 1);
			read_once(polled, item, (int64_t)round * 10000000 + v * 1000, T0 - 7200000000ll + v * 1000000,
				  0x0a);
		}
	/* a backlog after a reconnect: 1000 distinct stamps up to an hour old sent in
	 * the first second, then one fresh stamp a second for a minute; far more
	 * stale samples than fresh ones, but only one window of time */
	for (int i = 0; i < 1000; i++)
		read_once(backlog, "GGIO1$ST$Ind1$t", (int64_t)i * 1000, T0 - 3600000000ll + (int64_t)i * 3600000,
			  0x0a);
	for (int i = 1; i <= 60; i++)
		read_once(backlog, "GGIO1$MX$AnIn1$t", (int64_t)i * 1000000, T0 + (int64_t)i * 1000000 - 1000, 0x0a);
	for (int i = 0; i < 30; i++) {
		int64_t t = (int64_t)i * 1000000;
		/* 3 s ahead, sent 1 to 20 ms after stamping (the offset is the freshest) */
		read_once(ahead, "GGIO1$MX$AnIn1$t", t, T0 + t + 3000000 - 1000 * (1 + i % 20), 0x0a);
		read_once(on_time, "GGIO1$MX$AnIn1$t", t, T0 + t - 1000 * (1 + i % 20), 0x0a);
		/* a control object's T is the client's: 100 s off and flagged, ignored */
		read_once(control, "CSWI1$CO$Pos$Oper", t, T0 + t + 100000000, 0x60);
		/* the same old stamp read again and again: one sample, an hour old */
		read_once(stale, "GGIO1$ST$Ind1$t", t, T0 - 3600000000ll, 0x0a);
	}
	/* two flagged stamps are not enough (clock.quality_min 3) ... */
	read_once(unsync, "GGIO1$ST$Ind1$t", 0, T0, 0x20);
	read_once(unsync, "GGIO1$ST$Ind1$t", 1000000, T0 + 1000000, 0x60);
	read_once(unsync, "GGIO1$ST$Ind1$t", 2000000, T0 + 1000000, 0x60); /* a repeat: not distinct */
	read_once(unsync, "GGIO1$ST$Ind1$t", 3000000, T0 + 3000000, 0x20);
	bus_finish(T0 + 40000000);

	struct hit h = find("ied_clock_offset", 1);
	CHECK_EQ(h.n, 1);
	CHECK(fabs(detail(&h, "offset_s") - 3.0) < 0.01);
	CHECK_EQ((long long)detail(&h, "samples"), 29); /* the first read is no sample */
	CHECK(detail(&h, "spread_s") >= 0 && detail(&h, "spread_s") < 0.03);
	CHECK_EQ(find("ied_clock_offset", 2).n, 0);
	CHECK_EQ(find("ied_clock_offset", 4).n, 0);
	CHECK_EQ(find("ied_clock_offset", 5).n, 0);
	CHECK_EQ(find("ied_clock_offset", 6).n, 0); /* the backlog does not make an offset */
	CHECK_EQ(find("ied_clock_offset", 7).n, 0); /* nor do old statuses polled */
	CHECK_EQ(find("capture_clock_offset", 0).n, 0);
	/* three distinct stamps flagged not synchronized, two with clock failure */
	h = find("ied_clock_unsynchronized", 3);
	CHECK_EQ(h.n, 1);
	CHECK_EQ((long long)detail(&h, "flagged"), 3);
	CHECK_EQ(find("ied_clock_failure", 3).n, 0);
	CHECK_EQ(find("ied_clock_unsynchronized", 4).n, 0);
	CHECK_EQ(find("ied_clock_failure", 4).n, 0);
	/* one point per window went to the sinks (the dashboard's plot) */
	const struct test_record *rc = test_record_find(REC_CLOCK, "ied=1 ");
	/* the window's 90th percentile: the freshest of ten stamps sent 3 to 12 ms late */
	const char *om = rc ? strstr(rc->text, "offset_ms=") : NULL;
	CHECK(om && atoi(om + 10) >= 2994 && atoi(om + 10) <= 2997 && strstr(rc->text, "samples=10"));
	unsigned windows = 0;
	for (size_t i = 0; i < test_records_count(); i++)
		if (test_record_at(i)->kind == REC_CLOCK && strstr(test_record_at(i)->text, "ied=1 "))
			windows++;
	CHECK_EQ(windows, 3); /* 30 s of samples, 10 s windows */
	/* the flows end as in the flow table: the analyzers' state, then the transactions */
	struct flow *all[] = { ahead, on_time, unsync, control, stale, backlog, polled };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		struct pkt_where at = { all[i]->last_ts, 0, frame_no++ };
		bus_flow_end(all[i], FLOW_END_FIN, &at);
		app_flow_free(all[i]);
		free(all[i]);
	}
}

/* ---- the live capture's default filter lets time sources through ------------------ */

static bool passes(struct bpf_program *prog, const uint8_t *b, size_t n)
{
	struct pcap_pkthdr h;
	memset(&h, 0, sizeof(h));
	h.caplen = h.len = (bpf_u_int32)n;
	return pcap_offline_filter(prog, &h, b) != 0;
}

/* Ethernet (optionally one VLAN tag) + IPv4 + UDP sport -> dport, 48 octets of payload. */
static size_t udp_frame(uint8_t *b, bool vlan, uint16_t sport, uint16_t dport)
{
	size_t n = 12;
	memset(b, 0, 128);
	if (vlan) {
		b[n++] = 0x81, b[n++] = 0x00, b[n++] = 0x00, b[n++] = 10;
	}
	b[n++] = 0x08, b[n++] = 0x00;
	uint8_t *ip = b + n;
	ip[0] = 0x45, ip[3] = 20 + 8 + 48, ip[8] = 64, ip[9] = 17;
	ip[20] = (uint8_t)(sport >> 8), ip[21] = (uint8_t)sport, ip[22] = (uint8_t)(dport >> 8),
	ip[23] = (uint8_t)dport;
	ip[25] = 8 + 48;
	return n + 20 + 8 + 48;
}

static void test_live_filter(void)
{
	uint16_t ports[] = { 102 };
	char flt[4096];
	live_default_filter(ports, 1, flt, sizeof(flt));
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	struct bpf_program prog;
	CHECK_EQ(pcap_compile(dead, &prog, flt, 1, PCAP_NETMASK_UNKNOWN), 0);
	uint8_t b[128];
	CHECK(passes(&prog, b, udp_frame(b, false, 123, 40000))); /* an SNTP reply */
	CHECK(passes(&prog, b, udp_frame(b, true, 123, 40000)));  /* behind a VLAN tag */
	CHECK(passes(&prog, b, udp_frame(b, false, 320, 320)));   /* PTP general (Announce) */
	CHECK(passes(&prog, b, udp_frame(b, false, 319, 319)));   /* PTP event */
	CHECK(!passes(&prog, b, udp_frame(b, false, 53, 40000))); /* DNS: not ours */
	memset(b, 0, sizeof(b));
	b[12] = 0x88, b[13] = 0xf7; /* PTP over Ethernet */
	CHECK(passes(&prog, b, 64));
	b[12] = 0x81, b[13] = 0x00, b[15] = 10, b[16] = 0x88, b[17] = 0xf7;
	CHECK(passes(&prog, b, 68));
	pcap_freecode(&prog);
	pcap_close(dead);
}

int main(void)
{
	test_live_filter();
	rules_defaults(&g_rules);
	test_estimator();
	test_time_quality();
	test_bus_setup(true);
	test_analyzer();
	TCHECK_DONE();
}

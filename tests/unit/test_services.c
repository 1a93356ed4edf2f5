/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_services.c - the services analyzer (services.c): latency histograms and
 * their quantiles against exact values, request/response pairing driven through
 * services_mms() with hand-made PDUs on a fake association (slow, unanswered on
 * the timer and at the association's end, duplicate invokeIDs, more outstanding
 * than negotiated, rejects, confirmed-error tallies, answers hidden by a capture
 * hole or by bytes that did not decode, the outstanding cap), and real captures
 * run through the whole pipeline (in a child process each: the pipeline and the
 * analyzers keep run-wide state). Findings are watched from the sink side of the
 * bus (test_sink.h). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcheck.h"
#include "stages/app_iso.h"

#include "test_sink.h"

#include "options.h"
#include "pipeline.h"
#include "analyze/analyze.h"
#include "core/bus.h"
#include "core/finding.h"
#include "core/ied.h"
#include "core/inputs.h"
#include "core/latency.h"
#include "core/rules.h"
#include "dissectors/mms.h"
#include "output/eve.h"
#include "stages/capture.h"
#include "util/log.h"
#include "util/stats.h"

/* ---- histograms -------------------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The sample a quantile names: the smallest with at least permille/1000 of
 * the samples at or below it. */
static int64_t exact_quantile(const int64_t *sorted, size_t n, unsigned permille)
{
	size_t rank = (n * permille + 999) / 1000;
	return sorted[rank ? rank - 1 : 0];
}

static void test_histogram(void)
{
	struct svc_latency l;
	memset(&l, 0, sizeof(l));
	CHECK_EQ(svc_latency_quantile(&l, 500), 0);
	CHECK_EQ(svc_latency_quantile(NULL, 500), 0);

	/* below 8 us every value has its own bucket: exact */
	int64_t small[] = { 3, 3, 3, 5 };
	for (size_t i = 0; i < 4; i++)
		svc_latency_add(&l, small[i]);
	CHECK_EQ(svc_latency_quantile(&l, 500), 3);
	CHECK_EQ(svc_latency_quantile(&l, 750), 3);
	CHECK_EQ(svc_latency_quantile(&l, 1000), 5);
	CHECK_EQ(l.min_us, 3);
	CHECK_EQ(l.max_us, 5);
	CHECK_EQ(l.count, 4);
	CHECK_EQ(l.sum_us, 14);

	/* 1..1000 us once each: p50 is 500, reported as the top of its bucket
	 * (480..511), never more than 1/8 above; p99 990 sits in 960..1023, cut
	 * to the largest sample seen */
	memset(&l, 0, sizeof(l));
	for (int64_t v = 1; v <= 1000; v++)
		svc_latency_add(&l, v);
	CHECK_EQ(svc_latency_quantile(&l, 500), 511);
	CHECK_EQ(svc_latency_quantile(&l, 950), 959);
	CHECK_EQ(svc_latency_quantile(&l, 990), 1000);
	CHECK_EQ(svc_latency_quantile(&l, 1000), 1000);
	CHECK_EQ(svc_latency_quantile(&l, 0), 1);
	CHECK_EQ(l.count, 1000);

	/* a negative latency (time stepping back between files) counts as 0 */
	memset(&l, 0, sizeof(l));
	svc_latency_add(&l, -40);
	CHECK_EQ(l.min_us, 0);
	CHECK_EQ(svc_latency_quantile(&l, 500), 0);

	/* beyond the last bucket (days): kept in it, the quantile is the max */
	memset(&l, 0, sizeof(l));
	svc_latency_add(&l, 10);
	svc_latency_add(&l, (int64_t)1 << 45);
	CHECK_EQ(svc_latency_quantile(&l, 1000), (int64_t)1 << 45);
	CHECK_EQ(svc_latency_quantile(&l, 500), 10);

	/* many pseudo-random samples over six decades: every quantile is at or
	 * above the exact one and within 1/8 of it */
	enum { N = 20000 };
	static int64_t samples[N];
	uint64_t x = 88172645463325252ull;
	memset(&l, 0, sizeof(l));
	for (size_t i = 0; i < N; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t v = (int64_t)(x % 1000) + 1;
		for (unsigned k = (unsigned)(x >> 20) % 4; k; k--)
			v *= 31;
		samples[i] = v;
		svc_latency_add(&l, v);
	}
	qsort(samples, N, sizeof(samples[0]), cmp_i64);
	static const unsigned qs[] = { 1, 100, 500, 900, 950, 990, 999, 1000 };
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		int64_t want = exact_quantile(samples, N, qs[i]);
		int64_t got = svc_latency_quantile(&l, qs[i]);
		CHECK(got >= want);
		CHECK(got <= want + want / 8);
	}
	CHECK_EQ(l.max_us, samples[N - 1]);
	CHECK_EQ(l.min_us, samples[0]);
}

/* ---- a fake association ---------------------------------------------------------- */

static uint64_t next_flow_id = 1;

/* Client 10.0.0.1:40000, IED 10.0.<net>.<host>:102: each scenario its own IED,
 * so its findings are its own. */
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
	f->client = 0;
	f->id = next_flow_id++;
	return f;
}

static struct mms_pdu pdu(uint8_t type, int16_t service, uint32_t invoke)
{
	struct mms_pdu p;
	memset(&p, 0, sizeof(p));
	p.type = type;
	p.service = service;
	p.has_invoke = true;
	p.invoke_id = invoke;
	p.object_class = -1;
	if (type == MMS_CONFIRMED_REQUEST && service == MMS_SVC_READ) {
		/* a data read (ACSI GetDataValues), as the ISO stage names it */
		static const char dom[] = "IED1LD0", item[] = "GGIO1$ST$Ind1$stVal";
		p.n_objs = p.n_objs_total = 1;
		p.objs[0].scope = MMS_SCOPE_DOMAIN;
		p.objs[0].domain = (struct bview){ (const uint8_t *)dom, sizeof(dom) - 1 };
		p.objs[0].item = (struct bview){ (const uint8_t *)item, sizeof(item) - 1 };
	}
	return p;
}

static uint64_t frame_no = 1;
#define T0 1700000000000000LL

/* One PDU at time t (us after T0); the IED's also add payload bytes, as the
 * pipeline counts them. */
static struct pkt_where feed(struct flow *f, int dir, struct mms_pdu *p, int64_t t)
{
	struct pkt_where at = { T0 + t, 0, frame_no++ };
	if (dir == 1)
		f->bytes[1] += 24;
	f->last_ts = at.ts_us;
	/* Through the ISO stage's pairing and the bus, as a decoded PDU would go. */
	app_mms_pdu(f, dir, p, 20, false, false, &at);
	return at;
}

static void end_flow(struct flow *f, enum flow_end why, int64_t t)
{
	struct pkt_where at = { T0 + t, 0, frame_no++ };
	bus_flow_end(f, why, &at);
	app_flow_free(f); /* its transactions end with it, as in the flow table */
	free(f);
}

struct hit {
	const char *kind;
	uint8_t host;
	unsigned n;
	uint64_t count;
	uint8_t sev;
	char object[FINDING_OBJECT_MAX];
	char details[FINDING_DETAILS_MAX];
	char summary[FINDING_SUMMARY_MAX];
	unsigned evidence;
};

static void find_one(const struct finding *fd, void *arg)
{
	struct hit *h = arg;
	if (strcmp(fd->kind, h->kind) || fd->ied.ip[1] != 1 || fd->ied.ip[3] != h->host)
		return;
	h->n++;
	h->count += fd->count;
	h->sev = fd->severity;
	h->evidence = fd->n_evidence;
	snprintf(h->object, sizeof(h->object), "%s", fd->object);
	snprintf(h->details, sizeof(h->details), "%s", fd->details);
	snprintf(h->summary, sizeof(h->summary), "%s", fd->summary);
}

/* The findings of a kind on one IED, as they stand now. The test sink holds each
 * finding as last delivered, and an aggregate delivers what it gathered after
 * its first commit (more counts, evidence, details) when it closes: close them
 * all first. A later repeat then starts a new finding, which find() adds up
 * (n counts them, count sums them), so a repeat is never hidden. */
static struct hit find(const char *kind, uint8_t host)
{
	struct hit h;
	memset(&h, 0, sizeof(h));
	h.kind = kind;
	h.host = host;
	findings_finish();
	test_findings_foreach(find_one, &h);
	return h;
}

static struct ied *ied_of(uint8_t host)
{
	struct endpoint e;
	memset(&e, 0, sizeof(e));
	e.ipver = 4;
	e.ip[0] = 10;
	e.ip[1] = 1;
	e.ip[3] = host;
	e.port = 102;
	return ied_get(&e, false);
}

static void test_pairing(void)
{
	/* answered: one latency sample per answer, in the service's histogram and
	 * the IED's; confirmed-errors tallied by class and code */
	struct flow *f = new_flow(1);
	struct mms_pdu rq = pdu(MMS_CONFIRMED_REQUEST, MMS_SVC_READ, 1);
	struct mms_pdu rs = pdu(MMS_CONFIRMED_RESPONSE, MMS_SVC_READ, 1);
	feed(f, 0, &rq, 0);
	feed(f, 1, &rs, 1500);
	rq = pdu(MMS_CONFIRMED_REQUEST, MMS_SVC_FILE_OPEN, 2);
	struct mms_pdu er = pdu(MMS_CONFIRMED_ERROR, MMS_SVC_NONE, 2);
	er.error.present = true;
	er.error.error_class = 11; /* file */
	er.error.error_code = 7;   /* file-non-existent */
	feed(f, 0, &rq, 2000);
	feed(f, 1, &er, 2300);
	/* an answer nobody asked for (the request before the capture) */
	rs = pdu(MMS_CONFIRMED_RESPONSE, MMS_SVC_READ, 99);
	feed(f, 1, &rs, 2400);
	struct ied *d = ied_of(1);
	CHECK(d != NULL);
	const struct svc_latency *r = ied_latency(d, MMS_SVC_READ);
	const struct svc_latency *o = ied_latency(d, MMS_SVC_FILE_OPEN);
	const struct svc_latency *all = ied_latency(d, SVC_ANY);
	CHECK(r && o && all);
	if (r && o && all) {
		CHECK_EQ(r->count, 1);
		CHECK_EQ(r->max_us, 1500);
		CHECK_EQ(o->count, 1);
		CHECK_EQ(o->errors, 1);
		CHECK_EQ(o->max_us, 300);
		CHECK_EQ(all->count, 2);
		CHECK_EQ(all->errors, 1);
		CHECK_EQ(svc_latency_quantile(all, 1000), 1500);
	}
	CHECK(ied_latency(d, MMS_SVC_WRITE) == NULL);
	CHECK(ied_latency(d, -7) == NULL);
	const struct svc_tally *t;
	size_t n = services_tallies(d, &t);
	CHECK_EQ(n, 1);
	if (n == 1) {
		CHECK_EQ(t[0].what, SVC_TALLY_ERROR);
		CHECK_EQ(t[0].cls, 11);
		CHECK_EQ(t[0].code, 7);
		CHECK_EQ(t[0].service, MMS_SVC_FILE_OPEN);
		CHECK_EQ(t[0].count, 1);
	}
	/* nothing outstanding: the end of the association says nothing */
	end_flow(f, FLOW_END_FIN, 5000);
	CHECK_EQ(find("request_unanswered", 1).n, 0);
	CHECK_EQ(find("slow_response", 1).n, 0);
	CHECK_EQ(find("duplicate_invoke_id", 1).n, 0);

	/* the summary table names the services with their figures */
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	services_print(mem);
	fclose(mem);
	CHECK(text && strstr(text, "10.1.0.1:102") != NULL);
	CHECK(text && strstr(text, "read ") != NULL);
	CHECK(text && strstr(text, "confirmed-error file/file-non-existent on fileOpen: 1") != NULL);
	free(text);
}

static void test_slow(void)
{
	struct flow *f = new_flow(2);
	struct mms_pdu rq = pdu(MMS_CONFIRMED_REQUEST, MMS_SVC_READ, 5);
	struct mms_pdu rs = pdu(MMS_CONFIRMED_RESPONSE, MMS_SVC_READ, 5);
	feed(f, 0, &rq, 0);
	feed(f, 1, &rs, 1900000); /* under latency.slow (2 s) */
	CHECK_EQ(find("slow_response", 2).n, 0);
	rq.invoke_id = rs.invoke_id = 6;
	feed(f, 0, &rq, 3000000);
	feed(f, 1, &rs, 6500000); /* 3.5 s */
	rq.invoke_id = rs.invoke_id = 7;
	feed(f, 0, &rq, 7000000);
	feed(f, 1, &rs, 9500000); /* 2.5 s: the same finding, counted */
	struct hit h = find("slow_response", 2);
	CHECK_EQ(h.n, 1);
	CHECK_EQ(h.count, 2);
	CHECK_EQ(h.sev, SEV_LOW);
	CHECK_STR(h.object, "read");
	CHECK(strstr(h.details, "\"max_latency_ms\":3500") != NULL);
	CHECK(strstr(h.details, "\"latency_ms\":2500") != NULL);
	CHECK(strstr(h.details, "\"threshold_ms\":2000") != NULL);
	CHECK_EQ(h.evidence, 4); /* both requests and both responses */
	const struct svc_latency *l = ied_latency(ied_of(2), MMS_SVC_READ);
	CHECK(l && l->slow == 2 && l->count == 3);
	end_flow(f, FLOW_END_FIN, 10000000);
}

static void test_unanswered(void)
{
	/* on the timer: request.timeout (30 s) after the request */
	struct flow *f = new_flow(3);
	struct mms_pdu rq = pdu(MMS_CONFIRMED_REQUEST, MMS_SVC_READ, 1);
	feed(f, 0, &rq, 0);
	services_tick(T0 + 29000000);
	CHECK_EQ(find("request_unanswered", 3).n, 0);
	services_tick(T0 + 31000000);
	struct hit h = find("request_unanswered", 3);
	CHECK_EQ(h.n, 1);
	CHECK_EQ(h.sev, SEV_MEDIUM);
	CHECK_STR(h.object, "read");
	CHECK(strstr(h.details, "\"judged\":\"timeout\"") != NULL);
	CHECK(strstr(h.details, "\"invoke_id\":1") != NULL);
	CHECK(strstr(h.summary, "did not answer a read request (GetDataValues)") != NULL);
	/* judged once: the late answer is not paired any more, nor judged again */
	struct mms_pdu rs = pdu(MMS_CONFIRMED_RESPONSE, MMS_SVC_READ, 1);
	feed(f, 1, &rs, 32000000);
	services_tick(T0 + 70000000);
	CHECK_EQ(find("request_unanswered", 3).count, 1);
	const struct svc_latency *l = ied_latency(ied_of(3), MMS_SVC_READ);
	CHECK(l && l->unanswered == 1);
	end_flow(f, FLOW_END_FIN, 71000000);

	/* at the association's end, however young */
	f = new_flow(4);
	rq = pdu(MMS_CONFIRMED_REQUEST, MMS_SVC_GET_NAME_LIST, 3);
	feed(f, 0, &rq, 0);
	end_flow(f, FLOW_END_RST, 200000);
	h = find("request_unanswered", 4);
	CHECK_EQ(h.n, 1);
	CHECK_STR(h.object, "getNameList");
	CHECK(strstr(h.details, "\"judged\":\"association_end\"") != NULL);

	/* the capture ended, not the association: a young request is not judged,
	 * an old one is */
	f = new_flow(5);
	rq = pdu(MMS_CONFIRMED_REQUEST, MMS_SVC_READ, 1);
	feed(f, 0, &rq, 0);
	end_flow(f, FLOW_END_CAPTURE_END, 1000000);
	CHECK_EQ(find("request_unanswered", 5).n, 0);
	f = new_flow(6);
	feed(f, 0, &rq, 0);
	f->last_ts = T0 + 40000000;
	end_flow(f, FLOW_END_CAPTURE_END, 40000000);
	CHECK_EQ(find("request_unanswered", 6).n, 1);
}

static void test_hidden_answers(void)
{
	/* a hole in the IED's direction after the request: its answer may be in
	 * it; no unanswered, no duplicate when the client reuses the invokeID */
	struct flow *f = new_flow(7);
	struct mms_pdu rq = pdu(MMS_CONFIRMED_REQUEST, MMS_SVC_READ, 1);
	feed(f, 0, &rq, 0);
	struct flow_an *a = flow_an_get(f);
	a->loss[1] = calloc(1, sizeof(*a->loss[1]));
	a->loss[1]->bytes = 300;
	feed(f, 0, &rq, 1000);
	CHECK_EQ(find("duplicate_invoke_id", 7).n, 0);
	a->loss[1]->bytes = 600;
	services_tick(T0 + 40000000);
	CHECK_EQ(find("request_unanswered", 7).n, 0);
	end_flow(f, FLOW_END_FIN, 41000000);

	/* the IED answered in bytes that did not decode (a stack this decoder
	 * cannot read): not the IED's silence */
	f = new_flow(8);
	feed(f, 0, &rq, 0);
	f->bytes[1] += 120;
	end_flow(f, FLOW_END_FIN, 1000);
	CHECK_EQ(find("request_unanswered", 8).n, 0);

	/* the IED's bytes after the request decoded, as a report: its silence on
	 * the request is its own (flow.mms_pdus counts what decoded) */
	f = new_flow(30);
	feed(f, 0, &rq, 0);
	struct mms_pdu rpt = pdu(MMS_UNCONFIRMED, MMS_USVC_INFORMATION_REPORT, 0);
	rpt.has_invoke = false;
	feed(f, 1, &rpt, 500);
	end_flow(f, FLOW_END_FIN, 1000);
	CHECK_EQ(find("request_unanswered", 30).n, 1);
}

static void test_duplicate_and_outstanding(void)
{
	struct flow *f = new_flow(9);
	struct mms_pdu init = pdu(MMS_INITIATE_RESPONSE, MMS_SVC_NONE, 0);
	init.has_invoke = false;
	init.init.has_max_serv_calling = true;
	init.init.max_serv_calling = 2;
	feed(f, 1, &init, 0);
	struct mms_pdu rq = pdu(MMS_CONFIRMED_REQUEST, MMS_SVC_READ, 1);
	feed(f, 0, &rq, 100);
	rq.invoke_id = 2;
	feed(f, 0, &rq, 200);
	CHECK_EQ(find("outstanding_exceeded", 9).n, 0);
	rq.invoke_id = 3;
	feed(f, 0, &rq, 300);
	struct hit h = find("outstanding_exceeded", 9);
	CHECK_EQ(h.n, 1);
	CHECK_EQ(h.sev, SEV_MEDIUM);
	CHECK_STR(h.object, "10.0.0.1");
	CHECK(strstr(h.details, "\"max_serv_outstanding_calling\":2,\"outstanding\":3") != NULL);
	rq.invoke_id = 4;
	feed(f, 0, &rq, 400); /* once per association */
	CHECK_EQ(find("outstanding_exceeded", 9).count, 1);

	/* invokeID 2 again while outstanding */
	rq = pdu(MMS_CONFIRMED_REQUEST, MMS_SVC_WRITE, 2);
	feed(f, 0, &rq, 500);
	h = find("duplicate_invoke_id", 9);
	CHECK_EQ(h.n, 1);
	CHECK_EQ(h.sev, SEV_LOW);
	CHECK(strstr(h.details, "\"invoke_id\":2,\"service\":\"write\",\"outstanding_service\":\"read\"") != NULL);
	CHECK_EQ(h.evidence, 2);
	/* answered now; the answer belongs to the newer request */
	struct mms_pdu rs = pdu(MMS_CONFIRMED_RESPONSE, MMS_SVC_WRITE, 2);
	feed(f, 1, &rs, 900);
	const struct svc_latency *w = ied_latency(ied_of(9), MMS_SVC_WRITE);
	CHECK(w && w->count == 1 && w->max_us == 400);
	rs = pdu(MMS_CONFIRMED_RESPONSE, MMS_SVC_READ, 1);
	feed(f, 1, &rs, 1000);
	rs.invoke_id = 3;
	feed(f, 1, &rs, 1000);
	rs.invoke_id = 4;
	feed(f, 1, &rs, 1000);
	end_flow(f, FLOW_END_FIN, 2000);
	CHECK_EQ(find("request_unanswered", 9).n, 0);
}

static void test_reject_and_cancel(void)
{
	struct flow *f = new_flow(10);
	struct mms_pdu rq = pdu(MMS_CONFIRMED_REQUEST, MMS_SVC_READ, 8);
	feed(f, 0, &rq, 0);
	struct mms_pdu rj = pdu(MMS_REJECT, MMS_SVC_NONE, 0);
	rj.has_invoke = false;
	rj.reject.has_original_invoke = true;
	rj.reject.original_invoke = 8;
	rj.reject.reason_type = 1; /* confirmed-requestPDU */
	rj.reject.reason_code = 1; /* unrecognized-service */
	feed(f, 1, &rj, 100);
	struct hit h = find("mms_reject", 10);
	CHECK_EQ(h.n, 1);
	CHECK_EQ(h.sev, SEV_LOW);
	CHECK(strstr(h.details, "\"by\":\"ied\"") != NULL);
	CHECK(strstr(h.details, "\"original_invoke_id\":8,\"service\":\"read\"") != NULL);
	CHECK_EQ(h.evidence, 2);
	const struct svc_latency *l = ied_latency(ied_of(10), MMS_SVC_READ);
	CHECK(l && l->rejects == 1 && l->count == 0);
	const struct svc_tally *t;
	CHECK_EQ(services_tallies(ied_of(10), &t), 1);
	CHECK_EQ(t[0].what, SVC_TALLY_REJECT);

	/* a cancelled request is answered (not unanswered), not timed */
	rq.invoke_id = 9;
	feed(f, 0, &rq, 200);
	struct mms_pdu cr = pdu(MMS_CANCEL_RESPONSE, MMS_SVC_NONE, 9);
	feed(f, 1, &cr, 300);
	end_flow(f, FLOW_END_FIN, 400);
	CHECK_EQ(find("request_unanswered", 10).n, 0);
}

static void test_cap(void)
{
	/* a client that never waits: the ISO stage's transaction table keeps 64,
	 * forgets the oldest and counts each one forgotten */
	uint64_t before = g_stats[STAT_pending_requests_full];
	struct flow *f = new_flow(11);
	for (uint32_t i = 0; i < 70; i++) {
		struct mms_pdu rq = pdu(MMS_CONFIRMED_REQUEST, MMS_SVC_READ, i);
		feed(f, 0, &rq, i);
	}
	CHECK_EQ(g_stats[STAT_pending_requests_full] - before, 6);
	/* answers to the forgotten ones are not paired; the kept ones are */
	struct mms_pdu rs = pdu(MMS_CONFIRMED_RESPONSE, MMS_SVC_READ, 0);
	feed(f, 1, &rs, 100);
	rs.invoke_id = 69;
	feed(f, 1, &rs, 100);
	const struct svc_latency *l = ied_latency(ied_of(11), MMS_SVC_READ);
	CHECK(l && l->count == 1);
	end_flow(f, FLOW_END_CAPTURE_END, 200);
}

/* ---- real captures -------------------------------------------------------------------- */

static const char *srcdir(void)
{
	const char *s = getenv("srcdir");
	return s && *s ? s : ".";
}

static bool run_capture(const char *pcap)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", srcdir(), pcap);
	char *argv[] = { "mmswatch", "-q", "-r", path, NULL };
	struct options o;
	struct input_set in;
	volatile int stop = 0;
	memset(&in, 0, sizeof(in));
	log_init();
	if (options_parse(4, argv, &o) >= 0)
		return false;
	log_set_quiet(1);
	rules_defaults(&g_rules);
	if (input_set_open(&in, o.inputs, o.n_inputs) != 0)
		return false;
	/* Every analyzer, EVE (to nowhere: written, not read), the test sink. */
	inputs_use(&in);
	test_bus_setup(true);
	bus_add_sink(&eve_sink);
	if (eve_open("/dev/null", &in, true, false) != 0 || pipeline_init(&o) != 0)
		return false;
	input_set_read(&in, pipeline_packet, NULL, &stop);
	pipeline_finish();
	eve_close();
	return true;
}

static void first_ied(struct ied *d, void *arg)
{
	struct ied **out = arg;
	if (!*out)
		*out = d;
}

static void above_info(const struct finding *fd, void *arg)
{
	unsigned *n = arg;
	static const char *const mine[] = { "request_unanswered", "duplicate_invoke_id", "outstanding_exceeded",
					    "slow_response", "mms_reject" };
	for (size_t i = 0; i < sizeof(mine) / sizeof(mine[0]); i++)
		if (!strcmp(fd->kind, mine[i]))
			(*n)++;
}

static void child_control(void)
{
	CHECK(run_capture("pcaps/control.pcap"));
	struct ied *d = NULL;
	ied_foreach(first_ied, &d);
	CHECK(d != NULL);
	if (!d)
		return;
	/* 29 confirmed requests, 29 answers (MANIFEST): 10 reads, 12 writes, 7
	 * GetVariableAccessAttributes; no errors (refused operates are per-item
	 * failures inside a Write-Response, not confirmed-errors) */
	const struct svc_latency *all = ied_latency(d, SVC_ANY);
	const struct svc_latency *r = ied_latency(d, MMS_SVC_READ);
	const struct svc_latency *w = ied_latency(d, MMS_SVC_WRITE);
	const struct svc_latency *g = ied_latency(d, MMS_SVC_GET_VAR_ACCESS_ATTR);
	CHECK(all && r && w && g);
	if (all && r && w && g) {
		CHECK_EQ(all->count, 29);
		CHECK_EQ(r->count, 10);
		CHECK_EQ(w->count, 12);
		CHECK_EQ(g->count, 7);
		CHECK_EQ(all->errors, 0);
		CHECK_EQ(all->unanswered, 0);
		/* loopback: every answer well under a millisecond */
		CHECK(svc_latency_quantile(all, 990) < 1000);
		CHECK(svc_latency_quantile(all, 500) <= svc_latency_quantile(all, 950));
	}
	unsigned n = 0;
	test_findings_foreach(above_info, &n);
	CHECK_EQ(n, 0);
}

static void child_files(void)
{
	CHECK(run_capture("pcaps/files.pcap"));
	struct ied *d = NULL;
	ied_foreach(first_ied, &d);
	CHECK(d != NULL);
	if (!d)
		return;
	const struct svc_tally *t;
	size_t n = services_tallies(d, &t);
	CHECK_EQ(n, 1);
	if (n == 1) {
		/* the FileOpen of nonexistent.txt: file / file-non-existent */
		CHECK_EQ(t[0].what, SVC_TALLY_ERROR);
		CHECK_STR(mms_error_class_name(t[0].cls), "file");
		CHECK_STR(mms_error_code_name(t[0].cls, (uint32_t)t[0].code), "file-non-existent");
		CHECK_EQ(t[0].service, MMS_SVC_FILE_OPEN);
	}
	const struct svc_latency *o = ied_latency(d, MMS_SVC_FILE_OPEN);
	CHECK(o && o->count == 2 && o->errors == 1);
	unsigned k = 0;
	test_findings_foreach(above_info, &k);
	CHECK_EQ(k, 0);
}

static void clean(const char *pcap)
{
	CHECK(run_capture(pcap));
	unsigned n = 0;
	test_findings_foreach(above_info, &n);
	CHECK_EQ(n, 0);
}

static void child_clean_browse(void)
{
	clean("pcaps/clean_browse.pcap");
}
static void child_clean_reporting(void)
{
	clean("pcaps/clean_reporting.pcap");
}

int main(void)
{
	rules_defaults(&g_rules);
	test_bus_setup(true);
	test_histogram();
	test_pairing();
	test_slow();
	test_unanswered();
	test_hidden_answers();
	test_duplicate_and_outstanding();
	test_reject_and_cancel();
	test_cap();
	/* as src/main.c ends a run */
	bus_free();
	findings_free();
	ied_free_all();
	bus_reset();
	test_sink_clear();
	tcheck_in_child("control", child_control);
	tcheck_in_child("files", child_files);
	tcheck_in_child("clean_browse", child_clean_browse);
	tcheck_in_child("clean_reporting", child_clean_reporting);
	TCHECK_DONE();
}

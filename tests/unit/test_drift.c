/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_drift.c - the facts table (core/facts.c: lookups, growth, the cap, long
 * values, IED keys) and the drift analyzer (analyze/drift.c) driven through the
 * ISO stage's pairing with hand-made PDUs on fake associations, against a
 * baseline built here: a new IED, a new client, a client's first write (medium)
 * and first read of a known IED (none: it read before), NamPlt.swRev read and
 * changed, a missing IED, and the facts record the store gets. Findings are
 * watched from the sink side of the bus (test_sink.h). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcheck.h"
#include "test_sink.h"

#include "analyze/analyze.h"
#include "core/bus.h"
#include "core/facts.h"
#include "core/finding.h"
#include "core/kinds.h"
#include "core/rules.h"
#include "dissectors/mms.h"
#include "stages/app_iso.h"

/* ---- the facts table ------------------------------------------------------- */

static void test_facts(void)
{
	struct fact_table t;
	bool changed;
	facts_init(&t, 0);
	CHECK(!facts_find(&t, FACT_IED, "a", "", ""));
	struct fact *f = facts_put(&t, FACT_IDENTITY, "10.0.0.1|102|", "", "revision", "1.0", &changed);
	CHECK(f && changed);
	CHECK(facts_put(&t, FACT_IDENTITY, "10.0.0.1|102|", "", "revision", "1.0", &changed) == f && !changed);
	t.stamp = 5;
	CHECK(facts_put(&t, FACT_IDENTITY, "10.0.0.1|102|", "", "revision", "1.1", &changed) == f && changed);
	CHECK_STR(f->value, "1.1");
	CHECK_EQ(f->stamp, 5);
	/* kinds, IEDs, clients and names are all part of the key: "ab"+"c" is not "a"+"bc" */
	CHECK(!facts_find(&t, FACT_CONFREV, "10.0.0.1|102|", "", "revision"));
	facts_put(&t, FACT_CLIENT, "ab", "c", "", NULL, NULL);
	CHECK(!facts_find(&t, FACT_CLIENT, "a", "bc", ""));
	CHECK(facts_find(&t, FACT_CLIENT, "ab", "c", "") != NULL);
	CHECK_STR(facts_find(&t, FACT_CLIENT, "ab", "c", "")->value, "");
	/* growth: 3000 facts, each found again */
	char name[32];
	for (int i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "ds%d", i);
		facts_put(&t, FACT_DATASET, "x", "", name, name, NULL);
	}
	int found = 0;
	for (int i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "ds%d", i);
		const struct fact *g = facts_find(&t, FACT_DATASET, "x", "", name);
		found += g && !strcmp(g->value, name);
	}
	CHECK_EQ(found, 3000);
	CHECK_EQ(t.n, 3002);
	CHECK_EQ(t.dropped, 0);
	/* a name longer than a fact holds is not kept, and counted */
	char lng[FACT_NAME_LEN + 10];
	memset(lng, 'n', sizeof(lng) - 1);
	lng[sizeof(lng) - 1] = 0;
	CHECK(!facts_put(&t, FACT_RCB, "x", "", lng, "1", NULL));
	CHECK_EQ(t.dropped, 1);
	facts_free(&t);
	CHECK_EQ(t.n, 0);

	/* the cap: the 11th fact of a 10-fact table is counted, not kept */
	facts_init(&t, 10);
	for (int i = 0; i < 11; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		facts_put(&t, FACT_CLIENT, "x", name, "", "", NULL);
	}
	CHECK_EQ(t.n, 10);
	CHECK_EQ(t.dropped, 1);
	CHECK(!facts_find(&t, FACT_CLIENT, "x", "c10", ""));
	facts_free(&t);

	/* a long value is kept as length and hash: equal values stay equal */
	facts_init(&t, 0);
	size_t big = FACT_VALUE_MAX + 500;
	char *v1 = malloc(big + 1), *v2 = malloc(big + 1);
	memset(v1, 'm', big);
	v1[big] = 0;
	memcpy(v2, v1, big + 1);
	v2[big - 1] = 'z';
	f = facts_put(&t, FACT_DATASET, "x", "", "big", v1, NULL);
	CHECK(f && strlen(f->value) < 64 && strstr(f->value, "4500 bytes"));
	facts_put(&t, FACT_DATASET, "x", "", "big", v1, &changed);
	CHECK(!changed);
	facts_put(&t, FACT_DATASET, "x", "", "big", v2, &changed);
	CHECK(changed);
	free(v1);
	free(v2);
	facts_free(&t);

	/* IED keys, both ways */
	struct endpoint e, back;
	memset(&e, 0, sizeof(e));
	e.ipver = 4;
	e.ip[0] = 10, e.ip[3] = 7;
	e.port = 102;
	e.n_vlan = 2;
	e.vlan[0] = 100, e.vlan[1] = 200;
	char key[FACT_IED_LEN];
	fact_ied_key(&e, key, sizeof(key));
	CHECK_STR(key, "10.0.0.7|102|100.200");
	CHECK(fact_ied_endpoint(key, &back) && !memcmp(&back, &e, sizeof(e)));
	CHECK(fact_ied_endpoint("fe80::1|3782|", &back) && back.ipver == 6 && back.port == 3782 && back.n_vlan == 0);
	CHECK(!fact_ied_endpoint("10.0.0.1", &back));
	CHECK(!fact_ied_endpoint("10.0.0.1|99999|", &back));
	CHECK(!fact_ied_endpoint("10.0.0.1|102|5000", &back));
	CHECK(!fact_ied_endpoint("nonsense|102|", &back));
	CHECK_EQ(fact_kind_parse("rcb"), FACT_RCB);
	CHECK_EQ(fact_kind_parse("nope"), -1);
}

/* ---- BER for the PDUs ---------------------------------------------------------- */

struct buf {
	uint8_t b[512];
	size_t n;
};

static void raw(struct buf *o, const void *p, size_t n)
{
	memcpy(o->b + o->n, p, n);
	o->n += n;
}

static void tlv(struct buf *o, uint8_t tag, const void *p, size_t n)
{
	o->b[o->n++] = tag;
	o->b[o->n++] = (uint8_t)n;
	raw(o, p, n);
}

static void wrap(struct buf *o, uint8_t tag, const struct buf *in)
{
	tlv(o, tag, in->b, in->n);
}

/* confirmed-request { invokeID, service [tag] { variable list of one domain name } }
 * for read (4) and write (5, with one visible-string value). */
static void var_request(struct buf *out, uint8_t invoke, uint8_t service, const char *dom, const char *item)
{
	struct buf name = { .n = 0 }, dn = { .n = 0 }, spec = { .n = 0 }, seq = { .n = 0 }, list = { .n = 0 },
		   vas = { .n = 0 }, svc = { .n = 0 }, pdu = { .n = 0 };
	tlv(&dn, 0x1a, dom, strlen(dom));
	tlv(&dn, 0x1a, item, strlen(item));
	wrap(&name, 0xa1, &dn);   /* domain-specific */
	wrap(&spec, 0xa0, &name); /* variableSpecification: name */
	wrap(&seq, 0x30, &spec);
	wrap(&list, 0xa0, &seq); /* listOfVariable */
	if (service == 4) {
		wrap(&vas, 0xa1, &list); /* variableAccessSpecification */
		raw(&svc, vas.b, vas.n);
	} else {
		wrap(&vas, 0xa0, &seq); /* write: listOfVariable directly */
		raw(&svc, vas.b, vas.n);
		struct buf data = { .n = 0 }, d = { .n = 0 };
		tlv(&d, 0x8a, "x", 1);
		wrap(&data, 0xa0, &d); /* listOfData */
		raw(&svc, data.b, data.n);
	}
	uint8_t inv[] = { 0x02, 0x01, invoke };
	raw(&pdu, inv, sizeof(inv));
	wrap(&pdu, (uint8_t)(0xa0 | service), &svc);
	out->n = 0;
	wrap(out, 0xa0, &pdu);
}

/* confirmed-response { invokeID, read { listOfAccessResult { visible-string } } } */
static void read_response(struct buf *out, uint8_t invoke, const char *value)
{
	struct buf res = { .n = 0 }, list = { .n = 0 }, svc = { .n = 0 }, pdu = { .n = 0 };
	tlv(&res, 0x8a, value, strlen(value));
	wrap(&list, 0xa1, &res);
	raw(&svc, list.b, list.n);
	uint8_t inv[] = { 0x02, 0x01, invoke };
	raw(&pdu, inv, sizeof(inv));
	wrap(&pdu, 0xa4, &svc);
	out->n = 0;
	wrap(out, 0xa1, &pdu);
}

/* ---- fake associations ------------------------------------------------------------ */

#define T0 1700000000000000LL
static uint64_t frame_no = 1, next_flow_id = 1;

/* Client 10.0.0.<client>:40000, IED 10.2.0.<host>:102 */
static struct flow *new_flow(uint8_t host, uint8_t client)
{
	struct flow *f = calloc(1, sizeof(*f));
	f->key.ipver = 4;
	f->key.ip[0][0] = 10;
	f->key.ip[0][3] = client;
	f->key.ip[1][0] = 10;
	f->key.ip[1][1] = 2;
	f->key.ip[1][3] = host;
	f->key.port[0] = 40000;
	f->key.port[1] = 102;
	f->client = 0;
	f->id = next_flow_id++;
	return f;
}

static void feed(struct flow *f, int dir, const struct buf *b, int64_t t)
{
	static struct mms_pdu p;
	CHECK_EQ(mms_decode(rd_make(b->b, b->n), &p), MMS_OK);
	struct pkt_where at = { T0 + t, 0, frame_no++ };
	f->last_ts = at.ts_us;
	app_mms_pdu(f, dir, &p, (uint32_t)b->n, false, false, &at);
}

static void end_flow(struct flow *f)
{
	struct pkt_where at = { f->last_ts, 0, frame_no++ };
	bus_flow_end(f, FLOW_END_FIN, &at);
	app_flow_free(f);
	free(f);
}

struct seen {
	int n[16];
	const struct finding *last[16];
};
static const char *const KINDS[] = { "drift_new_ied",         "drift_missing_ied",         "drift_new_client",
				     "drift_new_service",     "drift_identity_changed",    "drift_confrev_changed",
				     "drift_dataset_changed", "drift_rcb_settings_changed" };

static void tally(const struct finding *f, void *arg)
{
	struct seen *s = arg;
	for (int k = 0; k < 8; k++)
		if (!strcmp(f->kind, KINDS[k])) {
			s->n[k]++;
			s->last[k] = f;
		}
}

static void first_write(const struct finding *f, void *arg)
{
	if (strcmp(f->kind, "drift_new_service") || f->severity != SEV_MEDIUM)
		return;
	if (strstr(f->details, "\"service\":\"write\"") && !strcmp(f->object, "10.0.0.1 write"))
		*(int *)arg |= 1;
	if (strstr(f->details, "\"acsi\":\"Operate\""))
		*(int *)arg |= 2;
}

static void test_drift(void)
{
	struct fact_table base;
	facts_init(&base, 0);
	base.kinds = (1u << FACT_KIND_COUNT) - 1;
	facts_put(&base, FACT_IED, "10.2.0.1|102|", "", "", "", NULL);
	facts_put(&base, FACT_CLIENT, "10.2.0.1|102|", "10.0.0.1", "", "", NULL);
	facts_put(&base, FACT_SERVICE, "10.2.0.1|102|", "10.0.0.1", "read", "", NULL);
	facts_put(&base, FACT_ACSI, "10.2.0.1|102|", "10.0.0.1", "GetDataValues", "", NULL);
	facts_put(&base, FACT_IDENTITY, "10.2.0.1|102|", "", "LD1/LLN0.NamPlt.swRev", "1.0", NULL);
	facts_put(&base, FACT_IED, "10.2.0.9|102|", "", "", "", NULL); /* not seen below: missing */
	drift_configure(true, &base, "run 1 of test.db", false);

	/* client 1 with IED 1: the read it always did (and NamPlt.swRev now 2.0), then a first write */
	struct flow *f = new_flow(1, 1);
	struct buf b;
	var_request(&b, 1, 4, "LD1", "LLN0$DC$NamPlt$swRev");
	feed(f, 0, &b, 0);
	read_response(&b, 1, "2.0");
	feed(f, 1, &b, 100);
	struct seen s;
	memset(&s, 0, sizeof(s));
	test_findings_foreach(tally, &s);
	CHECK_EQ(s.n[0] + s.n[2] + s.n[3], 0); /* nothing new so far */
	var_request(&b, 2, 5, "LD1", "GGIO1$CO$SPCSO1$Oper");
	feed(f, 0, &b, 200);
	end_flow(f);
	/* client 2 with IED 1: a new client; client 1 with IED 3: a new IED (and client) */
	f = new_flow(1, 2);
	var_request(&b, 1, 4, "LD1", "LLN0$ST$Mod$stVal");
	feed(f, 0, &b, 300);
	end_flow(f);
	f = new_flow(3, 1);
	var_request(&b, 1, 4, "LD1", "LLN0$ST$Mod$stVal");
	feed(f, 0, &b, 400);
	end_flow(f);
	memset(&s, 0, sizeof(s));
	test_findings_foreach(tally, &s);
	CHECK_EQ(s.n[0], 1); /* new IED 10.2.0.3, at once */
	CHECK_EQ(s.n[2], 2); /* new clients: 10.0.0.2 of IED 1, 10.0.0.1 of the new IED 3 */
	CHECK_EQ(s.n[3], 2); /* client 1's first write: MMS write and ACSI Operate */
	CHECK_EQ(s.n[4], 0); /* values wait for the end */
	CHECK_EQ(s.n[1], 0);
	int firsts = 0;
	test_findings_foreach(first_write, &firsts);
	CHECK_EQ(firsts, 3); /* both medium: a service that changes the IED */
	if (s.last[0])
		CHECK(strstr(s.last[0]->summary, "10.2.0.3:102") != NULL);

	bus_finish(T0 + 1000);
	memset(&s, 0, sizeof(s));
	test_findings_foreach(tally, &s);
	CHECK_EQ(s.n[1], 1); /* 10.2.0.9 missing */
	CHECK_EQ(s.n[4], 1); /* swRev 1.0 -> 2.0 */
	if (s.last[4]) {
		CHECK_STR(s.last[4]->object, "LD1/LLN0.NamPlt.swRev");
		CHECK(strstr(s.last[4]->details, "\"baseline_value\":\"1.0\",\"value\":\"2.0\"") != NULL);
		CHECK(strstr(s.last[4]->details, "\"baseline\":\"run 1 of test.db\"") != NULL);
	}
	if (s.last[1])
		CHECK(strstr(s.last[1]->summary, "10.2.0.9:102") != NULL);
	/* the store's record: every fact of the run, the NamPlt revision among them */
	const struct test_record *r = test_record_find(REC_FACTS, NULL);
	CHECK(r != NULL);
	if (r) {
		CHECK(strstr(r->text, "since=0") != NULL);
		CHECK(strstr(r->text, "identity:10.2.0.1|102|::LD1/LLN0.NamPlt.swRev=2.0") != NULL);
		CHECK(strstr(r->text, "service:10.2.0.1|102|:10.0.0.1:write=") != NULL);
		CHECK(strstr(r->text, "client:10.2.0.3|102|:10.0.0.1:=") != NULL);
	}
	bus_free();
	facts_free(&base);
	drift_configure(false, NULL, NULL, false);
}

/* A live sensor: a changed value is judged on the minute tick, not only at the
 * end, and each facts record carries only what is new since the last. */
static void test_live(void)
{
	struct fact_table base;
	facts_init(&base, 0);
	base.kinds = (1u << FACT_KIND_COUNT) - 1;
	facts_put(&base, FACT_IED, "10.2.0.21|102|", "", "", "", NULL);
	facts_put(&base, FACT_CLIENT, "10.2.0.21|102|", "10.0.0.1", "", "", NULL);
	facts_put(&base, FACT_IDENTITY, "10.2.0.21|102|", "", "LD1/LLN0.NamPlt.configRev", "A", NULL);
	drift_configure(true, &base, "acceptance", true);
	struct flow *f = new_flow(21, 1);
	struct buf b;
	var_request(&b, 1, 4, "LD1", "LLN0$DC$NamPlt$configRev");
	feed(f, 0, &b, 0);
	read_response(&b, 1, "B");
	feed(f, 1, &b, 100);
	struct seen s;
	bus_tick(T0 + 1000000);
	bus_tick(T0 + 30000000);
	memset(&s, 0, sizeof(s));
	test_findings_foreach(tally, &s);
	CHECK_EQ(s.n[4], 0); /* not a minute yet */
	bus_tick(T0 + 62000000);
	memset(&s, 0, sizeof(s));
	test_findings_foreach(tally, &s);
	CHECK_EQ(s.n[4], 1);
	const struct test_record *r = test_record_find(REC_FACTS, "since=0");
	CHECK(r && strstr(r->text, "NamPlt.configRev=B"));
	/* a new service after the first record: the next record has it alone */
	var_request(&b, 2, 5, "LD1", "GGIO1$CF$x");
	feed(f, 0, &b, 63000000);
	bus_tick(T0 + 130000000);
	r = test_record_find(REC_FACTS, "since=1");
	CHECK(r && strstr(r->text, ":write=") && !strstr(r->text, "configRev"));
	end_flow(f);
	bus_finish(T0 + 131000000);
	memset(&s, 0, sizeof(s));
	test_findings_foreach(tally, &s);
	CHECK_EQ(s.n[4], 1); /* judged once */
	bus_free();
	facts_free(&base);
	drift_configure(false, NULL, NULL, false);
}

int main(void)
{
	rules_defaults(&g_rules);
	test_facts();
	test_bus_setup(true);
	test_drift();
	test_bus_setup(true);
	test_live();
	TCHECK_DONE();
}

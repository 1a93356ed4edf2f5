/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_reports.c - what the report analyzer (reports.c) says, and in which words.
 *
 * RCB writes and reports built as MMS bytes, decoded by mms_decode and handed to
 * the bus (every analyzer registered) on a fake association, checked in the
 * findings the test sink kept: silent quality and data changes (one finding per
 * RCB naming every member), GI on an RCB whose TrgOps lack gi, a BRCB replay
 * with and without an EntryID written, BufTm coalescing, the words of a one-
 * report gap, an association whose close was never seen; and the duration
 * writer every summary uses. Each case runs in a
 * child: findings aggregate run-wide. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcheck.h"
#include "test_sink.h"

#include "core/bus.h"
#include "core/finding.h"
#include "core/record.h"
#include "core/rules.h"
#include "dissectors/mms.h"
#include "stages/app_iso.h"
#include "util/duration.h"

/* ---- BER building ------------------------------------------------------------------ */

struct buf {
	uint8_t b[4096];
	size_t n;
};

static void raw(struct buf *b, const void *p, size_t n)
{
	if (b->n + n > sizeof(b->b))
		abort();
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void tlv(struct buf *b, uint8_t tag, const void *v, size_t n)
{
	uint8_t h[3] = { tag, 0, 0 };
	if (n < 0x80) {
		h[1] = (uint8_t)n;
		raw(b, h, 2);
	} else {
		h[1] = 0x82;
		raw(b, h, 2);
		uint8_t l[2] = { (uint8_t)(n >> 8), (uint8_t)n };
		raw(b, l, 2);
	}
	raw(b, v, n);
}

static void wrap(struct buf *b, uint8_t tag, const struct buf *in)
{
	tlv(b, tag, in->b, in->n);
}
static void str(struct buf *b, uint8_t tag, const char *s)
{
	tlv(b, tag, s, strlen(s));
}
static void u8v(struct buf *b, uint8_t tag, uint8_t v)
{
	tlv(b, tag, &v, 1);
}
static void boolean(struct buf *b, bool v)
{
	u8v(b, 0x83, v ? 0xff : 0x00);
}
static void bits(struct buf *b, uint8_t unused, const uint8_t *v, size_t n)
{
	uint8_t t[8];
	t[0] = unused;
	memcpy(t + 1, v, n);
	tlv(b, 0x84, t, n + 1);
}

/* TrgOps bits (MSB first): dchg 0x40, qchg 0x20, dupd 0x10, intg 0x08, gi 0x04 */
enum { T_DCHG = 0x40, T_QCHG = 0x20, T_DUPD = 0x10, T_INTG = 0x08, T_GI = 0x04 };

static void var(struct buf *list, const char *dom, const char *item)
{
	struct buf name = { .n = 0 }, dn = { .n = 0 }, spec = { .n = 0 }, seq = { .n = 0 };
	str(&dn, 0x1a, dom);
	str(&dn, 0x1a, item);
	wrap(&name, 0xa1, &dn);
	wrap(&spec, 0xa0, &name);
	wrap(&seq, 0x30, &spec);
	raw(list, seq.b, seq.n);
}

static void confirmed(struct buf *out, uint8_t pdu_tag, uint8_t invoke, const struct buf *service)
{
	struct buf in = { .n = 0 };
	u8v(&in, 0x02, invoke);
	raw(&in, service->b, service->n);
	out->n = 0;
	wrap(out, pdu_tag, &in);
}

static void write_req(struct buf *out, uint8_t invoke, const struct buf *vars, const struct buf *data)
{
	struct buf in = { .n = 0 }, svc = { .n = 0 };
	wrap(&in, 0xa0, vars);
	wrap(&in, 0xa0, data);
	wrap(&svc, 0xa5, &in);
	confirmed(out, 0xa0, invoke, &svc);
}

static void write_resp(struct buf *out, uint8_t invoke, unsigned n_ok)
{
	struct buf r = { .n = 0 }, svc = { .n = 0 };
	for (unsigned i = 0; i < n_ok; i++)
		tlv(&r, 0x81, "", 0);
	wrap(&svc, 0xa5, &r);
	confirmed(out, 0xa1, invoke, &svc);
}

/* ---- a fake association -------------------------------------------------------------- */

#define T0 1700000000000000LL
static uint64_t frame_no = 1;

static struct flow *new_flow(void)
{
	static uint64_t next_id = 1;
	struct flow *f = calloc(1, sizeof(*f));
	f->key.ipver = 4;
	f->key.ip[0][0] = 10;
	f->key.ip[0][3] = 1;
	f->key.ip[1][0] = 10;
	f->key.ip[1][1] = 2;
	f->key.ip[1][3] = 1;
	f->key.port[0] = 40000;
	f->key.port[1] = 102;
	f->client = 0;
	f->id = next_id++;
	return f;
}

static uint64_t feed(struct flow *f, int dir, const struct buf *b, int64_t t)
{
	static struct mms_pdu p;
	CHECK_EQ(mms_decode(rd_make(b->b, b->n), &p), MMS_OK);
	struct pkt_where at = { T0 + t, 0, frame_no++ };
	f->last_ts = at.ts_us;
	app_mms_pdu(f, dir, &p, (uint32_t)b->n, false, false, &at);
	return at.frame;
}

static void end_flow_why(struct flow *f, enum flow_end why)
{
	struct pkt_where at = { f->last_ts, 0, frame_no++ };
	bus_flow_end(f, why, &at);
	app_flow_free(f);
	free(f);
}

static void end_flow(struct flow *f)
{
	struct pkt_where at = { f->last_ts, 0, frame_no++ };
	bus_flow_end(f, FLOW_END_FIN, &at);
	app_flow_free(f);
	free(f);
}

static uint8_t invoke = 1;

/* Write attributes of one RCB ("LLN0$BR$brcb01") and answer success. */
struct attr {
	const char *name;
	int kind; /* 'b' bool, 'u' unsigned, 't' TrgOps, 's' visible-string, 'e' EntryID */
	unsigned v;
	const char *s;
};

static void rcb_write(struct flow *f, const char *rcb, const struct attr *a, unsigned n, int64_t t)
{
	struct buf vars = { .n = 0 }, data = { .n = 0 }, rq, rs;
	for (unsigned i = 0; i < n; i++) {
		char item[128];
		snprintf(item, sizeof(item), "%s$%s", rcb, a[i].name);
		var(&vars, "LD1", item);
		uint8_t v8 = (uint8_t)a[i].v;
		static const uint8_t entry[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
		switch (a[i].kind) {
		case 'b':
			boolean(&data, a[i].v != 0);
			break;
		case 'u':
			u8v(&data, 0x86, v8);
			break;
		case 't':
			bits(&data, 2, &v8, 1);
			break;
		case 's':
			str(&data, 0x8a, a[i].s);
			break;
		case 'e':
			tlv(&data, 0x89, entry, 8);
			break;
		}
	}
	uint8_t id = invoke++;
	write_req(&rq, id, &vars, &data);
	feed(f, 0, &rq, t);
	write_resp(&rs, id, n);
	feed(f, 1, &rs, t + 100);
}

/* OptFlds: seq-num, reason, data-set (+ entryID, buffer-overflow when buffered) */
#define OPT_SEQ 0x4000u
#define OPT_REASON 0x1000u
#define OPT_DATASET 0x0800u
#define OPT_BUFOVFL 0x0200u
#define OPT_ENTRY 0x0100u

struct member {
	uint16_t index;
	int32_t value;  /* mag */
	uint8_t q_hi;   /* first octet of the quality */
	uint8_t reason; /* T_* */
};

/* A report of dataset LD1/LLN0$DS (size members): SqNum, DatSet, the members
 * given (each a structure {value, quality, t}), their reasons. */
static void report(struct buf *out, const char *rptid, bool buffered, unsigned sqnum, unsigned size,
		   const struct member *m, unsigned n, const uint8_t *entryid)
{
	struct buf ar = { .n = 0 }, v = { .n = 0 }, lv = { .n = 0 }, svc = { .n = 0 }, in = { .n = 0 };
	str(&ar, 0x8a, rptid);
	uint16_t opt = OPT_SEQ | OPT_REASON | OPT_DATASET | (buffered ? OPT_BUFOVFL | OPT_ENTRY : 0);
	uint8_t of[2] = { (uint8_t)(opt >> 8), (uint8_t)opt };
	bits(&ar, 6, of, 2);
	uint8_t sq[2] = { (uint8_t)(sqnum >> 8), (uint8_t)sqnum };
	if (sqnum > 255)
		tlv(&ar, 0x86, sq, 2);
	else
		u8v(&ar, 0x86, (uint8_t)sqnum);
	str(&ar, 0x8a, "LD1/LLN0$DS");
	if (buffered) {
		boolean(&ar, false);
		tlv(&ar, 0x89, entryid, 8);
	}
	uint8_t incl[4] = { 0 };
	for (unsigned i = 0; i < n; i++)
		incl[m[i].index / 8] |= (uint8_t)(0x80 >> (m[i].index % 8));
	bits(&ar, (uint8_t)((8 - size % 8) % 8), incl, (size + 7) / 8);
	for (unsigned i = 0; i < n; i++) {
		struct buf s = { .n = 0 };
		uint8_t val[4] = { (uint8_t)(m[i].value >> 24), (uint8_t)(m[i].value >> 16), (uint8_t)(m[i].value >> 8),
				   (uint8_t)m[i].value };
		tlv(&s, 0x85, val, 4);
		uint8_t q[2] = { m[i].q_hi, 0 };
		bits(&s, 3, q, 2);
		static const uint8_t ts[8] = { 0x65, 0x5d, 0x0b, 0x00, 0, 0, 0, 0x0a };
		tlv(&s, 0x91, ts, 8);
		wrap(&ar, 0xa2, &s);
	}
	for (unsigned i = 0; i < n; i++) {
		uint8_t r = m[i].reason;
		bits(&ar, 1, &r, 1);
	}
	static const uint8_t rpt[] = { 0x80, 0x03, 'R', 'P', 'T' };
	raw(&v, rpt, sizeof(rpt));
	wrap(&lv, 0xa1, &v);
	raw(&in, lv.b, lv.n);
	wrap(&in, 0xa0, &ar);
	wrap(&svc, 0xa0, &in);
	out->n = 0;
	wrap(out, 0xa3, &svc);
}

/* ---- findings -------------------------------------------------------------------------- */

struct hit {
	const char *kind;
	unsigned n;
	uint64_t count;
	uint8_t sev;
	char details[FINDING_DETAILS_MAX];
	char summary[FINDING_SUMMARY_MAX];
};

static void find_one(const struct finding *fd, void *arg)
{
	struct hit *h = arg;
	if (strcmp(fd->kind, h->kind))
		return;
	h->n++;
	h->count += fd->count;
	h->sev = fd->severity;
	snprintf(h->details, sizeof(h->details), "%s", fd->details);
	snprintf(h->summary, sizeof(h->summary), "%s", fd->summary);
}

static struct hit find(const char *kind)
{
	findings_finish();
	struct hit h;
	memset(&h, 0, sizeof(h));
	h.kind = kind;
	test_findings_foreach(find_one, &h);
	return h;
}

static void setup(void)
{
	rules_defaults(&g_rules);
	test_bus_setup(true);
}

/* ---- cases ------------------------------------------------------------------------------ */

/* Integrity every 2 s on an 8-member dataset, TrgOps as given. Members 1 and 5
 * change value silently (from the 2nd integrity report on), member 3 its quality
 * (from the 3rd), member 6 both and later. */
static void silent_changes(uint8_t trgops)
{
	struct flow *f = new_flow();
	const struct attr cfg[] = { { "RptID", 's', 0, "urcb01" },
				    { "TrgOps", 't', trgops, NULL },
				    { "RptEna", 'b', 1, NULL } };
	rcb_write(f, "LLN0$RP$urcb01", cfg, 3, 0);
	struct buf b;
	unsigned sq = 0;
	for (int k = 0; k < 8; k++) {
		struct member m[8];
		for (uint16_t i = 0; i < 8; i++) {
			m[i].index = i;
			m[i].value = 100;
			m[i].q_hi = 0;
			m[i].reason = T_INTG;
		}
		if (k >= 1) {
			m[1].value = 100 + k;
			m[5].value = 200 + k;
		}
		if (k >= 2)
			m[3].q_hi = (k & 1) ? 0x40 : 0x00; /* questionable, good, ... */
		if (k >= 4) {
			m[6].value = 300 + k;
			m[6].q_hi = (k & 1) ? 0xc0 : 0x00;
		}
		report(&b, "urcb01", false, sq++, 8, m, 8, NULL);
		feed(f, 1, &b, 1000000 + k * 2000000LL);
	}
	end_flow(f);
}

static void case_qchg_missing(void)
{
	setup();
	silent_changes(T_DCHG | T_INTG | T_GI);
	struct hit q = find("trgops_missing_qchg");
	CHECK_EQ(q.n, 1);
	CHECK_EQ(q.count, 1);
	CHECK_EQ(q.sev, SEV_MEDIUM);
	CHECK(strstr(q.details, "\"members\":[\"LD1/LLN0$DS[3]\",\"LD1/LLN0$DS[6]\"]") != NULL);
	CHECK(strstr(q.details, "\"members_changed\":2") != NULL);
	CHECK(strstr(q.summary, "the quality of LD1/LLN0$DS[3], LD1/LLN0$DS[6] changed") != NULL);
	CHECK(strstr(q.summary, "lacks qchg") != NULL);
	/* dchg is on: the silent value changes are the IED's, one finding naming all three */
	struct hit d = find("dchg_not_reported");
	CHECK_EQ(d.n, 1);
	CHECK_EQ(d.count, 1);
	CHECK(strstr(d.details, "\"members\":[\"LD1/LLN0$DS[1]\",\"LD1/LLN0$DS[5]\",\"LD1/LLN0$DS[6]\"]") != NULL);
	CHECK(strstr(d.summary, "LD1/LLN0$DS[1], LD1/LLN0$DS[5], LD1/LLN0$DS[6] changed") != NULL);
	CHECK_EQ(find("trgops_missing_dchg").n, 0);
}

static void case_qchg_enabled(void)
{
	setup();
	/* qchg enabled: a silent quality change is not a TrgOps matter */
	silent_changes(T_DCHG | T_QCHG | T_INTG | T_GI);
	CHECK_EQ(find("trgops_missing_qchg").n, 0);
}

static void case_dchg_missing_union(void)
{
	setup();
	silent_changes(T_QCHG | T_INTG);
	struct hit d = find("trgops_missing_dchg");
	CHECK_EQ(d.n, 1);
	CHECK_EQ(d.count, 1); /* no repeat for the same members */
	CHECK(strstr(d.details, "\"members\":[\"LD1/LLN0$DS[1]\",\"LD1/LLN0$DS[5]\",\"LD1/LLN0$DS[6]\"]") != NULL);
	CHECK(strstr(d.details, "\"trgops_in_force\":[\"qchg\",\"intg\"]") != NULL);
	CHECK_EQ(find("dchg_not_reported").n, 0);
}

/* Quality changes reported by qchg reports between the snapshots: nothing to say. */
static void case_qchg_reported(void)
{
	setup();
	struct flow *f = new_flow();
	const struct attr cfg[] = { { "RptID", 's', 0, "urcb01" },
				    { "TrgOps", 't', T_INTG, NULL },
				    { "RptEna", 'b', 1, NULL } };
	rcb_write(f, "LLN0$RP$urcb01", cfg, 3, 0);
	struct buf b;
	unsigned sq = 0;
	for (int k = 0; k < 6; k++) {
		struct member m[2] = { { 0, 1, 0, T_INTG }, { 1, 1, (k & 1) ? 0x40 : 0, T_INTG } };
		report(&b, "urcb01", false, sq++, 2, m, 2, NULL);
		feed(f, 1, &b, 1000000 + k * 2000000LL);
		/* the change itself, reported (the IED does more than TrgOps asks) */
		struct member c = { 1, 1, (k & 1) ? 0 : 0x40, T_QCHG };
		report(&b, "urcb01", false, sq++, 2, &c, 1, NULL);
		feed(f, 1, &b, 2000000 + k * 2000000LL);
	}
	end_flow(f);
	CHECK_EQ(find("trgops_missing_qchg").n, 0);
}

static void case_gi_not_in_trgops(void)
{
	setup();
	struct flow *f = new_flow();
	const struct attr cfg[] = { { "TrgOps", 't', T_DCHG | T_INTG, NULL }, { "RptEna", 'b', 1, NULL } };
	rcb_write(f, "LLN0$RP$urcb01", cfg, 2, 0);
	const struct attr gi[] = { { "GI", 'b', 1, NULL } };
	rcb_write(f, "LLN0$RP$urcb01", gi, 1, 1000000);
	bus_tick(T0 + 60000000);
	struct hit h = find("gi_not_in_trgops");
	CHECK_EQ(h.n, 1);
	CHECK_EQ(h.sev, SEV_LOW);
	CHECK(strstr(h.summary, "TrgOps (dchg,intg) lack gi") != NULL);
	CHECK(strstr(h.details, "\"rcb\":\"LD1/LLN0.RP.urcb01\"") != NULL);
	CHECK_EQ(find("gi_not_reported").n, 0);
	end_flow(f);
}

static void case_gi_not_reported(void)
{
	setup();
	struct flow *f = new_flow();
	const struct attr cfg[] = { { "TrgOps", 't', T_DCHG | T_GI, NULL }, { "RptEna", 'b', 1, NULL } };
	rcb_write(f, "LLN0$RP$urcb01", cfg, 2, 0);
	const struct attr gi[] = { { "GI", 'b', 1, NULL } };
	rcb_write(f, "LLN0$RP$urcb01", gi, 1, 1000000);
	bus_tick(T0 + 60000000);
	struct hit h = find("gi_not_reported");
	CHECK_EQ(h.n, 1);
	CHECK_EQ(h.sev, SEV_MEDIUM);
	CHECK(strstr(h.summary, "gi is in TrgOps (dchg,gi)") != NULL);
	CHECK(strstr(h.summary, "within 5 s") != NULL);
	CHECK(strstr(h.details, "\"rcb\":\"LD1/LLN0.RP.urcb01\"") != NULL);
	CHECK(strstr(h.details, "\"trgops_in_force\":[\"dchg\",\"gi\"]") != NULL);
	CHECK(strstr(h.details, "\"timeout_ms\":") != NULL);
	CHECK_EQ(find("gi_not_in_trgops").n, 0);
	end_flow(f);
}

/* The timers skip an IED none of whose RCBs has an owning association: after
 * the first association ended and a timer pass found the IED so, the RCB
 * enabled again by the next association has its GI timer again. */
static void case_gi_after_idle(void)
{
	setup();
	struct flow *f = new_flow();
	const struct attr cfg[] = { { "TrgOps", 't', T_DCHG | T_GI, NULL }, { "RptEna", 'b', 1, NULL } };
	rcb_write(f, "LLN0$RP$urcb01", cfg, 2, 0);
	end_flow(f);
	bus_tick(T0 + 10000000); /* nothing owned: the IED is skipped from now on */
	bus_tick(T0 + 11000000);
	CHECK_EQ(find("gi_not_reported").n, 0);
	f = new_flow();
	rcb_write(f, "LLN0$RP$urcb01", cfg, 2, 20000000);
	const struct attr gi[] = { { "GI", 'b', 1, NULL } };
	rcb_write(f, "LLN0$RP$urcb01", gi, 1, 21000000);
	bus_tick(T0 + 60000000);
	CHECK_EQ(find("gi_not_reported").n, 1);
	end_flow(f);
}

/* A threshold under a second is written in ms, never "0 s" or "0.000 s". */
static void case_gi_short_timeout(void)
{
	setup();
	g_rules.thr[THR_REPORT_GI_TIMEOUT] = 300000;
	struct flow *f = new_flow();
	const struct attr cfg[] = { { "TrgOps", 't', T_GI, NULL }, { "RptEna", 'b', 1, NULL } };
	rcb_write(f, "LLN0$RP$urcb01", cfg, 2, 0);
	const struct attr gi[] = { { "GI", 'b', 1, NULL } };
	rcb_write(f, "LLN0$RP$urcb01", gi, 1, 1000000);
	bus_tick(T0 + 3000000);
	struct hit h = find("gi_not_reported");
	CHECK_EQ(h.n, 1);
	CHECK(strstr(h.summary, "within 300 ms") != NULL);
	CHECK(strstr(h.details, "\"timeout_ms\":300") != NULL);
	end_flow(f);
}

/* A BRCB: entries delivered on one association come again on the next. */
static void replay(bool write_entryid)
{
	static const uint8_t e1[8] = { 0, 0, 0, 0, 0, 0, 0, 1 }, e2[8] = { 0, 0, 0, 0, 0, 0, 0, 2 };
	struct buf b;
	struct member m = { 0, 5, 0, T_DCHG };
	struct flow *f = new_flow();
	const struct attr on[] = { { "RptID", 's', 0, "brcb01" }, { "RptEna", 'b', 1, NULL } };
	rcb_write(f, "LLN0$BR$brcb01", on, 2, 0);
	report(&b, "brcb01", true, 0, 1, &m, 1, e1);
	feed(f, 1, &b, 500000);
	report(&b, "brcb01", true, 1, 1, &m, 1, e2);
	feed(f, 1, &b, 600000);
	end_flow(f);
	f = new_flow();
	if (write_entryid) {
		const struct attr eid[] = { { "RptID", 's', 0, "brcb01" },
					    { "EntryID", 'e', 0, NULL },
					    { "RptEna", 'b', 1, NULL } };
		rcb_write(f, "LLN0$BR$brcb01", eid, 3, 5000000);
	} else {
		rcb_write(f, "LLN0$BR$brcb01", on, 2, 5000000);
	}
	report(&b, "brcb01", true, 0, 1, &m, 1, e2);
	feed(f, 1, &b, 5500000);
	end_flow(f);
}

static void case_replay_no_entryid(void)
{
	setup();
	replay(false);
	struct hit h = find("buffered_report_replay");
	CHECK_EQ(h.n, 1);
	CHECK(strstr(h.summary, "the client wrote no EntryID") != NULL);
	CHECK(strstr(h.summary, "asked for") == NULL);
	CHECK(strstr(h.details, "\"client_wrote_entryid\":false") != NULL);
}

static void case_replay_entryid(void)
{
	setup();
	replay(true);
	struct hit h = find("buffered_report_replay");
	CHECK_EQ(h.n, 1);
	CHECK(strstr(h.summary, "a replay from the EntryID it wrote") != NULL);
	CHECK(strstr(h.details, "\"client_wrote_entryid\":true") != NULL);
}

static void coalescing(unsigned buftm)
{
	struct flow *f = new_flow();
	const struct attr cfg[] = { { "RptID", 's', 0, "urcb01" },
				    { "BufTm", 'u', buftm, NULL },
				    { "TrgOps", 't', T_DCHG | T_INTG, NULL },
				    { "RptEna", 'b', 1, NULL } };
	rcb_write(f, "LLN0$RP$urcb01", cfg, 4, 0);
	struct buf b;
	for (unsigned k = 0; k < 5; k++) {
		struct member m[3] = { { 0, (int32_t)k, 0, T_DCHG },
				       { 1, (int32_t)k, 0, T_DCHG },
				       { 2, 1, 0, T_DCHG } };
		report(&b, "urcb01", false, k, 3, m, k == 0 ? 1 : 3, NULL);
		feed(f, 1, &b, 1000000 + k * 1000000LL);
	}
	end_flow(f);
}

static void case_buftm_coalescing(void)
{
	setup();
	coalescing(50);
	struct hit h = find("buftm_coalescing");
	CHECK_EQ(h.n, 1);
	CHECK_EQ(h.count, 1);
	CHECK_EQ(h.sev, SEV_INFO);
	CHECK(strstr(h.summary, "BufTm is 50 ms") != NULL);
	CHECK(strstr(h.summary, "(this one carries 3)") != NULL);
	CHECK(strstr(h.details, "\"buftm_ms\":50") != NULL);
}

static void case_buftm_zero(void)
{
	setup();
	coalescing(0);
	CHECK_EQ(find("buftm_coalescing").n, 0);
}

/* One report missing: "SqNum 77 missing", "1 report was". */
static void case_one_missing(void)
{
	setup();
	struct flow *f = new_flow();
	const struct attr on[] = { { "RptID", 's', 0, "brcb01" }, { "RptEna", 'b', 1, NULL } };
	rcb_write(f, "LLN0$RP$urcb01", on, 1, 0);
	struct buf b;
	struct member m = { 0, 1, 0, T_DCHG };
	for (unsigned sq = 70; sq < 80; sq++) {
		if (sq == 77)
			continue;
		report(&b, "urcb01", false, sq, 1, &m, 1, NULL);
		feed(f, 1, &b, 1000000 + sq * 1000LL);
	}
	end_flow(f);
	struct hit h = find("report_sequence_gap");
	CHECK_EQ(h.n, 1);
	CHECK(strstr(h.summary, "1 report was never sent by the IED (SqNum 77 missing;") != NULL);
	CHECK(strstr(h.summary, "77..77") == NULL);
}

/* An association that ends with no TCP close seen (the flow timed out): nobody
 * is said to have closed it. */
static void case_no_close_seen(void)
{
	setup();
	struct flow *f = new_flow();
	const struct attr on[] = { { "RptID", 's', 0, "urcb01" } };
	rcb_write(f, "LLN0$RP$urcb01", on, 1, 0);
	end_flow_why(f, FLOW_END_TIMEOUT);
	struct hit h = find("association_closed_without_release");
	CHECK_EQ(h.n, 1);
	CHECK(strstr(h.summary, "without a TCP close seen") != NULL);
	CHECK(strstr(h.summary, "closing") == NULL);
	CHECK(strstr(h.details, "\"closed_by\":\"unknown\"") != NULL);
	CHECK(strstr(h.details, "\"ended_by\":\"timeout\"") != NULL);
	CHECK(test_record_find(REC_ASSOC_END, "how=ended without Conclude (no close seen)") != NULL);
}

/* The stream of each REC_REPORT record, in order (0 when none). */
static unsigned report_streams(unsigned *out, unsigned max)
{
	unsigned n = 0;
	for (size_t i = 0; i < test_records_count() && n < max; i++) {
		const struct test_record *r = test_record_at(i);
		const char *st = r->kind == REC_REPORT ? strstr(r->text, " stream=") : NULL;
		if (st)
			out[n++] = (unsigned)strtoul(st + 8, NULL, 10);
	}
	return n;
}

/* Which stream a report belongs to, by RptID as stored (65 characters at most,
 * '?' for what is not printable): an RptID differing only past the 65th
 * character, or only in unprintable bytes, is the same stream; two RptIDs that
 * end alike are not. */
static void case_stream_by_rptid(void)
{
	setup();
	struct flow *f = new_flow();
	char long_a[80], long_b[80];
	memset(long_a, 'L', 70);
	memcpy(long_b, long_a, 70);
	memcpy(long_a + 68, "A", 2);
	memcpy(long_b + 68, "B", 2);
	const char *ids[] = { long_a, long_b, "Ev\x01nts1", "Ev\x02nts1", "AAevents1", "BBevents1" };
	struct member m = { 0, 1, 0, T_DCHG };
	struct buf b;
	for (unsigned i = 0; i < 6; i++) {
		report(&b, ids[i], false, i / 2 * 2 + (i & 1), 1, &m, 1, NULL);
		feed(f, 1, &b, 1000000 + i * 1000LL);
	}
	end_flow(f);
	unsigned st[8];
	CHECK_EQ(report_streams(st, 8), 6);
	CHECK(st[0] != 0 && st[0] == st[1]);                       /* same 65 characters */
	CHECK(st[2] != st[0] && st[2] == st[3]);                   /* same as stored */
	CHECK(st[4] != st[2] && st[5] != st[4] && st[5] != st[0]); /* alike at the end only */
	CHECK(test_record_find(REC_REPORT, "sequence=next") != NULL);
}

/* The same by the per-stream key bytes (reports.c: rptid_key): a name whose
 * unprintable byte is one the key is made of still finds its stream (its key
 * differs from the stored name's), and streams past the keyed first ones are
 * found too. */
static void case_stream_keys(void)
{
	setup();
	struct flow *f = new_flow();
	const char *ids[] = { "Events\x01", "Events\x02", "R0", "R1", "R2", "R3",        "R4",
			      "R5",         "R6",         "R7", "R7", "R0", "Events\x03" };
	const unsigned n = sizeof(ids) / sizeof(ids[0]);
	struct member m = { 0, 1, 0, T_DCHG };
	struct buf b;
	unsigned sq[16] = { 0 };
	for (unsigned i = 0; i < n; i++) {
		unsigned k = i < 2 || i == 12 ? 0 : i == 10 ? 9 : i == 11 ? 2 : i;
		report(&b, ids[i], false, sq[k]++, 1, &m, 1, NULL);
		feed(f, 1, &b, 1000000 + i * 1000LL);
	}
	end_flow(f);
	unsigned st[16];
	CHECK_EQ(report_streams(st, 16), n);
	CHECK(st[0] != 0 && st[1] == st[0] && st[12] == st[0]); /* "Events?" */
	for (unsigned i = 2; i < 10; i++)
		for (unsigned j = 0; j < i; j++)
			CHECK(st[i] != st[j]);
	CHECK(st[10] == st[9]); /* the eighth stream: past the keys */
	CHECK(st[11] == st[2]);
	CHECK(test_record_find(REC_REPORT, "sequence=next") != NULL);
}

static void case_durations(void)
{
	char b[DURATION_MAX];
	CHECK_STR(duration_text(0, b, sizeof(b)), "0 s");
	CHECK_STR(duration_text(1, b, sizeof(b)), "1 µs");
	CHECK_STR(duration_text(800, b, sizeof(b)), "800 µs");
	CHECK_STR(duration_text(1000, b, sizeof(b)), "1 ms");
	CHECK_STR(duration_text(200000, b, sizeof(b)), "200 ms");
	CHECK_STR(duration_text(12500, b, sizeof(b)), "12.5 ms");
	CHECK_STR(duration_text(1000000, b, sizeof(b)), "1 s");
	CHECK_STR(duration_text(1500000, b, sizeof(b)), "1.5 s");
	CHECK_STR(duration_text(2345678, b, sizeof(b)), "2.35 s");
	CHECK_STR(duration_text(956989, b, sizeof(b)), "957 ms");
	CHECK_STR(duration_text(12530000, b, sizeof(b)), "12.5 s");
	CHECK_STR(duration_text(999999, b, sizeof(b)), "1 s");
	CHECK_STR(duration_text(10000000, b, sizeof(b)), "10 s");
	CHECK_STR(duration_text(119999999, b, sizeof(b)), "120 s");
	CHECK_STR(duration_text(125000000, b, sizeof(b)), "2 min 5 s");
	CHECK_STR(duration_text(600000000, b, sizeof(b)), "10 min");
	CHECK_STR(duration_text(7500000000, b, sizeof(b)), "2 h 5 min");
	CHECK_STR(duration_text(36000000000, b, sizeof(b)), "10 h");
	CHECK_STR(duration_text(-250000, b, sizeof(b)), "-250 ms");
	CHECK(strstr(duration_text(INT64_MIN, b, sizeof(b)), "-2562047788 h") == b);
	CHECK(strstr(DURATION(999), "µs") != NULL);
}

int main(void)
{
	case_durations();
	tcheck_in_child("qchg_missing", case_qchg_missing);
	tcheck_in_child("qchg_enabled", case_qchg_enabled);
	tcheck_in_child("qchg_reported", case_qchg_reported);
	tcheck_in_child("dchg_missing_union", case_dchg_missing_union);
	tcheck_in_child("gi_not_in_trgops", case_gi_not_in_trgops);
	tcheck_in_child("gi_not_reported", case_gi_not_reported);
	tcheck_in_child("gi_short_timeout", case_gi_short_timeout);
	tcheck_in_child("gi_after_idle", case_gi_after_idle);
	tcheck_in_child("replay_no_entryid", case_replay_no_entryid);
	tcheck_in_child("replay_entryid", case_replay_entryid);
	tcheck_in_child("buftm_coalescing", case_buftm_coalescing);
	tcheck_in_child("buftm_zero", case_buftm_zero);
	tcheck_in_child("one_missing", case_one_missing);
	tcheck_in_child("no_close_seen", case_no_close_seen);
	tcheck_in_child("stream_by_rptid", case_stream_by_rptid);
	tcheck_in_child("stream_keys", case_stream_keys);
	TCHECK_DONE();
}

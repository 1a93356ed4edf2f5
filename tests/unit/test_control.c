/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_control.c - the control, write and file analyzer (control.c).
 *
 * The names (AddCause, LastApplError Error, orCat) and the LastApplError decoder
 * (dissectors/iec61850_control.c) on built structures; then control sequences,
 * writes and file transfers built as MMS bytes, decoded by mms_decode and handed
 * to the bus (every analyzer registered) on a fake association, checked in the
 * findings and records the test sink kept (test_sink.h) and in the EVE records
 * the EVE sink wrote from them (output/eve_audit.c); the allowlists with and
 * without rules; and the real captures through the whole pipeline (one child
 * process each: the pipeline keeps run-wide state). */
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
#include "core/record.h"
#include "core/rules.h"
#include "dissectors/iec61850.h"
#include "dissectors/iec61850_control.h"
#include "dissectors/mms.h"
#include "output/eve.h"
#include "stages/capture.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/stats.h"

/* ---- BER building ----------------------------------------------------------------- */

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

static void len(struct buf *b, size_t n)
{
	uint8_t h[3];
	if (n < 0x80) {
		h[0] = (uint8_t)n;
		raw(b, h, 1);
	} else if (n < 0x100) {
		h[0] = 0x81;
		h[1] = (uint8_t)n;
		raw(b, h, 2);
	} else {
		h[0] = 0x82;
		h[1] = (uint8_t)(n >> 8);
		h[2] = (uint8_t)n;
		raw(b, h, 3);
	}
}

static void tlv(struct buf *b, uint8_t tag, const void *v, size_t n)
{
	raw(b, &tag, 1);
	len(b, n);
	raw(b, v, n);
}

/* a context tag above 30: [t] in the long form */
static void tlv_long(struct buf *b, uint8_t first, uint8_t t, const void *v, size_t n)
{
	uint8_t h[2] = { first, t };
	raw(b, h, 2);
	len(b, n);
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

/* listOfVariable element: a domain-specific name */
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

/* ... and a vmd-specific one */
static void var_vmd(struct buf *list, const char *item)
{
	struct buf name = { .n = 0 }, spec = { .n = 0 }, seq = { .n = 0 };
	str(&name, 0x80, item);
	wrap(&spec, 0xa0, &name);
	wrap(&seq, 0x30, &spec);
	raw(list, seq.b, seq.n);
}

/* Oper / SBOw: ctlVal, origin {orCat, orIdent}, ctlNum, T, Test, Check */
static void oper(struct buf *data, bool ctl_val, uint8_t or_cat, uint8_t ctl_num, bool test)
{
	static const uint8_t t[8] = { 0x6b, 0x0b, 0x05, 0x62, 0x08, 0xb4, 0x39, 0x00 };
	static const uint8_t check[2] = { 0x06, 0x00 };
	struct buf s = { .n = 0 }, o = { .n = 0 };
	u8v(&s, 0x83, ctl_val ? 0xff : 0x00);
	u8v(&o, 0x85, or_cat);
	tlv(&o, 0x89, "op1", 3);
	wrap(&s, 0xa2, &o);
	u8v(&s, 0x86, ctl_num);
	tlv(&s, 0x91, t, sizeof(t));
	u8v(&s, 0x83, test ? 0xff : 0x00);
	tlv(&s, 0x84, check, sizeof(check));
	wrap(data, 0xa2, &s);
}

/* LastApplError: CntrlObj, Error, Origin, ctlNum, AddCause */
static void lae_data(struct buf *data, const char *cntrl, uint8_t error, uint8_t or_cat, uint8_t ctl_num,
		     uint8_t add_cause)
{
	struct buf s = { .n = 0 }, o = { .n = 0 };
	str(&s, 0x8a, cntrl);
	u8v(&s, 0x85, error);
	u8v(&o, 0x85, or_cat);
	tlv(&o, 0x89, "", 0);
	wrap(&s, 0xa2, &o);
	u8v(&s, 0x86, ctl_num);
	u8v(&s, 0x85, add_cause);
	wrap(data, 0xa2, &s);
}

static void confirmed(struct buf *out, uint8_t pdu_tag, uint8_t invoke, const struct buf *service)
{
	struct buf in = { .n = 0 };
	u8v(&in, 0x02, invoke);
	raw(&in, service->b, service->n);
	out->n = 0;
	wrap(out, pdu_tag, &in);
}

static void read_req(struct buf *out, uint8_t invoke, const char *dom, const char *item)
{
	struct buf list = { .n = 0 }, spec = { .n = 0 }, vas = { .n = 0 }, svc = { .n = 0 };
	var(&list, dom, item);
	wrap(&spec, 0xa0, &list);
	wrap(&vas, 0xa1, &spec);
	wrap(&svc, 0xa4, &vas);
	confirmed(out, 0xa0, invoke, &svc);
}

/* Read-Response with one AccessResult (a Data element already encoded) */
static void read_resp(struct buf *out, uint8_t invoke, const struct buf *result)
{
	struct buf list = { .n = 0 }, svc = { .n = 0 };
	wrap(&list, 0xa1, result);
	wrap(&svc, 0xa4, &list);
	confirmed(out, 0xa1, invoke, &svc);
}

static void write_req(struct buf *out, uint8_t invoke, const struct buf *vars, const struct buf *data)
{
	struct buf in = { .n = 0 }, svc = { .n = 0 };
	wrap(&in, 0xa0, vars);
	wrap(&in, 0xa0, data);
	wrap(&svc, 0xa5, &in);
	confirmed(out, 0xa0, invoke, &svc);
}

/* results: "s" success, a digit d: failure DataAccessError d */
static void write_resp(struct buf *out, uint8_t invoke, const char *results)
{
	struct buf r = { .n = 0 }, svc = { .n = 0 };
	for (const char *p = results; *p; p++) {
		if (*p == 's')
			tlv(&r, 0x81, "", 0);
		else
			u8v(&r, 0x80, (uint8_t)(*p - '0'));
	}
	wrap(&svc, 0xa5, &r);
	confirmed(out, 0xa1, invoke, &svc);
}

static void info_report(struct buf *out, const struct buf *vars, const struct buf *data)
{
	struct buf in = { .n = 0 }, svc = { .n = 0 };
	wrap(&in, 0xa0, vars);
	wrap(&in, 0xa0, data);
	wrap(&svc, 0xa0, &in);
	out->n = 0;
	wrap(out, 0xa3, &svc);
}

static void confirmed_error(struct buf *out, uint8_t invoke, uint8_t cls, uint8_t code)
{
	struct buf in = { .n = 0 }, se = { .n = 0 }, ec = { .n = 0 };
	u8v(&in, 0x80, invoke);
	u8v(&ec, (uint8_t)(0x80 | cls), code);
	wrap(&se, 0xa0, &ec);
	wrap(&in, 0xa2, &se);
	out->n = 0;
	wrap(out, 0xa2, &in);
}

/* ---- names and LastApplError ------------------------------------------------------------ */

static void test_names(void)
{
	static const char *const causes[28] = {
		"Unknown",
		"Not-supported",
		"Blocked-by-switching-hierarchy",
		"Select-failed",
		"Invalid-position",
		"Position-reached",
		"Parameter-change-in-execution",
		"Step-limit",
		"Blocked-by-Mode",
		"Blocked-by-process",
		"Blocked-by-interlocking",
		"Blocked-by-synchrocheck",
		"Command-already-in-execution",
		"Blocked-by-health",
		"1-of-n-control",
		"Abortion-by-cancel",
		"Time-limit-over",
		"Abortion-by-trip",
		"Object-not-selected",
		"Object-already-selected",
		"No-access-authority",
		"Ended-with-overshoot",
		"Abortion-due-to-deviation",
		"Abortion-by-communication-loss",
		"Blocked-by-command",
		"None",
		"Inconsistent-parameters",
		"Locked-by-other-client",
	};
	for (int i = 0; i < 28; i++)
		CHECK_STR(iec61850_add_cause_name(i), causes[i]);
	CHECK(iec61850_add_cause_name(28) == NULL);
	CHECK(iec61850_add_cause_name(-1) == NULL);
	CHECK_STR(iec61850_ctl_error_name(0), "No error");
	CHECK_STR(iec61850_ctl_error_name(1), "Unknown");
	CHECK_STR(iec61850_ctl_error_name(2), "Timeout test not ok");
	CHECK_STR(iec61850_ctl_error_name(3), "Operator test not ok");
	CHECK(iec61850_ctl_error_name(4) == NULL);
	CHECK_STR(iec61850_or_cat_name(3), "remote-control");
	CHECK_STR(iec61850_or_cat_name(8), "process");
	CHECK(iec61850_or_cat_name(9) == NULL);
}

/* Decode a LastApplError built with lae_data (the structure's contents). */
static bool decode_lae(const struct buf *data, struct last_appl_error *out)
{
	struct rd r = rd_make(data->b, data->n), contents;
	struct ber_tlv t;
	if (ber_read(&r, &t) != BER_OK)
		return false;
	contents = t.val;
	return iec61850_last_appl_error(&contents, out);
}

static void test_last_appl_error(void)
{
	struct buf d = { .n = 0 };
	struct last_appl_error l;
	lae_data(&d, "LD1/CSWI1$CO$Pos$Oper", 0, 3, 5, 10);
	CHECK(decode_lae(&d, &l));
	CHECK_STR(l.cntrl_obj, "LD1/CSWI1$CO$Pos$Oper");
	CHECK_EQ(l.error, 0);
	CHECK_EQ(l.or_cat, 3);
	CHECK(l.has_ctl_num);
	CHECK_EQ(l.ctl_num, 5);
	CHECK_EQ(l.add_cause, 10);
	CHECK_STR(iec61850_add_cause_name(l.add_cause), "Blocked-by-interlocking");

	/* every AddCause round-trips */
	for (uint8_t c = 0; c < 28; c++) {
		d.n = 0;
		lae_data(&d, "X/Y$CO$Z$SBOw", 1, 2, c, c);
		CHECK(decode_lae(&d, &l));
		CHECK_EQ(l.add_cause, c);
		CHECK_EQ(l.ctl_num, c);
		CHECK_EQ(l.error, 1);
	}

	/* the frame control.pcap 71 carries (libiec61850's Oper without select) */
	static const uint8_t frame71[] = { 0xa2, 0x38, 0x8a, 0x26, 's',  'i',  'm',  'p',  'l',  'e',  'I',  'O',
					   'G',  'e',  'n',  'e',  'r',  'i',  'c',  'I',  'O',  '/',  'G',  'G',
					   'I',  'O',  '1',  '$',  'C',  'O',  '$',  'S',  'P',  'C',  'S',  'O',
					   '4',  '$',  'O',  'p',  'e',  'r',  0x85, 0x01, 0x00, 0xa2, 0x05, 0x85,
					   0x01, 0x00, 0x89, 0x00, 0x86, 0x01, 0x00, 0x85, 0x01, 0x12 };
	d.n = 0;
	raw(&d, frame71, sizeof(frame71));
	CHECK(decode_lae(&d, &l));
	CHECK_STR(l.cntrl_obj, "simpleIOGenericIO/GGIO1$CO$SPCSO4$Oper");
	CHECK_STR(iec61850_add_cause_name(l.add_cause), "Object-not-selected");
	CHECK_EQ(l.or_cat, 0);

	/* malformed: AddCause missing; CntrlObj not a string; truncated */
	struct buf s = { .n = 0 }, o = { .n = 0 };
	str(&s, 0x8a, "A/B$CO$C$Oper");
	u8v(&s, 0x85, 0);
	u8v(&o, 0x85, 3);
	wrap(&s, 0xa2, &o);
	u8v(&s, 0x86, 1);
	d.n = 0;
	wrap(&d, 0xa2, &s);
	CHECK(!decode_lae(&d, &l));
	s.n = 0;
	u8v(&s, 0x85, 7);
	u8v(&s, 0x85, 0);
	wrap(&s, 0xa2, &o);
	u8v(&s, 0x86, 1);
	u8v(&s, 0x85, 1);
	d.n = 0;
	wrap(&d, 0xa2, &s);
	CHECK(!decode_lae(&d, &l));
	d.n = 0;
	lae_data(&d, "A/B$CO$C$Oper", 0, 3, 5, 10);
	d.n -= 2;
	d.b[1] = (uint8_t)(d.n - 2);
	CHECK(!decode_lae(&d, &l));
}

/* ---- a fake association ----------------------------------------------------------------------- */

#define T0 1700000000000000LL
static uint64_t frame_no = 1;
static uint64_t next_flow_id = 1;
static char eve_path[64];

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

/* What app_iso.c does for the ACSI name: from the request, carried to its answer. */
/* Decode the bytes and hand them to the ISO stage's pairing and the bus at time t
 * (us after T0), as the ISO glue does; returns the frame number. */
static uint64_t feed(struct flow *f, int dir, const struct buf *b, int64_t t)
{
	static struct mms_pdu p;
	CHECK_EQ(mms_decode(rd_make(b->b, b->n), &p), MMS_OK);
	struct pkt_where at = { T0 + t, 0, frame_no++ };
	f->last_ts = at.ts_us;
	app_mms_pdu(f, dir, &p, (uint32_t)b->n, false, false, &at);
	return at.frame;
}

static void end_flow(struct flow *f, enum flow_end why)
{
	struct pkt_where at = { f->last_ts, 0, frame_no++ };
	bus_flow_end(f, why, &at);
	app_flow_free(f); /* its transactions end with it, as in the flow table */
	free(f);
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, fp) != (size_t)n) {
		free(s);
		s = NULL;
	}
	if (s)
		s[n] = 0;
	fclose(fp);
	return s;
}

/* EVE on (eve_sink is on the bus from main()): the records the sink writes. */
static void eve_start(void)
{
	CHECK_EQ(eve_open(eve_path, NULL, true, false), 0);
}

/* The records written since eve_start (the caller frees). */
static char *eve_stop(void)
{
	eve_close();
	return slurp(eve_path);
}

static unsigned count_str(const char *hay, const char *needle)
{
	unsigned n = 0;
	for (const char *p = hay; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* Records (lines) of one event type that contain needle: the EVE file also has
 * the mms lines and the findings, which must not answer for an audit record. */
static unsigned count_records(const char *eve, const char *type, const char *needle)
{
	char want[64];
	unsigned n = 0;
	snprintf(want, sizeof(want), "\"event_type\":\"%s\"", type);
	for (const char *line = eve; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char *copy = strndup(line, len);
		if (copy && strstr(copy, want) && strstr(copy, needle))
			n++;
		free(copy);
		line = end ? end + 1 : NULL;
	}
	return n;
}

struct hit {
	const char *kind;
	uint8_t host;
	unsigned n;
	uint64_t count;
	uint8_t sev;
	unsigned evidence;
	char object[FINDING_OBJECT_MAX];
	char details[FINDING_DETAILS_MAX];
	char summary[FINDING_SUMMARY_MAX];
};

static void find_one(const struct finding *fd, void *arg)
{
	struct hit *h = arg;
	if (strcmp(fd->kind, h->kind) || fd->ied.ip[1] != 2 || (h->host && fd->ied.ip[3] != h->host))
		return;
	h->n++;
	h->count += fd->count;
	h->sev = fd->severity;
	h->evidence = fd->n_evidence;
	snprintf(h->object, sizeof(h->object), "%s", fd->object);
	snprintf(h->details, sizeof(h->details), "%s", fd->details);
	snprintf(h->summary, sizeof(h->summary), "%s", fd->summary);
}

/* The findings of a kind on one IED (host 0: any IED of these tests) as the sink
 * last had them, aggregates left open: a repeat still joins its aggregate. */
static struct hit find_published(const char *kind, uint8_t host)
{
	struct hit h;
	memset(&h, 0, sizeof(h));
	h.kind = kind;
	h.host = host;
	test_findings_foreach(find_one, &h);
	return h;
}

/* The same after closing every open aggregate: what an aggregate gathered after
 * its first publication (count, evidence, details) reaches the sink when it
 * closes. A later repeat then starts a finding of its own, which find() adds up
 * (n counts findings, count sums them), so no repeat is hidden. */
static struct hit find(const char *kind, uint8_t host)
{
	findings_finish();
	return find_published(kind, host);
}

/* Records of a kind the test sink kept from index `from` on (test_records_count()
 * when a test began) whose text (test_sink.c, describe) holds needle. */
static unsigned count_kept(size_t from, uint8_t kind, const char *needle)
{
	unsigned n = 0;
	for (size_t i = from; i < test_records_count(); i++) {
		const struct test_record *r = test_record_at(i);
		if (r->kind == kind && (!needle || strstr(r->text, needle)))
			n++;
	}
	return n;
}

/* ---- control sequences ------------------------------------------------------------------- */

static void test_operate_without_select(void)
{
	size_t r0 = test_records_count();
	eve_start();
	struct flow *f = new_flow(1, 1);
	struct buf rq, rs, vars = { .n = 0 }, data = { .n = 0 }, one = { .n = 0 };
	/* the client reads ctlModel: sbo-with-enhanced-security */
	read_req(&rq, 1, "LD1", "CSWI1$CF$Pos$ctlModel");
	feed(f, 0, &rq, 0);
	u8v(&one, 0x85, 4);
	read_resp(&rs, 1, &one);
	feed(f, 1, &rs, 100);
	/* Operate with no Select: LastApplError first, then the refusal */
	var(&vars, "LD1", "CSWI1$CO$Pos$Oper");
	oper(&data, true, 3, 9, false);
	write_req(&rq, 2, &vars, &data);
	uint64_t req_frame = feed(f, 0, &rq, 1000);
	struct buf lv = { .n = 0 }, ld = { .n = 0 }, rep;
	var_vmd(&lv, "LastApplError");
	lae_data(&ld, "LD1/CSWI1$CO$Pos$Oper", 0, 3, 9, 18);
	info_report(&rep, &lv, &ld);
	feed(f, 1, &rep, 1100);
	write_resp(&rs, 2, "3");
	feed(f, 1, &rs, 1200);
	struct hit h = find("control_failed", 1);
	CHECK_EQ(h.n, 1);
	CHECK_EQ(h.sev, SEV_MEDIUM);
	CHECK_STR(h.object, "LD1/CSWI1.Pos");
	CHECK_EQ(h.evidence, 3);
	CHECK(strstr(h.details, "\"step\":\"operate\"") != NULL);
	CHECK(strstr(h.details, "\"ctl_val\":true") != NULL);
	CHECK(strstr(h.details, "\"failure\":\"object-access-denied\"") != NULL);
	CHECK(strstr(h.details, "\"add_cause_code\":18,\"add_cause\":\"Object-not-selected\"") != NULL);
	CHECK(strstr(h.details, "\"ctl_model\":\"sbo-with-enhanced-security\",\"operate_without_select\":true") !=
	      NULL);
	CHECK(strstr(h.summary, "Operate of LD1/CSWI1.Pos (ctlVal true) by 10.0.0.1 failed") != NULL);
	CHECK(strstr(h.summary, "AddCause 18 Object-not-selected") != NULL);
	end_flow(f, FLOW_END_FIN);
	char *e = eve_stop();
	CHECK(e != NULL);
	char want[256];
	snprintf(want, sizeof(want),
		 "\"object\":\"LD1/CSWI1.Pos\",\"step\":\"operate\",\"acsi\":\"Operate\","
		 "\"invoke_id\":2,\"request_pcap_cnt\":%llu,",
		 (unsigned long long)req_frame);
	CHECK_EQ(count_records(e, "control", want), 1);
	CHECK_EQ(
		count_records(
			e, "control",
			"\"ctl_val\":true,\"ctl_num\":9,\"test\":false,\"or_cat\":\"remote-control\","
			"\"ctl_model\":\"sbo-with-enhanced-security\",\"selected\":false,\"result\":\"failure\","
			"\"failure\":\"object-access-denied\",\"last_appl_error\":{\"cntrl_obj\":\"LD1/CSWI1$CO$Pos$Oper\","
			"\"error\":\"No error\",\"error_code\":0,\"add_cause\":\"Object-not-selected\","
			"\"add_cause_code\":18,\"ctl_num\":9,\"or_cat\":\"remote-control\"}}"),
		1);
	/* one record for the step, none for the ctlModel read */
	CHECK_EQ(count_str(e, "\"event_type\":\"control\""), 1);
	free(e);
	/* the record as the analyzer handed it to the bus */
	CHECK_EQ(count_kept(r0, REC_CONTROL, NULL), 1);
	snprintf(want, sizeof(want), "object=LD1/CSWI1.Pos step=operate acsi=Operate result=failure client=10.0.0.1 ");
	CHECK_EQ(count_kept(r0, REC_CONTROL, want), 1);
	snprintf(want, sizeof(want),
		 " invoke=2 request_frame=%llu ctl_val=true ctl_num=9 test=0 or_cat=3 "
		 "ctl_model=sbo-with-enhanced-security selected=0 failure=3 cntrl_obj=LD1/CSWI1$CO$Pos$Oper "
		 "add_cause=18 lae_error=0",
		 (unsigned long long)req_frame);
	CHECK_EQ(count_kept(r0, REC_CONTROL, want), 1);
}

static void test_select_timeout(void)
{
	struct flow *f = new_flow(2, 1);
	struct buf rq, rs, ref = { .n = 0 };
	read_req(&rq, 1, "LD1", "CSWI2$CO$Pos$SBO");
	uint64_t sel = feed(f, 0, &rq, 0);
	str(&ref, 0x8a, "LD1/CSWI2$CO$Pos");
	read_resp(&rs, 1, &ref);
	feed(f, 1, &rs, 200);
	bus_tick(T0 + 29000000);
	CHECK_EQ(find("control_select_timeout", 2).n, 0);
	bus_tick(T0 + 31000000);
	struct hit h = find("control_select_timeout", 2);
	CHECK_EQ(h.n, 1);
	CHECK_EQ(h.sev, SEV_LOW);
	CHECK_STR(h.object, "LD1/CSWI2.Pos");
	CHECK(strstr(h.details, "\"step\":\"select\"") != NULL);
	CHECK(strstr(h.summary, "sent no Operate or Cancel within 30 s") != NULL);
	(void)sel;
	/* selected again and operated in time: nothing more */
	read_req(&rq, 2, "LD1", "CSWI2$CO$Pos$SBO");
	feed(f, 0, &rq, 40000000);
	read_resp(&rs, 2, &ref);
	feed(f, 1, &rs, 40000100);
	struct buf vars = { .n = 0 }, data = { .n = 0 };
	var(&vars, "LD1", "CSWI2$CO$Pos$Oper");
	oper(&data, false, 2, 1, false);
	write_req(&rq, 3, &vars, &data);
	feed(f, 0, &rq, 45000000);
	write_resp(&rs, 3, "s");
	feed(f, 1, &rs, 45000100);
	bus_tick(T0 + 90000000);
	CHECK_EQ(find("control_select_timeout", 2).count, 1);
	CHECK_EQ(find("control_failed", 2).n, 0);
	/* a select refused with an empty reference is a failed step */
	read_req(&rq, 4, "LD1", "CSWI3$CO$Pos$SBO");
	feed(f, 0, &rq, 91000000);
	ref.n = 0;
	str(&ref, 0x8a, "");
	read_resp(&rs, 4, &ref);
	feed(f, 1, &rs, 91000100);
	h = find("control_failed", 2);
	CHECK_EQ(h.n, 1);
	CHECK_STR(h.object, "LD1/CSWI3.Pos");
	CHECK(strstr(h.details, "\"failure\":\"empty SBO reference\"") != NULL);
	bus_tick(T0 + 200000000);
	CHECK_EQ(find("control_select_timeout", 2).count, 1);
	end_flow(f, FLOW_END_FIN);
}

static void test_sbow_operate_termination(void)
{
	size_t r0 = test_records_count();
	eve_start();
	struct flow *f = new_flow(3, 1);
	struct buf rq, rs, vars = { .n = 0 }, data = { .n = 0 };
	var(&vars, "LD1", "XCBR1$CO$Pos$SBOw");
	oper(&data, false, 2, 7, false);
	write_req(&rq, 1, &vars, &data);
	feed(f, 0, &rq, 0);
	write_resp(&rs, 1, "s");
	feed(f, 1, &rs, 500);
	vars.n = data.n = 0;
	var(&vars, "LD1", "XCBR1$CO$Pos$Oper");
	oper(&data, false, 2, 7, false);
	write_req(&rq, 2, &vars, &data);
	feed(f, 0, &rq, 1000);
	write_resp(&rs, 2, "s");
	feed(f, 1, &rs, 1500);
	struct buf rep;
	info_report(&rep, &vars, &data);
	feed(f, 1, &rep, 900000);
	end_flow(f, FLOW_END_FIN);
	char *e = eve_stop();
	CHECK_EQ(count_str(e, "\"event_type\":\"control\""), 3);
	CHECK_EQ(count_records(e, "control",
			       "\"step\":\"select_with_value\",\"acsi\":\"SelectWithValue\",\"invoke_id\":1,"),
		 1);
	CHECK_EQ(count_records(e, "control",
			       "\"latency_us\":500,\"ctl_val\":false,\"ctl_num\":7,\"test\":false,"
			       "\"or_cat\":\"station-control\",\"result\":\"success\"}"),
		 2);
	CHECK_EQ(count_records(e, "control", "\"step\":\"operate\",\"acsi\":\"Operate\",\"invoke_id\":2,"), 1);
	CHECK_EQ(count_records(e, "control",
			       "\"object\":\"LD1/XCBR1.Pos\",\"step\":\"command_termination\","
			       "\"acsi\":\"CommandTermination\",\"ctl_val\":false,\"ctl_num\":7,\"test\":false,"
			       "\"or_cat\":\"station-control\",\"result\":\"positive\"}"),
		 1);
	CHECK_EQ(count_str(e, "\"event_type\":\"write\""), 0);
	free(e);
	/* the termination answers no request: no request fields */
	CHECK_EQ(count_kept(r0, REC_CONTROL, NULL), 3);
	CHECK_EQ(count_kept(r0, REC_CONTROL, "step=command_termination acsi=CommandTermination result=positive"), 1);
	CHECK_EQ(count_kept(r0, REC_CONTROL, "result=positive client=10.0.0.1 ied=10.2.0.3:102 ctl_val=false"), 1);
	CHECK_EQ(count_kept(r0, REC_WRITE, NULL), 0);
	CHECK_EQ(find("control_failed", 3).n, 0);
	CHECK_EQ(find("control_select_timeout", 3).n, 0);
}

static void test_late_last_appl_error(void)
{
	/* the refusal first, the LastApplError after: one failure, completed */
	struct flow *f = new_flow(4, 1);
	struct buf rq, rs, vars = { .n = 0 }, data = { .n = 0 };
	var(&vars, "LD1", "CSWI4$CO$Pos$Oper");
	oper(&data, true, 3, 1, false);
	write_req(&rq, 1, &vars, &data);
	feed(f, 0, &rq, 0);
	write_resp(&rs, 1, "3");
	feed(f, 1, &rs, 200);
	struct hit h = find_published("control_failed", 4);
	CHECK_EQ(h.count, 1);
	CHECK(strstr(h.details, "add_cause") == NULL);
	struct buf lv = { .n = 0 }, ld = { .n = 0 }, rep;
	var_vmd(&lv, "LastApplError");
	lae_data(&ld, "LD1/CSWI4$CO$Pos$Oper", 0, 3, 1, 10);
	info_report(&rep, &lv, &ld);
	feed(f, 1, &rep, 100000);
	h = find("control_failed", 4);
	CHECK_EQ(h.n, 1);
	CHECK_EQ(h.count, 1);
	CHECK_EQ(h.evidence, 3);
	CHECK(strstr(h.details, "\"add_cause\":\"Blocked-by-interlocking\"") != NULL);
	CHECK(strstr(h.summary, "interlocking conditions (CILO) block the operation") != NULL);
	/* a LastApplError long after, with nothing pending: a failure of its own */
	lae_data(&ld, "LD1/CSWI5$CO$Pos$SBOw", 0, 3, 2, 19);
	rep.n = 0;
	ld.n = 0;
	lae_data(&ld, "LD1/CSWI5$CO$Pos$SBOw", 0, 3, 2, 19);
	info_report(&rep, &lv, &ld);
	feed(f, 1, &rep, 60000000);
	h = find("control_failed", 4);
	CHECK_EQ(h.n, 2);
	end_flow(f, FLOW_END_FIN);
}

static void test_negative_termination(void)
{
	struct flow *f = new_flow(5, 1);
	struct buf rq, rs, vars = { .n = 0 }, data = { .n = 0 };
	var(&vars, "LD1", "CSWI6$CO$Pos$Oper");
	oper(&data, true, 3, 4, false);
	write_req(&rq, 1, &vars, &data);
	uint64_t a = feed(f, 0, &rq, 0);
	write_resp(&rs, 1, "s");
	uint64_t b = feed(f, 1, &rs, 100);
	CHECK_EQ(find("control_failed", 5).n, 0);
	struct buf lv = { .n = 0 }, ld = { .n = 0 }, rep;
	var_vmd(&lv, "LastApplError");
	var(&lv, "LD1", "CSWI6$CO$Pos$Oper");
	lae_data(&ld, "LD1/CSWI6$CO$Pos$Oper", 0, 3, 4, 16);
	oper(&ld, true, 3, 4, false);
	info_report(&rep, &lv, &ld);
	uint64_t c = feed(f, 1, &rep, 5000000);
	struct hit h = find("control_failed", 5);
	CHECK_EQ(h.n, 1);
	CHECK(strstr(h.details, "\"step\":\"command_termination\"") != NULL);
	CHECK(strstr(h.details, "\"result\":\"negative\"") != NULL);
	CHECK(strstr(h.details, "\"add_cause\":\"Time-limit-over\"") != NULL);
	CHECK(strstr(h.summary, "ended it with a negative CommandTermination") != NULL);
	CHECK_EQ(h.evidence, 3); /* the Operate, its answer, the termination */
	(void)a;
	(void)b;
	(void)c;
	/* an Operate the client cancels ends with Abortion-by-cancel: asked for,
	 * recorded, not a failure */
	vars.n = data.n = 0;
	var(&vars, "LD1", "CSWI7$CO$Pos$Oper");
	oper(&data, true, 3, 5, false);
	write_req(&rq, 2, &vars, &data);
	feed(f, 0, &rq, 6000000);
	write_resp(&rs, 2, "s");
	feed(f, 1, &rs, 6000100);
	struct buf cv = { .n = 0 }, cd = { .n = 0 };
	var(&cv, "LD1", "CSWI7$CO$Pos$Cancel");
	oper(&cd, true, 3, 5, false);
	write_req(&rq, 3, &cv, &cd);
	feed(f, 0, &rq, 6500000);
	write_resp(&rs, 3, "s");
	feed(f, 1, &rs, 6500100);
	lv.n = ld.n = 0;
	var_vmd(&lv, "LastApplError");
	var(&lv, "LD1", "CSWI7$CO$Pos$Oper");
	lae_data(&ld, "LD1/CSWI7$CO$Pos$Oper", 0, 3, 5, 15);
	oper(&ld, true, 3, 5, false);
	info_report(&rep, &lv, &ld);
	feed(f, 1, &rep, 6600000);
	CHECK_EQ(find("control_failed", 5).n, 1);
	end_flow(f, FLOW_END_FIN);
}

/* ---- writes -------------------------------------------------------------------------------- */

static void test_writes(void)
{
	size_t r0 = test_records_count();
	eve_start();
	struct flow *f = new_flow(6, 1);
	struct buf rq, rs, vars = { .n = 0 }, data = { .n = 0 };
	var(&vars, "LD1", "MMXU1$CF$TotW$units$multiplier");
	var(&vars, "LD1", "LLN0$DC$NamPlt$vendor");
	u8v(&data, 0x85, 3);
	str(&data, 0x8a, "ACME \"relays\"");
	write_req(&rq, 1, &vars, &data);
	feed(f, 0, &rq, 0);
	write_resp(&rs, 1, "s7");
	feed(f, 1, &rs, 300);
	/* an RCB attribute: an ordinary write for the audit trail */
	vars.n = data.n = 0;
	var(&vars, "LD1", "LLN0$BR$brcb01$RptEna");
	u8v(&data, 0x83, 0xff);
	write_req(&rq, 2, &vars, &data);
	feed(f, 0, &rq, 1000);
	struct buf err;
	confirmed_error(&err, 2, 7, 3); /* access / object-access-denied */
	feed(f, 1, &err, 1100);
	/* never answered: recorded when the association ends */
	write_req(&rq, 3, &vars, &data);
	feed(f, 0, &rq, 2000);
	end_flow(f, FLOW_END_FIN);
	/* ... or when the capture does */
	f = new_flow(6, 1);
	write_req(&rq, 4, &vars, &data);
	feed(f, 0, &rq, 3000);
	end_flow(f, FLOW_END_CAPTURE_END);
	char *e = eve_stop();
	CHECK_EQ(count_str(e, "\"event_type\":\"write\""), 4);
	CHECK_EQ(count_records(e, "write", "\"acsi\":\"SetDataValues\",\"invoke_id\":1,"), 1);
	CHECK_EQ(count_records(
			 e, "write",
			 "\"result\":\"partial\",\"items\":[{\"object\":\"LD1/MMXU1.TotW.units.multiplier\","
			 "\"fc\":\"CF\",\"value\":3,\"result\":\"success\"},{\"object\":\"LD1/LLN0.NamPlt.vendor\","
			 "\"fc\":\"DC\",\"value\":\"ACME \\\"relays\\\"\",\"result\":\"failure\","
			 "\"failure\":\"type-inconsistent\"}]}"),
		 1);
	CHECK_EQ(count_records(e, "write", "\"acsi\":\"SetBRCBValues\",\"invoke_id\":2,"), 1);
	CHECK_EQ(
		count_records(e, "write",
			      "\"result\":\"error\",\"error\":{\"class\":\"access\",\"code\":\"object-access-denied\"},"
			      "\"items\":[{\"object\":\"LD1/LLN0.brcb01.RptEna\",\"fc\":\"BR\",\"value\":true,"
			      "\"result\":\"error\"}]"),
		1);
	CHECK_EQ(count_records(e, "write", "\"invoke_id\":3,"), 1);
	CHECK_EQ(count_records(e, "write",
			       "\"result\":\"unanswered\",\"items\":[{\"object\":\"LD1/LLN0.brcb01.RptEna\""),
		 1);
	CHECK_EQ(count_records(e, "write", "\"result\":\"capture_ended\""), 1);
	free(e);
	CHECK_EQ(count_kept(r0, REC_WRITE, NULL), 4);
	CHECK_EQ(
		count_kept(
			r0, REC_WRITE,
			"acsi=SetDataValues result=partial invoke=1 items=2 "
			"[object=LD1/MMXU1.TotW.units.multiplier fc=CF value=3 result=success] "
			"[object=LD1/LLN0.NamPlt.vendor fc=DC value=\"ACME \\\"relays\\\"\" result=failure failure=7]"),
		1);
	CHECK_EQ(count_kept(r0, REC_WRITE, "acsi=SetBRCBValues result=error invoke=2 error=7/3 items=1"), 1);
	CHECK_EQ(count_kept(r0, REC_WRITE, "acsi=SetBRCBValues result=unanswered invoke=3 items=1"), 1);
	CHECK_EQ(count_kept(r0, REC_WRITE, "acsi=SetBRCBValues result=capture_ended invoke=4 items=1"), 1);
	/* writes say nothing as findings */
	CHECK_EQ(find("control_failed", 6).n, 0);
	CHECK_EQ(find("unauthorized_write", 6).n, 0);
}

/* ---- files ------------------------------------------------------------------------------- */

static void file_open_req(struct buf *out, uint8_t invoke, const char *name)
{
	struct buf fname = { .n = 0 }, seq = { .n = 0 }, svc = { .n = 0 };
	str(&fname, 0x19, name);
	wrap(&seq, 0xa0, &fname);
	u8v(&seq, 0x81, 0);
	tlv_long(&svc, 0xbf, 0x48, seq.b, seq.n);
	confirmed(out, 0xa0, invoke, &svc);
}

static void file_open_resp(struct buf *out, uint8_t invoke, uint8_t frsm, uint8_t size)
{
	struct buf seq = { .n = 0 }, attr = { .n = 0 }, svc = { .n = 0 };
	u8v(&seq, 0x80, frsm);
	u8v(&attr, 0x80, size);
	wrap(&seq, 0xa1, &attr);
	tlv_long(&svc, 0xbf, 0x48, seq.b, seq.n);
	confirmed(out, 0xa1, invoke, &svc);
}

/* fileRead / fileClose requests: Integer32 frsmID under [73] / [74] */
static void frsm_req(struct buf *out, uint8_t invoke, uint8_t tag, uint8_t frsm)
{
	struct buf svc = { .n = 0 };
	tlv_long(&svc, 0x9f, tag, &frsm, 1);
	confirmed(out, 0xa0, invoke, &svc);
}

static void file_read_resp(struct buf *out, uint8_t invoke, size_t bytes, bool more)
{
	struct buf seq = { .n = 0 }, svc = { .n = 0 };
	static const uint8_t data[64] = { 0 };
	tlv(&seq, 0x80, data, bytes);
	u8v(&seq, 0x81, more ? 0xff : 0x00);
	tlv_long(&svc, 0xbf, 0x49, seq.b, seq.n);
	confirmed(out, 0xa1, invoke, &svc);
}

static void null_resp(struct buf *out, uint8_t invoke, uint8_t tag)
{
	struct buf svc = { .n = 0 };
	tlv_long(&svc, 0x9f, tag, "", 0);
	confirmed(out, 0xa1, invoke, &svc);
}

static void test_files(void)
{
	size_t r0 = test_records_count();
	eve_start();
	struct flow *f = new_flow(7, 1);
	struct buf rq, rs;
	file_open_req(&rq, 1, "COMTRADE/rec1.cfg");
	feed(f, 0, &rq, 0);
	file_open_resp(&rs, 1, 3, 10);
	feed(f, 1, &rs, 100);
	frsm_req(&rq, 2, 0x49, 3);
	feed(f, 0, &rq, 200);
	file_read_resp(&rs, 2, 6, true);
	feed(f, 1, &rs, 300);
	frsm_req(&rq, 3, 0x49, 3);
	feed(f, 0, &rq, 400);
	file_read_resp(&rs, 3, 4, false);
	feed(f, 1, &rs, 500);
	frsm_req(&rq, 4, 0x4a, 3);
	feed(f, 0, &rq, 600);
	null_resp(&rs, 4, 0x4a);
	feed(f, 1, &rs, 700);
	/* a file that does not exist */
	file_open_req(&rq, 5, "missing.txt");
	feed(f, 0, &rq, 800);
	confirmed_error(&rs, 5, 11, 7);
	feed(f, 1, &rs, 900);
	/* a delete: FileDelete-Request is the FileName under [76] */
	struct buf fname = { .n = 0 }, svc = { .n = 0 };
	str(&fname, 0x19, "old.txt");
	tlv_long(&svc, 0xbf, 0x4c, fname.b, fname.n);
	confirmed(&rq, 0xa0, 6, &svc);
	feed(f, 0, &rq, 1000);
	null_resp(&rs, 6, 0x4c);
	feed(f, 1, &rs, 1100);
	/* opened, partly read, never closed */
	file_open_req(&rq, 7, "big.dat");
	feed(f, 0, &rq, 2000);
	file_open_resp(&rs, 7, 4, 100);
	feed(f, 1, &rs, 2100);
	frsm_req(&rq, 8, 0x49, 4);
	feed(f, 0, &rq, 2200);
	file_read_resp(&rs, 8, 10, true);
	feed(f, 1, &rs, 2300);
	end_flow(f, FLOW_END_FIN);
	char *e = eve_stop();
	CHECK_EQ(count_str(e, "\"event_type\":\"file\""), 4);
	CHECK_EQ(
		count_records(e, "file",
			      "\"operation\":\"get\",\"acsi\":\"GetFile\",\"name\":\"COMTRADE/rec1.cfg\",\"frsm_id\":3,"
			      "\"size\":10,\"bytes\":10,\"reads\":2,\"complete\":true,"),
		1);
	CHECK_EQ(count_records(e, "file", "\"duration_us\":700,\"result\":\"success\"}"), 1);
	CHECK_EQ(count_records(e, "file", "\"name\":\"missing.txt\",\"invoke_id\":5,"), 1);
	CHECK_EQ(count_records(e, "file",
			       "\"result\":\"error\",\"error\":{\"class\":\"file\",\"code\":\"file-non-existent\"}"),
		 1);
	CHECK_EQ(
		count_records(e, "file",
			      "\"operation\":\"delete\",\"acsi\":\"DeleteFile\",\"name\":\"old.txt\",\"invoke_id\":6,"),
		1);
	CHECK_EQ(
		count_records(
			e, "file",
			"\"name\":\"big.dat\",\"frsm_id\":4,\"size\":100,\"bytes\":10,\"reads\":1,\"complete\":false,"),
		1);
	CHECK_EQ(count_records(e, "file", "\"result\":\"incomplete\""), 1);
	free(e);
	CHECK_EQ(count_kept(r0, REC_FILE, NULL), 4);
	CHECK_EQ(count_kept(r0, REC_FILE,
			    "operation=get acsi=GetFile name=COMTRADE/rec1.cfg result=success frsm=3 "
			    "invoke=4 size=10 bytes=10 reads=2 transfer"),
		 1);
	CHECK_EQ(count_kept(r0, REC_FILE, "name=missing.txt result=error invoke=5 error=11/7"), 1);
	CHECK_EQ(count_kept(r0, REC_FILE, "operation=delete acsi=DeleteFile name=old.txt result=success invoke=6"), 1);
	CHECK_EQ(count_kept(r0, REC_FILE, "name=big.dat result=incomplete frsm=4 size=100 bytes=10 reads=1 transfer"),
		 1);
}

/* ---- allowlists ------------------------------------------------------------------------------- */

static void operate(struct flow *f, uint8_t invoke, const char *dom, const char *item, int64_t t)
{
	struct buf rq, rs, vars = { .n = 0 }, data = { .n = 0 };
	var(&vars, dom, item);
	oper(&data, true, 3, 1, false);
	write_req(&rq, invoke, &vars, &data);
	feed(f, 0, &rq, t);
	write_resp(&rs, invoke, "s");
	feed(f, 1, &rs, t + 100);
}

static void write_one(struct flow *f, uint8_t invoke, const char *dom, const char *item, int64_t t)
{
	struct buf rq, rs, vars = { .n = 0 }, data = { .n = 0 };
	var(&vars, dom, item);
	str(&data, 0x8a, "x");
	write_req(&rq, invoke, &vars, &data);
	feed(f, 0, &rq, t);
	write_resp(&rs, invoke, "s");
	feed(f, 1, &rs, t + 100);
}

static void initiate(struct flow *f, int64_t t)
{
	/* localDetailCalling 65000, maxServOutstanding 5/5, nesting 10, version 1,
	 * parameterCBB and servicesSupportedCalling */
	static const uint8_t init[] = { 0xa8, 0x26, 0x80, 0x03, 0x00, 0xfd, 0xe8, 0x81, 0x01, 0x05,
					0x82, 0x01, 0x05, 0x83, 0x01, 0x0a, 0xa4, 0x16, 0x80, 0x01,
					0x01, 0x81, 0x03, 0x05, 0xf1, 0x00, 0x82, 0x0c, 0x03, 0xee,
					0x1c, 0x00, 0x00, 0x04, 0x08, 0x00, 0x00, 0x79, 0xef, 0x18 };
	struct buf b = { .n = 0 };
	raw(&b, init, sizeof(init));
	feed(f, 0, &b, t);
}

static void test_allowlists(void)
{
	/* no allow rules (the default): nothing is unauthorized, whoever did it */
	CHECK_EQ(find("unauthorized_write", 0).n, 0);
	CHECK_EQ(find("unauthorized_control", 0).n, 0);
	CHECK_EQ(find("unknown_client", 0).n, 0);

	char path[64], err[256];
	snprintf(path, sizeof(path), "/tmp/mmsw-ctl-rules-%d", (int)getpid());
	FILE *fp = fopen(path, "w");
	CHECK(fp != NULL);
	if (!fp)
		return;
	fputs("allow associate 10.0.0.0/24\n"
	      "allow write 10.0.0.1 object \"LD1/LLN0.*\"\n"
	      "allow control 10.0.0.1 ied 10.2.0.9 object \"LD1/CSWI1.*\"\n",
	      fp);
	fclose(fp);
	CHECK_EQ(rules_load(&g_rules, path, err, sizeof(err)), 0);
	unlink(path);

	struct flow *f = new_flow(9, 1);
	initiate(f, 0);
	write_one(f, 1, "LD1", "LLN0$DC$NamPlt$vendor", 1000);  /* allowed */
	write_one(f, 2, "LD1", "GGIO1$DC$NamPlt$vendor", 2000); /* not */
	operate(f, 3, "LD1", "CSWI1$CO$Pos$Oper", 3000);        /* allowed */
	operate(f, 4, "LD1", "CSWI2$CO$Pos$Oper", 4000);        /* not */
	end_flow(f, FLOW_END_FIN);
	CHECK_EQ(find("unknown_client", 9).n, 0);
	struct hit h = find("unauthorized_write", 9);
	CHECK_EQ(h.n, 1);
	CHECK_EQ(h.sev, SEV_HIGH);
	CHECK_STR(h.object, "LD1/GGIO1.NamPlt.vendor");
	CHECK(strstr(h.summary, "no 'allow write' rule") != NULL);
	h = find("unauthorized_control", 9);
	CHECK_EQ(h.n, 1);
	CHECK_EQ(h.sev, SEV_HIGH);
	CHECK_STR(h.object, "LD1/CSWI2.Pos");
	CHECK(strstr(h.details, "\"step\":\"Operate\"") != NULL);

	/* the same control on another IED: the rule names 10.2.0.9 only */
	f = new_flow(10, 1);
	initiate(f, 0);
	operate(f, 1, "LD1", "CSWI1$CO$Pos$Oper", 1000);
	end_flow(f, FLOW_END_FIN);
	CHECK_EQ(find("unauthorized_control", 10).n, 1);

	/* a client outside 10.0.0.0/24: unknown, once per association, counted */
	for (int i = 0; i < 2; i++) {
		f = new_flow(11, 1);
		f->key.ip[0][2] = 7;
		initiate(f, i * 1000000);
		write_one(f, 1, "LD1", "LLN0$DC$NamPlt$vendor", i * 1000000 + 500);
		end_flow(f, FLOW_END_FIN);
	}
	h = find("unknown_client", 11);
	CHECK_EQ(h.n, 1);
	CHECK_EQ(h.count, 2);
	CHECK_EQ(h.sev, SEV_MEDIUM);
	CHECK_STR(h.object, "10.0.7.1");
	CHECK(strstr(h.details, "\"first_pdu\":\"initiate-request\"") != NULL);
	/* ... and its writes are not allowed either (the rule names 10.0.0.1) */
	CHECK_EQ(find("unauthorized_write", 11).n, 1);
	rules_defaults(&g_rules);
}

/* ---- bounds ------------------------------------------------------------------------------------ */

static void test_bounds(void)
{
	/* more requests outstanding than the ISO stage's transaction table keeps:
	 * the oldest are recorded as unknown, counted (pending_requests_full);
	 * control objects past the table are still recorded */
	enum { SENT = MMSW_PENDING_REQUESTS + 6 };
	uint64_t before = g_stats[STAT_pending_requests_full];
	size_t r0 = test_records_count();
	eve_start();
	struct flow *f = new_flow(12, 1);
	for (uint8_t i = 0; i < SENT; i++) {
		struct buf rq, vars = { .n = 0 }, data = { .n = 0 };
		var(&vars, "LD1", "LLN0$DC$NamPlt$vendor");
		str(&data, 0x8a, "x");
		write_req(&rq, (uint8_t)(i + 1), &vars, &data);
		feed(f, 0, &rq, i);
	}
	CHECK_EQ(g_stats[STAT_pending_requests_full] - before, 6);
	end_flow(f, FLOW_END_FIN);
	before = g_stats[STAT_control_table_full];
	f = new_flow(12, 1);
	for (uint8_t i = 0; i < 40; i++) {
		char item[64];
		snprintf(item, sizeof(item), "CSWI%u$CO$Pos$Oper", i);
		struct buf rq, rs, vars = { .n = 0 }, data = { .n = 0 };
		var(&vars, "LD1", item);
		oper(&data, true, 3, 1, false);
		write_req(&rq, (uint8_t)(40 + i), &vars, &data);
		feed(f, 0, &rq, 1000 + i);
		write_resp(&rs, (uint8_t)(40 + i), "s");
		feed(f, 1, &rs, 1000 + i);
	}
	CHECK_EQ(g_stats[STAT_control_table_full] - before, 8);
	end_flow(f, FLOW_END_FIN);
	char *e = eve_stop();
	CHECK_EQ(count_records(e, "write", "\"result\":\"unknown\",\"items\""), 6);
	CHECK_EQ(count_records(e, "write", "\"result\":\"unanswered\",\"items\""), MMSW_PENDING_REQUESTS);
	CHECK_EQ(count_str(e, "\"event_type\":\"control\""), 40);
	free(e);
	CHECK_EQ(count_kept(r0, REC_WRITE, "result=unknown invoke="), 6);
	CHECK_EQ(count_kept(r0, REC_WRITE, "result=unanswered invoke="), MMSW_PENDING_REQUESTS);
	CHECK_EQ(count_kept(r0, REC_CONTROL, "step=operate acsi=Operate result=success"), 40);
}

/* ---- real captures ------------------------------------------------------------------------------- */

static const char *srcdir(void)
{
	const char *s = getenv("srcdir");
	return s && *s ? s : ".";
}

/* The whole pipeline over one capture; EVE text in *eve (the caller frees). */
static bool run_capture(const char *pcap, char **eve)
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
	/* Every analyzer, the test sink and EVE, as a run has them. */
	inputs_use(&in);
	test_bus_setup(true);
	bus_add_sink(&eve_sink);
	if (eve_open(eve_path, &in, true, false) != 0 || pipeline_init(&o) != 0)
		return false;
	input_set_read(&in, pipeline_packet, NULL, &stop);
	pipeline_finish();
	eve_close();
	*eve = slurp(eve_path);
	return *eve != NULL;
}

static void above_info(const struct finding *fd, void *arg)
{
	char *list = arg;
	if (fd->severity > SEV_INFO && strlen(list) + strlen(fd->kind) + 2 < 512) {
		strcat(list, fd->kind);
		strcat(list, " ");
	}
}

static void child_control(void)
{
	char *e = NULL;
	CHECK(run_capture("pcaps/control.pcap", &e));
	if (!e)
		return;
	/* every step of both associations, with ACSI names: 9 operates, 1 select,
	 * 3 selects with value, 5 command terminations */
	CHECK_EQ(count_records(e, "control", ""), 18);
	CHECK_EQ(count_records(e, "control", "\"step\":\"select\",\"acsi\":\"Select\""), 1);
	CHECK_EQ(count_records(e, "control", "\"step\":\"select_with_value\",\"acsi\":\"SelectWithValue\""), 3);
	CHECK_EQ(count_records(e, "control", "\"step\":\"operate\",\"acsi\":\"Operate\""), 9);
	CHECK_EQ(count_records(e, "control", "\"step\":\"command_termination\",\"acsi\":\"CommandTermination\""), 5);
	CHECK_EQ(count_records(e, "control", "\"result\":\"positive\""), 4);
	CHECK_EQ(count_records(e, "control", "\"result\":\"negative\""), 1);
	CHECK_EQ(count_records(e, "control", "\"result\":\"failure\""), 2);
	CHECK_EQ(count_records(e, "control", "\"add_cause\":\"Object-not-selected\""), 2);
	CHECK_EQ(count_str(e, "\"event_type\":\"write\""), 0);
	/* association 2's failures (Oper without select on SPCSO2 and SPCSO4) and
	 * SPCSO9's CommandTermination- (the example expects it) are control
	 * failures; nothing else above info */
	static const char *const failed[] = { "simpleIOGenericIO/GGIO1.SPCSO2", "simpleIOGenericIO/GGIO1.SPCSO4",
					      "simpleIOGenericIO/GGIO1.SPCSO9" };
	CHECK(strstr(e, "\"kind\":\"control_failed\",\"severity\":\"medium\"") != NULL);
	for (size_t i = 0; i < 3; i++) {
		char want[160];
		snprintf(want, sizeof(want), "\"object\":\"%s\",\"summary\":\"Operate of %s", failed[i], failed[i]);
		CHECK(strstr(e, want) != NULL);
	}
	char list[512] = "";
	test_findings_foreach(above_info, list);
	CHECK_STR(list, "control_failed control_failed control_failed ");
	free(e);
}

static void child_files(void)
{
	char *e = NULL;
	CHECK(run_capture("pcaps/files.pcap", &e));
	if (!e)
		return;
	CHECK(strstr(e,
		     "\"operation\":\"get\",\"acsi\":\"GetFile\",\"name\":\"test\",\"frsm_id\":0,\"size\":5,"
		     "\"bytes\":5,\"reads\":1,\"complete\":true,") != NULL);
	CHECK(strstr(e, "\"operation\":\"get\",\"acsi\":\"GetFile\",\"name\":\"nonexistent.txt\",") != NULL);
	CHECK(strstr(e, "\"result\":\"error\",\"error\":{\"class\":\"file\",\"code\":\"file-non-existent\"}") != NULL);
	CHECK_EQ(count_str(e, "\"operation\":\"directory\""), 2);
	CHECK_EQ(count_str(e, "\"event_type\":\"file\""), 4);
	char list[512] = "";
	test_findings_foreach(above_info, list);
	CHECK_STR(list, "");
	free(e);
}

static void child_clean_browse(void)
{
	char *e = NULL;
	CHECK(run_capture("pcaps/clean_browse.pcap", &e));
	if (!e)
		return;
	CHECK(strstr(e,
		     "\"items\":[{\"object\":\"simpleIOGenericIO/GGIO1.NamPlt.vendor\",\"fc\":\"DC\","
		     "\"value\":\"mmswatch-test\",\"result\":\"success\"}]") != NULL);
	CHECK_EQ(count_str(e, "\"event_type\":\"control\""), 0);
	char list[512] = "";
	test_findings_foreach(above_info, list);
	CHECK_STR(list, "");
	free(e);
}

static void child_clean_reporting(void)
{
	char *e = NULL;
	CHECK(run_capture("pcaps/clean_reporting.pcap", &e));
	if (!e)
		return;
	/* the RCB writes are in the audit trail */
	CHECK_EQ(count_str(e, "\"event_type\":\"write\""), 8);
	CHECK(strstr(e,
		     "\"object\":\"simpleIOGenericIO/LLN0.EventsRCB01.RptEna\",\"fc\":\"RP\",\"value\":true,"
		     "\"result\":\"success\"") != NULL);
	char list[512] = "";
	test_findings_foreach(above_info, list);
	CHECK_STR(list, "");
	free(e);
}

static void in_child(const char *name, void (*fn)(void))
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		tcheck_checks = tcheck_failures = 0;
		snprintf(eve_path, sizeof(eve_path), "/tmp/mmsw-ctl-eve-%d", (int)getpid());
		fn();
		unlink(eve_path);
		printf("%s: %d checks, %d failed\n", name, tcheck_checks, tcheck_failures);
		fflush(stdout);
		_exit(tcheck_failures ? 1 : 0);
	}
	int st = 0;
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		fprintf(stderr, "%s: failed\n", name);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(void)
{
	rules_defaults(&g_rules);
	/* Every analyzer, the test sink and EVE (written only between eve_start and
	 * eve_stop). */
	test_bus_setup(true);
	bus_add_sink(&eve_sink);
	snprintf(eve_path, sizeof(eve_path), "/tmp/mmsw-ctl-eve-%d", (int)getpid());
	test_names();
	test_last_appl_error();
	test_operate_without_select();
	test_select_timeout();
	test_sbow_operate_termination();
	test_late_last_appl_error();
	test_negative_termination();
	test_writes();
	test_files();
	test_allowlists();
	test_bounds();
	bus_free();
	/* the children start without the aggregates the tests above left open */
	findings_free();
	unlink(eve_path);
	in_child("control", child_control);
	in_child("files", child_files);
	in_child("clean_browse", child_clean_browse);
	in_child("clean_reporting", child_clean_reporting);
	TCHECK_DONE();
}

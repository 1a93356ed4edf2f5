/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_scl_checks.c - the design checks (analyze/scl_checks.c) in the cases the
 * scenario captures cannot show: an RCB instance beyond RptEnabled max (and the
 * instances the design does have, indexed or not), an association the IED
 * rejects explicitly (AARE) or disconnects at COTP after a call with the wrong
 * selectors, one that matches the design, and a server at an address the design
 * does not have. The design is tests/scl/data/example_server.scd; events are
 * built as the ISO stage would hand them to the bus (every analyzer registered),
 * and the findings are read from the test sink. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcheck.h"
#include "test_sink.h"

#include "core/bus.h"
#include "core/events.h"
#include "core/finding.h"
#include "core/ied.h"
#include "core/rules.h"
#include "core/scl.h"
#include "dissectors/acse.h"
#include "dissectors/cotp.h"
#include "dissectors/mms.h"
#include "dissectors/session.h"

#define T0 1700000000000000LL
static uint64_t frame_no = 1, next_flow_id = 1;

/* Client 127.0.0.<client>:40000 calling the server <a>.<b>.<c>.<d>:102. The key
 * is canonical (endpoint 0 the lower address), as the flow table makes it. */
static struct flow *new_flow(const uint8_t server[4], uint8_t client)
{
	struct flow *f = calloc(1, sizeof(*f));
	const uint8_t cl[4] = { 127, 0, 0, client };
	int s_first = memcmp(server, cl, 4) < 0;
	f->key.ipver = 4;
	memcpy(f->key.ip[s_first ? 0 : 1], server, 4);
	memcpy(f->key.ip[s_first ? 1 : 0], cl, 4);
	f->key.port[s_first ? 0 : 1] = 102;
	f->key.port[s_first ? 1 : 0] = 40000;
	f->client = (uint8_t)(s_first ? 1 : 0);
	f->id = next_flow_id++;
	return f;
}

static struct pkt_where at_now(int64_t t)
{
	struct pkt_where at = { T0 + t, 0, frame_no++ };
	return at;
}

static struct bview bv(const char *s)
{
	return (struct bview){ (const uint8_t *)s, (uint32_t)strlen(s) };
}

static void read_request(struct flow *f, const char *dom, const char *item, int64_t t)
{
	static struct mms_pdu p;
	memset(&p, 0, sizeof(p));
	p.type = MMS_CONFIRMED_REQUEST;
	p.service = MMS_SVC_READ;
	p.has_invoke = true;
	p.invoke_id = 1;
	p.n_objs = p.n_objs_total = 1;
	p.objs[0].scope = MMS_SCOPE_DOMAIN;
	p.objs[0].domain = bv(dom);
	p.objs[0].item = bv(item);
	struct mms_event e = { .pdu = &p, .acsi = "GetBRCBValues", .size = 40 };
	struct pkt_where at = at_now(t);
	bus_mms(f, 0, &e, &at);
}

/* The calling sequence: COTP CR (called TSAP), session CN, AARQ (called AP title
 * 1.1.1.999.1, AE qualifier 12). */
static void call(struct flow *f, const uint8_t *tsap, size_t tsap_len, int64_t t)
{
	struct cotp_tpdu cr;
	memset(&cr, 0, sizeof(cr));
	cr.type = COTP_CR;
	cr.called_tsap = (struct bview){ tsap, (uint32_t)tsap_len };
	struct assoc_event e = { .kind = ASSOC_EV_COTP, .cotp = &cr };
	struct pkt_where at = at_now(t);
	bus_assoc(f, 0, &e, &at);

	static const uint8_t ssel[] = { 0x00, 0x01 };
	struct session_spdu cn;
	memset(&cn, 0, sizeof(cn));
	cn.si = SES_CN;
	cn.called_ssel = (struct bview){ ssel, 2 };
	e = (struct assoc_event){ .kind = ASSOC_EV_SESSION, .spdu = &cn };
	at = at_now(t + 1);
	bus_assoc(f, 0, &e, &at);

	static const uint8_t title[] = { 0x29, 0x01, 0x87, 0x67, 0x01 }; /* 1.1.1.999.1 */
	struct acse_apdu rq;
	memset(&rq, 0, sizeof(rq));
	rq.type = ACSE_AARQ;
	rq.called_ap_title = rd_make(title, sizeof(title));
	rq.has_called_aeq = true;
	rq.called_aeq = 12;
	e = (struct assoc_event){ .kind = ASSOC_EV_ACSE, .acse = &rq };
	bus_assoc(f, 0, &e, &at);
}

static void answer(struct flow *f, uint32_t result, int64_t t)
{
	struct acse_apdu re;
	memset(&re, 0, sizeof(re));
	re.type = ACSE_AARE;
	re.has_result = true;
	re.result = result;
	struct assoc_event e = { .kind = ASSOC_EV_ACSE, .acse = &re };
	struct pkt_where at = at_now(t);
	bus_assoc(f, 1, &e, &at);
}

static void end_flow(struct flow *f, enum flow_end why)
{
	struct pkt_where at = at_now(0);
	bus_flow_end(f, why, &at);
	free(f);
}

/* ---- looking at what came out ------------------------------------------------- */

struct want {
	const char *kind, *object, *needle;
	int found;
	uint8_t severity;
};

static void match(const struct finding *fd, void *arg)
{
	struct want *w = arg;
	if (strcmp(fd->kind, w->kind) || (w->object && strcmp(fd->object, w->object)) ||
	    (w->needle && !strstr(fd->details, w->needle)))
		return;
	w->found++;
	w->severity = fd->severity;
}

static int count(const char *kind, const char *object, const char *needle, uint8_t *sev)
{
	struct want w = { kind, object, needle, 0, 0 };
	test_findings_foreach(match, &w);
	if (sev)
		*sev = w.severity;
	return w.found;
}

/* ---- cases ---------------------------------------------------------------------- */

static const uint8_t SERVER[4] = { 127, 0, 0, 1 };

/* Close what earlier cases left open (its last records reach the sink), then
 * forget it all: each case sees only its own findings. */
static void fresh(void)
{
	findings_finish();
	test_sink_clear();
}

static void rcb_instances(void)
{
	fresh();
	struct flow *f = new_flow(SERVER, 2);
	read_request(f, "simpleIOGenericIO", "LLN0$BR$Measurements03", 0);    /* max 3: there */
	read_request(f, "simpleIOGenericIO", "LLN0$RP$EventsRCB01", 10);      /* indexed by default */
	read_request(f, "simpleIOGenericIO", "LLN0$RP$EventsRCB$RptEna", 20); /* max 1, indexed not written */
	CHECK_EQ(count("scl_unknown_rcb", NULL, NULL, NULL), 0);
	read_request(f, "simpleIOGenericIO", "LLN0$BR$Measurements04$RptEna", 30);
	uint8_t sev = 0;
	CHECK_EQ(count("scl_unknown_rcb", "simpleIOGenericIO/LLN0.BR.Measurements04",
		       "\"reason\":\"index_beyond_max\",\"design_rcb\":\"Measurements\",\"rpt_enabled_max\":3", &sev),
		 1);
	CHECK_EQ(sev, SEV_MEDIUM);
	read_request(f, "simpleIOGenericIO", "LLN0$RP$NoSuchRCB01", 40);
	CHECK_EQ(count("scl_unknown_rcb", "simpleIOGenericIO/LLN0.RP.NoSuchRCB01", "\"reason\":\"unknown_name\"", NULL),
		 1);
	/* An LN the design has no RCB in, and a domain of no design IED: the RCB
	 * check stays silent on a domain it cannot place. */
	read_request(f, "otherLD", "LLN0$RP$EventsRCB01", 50);
	CHECK_EQ(count("scl_unknown_rcb", "otherLD/LLN0.RP.EventsRCB01", NULL, NULL), 0);
	CHECK_EQ(count("scl_unknown_ied", NULL, NULL, NULL), 0); /* 127.0.0.1 is simpleIO's */
	end_flow(f, FLOW_END_FIN);
}

static void osi(void)
{
	static const uint8_t good_tsap[] = { 0x00, 0x01 }, bad_tsap[] = { 0x00, 0x02 };
	uint8_t sev = 0;

	/* The design's selectors, accepted: nothing. */
	fresh();
	struct flow *f = new_flow(SERVER, 3);
	call(f, good_tsap, 2, 0);
	answer(f, 0, 5);
	end_flow(f, FLOW_END_FIN);
	CHECK_EQ(count("scl_osi_mismatch", NULL, NULL, NULL), 0);

	/* Another TSEL, and the IED rejects the AARQ explicitly: medium. */
	fresh();
	f = new_flow(SERVER, 4);
	call(f, bad_tsap, 2, 0);
	answer(f, 1, 5);
	CHECK_EQ(
		count("scl_osi_mismatch", NULL,
		      "\"outcome\":\"rejected (ACSE)\",\"differences\":[{\"field\":\"TSEL\",\"expected\":\"0001\",\"seen\":\"0002\"}]",
		      &sev),
		1);
	CHECK_EQ(sev, SEV_MEDIUM);
	end_flow(f, FLOW_END_FIN); /* judged once: the flow's end adds nothing */
	CHECK_EQ(count("scl_osi_mismatch", NULL, NULL, NULL), 1);

	/* Another TSEL, and the IED disconnects at COTP before any AARQ: medium. */
	fresh();
	f = new_flow(SERVER, 5);
	struct cotp_tpdu cr;
	memset(&cr, 0, sizeof(cr));
	cr.type = COTP_CR;
	cr.called_tsap = (struct bview){ bad_tsap, 2 };
	struct assoc_event e = { .kind = ASSOC_EV_COTP, .cotp = &cr };
	struct pkt_where at = at_now(100);
	bus_assoc(f, 0, &e, &at);
	struct cotp_tpdu dr;
	memset(&dr, 0, sizeof(dr));
	dr.type = COTP_DR;
	e.cotp = &dr;
	at = at_now(101);
	bus_assoc(f, 1, &e, &at);
	CHECK_EQ(count("scl_osi_mismatch", NULL, "\"outcome\":\"refused (COTP disconnect)\"", &sev), 1);
	CHECK_EQ(sev, SEV_MEDIUM);
	end_flow(f, FLOW_END_RST);

	/* Another TSEL, accepted anyway (today's firmware does not check): info. */
	fresh();
	f = new_flow(SERVER, 6);
	call(f, bad_tsap, 2, 200);
	answer(f, 0, 205);
	CHECK_EQ(count("scl_osi_mismatch", NULL, "\"outcome\":\"accepted\"", &sev), 1);
	CHECK_EQ(sev, SEV_INFO);
	end_flow(f, FLOW_END_FIN);
}

static void unknown_ied(void)
{
	fresh();
	static const uint8_t stranger[4] = { 10, 9, 9, 9 };
	struct flow *f = new_flow(stranger, 7);
	read_request(f, "simpleIOGenericIO", "LLN0$RP$EventsRCB01", 300);
	read_request(f, "simpleIOGenericIO", "LLN0$RP$EventsRCB01", 310);
	uint8_t sev = 0;
	CHECK_EQ(count("scl_unknown_ied", NULL, "\"address\":\"10.9.9.9:102\"", &sev), 1);
	CHECK_EQ(sev, SEV_MEDIUM);
	/* once per server: the second PDU added no count */
	struct want w = { "scl_unknown_ied", NULL, NULL, 0, 0 };
	test_findings_foreach(match, &w);
	CHECK_EQ(w.found, 1);
	end_flow(f, FLOW_END_FIN);
}

int main(void)
{
	char path[512], err[512];
	const char *s = getenv("srcdir");
	snprintf(path, sizeof(path), "%s/tests/scl/data/example_server.scd", s ? s : ".");
	const char *paths[] = { path };
	struct scl *m = scl_load(paths, 1, err, sizeof(err));
	CHECK(m != NULL);
	if (!m) {
		printf("%s\n", err);
		TCHECK_DONE();
	}
	g_scl = m;
	rules_defaults(&g_rules);
	test_bus_setup(true);
	rcb_instances();
	osi();
	unknown_ied();
	findings_finish();
	bus_free();
	findings_free();
	ied_free_all();
	g_scl = NULL;
	scl_free(m);
	TCHECK_DONE();
}

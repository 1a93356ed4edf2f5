/* SPDX-License-Identifier: GPL-2.0-or-later */
/* services.c - the services analyzer: every confirmed request paired with its
 * answer by invokeID within its association, and what the pairs say.
 *
 * Latency is kept per IED and per service in log-scale histograms of fixed size
 * (p50/p95/p99/max without storing samples). Findings: requests never answered
 * (at request.timeout, or when the association ends), an invokeID reused while
 * its request is still outstanding, more requests outstanding than the initiate
 * negotiated (maxServOutstandingCalling), answers slower than latency.slow, and
 * reject PDUs. Confirmed-errors are tallied per IED by class and code; they are
 * the IED's normal way of saying no (a missing file, a refused write), and the
 * analyzers that know what was asked (control, reports) judge them.
 *
 * app_iso.c pairs requests too, but only to name a response's ACSI service; the
 * time and frame of the request are needed here, so this table is separate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "core/finding.h"
#include "core/ied.h"
#include "core/latency.h"
#include "core/rules.h"
#include "core/summary_parts.h"
#include "dissectors/mms.h"
#include "util/json.h"
#include "util/stats.h"
#include "util/duration.h"

/* Distinct (kind, class, code, service) tallies per IED; the rest are counted. */
#define SVC_TALLY_MAX 32

/* A client request awaiting its answer, hung on its transaction (stages/app_iso.c
 * pairs it and bounds how many are outstanding) and listed, oldest first, on its
 * association for the timer and the outstanding count. */
struct svc_state;
struct out_req {
	struct out_req *prev, *next;
	struct svc_state *owner; /* the association's list it is on */
	struct mms_txn *txn;
	uint32_t invoke_id;
	int16_t service;
	const char *acsi; /* a literal of iec61850.c, or NULL */
	int64_t ts;
	struct pkt_where at;
	uint64_t loss_at;      /* IED->client bytes the sensor had lost by then */
	uint64_t ied_bytes_at; /* IED->client payload bytes by then */
	uint64_t ied_pdus_at;  /* IED->client MMS PDUs decoded by then (flow.mms_pdus[1]) */
};

struct svc_state {
	struct svc_state *prev, *next; /* live associations, for the timer */
	struct flow *flow;
	uint16_t n_out;
	struct out_req *oldest, *newest;
	bool has_max;
	uint32_t max_calling; /* negotiated maxServOutstandingCalling */
	uint32_t peak_out;
	bool exceeded_flagged;
};

/* This analyzer's per-association state: its slot on the flow (core/bus.h). */
static int svc_slot;
#define svc_slot_of(f) ((struct svc_state *)(f)->slot[svc_slot])
static void svc_init(void)
{
	svc_slot = bus_flow_slot("services");
}

struct ied_svc {
	struct ied *ied;
	uint16_t n_tally;
	struct svc_tally tally[SVC_TALLY_MAX];
	uint64_t tally_other;
};

/* This analyzer's per-IED state: its slot on the IED (core/bus.h). */
static int svc_ied_slot;
#define svc_of_ied(d) ((struct ied_svc *)(d)->slot[svc_ied_slot])
static void svc_ied_init(void)
{
	svc_ied_slot = bus_ied_slot("services");
}

static struct svc_state *live;

/* ---- per-IED state ------------------------------------------------------------ */

static struct ied_svc *ied_svc_of(struct ied *d)
{
	if (!d)
		return NULL;
	if (!svc_of_ied(d)) {
		struct ied_svc *s = calloc(1, sizeof(*s));
		if (s)
			s->ied = d;
		d->slot[svc_ied_slot] = s;
	}
	return svc_of_ied(d);
}

static struct svc_latency *hist(struct ied_svc *s, unsigned index)
{
	return ied_latency_hist(s->ied, index);
}

size_t services_tallies(const struct ied *d, const struct svc_tally **out)
{
	*out = d && svc_of_ied(d) ? svc_of_ied(d)->tally : NULL;
	return d && svc_of_ied(d) ? svc_of_ied(d)->n_tally : 0;
}

static void tally(struct ied_svc *s, uint8_t what, uint8_t cls, int64_t code, int16_t service)
{
	for (uint16_t i = 0; i < s->n_tally; i++) {
		struct svc_tally *t = &s->tally[i];
		if (t->what == what && t->cls == cls && t->code == code && t->service == service) {
			t->count++;
			return;
		}
	}
	if (s->n_tally >= SVC_TALLY_MAX) {
		s->tally_other++;
		return;
	}
	s->tally[s->n_tally++] = (struct svc_tally){ what, cls, service, code, 1 };
}

enum svc_count { C_ERRORS, C_REJECTS, C_UNANSWERED, C_SLOW };

/* Count one more of a per-service figure in the service's and the IED's totals. */
static void bump(struct ied_svc *s, int service, enum svc_count c)
{
	unsigned slots[2] = { latency_index(service), LAT_INDEX_ANY };
	for (int k = 0; k < 2; k++) {
		struct svc_latency *l = hist(s, slots[k]);
		if (!l)
			continue;
		switch (c) {
		case C_ERRORS:
			l->errors++;
			break;
		case C_REJECTS:
			l->rejects++;
			break;
		case C_UNANSWERED:
			l->unanswered++;
			break;
		case C_SLOW:
			l->slow++;
			break;
		}
	}
}

/* ---- names and findings -------------------------------------------------------- */

static const char *service_name(int service)
{
	const char *n = service >= 0 ? mms_service_name(MMS_CONFIRMED_REQUEST, service) : NULL;
	return n ? n : "unknown-service";
}

static uint64_t lost_to_client(const struct flow *f)
{
	return flow_an_of(f) && flow_an_of(f)->loss[1] ? flow_an_of(f)->loss[1]->bytes : 0;
}

/* Whether the IED's answer to r may be hidden from us: bytes lost in a capture
 * hole, or bytes the IED sent that did not decode as MMS (a stack this decoder
 * cannot read). Then a missing answer is not the IED's fault. */
static bool answer_hidden(const struct flow *f, const struct out_req *r)
{
	if (lost_to_client(f) != r->loss_at)
		return true;
	return f->bytes[1] > r->ied_bytes_at && f->mms_pdus[1] == r->ied_pdus_at;
}

static const char *ied_text(const struct flow *f, char *buf, size_t size)
{
	if (flow_an_of(f) && flow_an_of(f)->ied)
		return ied_label(flow_an_of(f)->ied, buf, size);
	struct endpoint e;
	endpoint_server(f, &e);
	endpoint_text(&e, buf, size);
	return buf;
}

/* A request that will not be answered: aggregated per IED and service. */
static void unanswered(struct flow *f, const struct out_req *r, int64_t now, bool at_end)
{
	struct ied_svc *s = flow_an_of(f) ? ied_svc_of(flow_an_of(f)->ied) : NULL;
	if (s)
		bump(s, r->service, C_UNANSWERED);
	const char *svc = service_name(r->service);
	struct finding *fd = finding_open_on_flow("request_unanswered", SEV_MEDIUM, f, svc, now);
	if (!fd)
		return;
	finding_evidence(fd, &r->at);
	char client[64], ied[160];
	flow_client_ip(f, client, sizeof(client));
	ied_text(f, ied, sizeof(ied));
	int64_t waited = now - r->ts;
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "service", svc);
	if (r->acsi)
		jw_str(&w, "acsi", r->acsi);
	jw_u64(&w, "invoke_id", r->invoke_id);
	jw_str(&w, "client", client);
	jw_u64(&w, "waited_ms", (uint64_t)(waited > 0 ? waited / 1000 : 0));
	jw_str(&w, "judged", at_end ? "association_end" : "timeout");
	jw_u64(&w, "timeout_ms", (uint64_t)(g_rules.thr[THR_REQUEST_TIMEOUT] / 1000));
	jw_u64(&w, "unanswered", fd->count + 1);
	finding_details_end(&w, fd);
	if (fd->count)
		finding_summary(fd, "%s left %llu %s requests unanswered (latest: invokeID %u from %s, %s).", ied,
				(unsigned long long)(fd->count + 1), svc, r->invoke_id, client,
				at_end ? "the association ended first" : "no answer within the timeout");
	else if (at_end)
		finding_summary(fd,
				"%s never answered a %s request%s%s%s (invokeID %u from %s): the association "
				"ended %s later without a response.",
				ied, svc, r->acsi ? " (" : "", r->acsi ? r->acsi : "", r->acsi ? ")" : "", r->invoke_id,
				client, DURATION(waited));
	else
		finding_summary(fd, "%s did not answer a %s request%s%s%s (invokeID %u from %s) within %s.", ied, svc,
				r->acsi ? " (" : "", r->acsi ? r->acsi : "", r->acsi ? ")" : "", r->invoke_id, client,
				DURATION(g_rules.thr[THR_REQUEST_TIMEOUT]));
	finding_commit(fd, now);
}

static void duplicate(struct flow *f, const struct out_req *old, const struct mms_pdu *p, const struct pkt_where *at)
{
	char client[64], ied[160];
	flow_client_ip(f, client, sizeof(client));
	ied_text(f, ied, sizeof(ied));
	struct finding *fd = finding_open_on_flow("duplicate_invoke_id", SEV_LOW, f, client, at->ts_us);
	if (!fd)
		return;
	finding_evidence(fd, &old->at);
	finding_evidence(fd, at);
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_u64(&w, "invoke_id", p->invoke_id);
	jw_str(&w, "service", service_name(p->service));
	jw_str(&w, "outstanding_service", service_name(old->service));
	jw_u64(&w, "outstanding_pcap_cnt", old->at.frame);
	jw_u64(&w, "outstanding_ms", (uint64_t)(at->ts_us > old->ts ? (at->ts_us - old->ts) / 1000 : 0));
	finding_details_end(&w, fd);
	finding_summary(fd,
			"%s sent invokeID %u to %s again while its earlier %s request with that invokeID was "
			"still unanswered: the answers cannot be told apart.",
			client, p->invoke_id, ied, service_name(old->service));
	finding_commit(fd, at->ts_us);
}

static void exceeded(struct flow *f, struct svc_state *st, const struct pkt_where *at)
{
	char client[64], ied[160];
	flow_client_ip(f, client, sizeof(client));
	ied_text(f, ied, sizeof(ied));
	struct finding *fd = finding_open_on_flow("outstanding_exceeded", SEV_MEDIUM, f, client, at->ts_us);
	if (!fd)
		return;
	unsigned k = 0;
	for (const struct out_req *r = st->oldest; r && k < 4; r = r->next, k++)
		finding_evidence(fd, &r->at);
	finding_evidence(fd, at);
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_u64(&w, "max_serv_outstanding_calling", st->max_calling);
	jw_u64(&w, "outstanding", st->n_out);
	finding_details_end(&w, fd);
	finding_summary(fd,
			"%s had %u requests outstanding at %s, more than the %u negotiated in the initiate "
			"(maxServOutstandingCalling): the IED may reject or drop the extra requests.",
			client, st->n_out, ied, st->max_calling);
	finding_commit(fd, at->ts_us);
}

static void slow(struct flow *f, const struct out_req *r, int64_t latency, const struct svc_latency *l,
		 const struct pkt_where *at)
{
	const char *svc = service_name(r->service);
	struct finding *fd = finding_open_on_flow("slow_response", SEV_LOW, f, svc, at->ts_us);
	if (!fd)
		return;
	finding_evidence(fd, &r->at);
	finding_evidence(fd, at);
	char ied[160];
	ied_text(f, ied, sizeof(ied));
	int64_t max = l && l->max_us > latency ? l->max_us : latency;
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "service", svc);
	if (r->acsi)
		jw_str(&w, "acsi", r->acsi);
	jw_u64(&w, "latency_ms", (uint64_t)(latency / 1000));
	jw_u64(&w, "max_latency_ms", (uint64_t)(max / 1000));
	jw_u64(&w, "threshold_ms", (uint64_t)(g_rules.thr[THR_LATENCY_SLOW] / 1000));
	jw_u64(&w, "slow_responses", fd->count + 1);
	if (l && l->count) {
		jw_u64(&w, "responses", l->count);
		jw_u64(&w, "p95_ms", (uint64_t)(svc_latency_quantile(l, 950) / 1000));
	}
	finding_details_end(&w, fd);
	finding_summary(fd, "%s took %s to answer a %s request%s%s%s (threshold %s; slowest %s).", ied,
			DURATION(latency), svc, r->acsi ? " (" : "", r->acsi ? r->acsi : "", r->acsi ? ")" : "",
			DURATION(g_rules.thr[THR_LATENCY_SLOW]), DURATION(max));
	finding_commit(fd, at->ts_us);
}

static void reject_finding(struct flow *f, int dir, const struct mms_pdu *p, const struct out_req *r,
			   const struct pkt_where *at)
{
	const char *type = mms_reject_type_name(p->reject.reason_type);
	const char *code = mms_reject_code_name(p->reject.reason_type, p->reject.reason_code);
	char object[128], codebuf[24];
	if (!code) {
		snprintf(codebuf, sizeof(codebuf), "%lld", (long long)p->reject.reason_code);
		code = codebuf;
	}
	snprintf(object, sizeof(object), "%s: %s", type ? type : "unknown", code);
	struct finding *fd = finding_open_on_flow("mms_reject", SEV_LOW, f, object, at->ts_us);
	if (!fd)
		return;
	if (r)
		finding_evidence(fd, &r->at);
	finding_evidence(fd, at);
	char client[64], ied[160];
	flow_client_ip(f, client, sizeof(client));
	ied_text(f, ied, sizeof(ied));
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "by", dir == 1 ? "ied" : "client");
	if (type)
		jw_str(&w, "type", type);
	else
		jw_u64(&w, "type", p->reject.reason_type);
	jw_str(&w, "code", code);
	jw_i64(&w, "code_number", p->reject.reason_code);
	if (p->reject.has_original_invoke)
		jw_u64(&w, "original_invoke_id", p->reject.original_invoke);
	if (r)
		jw_str(&w, "service", service_name(r->service));
	finding_details_end(&w, fd);
	if (dir == 1)
		finding_summary(fd,
				"%s rejected a PDU from %s (%s, %s)%s%s: the IED could not parse or does not "
				"support what the client sent.",
				ied, client, type ? type : "unknown type", code, r ? " answering a " : "",
				r ? service_name(r->service) : "");
	else
		finding_summary(fd,
				"Client %s rejected a PDU from %s (%s, %s): the client could not parse what the "
				"IED sent.",
				client, ied, type ? type : "unknown type", code);
	finding_commit(fd, at->ts_us);
}

/* ---- the association's outstanding requests -------------------------------------- */

static struct svc_state *state_of(struct flow *f)
{
	struct flow_an *a = flow_an_get(f);
	if (!a)
		return NULL;
	if (!f->slot[svc_slot]) {
		struct svc_state *s = calloc(1, sizeof(*s));
		if (!s)
			return NULL;
		s->flow = f;
		s->next = live;
		if (live)
			live->prev = s;
		live = s;
		f->slot[svc_slot] = s;
	}
	return f->slot[svc_slot];
}

static int svc_txn_slot;

static void out_unlink(struct out_req *r)
{
	struct svc_state *s = r->owner;
	if (!s)
		return;
	if (r->prev)
		r->prev->next = r->next;
	else
		s->oldest = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		s->newest = r->prev;
	s->n_out--;
	r->owner = NULL;
}

/* Done with a request (answered, timed out, replaced, or its association ended):
 * off the list and off its transaction. */
static void out_forget(struct out_req *r)
{
	out_unlink(r);
	if (r->txn)
		r->txn->slot[svc_txn_slot] = NULL;
	free(r);
}

/* The transaction ended without this analyzer consuming it (forgotten when the
 * table was full). */
static void out_release(struct mms_txn *t, void *state)
{
	struct out_req *r = state;
	(void)t;
	out_unlink(r);
	free(r);
}

static struct out_req *out_of(const struct mms_txn *t)
{
	return t ? t->slot[svc_txn_slot] : NULL;
}

static void request(struct flow *f, struct svc_state *s, const struct mms_event *e, const struct pkt_where *at)
{
	const struct mms_pdu *p = e->pdu;
	struct out_req *old = out_of(e->replaced);
	if (old) {
		/* Reused while outstanding. A hole in the IED's direction may have
		 * hidden the answer: then the client is right to reuse it. */
		if (!answer_hidden(f, old))
			duplicate(f, old, p, at);
		out_forget(old);
	}
	struct out_req *r = e->txn ? calloc(1, sizeof(*r)) : NULL;
	if (!r)
		return;
	r->owner = s;
	r->prev = s->newest;
	if (s->newest)
		s->newest->next = r;
	else
		s->oldest = r;
	s->newest = r;
	s->n_out++;
	r->txn = e->txn;
	e->txn->slot[svc_txn_slot] = r;
	r->invoke_id = p->invoke_id;
	r->service = p->service;
	r->acsi = e->acsi;
	r->ts = at->ts_us;
	r->at = *at;
	r->loss_at = lost_to_client(f);
	r->ied_bytes_at = f->bytes[1];
	r->ied_pdus_at = f->mms_pdus[1];
	if (s->n_out > s->peak_out)
		s->peak_out = s->n_out;
	if (s->has_max && s->max_calling && s->n_out > s->max_calling && !s->exceeded_flagged) {
		s->exceeded_flagged = true; /* once per association; the aggregate counts them */
		exceeded(f, s, at);
	}
}

static void answer(struct flow *f, const struct mms_event *e, const struct pkt_where *at)
{
	const struct mms_pdu *p = e->pdu;
	struct ied_svc *is = ied_svc_of(flow_an_of(f)->ied);
	struct out_req *rp = out_of(e->txn);
	if (!rp)
		return;
	struct out_req r = *rp;
	out_forget(rp);
	if (!is)
		return;
	int64_t latency = at->ts_us - r.ts;
	struct svc_latency *l = hist(is, latency_index(r.service)), *any = hist(is, LAT_INDEX_ANY);
	if (l)
		svc_latency_add(l, latency);
	if (any)
		svc_latency_add(any, latency);
	if (p->type == MMS_CONFIRMED_ERROR) {
		bump(is, r.service, C_ERRORS);
		tally(is, SVC_TALLY_ERROR, p->error.error_class, p->error.error_code, r.service);
	}
	if (latency > g_rules.thr[THR_LATENCY_SLOW]) {
		bump(is, r.service, C_SLOW);
		slow(f, &r, latency, l, at);
	}
}

static void rejected(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at)
{
	const struct mms_pdu *p = e->pdu;
	struct ied_svc *is = ied_svc_of(flow_an_of(f)->ied);
	struct out_req r, *rp = dir == 1 ? out_of(e->txn) : NULL;
	if (rp) {
		r = *rp;
		out_forget(rp);
		rp = &r;
	}
	if (is) {
		tally(is, SVC_TALLY_REJECT, p->reject.reason_type, p->reject.reason_code, rp ? rp->service : -1);
		if (rp)
			bump(is, rp->service, C_REJECTS);
	}
	reject_finding(f, dir, p, rp, at);
}

void services_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at)
{
	const struct mms_pdu *p = e->pdu;
	switch (p->type) {
	case MMS_CONFIRMED_REQUEST:
	case MMS_CONFIRMED_RESPONSE:
	case MMS_CONFIRMED_ERROR:
	case MMS_CANCEL_RESPONSE:
	case MMS_CANCEL_ERROR:
		if (!p->has_invoke)
			return;
		break;
	case MMS_REJECT:
	case MMS_INITIATE_RESPONSE:
		break;
	default:
		return;
	}
	struct svc_state *s = state_of(f);
	if (!s)
		return;
	switch (p->type) {
	case MMS_CONFIRMED_REQUEST:
		/* Requests from the IED (rare in IEC 61850) are not timed: the
		 * table is the client's. */
		if (dir == 0)
			request(f, s, e, at);
		break;
	case MMS_CONFIRMED_RESPONSE:
	case MMS_CONFIRMED_ERROR:
		if (dir == 1)
			answer(f, e, at);
		break;
	case MMS_CANCEL_RESPONSE:
	case MMS_CANCEL_ERROR: {
		/* The request was cancelled: answered, but not a latency sample. */
		struct out_req *r = dir == 1 ? out_of(e->txn) : NULL;
		if (r) {
			if (p->type == MMS_CANCEL_ERROR) {
				struct ied_svc *is = ied_svc_of(flow_an_of(f)->ied);
				if (is)
					tally(is, SVC_TALLY_CANCEL_ERROR, p->error.error_class, p->error.error_code,
					      r->service);
			}
			out_forget(r);
		}
		break;
	}
	case MMS_REJECT:
		rejected(f, dir, e, at);
		break;
	case MMS_INITIATE_RESPONSE:
		if (dir == 1 && p->init.has_max_serv_calling) {
			s->has_max = true;
			s->max_calling = p->init.max_serv_calling;
		}
		break;
	}
}

/* ---- timers and the end of an association ----------------------------------------- */

static void expire(struct svc_state *s, int64_t now, bool at_end)
{
	struct flow *f = s->flow;
	for (struct out_req *r = s->oldest, *next; r; r = next) {
		next = r->next;
		if (!at_end && now - r->ts <= g_rules.thr[THR_REQUEST_TIMEOUT])
			continue;
		/* An answer lost in a capture hole, or sent in bytes that did not
		 * decode, is the sensor's blind spot, not the IED's silence. */
		if (!answer_hidden(f, r))
			unanswered(f, r, at_end ? f->last_ts : now, at_end);
		out_forget(r);
	}
}

void services_tick(int64_t now)
{
	for (struct svc_state *s = live; s; s = s->next)
		if (s->n_out)
			expire(s, now, false);
}

void services_flow_end(struct flow *f, enum flow_end why, const struct pkt_where *at)
{
	struct svc_state *s = svc_slot_of(f);
	if (!s)
		return;
	if (why == FLOW_END_CAPTURE_END || why == FLOW_END_EVICTED) {
		/* The capture (or the table) ended, not the association: only what
		 * has already waited too long is known to be unanswered. */
		expire(s, at->ts_us > f->last_ts ? at->ts_us : f->last_ts, false);
	} else {
		expire(s, at->ts_us, true);
	}
	if (s->prev)
		s->prev->next = s->next;
	else
		live = s->next;
	if (s->next)
		s->next->prev = s->prev;
	while (s->oldest)
		out_forget(s->oldest); /* off their transactions, which end with the flow */
	free(s);
	f->slot[svc_slot] = NULL;
}

void services_finish(int64_t now)
{
	(void)now; /* flows are flushed before this: nothing is outstanding */
}

/* ---- summary ------------------------------------------------------------------------ */

static void print_ms(FILE *out, int64_t us)
{
	if (us < 10000)
		fprintf(out, " %7.2f", (double)us / 1000.0);
	else
		fprintf(out, " %7.0f", (double)us / 1000.0);
}

static void print_ied(struct ied *d, void *arg)
{
	FILE *out = arg;
	struct ied_svc *s = svc_of_ied(d);
	if (!s || !ied_latency_at(d, LAT_INDEX_ANY))
		return;
	if (summary_parts())
		parts_piece(out, 0, &d->first);
	char label[160];
	fprintf(out, "  %s\n", ied_label(d, label, sizeof(label)));
	fprintf(out, "    %-32s %8s %7s %7s %7s %7s %6s %6s\n", "service", "answers", "p50 ms", "p95 ms", "p99 ms",
		"max ms", "errors", "unans.");
	for (unsigned slot = 0; slot < LAT_INDEXES; slot++) {
		const struct svc_latency *l = ied_latency_at(d, slot);
		if (!l)
			continue;
		const char *name = slot == LAT_INDEX_ANY ? "all"
			: slot == LAT_INDEX_OTHER        ? "other"
							 : service_name((int)slot);
		fprintf(out, "    %-32s %8llu", name, (unsigned long long)l->count);
		print_ms(out, svc_latency_quantile(l, 500));
		print_ms(out, svc_latency_quantile(l, 950));
		print_ms(out, svc_latency_quantile(l, 990));
		print_ms(out, l->count ? l->max_us : 0);
		fprintf(out, " %6llu %6llu\n", (unsigned long long)l->errors, (unsigned long long)l->unanswered);
	}
	for (uint16_t i = 0; i < s->n_tally; i++) {
		const struct svc_tally *t = &s->tally[i];
		const char *cls, *code;
		if (t->what == SVC_TALLY_REJECT) {
			cls = mms_reject_type_name(t->cls);
			code = mms_reject_code_name(t->cls, t->code);
		} else {
			cls = mms_error_class_name(t->cls);
			code = mms_error_code_name(t->cls, (uint32_t)t->code);
		}
		fprintf(out, "    %s %s/",
			t->what == SVC_TALLY_REJECT          ? "reject"
				: t->what == SVC_TALLY_ERROR ? "confirmed-error"
							     : "cancel-error",
			cls ? cls : "?");
		if (code)
			fprintf(out, "%s", code);
		else
			fprintf(out, "%lld", (long long)t->code);
		fprintf(out, " on %s: %llu\n", t->service >= 0 ? service_name(t->service) : "unknown request",
			(unsigned long long)t->count);
	}
	if (s->tally_other)
		fprintf(out, "    other errors and rejects: %llu\n", (unsigned long long)s->tally_other);
}

void services_print(FILE *out)
{
	fprintf(out, "Service latency per IED:\n");
	ied_foreach(print_ied, out);
}

/* ---- freeing ---------------------------------------------------------------------- */

static void free_ied(struct ied *d, void *arg)
{
	(void)arg;
	if (!svc_of_ied(d))
		return;
	free(svc_of_ied(d));
	d->slot[svc_ied_slot] = NULL;
}

void services_free(void)
{
	ied_foreach(free_ied, NULL);
	/* flows are gone by now; their states were freed at their ends */
	live = NULL;
}

static void services_init(void)
{
	svc_init();
	svc_ied_init();
	svc_txn_slot = bus_txn_slot("services", out_release);
}

const struct analyzer services_analyzer = {
	.name = "services",
	.init = services_init,
	.mms = services_mms,
	.flow_end = services_flow_end,
	.tick = services_tick,
	.finish = services_finish,
	.print = services_print,
	.print_rank = 2,
	.free = services_free,
};

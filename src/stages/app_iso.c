/* SPDX-License-Identifier: GPL-2.0-or-later */
/* app_iso.c - TPKT/COTP framing and the ISO upper-layer walk; see app_iso.h. */
#include "stages/app_iso.h"

#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/flow.h"
#include "dissectors/acse.h"
#include "dissectors/cotp.h"
#include "dissectors/iec61850.h"
#include "dissectors/iec61850_report.h"
#include "dissectors/mms.h"
#include "dissectors/pres.h"
#include "dissectors/session.h"
#include "dissectors/tls.h"
#include "dissectors/tpkt.h"
#include "stages/decode_ahead.h"
#include "util/memcap.h"
#include "util/stats.h"

/* Resynchronising keeps this many tail bytes of a segment, so a TPKT header
 * (4) + COTP DT header (3) + the first upper-layer octet split across segments is
 * still found. */
#define RESYNC_CARRY 7
/* Bytes needed to judge a candidate TPKT that runs past the data we have. */
#define RESYNC_MIN_VIEW 8

/* Malformed-layer events per flow before they are only counted. */
#define MALFORMED_EVENTS_PER_FLOW 8

struct iso_dir {
	uint8_t *tpkt; /* a TPKT split across segments: header and body so far */
	uint32_t tpkt_len, tpkt_total;
	uint8_t *tsdu; /* COTP DT TPDUs without EOT, joined */
	uint32_t tsdu_len, tsdu_cap;
	bool resync;       /* look for a TPKT boundary before decoding */
	bool started;      /* some bytes of this direction were seen */
	bool hdr_only;     /* tpkt holds only part of a 4-byte header so far */
	uint8_t carry_len; /* resync: tail bytes kept to search across segments */
	uint8_t carry[RESYNC_CARRY];
	uint64_t skipped; /* resync: bytes skipped so far in this search */
};

struct iso_flow {
	uint8_t malformed_events;
	int64_t ctx_acse, ctx_mms; /* presentation context ids, -1 unknown */
	uint8_t n_proposed;
	struct pres_context proposed[MMSW_PRES_MAX_CONTEXTS];
	struct iso_dir dir[2];
	/* Outstanding confirmed requests of both sides, oldest first (each one
	 * allocated on its own: analyzers keep pointers to it until it ends). */
	uint16_t n_txn, cap_txn;
	struct mms_txn **txn;
};

static struct iso_flow *iso_get(struct flow *f)
{
	if (!f->iso) {
		f->iso = calloc(1, sizeof(*f->iso));
		if (!f->iso)
			return NULL;
		f->iso->ctx_acse = f->iso->ctx_mms = -1;
	}
	return f->iso;
}

static void txn_free_all(struct iso_flow *iso);

static void dir_reset_buffers(struct iso_dir *d)
{
	if (d->tpkt) {
		memcap_give(d->tpkt_total);
		free(d->tpkt);
	}
	if (d->tsdu) {
		memcap_give(d->tsdu_cap);
		free(d->tsdu);
	}
	d->tpkt = d->tsdu = NULL;
	d->hdr_only = false;
	d->tpkt_len = d->tpkt_total = d->tsdu_len = d->tsdu_cap = 0;
}

void app_flow_free(struct flow *f)
{
	if (!f->iso)
		return;
	dir_reset_buffers(&f->iso->dir[0]);
	dir_reset_buffers(&f->iso->dir[1]);
	txn_free_all(f->iso);
	free(f->iso);
	f->iso = NULL;
}

static void set_proto(struct flow *f, int dir, uint8_t proto, const struct pkt_where *at, const struct tls_hello *tls)
{
	uint8_t old = f->app_proto;
	f->app_proto = proto;
	if (proto == APP_ISO || proto == APP_MMS || (old == proto && !tls))
		return;
	struct stream_event e = { .kind = STREAM_EV_PROTOCOL, .proto = app_proto_name(proto), .tls = tls };
	bus_stream(f, dir, &e, at);
}

static void malformed(struct flow *f, int dir, const char *layer, const char *reason, const struct pkt_where *at)
{
	struct iso_flow *iso = f->iso;
	if (iso->malformed_events >= MALFORMED_EVENTS_PER_FLOW)
		return;
	iso->malformed_events++;
	struct stream_event e = { .kind = STREAM_EV_MALFORMED, .layer = layer, .reason = reason };
	bus_stream(f, dir, &e, at);
}

static void limit_hit(struct flow *f, int dir, enum stat_id id, const struct pkt_where *at)
{
	stat_inc(id);
	struct stream_event e = { .kind = STREAM_EV_LIMIT, .reason = stat_name(id) };
	bus_stream(f, dir, &e, at);
}

/* ---- MMS ---------------------------------------------------------------- */

/* The outstanding request sent in direction dir with this invokeID, or -1. */
static int txn_find(const struct iso_flow *iso, int dir, uint32_t invoke)
{
	for (uint16_t i = 0; i < iso->n_txn; i++)
		if (iso->txn[i]->dir == dir && iso->txn[i]->invoke_id == invoke)
			return i;
	return -1;
}

/* Take transaction i out of the table (the caller ends it). */
static struct mms_txn *txn_take(struct iso_flow *iso, int i)
{
	struct mms_txn *t = iso->txn[i];
	memmove(&iso->txn[i], &iso->txn[i + 1], (size_t)(iso->n_txn - i - 1) * sizeof(iso->txn[0]));
	iso->n_txn--;
	return t;
}

static void txn_end(struct mms_txn *t)
{
	if (!t)
		return;
	bus_txn_end(t);
	free(t);
}

/* A new confirmed request: its transaction, after making room (the oldest is
 * forgotten when the table is full: counted, and handed back in *forgotten for
 * the caller to end once the new request's event is delivered). NULL when out
 * of memory. */
static struct mms_txn *txn_open(struct iso_flow *iso, int dir, const struct mms_pdu *pdu, const char *acsi,
				const struct pkt_where *at, struct mms_txn **forgotten)
{
	if (iso->n_txn >= MMSW_PENDING_REQUESTS) {
		stat_inc(STAT_pending_requests_full);
		*forgotten = txn_take(iso, 0);
	}
	if (iso->n_txn >= iso->cap_txn) {
		/* most IEC 61850 clients wait for each answer: start small, since
		 * thousands of idle associations each keep this */
		uint16_t cap = iso->cap_txn ? (uint16_t)(iso->cap_txn * 2) : 2;
		if (cap > MMSW_PENDING_REQUESTS)
			cap = MMSW_PENDING_REQUESTS;
		struct mms_txn **n = realloc(iso->txn, cap * sizeof(*n));
		if (!n)
			return NULL;
		iso->txn = n;
		iso->cap_txn = cap;
	}
	struct mms_txn *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->invoke_id = pdu->invoke_id;
	t->service = pdu->service;
	t->dir = (uint8_t)dir;
	t->acsi = acsi;
	t->at = *at;
	iso->txn[iso->n_txn++] = t;
	return t;
}

static void txn_free_all(struct iso_flow *iso)
{
	while (iso->n_txn)
		txn_end(txn_take(iso, iso->n_txn - 1));
	free(iso->txn);
	iso->txn = NULL;
	iso->cap_txn = 0;
}

/* The invokeID an answer names, if it names one. */
static bool answer_invoke(const struct mms_pdu *pdu, uint32_t *invoke)
{
	switch (pdu->type) {
	case MMS_CONFIRMED_RESPONSE:
	case MMS_CONFIRMED_ERROR:
	case MMS_CANCEL_RESPONSE:
	case MMS_CANCEL_ERROR:
		*invoke = pdu->invoke_id;
		return pdu->has_invoke;
	case MMS_REJECT:
		*invoke = pdu->reject.original_invoke;
		return pdu->reject.has_original_invoke;
	default:
		return false;
	}
}

/* app_mms_pdu, with the report decoded ahead when there is one. A report no
 * thread decoded ahead is decoded here, once for every analyzer (core/events.h). */
static void mms_pdu_event(struct flow *f, int dir, const struct mms_pdu *pdu, uint32_t size, bool bare, bool in_acse,
			  const struct iec_report *rep, enum iec_report_status rst, const struct pkt_where *at)
{
	static struct iec_report decoded; /* large; one PDU at a time */
	if (!rep && iec_report_is_rpt(pdu)) {
		rst = iec_report_decode(pdu, &decoded);
		rep = &decoded;
	}
	struct iso_flow *iso = iso_get(f);
	struct mms_event e = {
		.pdu = pdu, .size = size, .bare = bare, .in_acse = in_acse, .report = rep, .report_status = (uint8_t)rst
	};
	struct mms_txn *forgotten = NULL;
	/* Request/response pairing, once for every analyzer (core/events.h). */
	uint32_t invoke;
	if (pdu->type == MMS_CONFIRMED_REQUEST) {
		e.acsi = iec61850_acsi(pdu);
		if (pdu->has_invoke && iso) {
			int old = txn_find(iso, dir, pdu->invoke_id);
			if (old >= 0)
				e.replaced = txn_take(iso, old);
			e.txn = txn_open(iso, dir, pdu, e.acsi, at, &forgotten);
		}
	} else if (answer_invoke(pdu, &invoke)) {
		int i = iso ? txn_find(iso, 1 - dir, invoke) : -1;
		if (i >= 0) {
			e.txn = txn_take(iso, i);
			e.latency_us = at->ts_us - e.txn->at.ts_us;
		}
		if (pdu->type == MMS_CONFIRMED_RESPONSE || pdu->type == MMS_CONFIRMED_ERROR)
			e.acsi = e.txn ? e.txn->acsi : NULL;
		else
			e.acsi = iec61850_acsi(pdu);
	} else {
		e.acsi = iec61850_acsi(pdu);
	}
	f->mms_pdus[dir]++;
	bus_mms(f, dir, &e, at);
	/* Ended after the event, so their owners' records follow its EVE line. */
	txn_end(forgotten);
	txn_end(e.replaced);
	if (pdu->type != MMS_CONFIRMED_REQUEST)
		txn_end(e.txn); /* answered */
}

void app_mms_pdu(struct flow *f, int dir, const struct mms_pdu *pdu, uint32_t size, bool bare, bool in_acse,
		 const struct pkt_where *at)
{
	mms_pdu_event(f, dir, pdu, size, bare, in_acse, NULL, REPORT_NOT_A_REPORT, at);
}

/* Decode MMS bytes (or take what the reader thread decoded of exactly these).
 * Returns false when the bytes are not MMS at all. */
static bool handle_mms(struct flow *f, int dir, struct rd r, bool bare, bool in_acse, const struct pkt_where *at)
{
	struct mms_pdu pdu;
	enum mms_status st;
	const struct iec_report *rep = NULL;
	enum iec_report_status rst = REPORT_NOT_A_REPORT;
	if (!decode_ahead_take(r, &pdu, &st, &rep, &rst))
		st = mms_decode(r, &pdu);
	if (st == MMS_NOT_MMS)
		return false;
	if (f->app_proto != APP_MMS)
		set_proto(f, dir, APP_MMS, at, NULL);
	stat_inc(STAT_mms_pdus);
	if (st == MMS_MALFORMED) {
		stat_inc(STAT_mms_malformed);
		if (pdu.defect == MMS_DEFECT_TOO_DEEP)
			limit_hit(f, dir, STAT_ber_depth_limit, at);
	}
	mms_pdu_event(f, dir, &pdu, (uint32_t)rd_left(&r), bare, in_acse, rep, rst, at);
	return true;
}

/* ---- ACSE and presentation ---------------------------------------------- */

static void handle_acse(struct flow *f, int dir, struct rd r, const struct pres_ppdu *pp, const struct pkt_where *at)
{
	struct acse_apdu a;
	enum acse_status st = acse_parse(r, &a);
	if (st != ACSE_OK) {
		stat_inc(STAT_acse_invalid);
		malformed(f, dir, "acse", st == ACSE_TRUNCATED ? "truncated" : "invalid", at);
		return;
	}
	stat_inc(STAT_acse_apdus);
	/* The presentation PPDU around it (CP, CPA: selectors), NULL when none. */
	struct assoc_event e = { .kind = ASSOC_EV_ACSE, .acse = &a, .ppdu = pp };
	bus_assoc(f, dir, &e, at);
	if (a.has_user_info) {
		if (a.has_user_ctx && f->iso->ctx_mms < 0)
			f->iso->ctx_mms = a.user_ctx;
		if (!handle_mms(f, dir, a.user_info, false, true, at))
			malformed(f, dir, "mms", "not_mms", at);
	}
}

static bool is_acse_octet(uint8_t b)
{
	return b >= 0x60 && b <= 0x64;
}

/* The syntax a presentation data value's context was negotiated for: MMS,
 * ACSE, or PRES_AS_OTHER when the context is none we know of. */
static int context_syntax(const struct iso_flow *iso, const struct pres_pdv *pdv)
{
	if (pdv->has_ctx) {
		if ((int64_t)pdv->ctx == iso->ctx_mms)
			return PRES_AS_MMS;
		if ((int64_t)pdv->ctx == iso->ctx_acse)
			return PRES_AS_ACSE;
	}
	return PRES_AS_OTHER;
}

/* One presentation data value: ACSE or MMS by its context, or by its content when
 * the context was negotiated before the capture began. pp, the PPDU around it,
 * is read only for ACSE. */
static void handle_pdv(struct flow *f, int dir, const struct pres_pdv *pdv, const struct pres_ppdu *pp,
		       const struct pkt_where *at)
{
	struct iso_flow *iso = f->iso;
	uint8_t b0;
	if (!rd_peek(&pdv->data, 0, &b0)) {
		malformed(f, dir, "pres", "empty", at);
		return;
	}
	int syntax = context_syntax(iso, pdv);
	if (syntax == PRES_AS_OTHER) {
		/* Unknown context: infer from the first octet (the two syntaxes' outer tags
		 * do not overlap) and remember the context id for the rest of the flow. */
		if (is_acse_octet(b0)) {
			syntax = PRES_AS_ACSE;
			if (pdv->has_ctx && iso->ctx_acse < 0)
				iso->ctx_acse = pdv->ctx;
		} else if (mms_first_octet(b0)) {
			syntax = PRES_AS_MMS;
			if (pdv->has_ctx && iso->ctx_mms < 0)
				iso->ctx_mms = pdv->ctx;
		} else {
			stat_inc(STAT_pres_context_unknown);
			malformed(f, dir, "pres", "unknown_context", at);
			return;
		}
	}
	if (syntax == PRES_AS_ACSE)
		handle_acse(f, dir, pdv->data, pp, at);
	else if (!handle_mms(f, dir, pdv->data, false, false, at))
		malformed(f, dir, "mms", "not_mms", at);
}

/* Would handle_pdv take this non-empty value for ACSE? */
static bool pdv_may_be_acse(const struct iso_flow *iso, const struct pres_pdv *pdv)
{
	int syntax = context_syntax(iso, pdv);
	uint8_t b0 = 0;
	(void)rd_peek(&pdv->data, 0, &b0);
	return syntax == PRES_AS_ACSE || (syntax == PRES_AS_OTHER && is_acse_octet(b0));
}

static void learn_contexts(struct iso_flow *iso, const struct pres_ppdu *pp)
{
	if (pp->kind == PPDU_CP) {
		iso->n_proposed = pp->n_ctx;
		memcpy(iso->proposed, pp->ctx, sizeof(pp->ctx[0]) * pp->n_ctx);
		for (unsigned i = 0; i < pp->n_ctx; i++) {
			if (pp->ctx[i].syntax == PRES_AS_ACSE)
				iso->ctx_acse = pp->ctx[i].id;
			else if (pp->ctx[i].syntax == PRES_AS_MMS)
				iso->ctx_mms = pp->ctx[i].id;
		}
	} else if (pp->kind == PPDU_CPA) {
		/* Results come in the order of the CP's proposals; a refused MMS context
		 * means no MMS will follow on it. */
		for (unsigned i = 0; i < pp->n_result && i < iso->n_proposed; i++)
			if (pp->result[i] != 0 && (int64_t)iso->proposed[i].id == iso->ctx_mms)
				iso->ctx_mms = -1;
	}
}

static void handle_pres(struct flow *f, int dir, const struct session_spdu *s, const struct pkt_where *at)
{
	enum ppdu_kind expect;
	switch (s->si) {
	case SES_CN:
		expect = PPDU_CP;
		break;
	case SES_AC:
		expect = PPDU_CPA;
		break;
	case SES_RF:
		expect = PPDU_CPR;
		break;
	case SES_AB:
		expect = PPDU_ABORT;
		break;
	default:
		expect = PPDU_DATA;
		break;
	}
	struct pres_ppdu pp;
	enum pres_status st = pres_parse(s->user, expect, &pp);
	if (st != PRES_OK) {
		stat_inc(STAT_pres_invalid);
		malformed(f, dir, "pres",
			  st == PRES_TRUNCATED          ? "truncated"
				  : st == PRES_TOO_MANY ? "too_many_items"
							: "invalid",
			  at);
		return;
	}
	learn_contexts(f->iso, &pp);
	if (expect == PPDU_CPR) {
		struct assoc_event e = { .kind = ASSOC_EV_PRES_REFUSE, .ppdu = &pp };
		bus_assoc(f, dir, &e, at);
	} else if (expect == PPDU_ABORT && pp.n_pdv == 0) {
		struct assoc_event e = { .kind = ASSOC_EV_PRES_ABORT, .ppdu = &pp };
		bus_assoc(f, dir, &e, at);
	}
	for (unsigned i = 0; i < pp.n_pdv; i++)
		handle_pdv(f, dir, &pp.pdv[i], &pp, at);
}

/* ---- COTP TSDU ---------------------------------------------------------- */

static void handle_tsdu(struct flow *f, int dir, struct rd r, const struct pkt_where *at)
{
	uint8_t b0;
	if (!rd_peek(&r, 0, &b0))
		return; /* an empty DT carries nothing */
	if (b0 == 0x32 || b0 == 0x72) {
		/* S7comm (protocol id 0x32) and S7comm-plus (0x72) share port 102. */
		stat_inc(STAT_s7comm_pdus);
		if (f->app_proto != APP_S7COMM && f->app_proto != APP_S7COMM_PLUS)
			set_proto(f, dir, b0 == 0x32 ? APP_S7COMM : APP_S7COMM_PLUS, at, NULL);
		return;
	}
	if (f->app_proto == APP_S7COMM || f->app_proto == APP_S7COMM_PLUS)
		return;
	if (mms_first_octet(b0)) {
		/* MMS straight in COTP, with no session or presentation layer. */
		if (!handle_mms(f, dir, r, true, false, at))
			malformed(f, dir, "mms", "not_mms", at);
		return;
	}
	/* The common case, parsed on the reader thread (stages/decode_ahead.h):
	 * one data transfer SPDU carrying one presentation data value. What the
	 * parsers below give for it, with the PPDU itself needed only for ACSE. */
	struct pres_pdv pdv;
	if (decode_ahead_take_pdv(r, &pdv) && !pdv_may_be_acse(f->iso, &pdv)) {
		handle_pdv(f, dir, &pdv, NULL, at);
		return;
	}
	struct session_tsdu st;
	enum session_status ss = session_parse(r, &st);
	if (ss != SES_OK) {
		stat_inc(STAT_session_invalid);
		malformed(f, dir, "session", ss == SES_TRUNCATED ? "truncated" : "invalid", at);
		return;
	}
	for (unsigned i = 0; i < st.n; i++) {
		const struct session_spdu *s = &st.spdu[i];
		if (s->si != SES_DT) {
			struct assoc_event e = { .kind = ASSOC_EV_SESSION, .spdu = s };
			bus_assoc(f, dir, &e, at);
		}
		if (s->has_user && !rd_empty(&s->user))
			handle_pres(f, dir, s, at);
	}
}

/* ---- TPKT / COTP -------------------------------------------------------- */

static void handle_tpkt(struct flow *f, int dir, const uint8_t *p, uint32_t len, const struct pkt_where *at)
{
	struct iso_flow *iso = f->iso;
	struct iso_dir *d = &iso->dir[dir];
	struct cotp_tpdu t;
	enum cotp_status cs = cotp_parse(rd_make(p + TPKT_HDR_LEN, len - TPKT_HDR_LEN), &t);
	if (cs != COTP_OK) {
		stat_inc(STAT_cotp_invalid);
		malformed(f, dir, "cotp", cs == COTP_TRUNCATED ? "truncated" : "invalid", at);
		return;
	}
	stat_inc(STAT_cotp_tpdus);
	if (f->app_proto == APP_UNKNOWN)
		f->app_proto = APP_ISO;
	if (t.type != COTP_DT) {
		if (t.type == COTP_CR || t.type == COTP_CC || t.type == COTP_DR || t.type == COTP_DC ||
		    t.type == COTP_ER) {
			struct assoc_event e = { .kind = ASSOC_EV_COTP, .cotp = &t };
			bus_assoc(f, dir, &e, at);
		}
		return;
	}
	size_t n = rd_left(&t.user);
	if (!t.eot || d->tsdu_len) {
		/* Part of a TSDU spread over several DT TPDUs: join until EOT. */
		if ((size_t)d->tsdu_len + n > MMSW_COTP_TSDU_MAX) {
			limit_hit(f, dir, STAT_cotp_tsdu_cap, at);
			memcap_give(d->tsdu_cap);
			free(d->tsdu);
			d->tsdu = NULL;
			d->tsdu_len = d->tsdu_cap = 0;
			return;
		}
		if (d->tsdu_len + n > d->tsdu_cap) {
			uint32_t cap = d->tsdu_cap ? d->tsdu_cap : 4096;
			while (cap < d->tsdu_len + n)
				cap *= 2;
			if (cap > MMSW_COTP_TSDU_MAX)
				cap = MMSW_COTP_TSDU_MAX;
			uint8_t *nb = NULL;
			if (memcap_take(cap - d->tsdu_cap)) {
				nb = realloc(d->tsdu, cap);
				if (!nb)
					memcap_give(cap - d->tsdu_cap);
			}
			if (!nb) {
				limit_hit(f, dir, STAT_tcp_reasm_memcap, at);
				return;
			}
			d->tsdu = nb;
			d->tsdu_cap = cap;
		}
		if (n)
			memcpy(d->tsdu + d->tsdu_len, rd_ptr(&t.user), n);
		d->tsdu_len += (uint32_t)n;
		if (!t.eot)
			return;
		handle_tsdu(f, dir, rd_make(d->tsdu, d->tsdu_len), at);
		memcap_give(d->tsdu_cap);
		free(d->tsdu);
		d->tsdu = NULL;
		d->tsdu_len = d->tsdu_cap = 0;
		return;
	}
	handle_tsdu(f, dir, t.user, at);
}

/* The octet after a COTP DT header: what can open a TSDU (a session SPDU, bare
 * MMS, S7comm). */
static bool upper_plausible(uint8_t b)
{
	return session_si_known(b) || mms_first_octet(b) || b == 0x32 || b == 0x72;
}

/* Where in d[0..len) does a TPKT we can trust begin? A plausible header with a
 * COTP header behind it, and then: the next TPKT header right after it, or its
 * end exactly at the end of the bytes we have, or (running past them) a DT whose
 * first upper-layer octet makes sense. A candidate too close to the end to judge
 * is left for the next segment (the caller carries the tail). */
static bool find_tpkt(const uint8_t *d, uint32_t len, uint32_t *where)
{
	for (uint32_t i = 0; i + TPKT_HDR_LEN <= len; i++) {
		if (d[i] != 3 || d[i + 1] != 0)
			continue;
		uint16_t tl, nl;
		if (!tpkt_plausible(rd_make(d + i, len - i), &tl))
			continue;
		uint32_t end = i + tl;
		bool ok;
		if (end == len)
			ok = true;
		else if (end < len)
			ok = tpkt_header(rd_make(d + end, len - end), &nl) != TPKT_BAD;
		else if (len - i < RESYNC_MIN_VIEW)
			ok = false; /* judge it when more bytes are here */
		else
			ok = d[i + 5] != COTP_DT || upper_plausible(d[i + 7]);
		if (ok) {
			*where = i;
			return true;
		}
	}
	return false;
}

static bool buffer_partial(struct flow *f, int dir, const uint8_t *p, uint32_t n, uint32_t total,
			   const struct pkt_where *at)
{
	struct iso_dir *d = &f->iso->dir[dir];
	if (!memcap_take(total)) {
		limit_hit(f, dir, STAT_tcp_reasm_memcap, at);
		return false;
	}
	d->tpkt = malloc(total);
	if (!d->tpkt) {
		memcap_give(total);
		return false;
	}
	d->tpkt_total = total;
	memcpy(d->tpkt, p, n);
	d->tpkt_len = n;
	return true;
}

static void tls_or_junk(struct flow *f, int dir, const uint8_t *p, uint32_t n, const struct pkt_where *at)
{
	if (f->app_proto == APP_UNKNOWN && tls_looks_like(rd_make(p, n))) {
		struct tls_hello h;
		stat_inc(STAT_tls_flows);
		set_proto(f, dir, APP_TLS, at, tls_parse_hello(rd_make(p, n), &h) ? &h : NULL);
		return;
	}
	if (f->app_proto == APP_UNKNOWN)
		set_proto(f, dir, APP_NOT_ISO, at, NULL);
}

void app_data(struct flow *f, int dir, const uint8_t *p, uint32_t len, const struct pkt_where *at)
{
	struct iso_flow *iso = iso_get(f);
	if (!iso)
		return;
	struct iso_dir *d = &iso->dir[dir];
	if (f->app_proto == APP_TLS) {
		struct tls_hello h;
		if (tls_parse_hello(rd_make(p, len), &h))
			set_proto(f, dir, APP_TLS, at, &h);
		return;
	}
	if (f->app_proto == APP_NOT_ISO) {
		stat_add(STAT_non_iso_bytes, len);
		return;
	}
	if (!d->started) {
		d->started = true;
		if (f->app_proto == APP_UNKNOWN && tls_looks_like(rd_make(p, len))) {
			tls_or_junk(f, dir, p, len, at);
			return;
		}
	}
	/* The common case, parsed on the reader thread (stages/decode_ahead.h): the
	 * segment is one whole TPKT holding a COTP DT with EOT. With nothing
	 * carried over in this direction, the loop below and handle_tpkt would take
	 * it whole and hand its user data to handle_tsdu; so does this. */
	struct rd user;
	if (!d->tpkt_len && !d->resync && !d->tsdu_len && decode_ahead_take_tpkt(p, len, &user)) {
		stat_inc(STAT_cotp_tpdus);
		if (f->app_proto == APP_UNKNOWN)
			f->app_proto = APP_ISO;
		handle_tsdu(f, dir, user, at);
		return;
	}
	uint8_t *joined = NULL; /* the carried tail joined with this segment */
	while (len > 0) {
		if (d->tpkt_len) {
			/* Complete a TPKT that began in an earlier segment. */
			uint32_t take = d->tpkt_total - d->tpkt_len;
			if (take > len)
				take = len;
			memcpy(d->tpkt + d->tpkt_len, p, take);
			d->tpkt_len += take;
			p += take;
			len -= take;
			if (d->tpkt_len < d->tpkt_total)
				break;
			if (d->hdr_only) {
				/* The 4 header bytes are complete: now the real length is known. */
				uint16_t total;
				d->hdr_only = false;
				if (tpkt_header(rd_make(d->tpkt, TPKT_HDR_LEN), &total) != TPKT_OK) {
					dir_reset_buffers(d);
					stat_inc(STAT_tpkt_invalid);
					malformed(f, dir, "tpkt", "invalid", at);
					d->resync = true;
					continue;
				}
				uint8_t *nb = NULL;
				if (memcap_take(total - TPKT_HDR_LEN)) {
					nb = realloc(d->tpkt, total);
					if (!nb)
						memcap_give(total - TPKT_HDR_LEN);
				}
				if (!nb) {
					dir_reset_buffers(d);
					limit_hit(f, dir, STAT_tcp_reasm_memcap, at);
					d->resync = true;
					continue;
				}
				d->tpkt = nb;
				d->tpkt_total = total;
				continue;
			}
			uint8_t *buf = d->tpkt;
			uint32_t total = d->tpkt_total;
			d->tpkt = NULL;
			d->tpkt_len = d->tpkt_total = 0;
			handle_tpkt(f, dir, buf, total, at);
			memcap_give(total);
			free(buf);
			continue;
		}
		if (d->resync) {
			/* Search the carried tail joined with these bytes. */
			const uint8_t *buf = p;
			uint32_t blen = len;
			if (d->carry_len) {
				free(joined);
				joined = malloc((size_t)d->carry_len + len);
				if (!joined)
					return;
				memcpy(joined, d->carry, d->carry_len);
				memcpy(joined + d->carry_len, p, len);
				buf = joined;
				blen = d->carry_len + len;
				d->carry_len = 0;
			}
			uint32_t at_off;
			if (!find_tpkt(buf, blen, &at_off)) {
				uint32_t keep = blen < RESYNC_CARRY ? blen : RESYNC_CARRY;
				memcpy(d->carry, buf + blen - keep, keep);
				d->carry_len = (uint8_t)keep;
				d->skipped += blen - keep;
				stat_add(STAT_tpkt_resync_skipped_bytes, blen - keep);
				break;
			}
			d->skipped += at_off;
			stat_add(STAT_tpkt_resync_skipped_bytes, at_off);
			stat_inc(STAT_tpkt_resync);
			d->resync = false;
			if (d->skipped) {
				/* Only worth an event when bytes had to be skipped to find it. */
				struct stream_event e = { .kind = STREAM_EV_RESYNC, .bytes = d->skipped };
				bus_stream(f, dir, &e, at);
			}
			d->skipped = 0;
			p = buf + at_off;
			len = blen - at_off;
		}
		uint16_t total;
		enum tpkt_status ts = tpkt_header(rd_make(p, len), &total);
		if (ts == TPKT_BAD) {
			if (f->app_proto == APP_UNKNOWN) {
				tls_or_junk(f, dir, p, len, at);
				if (f->app_proto != APP_UNKNOWN && f->app_proto != APP_ISO)
					break;
			}
			stat_inc(STAT_tpkt_invalid);
			malformed(f, dir, "tpkt", "invalid", at);
			d->resync = true;
			continue;
		}
		if (ts == TPKT_NEED_MORE || total > len) {
			/* Header or body continues in the next segment. */
			if (ts == TPKT_NEED_MORE) {
				/* Keep the header bytes; the total is known once all 4 are here. */
				if (!buffer_partial(f, dir, p, len, TPKT_HDR_LEN, at))
					d->resync = true;
				else
					d->hdr_only = true;
				break;
			}
			if (!buffer_partial(f, dir, p, len, total, at))
				d->resync = true;
			break;
		}
		handle_tpkt(f, dir, p, total, at);
		p += total;
		len -= total;
	}
	free(joined);
}

void app_gap(struct flow *f, int dir, uint32_t bytes, uint32_t seq, const struct pkt_where *at)
{
	struct stream_event e = { .kind = STREAM_EV_GAP, .bytes = bytes, .has_seq = true, .seq = seq };
	bus_stream(f, dir, &e, at);
	struct iso_flow *iso = iso_get(f);
	if (!iso)
		return;
	struct iso_dir *d = &iso->dir[dir];
	/* Whatever was half-built across the hole is lost; find the next TPKT. */
	dir_reset_buffers(d);
	d->carry_len = 0;
	d->resync = true;
}

void app_pickup(struct flow *f, int dir, const struct pkt_where *at)
{
	struct iso_flow *iso = iso_get(f);
	if (!iso)
		return;
	iso->dir[dir].resync = true;
	bus_stream_note(f, dir, STREAM_EV_PICKUP, 0, at);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* analyze/drift.c - drift since a baseline (issue 14, part 3; docs/drift.md).
 *
 * Collects this run's facts (core/facts.h): the IEDs that spoke MMS, their
 * clients, the MMS and ACSI services each client asked of each IED (from the
 * events), and at the end the values the IED model holds (identity, RCB ConfRev,
 * dataset members, RCB settings). With --db they go to the store in a REC_FACTS
 * record, so that this run can be a later run's baseline. With --baseline they
 * are compared with an earlier run's facts (loaded by the wiring through
 * store/baseline.h; this file never sees the database):
 *  - presence (new IED, new client, new service) the moment the fact appears;
 *  - values at the end of the run, when they are settled (a run that rewrote an
 *    RCB's TrgOps midway must not be judged on the value before the write); a
 *    live sensor also compares identity, ConfRev and datasets every minute;
 *  - IEDs of the baseline that never spoke MMS in this run, at the end.
 * A value seen in only one of the two runs is no change: it is not compared. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "core/facts.h"
#include "core/finding.h"
#include "core/flow.h"
#include "core/ied.h"
#include "core/kinds.h"
#include "core/shard.h"
#include "core/summary_parts.h"
#include "dissectors/iec61850_report.h"
#include "dissectors/mms.h"
#include "dissectors/mms_data.h"
#include "util/json.h"
#include "util/stats.h"

#define DRIFT_ACSI_PER_FLOW 16 /* ACSI names remembered per association (more: looked up) */
#define DRIFT_LIVE_CHECK_US 60000000
#define DRIFT_LIST_MAX 16 /* dataset members named in a finding's details */

static struct fact_table now_facts;
static const struct fact_table *base;
static char base_name[300];
static bool collect, live, active;
static int flow_slot = -1, txn_slot = -1;
static int64_t last_check;
static uint64_t reported_dropped;
enum { C_NEW_IED, C_MISSING_IED, C_NEW_CLIENT, C_NEW_SERVICE, C_IDENTITY, C_CONFREV, C_DATASET, C_RCB, C_COUNT };
static uint32_t counts[C_COUNT]; /* findings made, by kind (for the summary block) */

/* What one association already put in the table, so the per-PDU cost is a bit
 * test, not a hash lookup. */
struct drift_flow {
	bool seen;
	char ied[FACT_IED_LEN];
	char client[FACT_CLIENT_LEN];
	uint64_t svc[2];                       /* service tags 0..127 */
	const char *acsi[DRIFT_ACSI_PER_FLOW]; /* the dissector's static names */
	uint8_t n_acsi;
};

void drift_configure(bool collect_facts, const struct fact_table *baseline, const char *name, bool live_run)
{
	collect = collect_facts;
	base = baseline;
	live = live_run;
	active = collect || base;
	snprintf(base_name, sizeof(base_name), "%s", name ? name : "");
}

static void namplt_release(struct mms_txn *t, void *state);

static void drift_init(void)
{
	flow_slot = bus_flow_slot("drift");
	txn_slot = bus_txn_slot("drift", namplt_release);
	facts_init(&now_facts, FACTS_MAX);
}

static bool base_knows(enum fact_kind k)
{
	return base && (base->kinds & (1u << k));
}

static struct fact *put(enum fact_kind k, const char *ied, const char *client, const char *name, const char *value,
			bool *changed)
{
	struct fact *f = facts_put(&now_facts, k, ied, client, name, value, changed);
	if (now_facts.dropped > reported_dropped) {
		stat_add(STAT_drift_facts_full, now_facts.dropped - reported_dropped);
		reported_dropped = now_facts.dropped;
	}
	return f;
}

/* A read of NamPlt.swRev or NamPlt.configRev (IEC 61850-7-4 LPL, FC DC): which
 * of the request's variables they are, for its answer. Only these direct reads:
 * a whole NamPlt comes back as a structure whose members are positional, and
 * which optional ones are present is not in the answer. */
#define NAMPLT_WANT 4
struct namplt_req {
	uint8_t n;
	struct {
		uint16_t obj;
		char name[96];
	} want[NAMPLT_WANT];
};

static void namplt_release(struct mms_txn *t, void *state)
{
	(void)t;
	free(state);
}

static bool ends_with(struct bview v, const char *tail)
{
	size_t n = strlen(tail);
	return v.len >= n && !memcmp(v.p + v.len - n, tail, n);
}

static void namplt_request(struct mms_txn *t, const struct mms_pdu *pdu)
{
	struct namplt_req *r = NULL;
	for (uint16_t i = 0; i < pdu->n_objs; i++) {
		const struct mms_objname *o = &pdu->objs[i];
		if (o->scope != MMS_SCOPE_DOMAIN || o->domain.len > 64 || o->item.len > 40 ||
		    (!ends_with(o->item, "$DC$NamPlt$swRev") && !ends_with(o->item, "$DC$NamPlt$configRev")))
			continue;
		if (!r && !(r = calloc(1, sizeof(*r))))
			return;
		if (r->n == NAMPLT_WANT)
			break;
		/* "LD/LLN0.NamPlt.swRev": the functional constraint is not part of the name */
		const uint8_t *dollar = memchr(o->item.p, '$', o->item.len);
		int ln = dollar ? (int)(dollar - o->item.p) : 0;
		const char *attr = ends_with(o->item, "$swRev") ? "swRev" : "configRev";
		r->want[r->n].obj = i;
		snprintf(r->want[r->n].name, sizeof(r->want[r->n].name), "%.*s/%.*s.NamPlt.%s", (int)o->domain.len,
			 (const char *)o->domain.p, ln, (const char *)o->item.p, attr);
		r->n++;
	}
	if (r)
		t->slot[txn_slot] = r;
}

/* The answer: each wanted variable's value when it is a printable string. */
static void namplt_response(const struct drift_flow *df, const struct mms_txn *t, const struct mms_pdu *pdu)
{
	const struct namplt_req *r = t->slot[txn_slot];
	if (!r || !pdu->has_data)
		return;
	struct rd list = pdu->data;
	struct mms_data d;
	bool done = false;
	for (uint16_t i = 0; mms_data_next(&list, &d, &done) == BER_OK && !done; i++) {
		for (uint8_t w = 0; w < r->n; w++) {
			if (r->want[w].obj != i || (d.tag != MMS_DATA_VISIBLE_STRING && d.tag != MMS_DATA_MMS_STRING) ||
			    d.constructed)
				continue;
			struct bview v = bview_of(&d.val);
			char text[FACT_NAME_LEN];
			if (v.len >= sizeof(text))
				continue;
			bool printable = true;
			for (uint32_t k = 0; k < v.len; k++)
				printable = printable && v.p[k] >= 0x20 && v.p[k] < 0x7f;
			if (!printable)
				continue; /* not a revision string anyone wrote: not kept */
			memcpy(text, v.p, v.len);
			text[v.len] = 0;
			put(FACT_IDENTITY, df->ied, "", r->want[w].name, text, NULL);
		}
	}
}

/* ---- findings --------------------------------------------------------------- */

static struct finding *open_on(const char *kind, const char *ied_key, const char *object, const char *client,
			       const struct flow *fl, int64_t now)
{
	struct endpoint ep;
	if (!fact_ied_endpoint(ied_key, &ep))
		return NULL;
	struct finding *fd = finding_open(kind, &ep, object, now);
	if (!fd)
		return NULL;
	if (!fd->count) {
		const struct finding_kind *k = finding_kind_find(kind);
		fd->severity = k ? k->severity : SEV_LOW;
	}
	if (fl)
		finding_set_flow(fd, fl);
	if (client && client[0] && fl) {
		endpoint_client(fl, &fd->client);
		fd->has_client = true;
	}
	return fd;
}

static void details_base(struct jw *w)
{
	jw_obj(w, NULL);
	jw_str(w, "baseline", base_name);
}

static void commit(struct finding *fd, struct jw *w, int64_t now, int which)
{
	finding_details_end(w, fd);
	finding_commit(fd, now);
	counts[which]++;
}

/* A service that changes the IED (a write, a control, a file transfer, a dataset
 * or setting group change) seen for the first time matters more than a new read. */
static bool changes_ied(enum fact_kind k, const char *name)
{
	static const char *const mms[] = { "write",
					   "fileOpen",
					   "fileRead",
					   "fileRename",
					   "fileDelete",
					   "obtainFile",
					   "defineNamedVariableList",
					   "deleteNamedVariableList",
					   NULL };
	if (k == FACT_SERVICE) {
		for (int i = 0; mms[i]; i++)
			if (!strcmp(name, mms[i]))
				return true;
		return false;
	}
	return !strncmp(name, "Set", 3) || !strncmp(name, "Select", 6) || !strcmp(name, "Operate") ||
		!strcmp(name, "TimeActivatedOperate") || !strcmp(name, "Cancel") || !strcmp(name, "GetFile") ||
		!strcmp(name, "DeleteFile") || !strcmp(name, "CreateDataSet") || !strcmp(name, "DeleteDataSet");
}

/* A presence fact just appeared in this run: is it new since the baseline? */
static void check_presence(const struct fact *f, const struct flow *fl, int64_t now)
{
	if (!base_knows((enum fact_kind)f->kind))
		return;
	char ied_text[96];
	struct endpoint ep;
	if (!fact_ied_endpoint(f->ied, &ep))
		return;
	endpoint_text(&ep, ied_text, sizeof(ied_text));
	struct finding *fd;
	struct jw w;
	switch (f->kind) {
	case FACT_IED:
		if (facts_find(base, FACT_IED, f->ied, "", ""))
			return;
		if (!(fd = open_on("drift_new_ied", f->ied, "", NULL, fl, now)))
			return;
		finding_summary(fd, "IED %s speaks MMS; the baseline never saw it.", ied_text);
		jw_init(&w, fd->details, sizeof(fd->details) - 1);
		details_base(&w);
		commit(fd, &w, now, C_NEW_IED);
		return;
	case FACT_CLIENT:
		if (facts_find(base, FACT_CLIENT, f->ied, f->client, ""))
			return;
		if (!(fd = open_on("drift_new_client", f->ied, f->client, f->client, fl, now)))
			return;
		finding_summary(fd, "%s talks MMS to %s, which it never did in the baseline%s.", f->client, ied_text,
				facts_find(base, FACT_IED, f->ied, "", "") ? "" : " (a new IED)");
		jw_init(&w, fd->details, sizeof(fd->details) - 1);
		details_base(&w);
		jw_str(&w, "client", f->client);
		jw_bool(&w, "new_ied", !facts_find(base, FACT_IED, f->ied, "", ""));
		commit(fd, &w, now, C_NEW_CLIENT);
		return;
	case FACT_SERVICE:
	case FACT_ACSI: {
		/* A new client's services are its drift_new_client; only a known pair
		 * (client, IED) can start using a service it never used. */
		if (!facts_find(base, FACT_CLIENT, f->ied, f->client, "") ||
		    facts_find(base, (enum fact_kind)f->kind, f->ied, f->client, f->name))
			return;
		char object[FINDING_OBJECT_MAX];
		snprintf(object, sizeof(object), "%s %s", f->client, f->name);
		if (!(fd = open_on("drift_new_service", f->ied, object, f->client, fl, now)))
			return;
		if (!fd->count && changes_ied((enum fact_kind)f->kind, f->name))
			fd->severity = SEV_MEDIUM;
		finding_summary(fd, "%s uses %s %s with %s for the first time since the baseline.", f->client,
				f->kind == FACT_ACSI ? "ACSI" : "MMS", f->name, ied_text);
		jw_init(&w, fd->details, sizeof(fd->details) - 1);
		details_base(&w);
		jw_str(&w, "client", f->client);
		jw_str(&w, f->kind == FACT_ACSI ? "acsi" : "service", f->name);
		commit(fd, &w, now, C_NEW_SERVICE);
		return;
	}
	default:
		return;
	}
}

/* ---- presence facts, from the events -------------------------------------------- */

static void drift_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at)
{
	if (!active || flow_slot < 0)
		return;
	struct drift_flow *df = f->slot[flow_slot];
	const struct mms_pdu *p = e->pdu;
	bool read_response = dir == 1 && p->type == MMS_CONFIRMED_RESPONSE && e->txn && p->service == MMS_SVC_READ;
	/* A connection is put once, at its first PDU (df made and seen at once);
	 * after that only the client's requests and the IED's read responses say
	 * more. The rest (the IED's reports: most PDUs) leave df unread: with
	 * hundreds of IEDs it is seldom in cache. */
	if (df && !read_response && !(dir == 0 && p->type == MMS_CONFIRMED_REQUEST))
		return;
	if (!df) {
		if (!(df = calloc(1, sizeof(*df))))
			return;
		f->slot[flow_slot] = df;
	}
	bool changed;
	struct fact *fa;
	if (!df->seen) {
		struct endpoint ep;
		df->seen = true;
		endpoint_server(f, &ep);
		fact_ied_key(&ep, df->ied, sizeof(df->ied));
		flow_client_ip(f, df->client, sizeof(df->client));
		if ((fa = put(FACT_IED, df->ied, "", "", "", &changed)) && changed)
			check_presence(fa, f, at->ts_us);
		if ((fa = put(FACT_CLIENT, df->ied, df->client, "", "", &changed)) && changed)
			check_presence(fa, f, at->ts_us);
	}
	if (read_response)
		namplt_response(df, e->txn, e->pdu);
	if (dir != 0 || e->pdu->type != MMS_CONFIRMED_REQUEST)
		return;
	if (e->txn && e->pdu->service == MMS_SVC_READ && txn_slot >= 0)
		namplt_request(e->txn, e->pdu);
	int svc = e->pdu->service;
	if (svc >= 0 && svc < 128 && !(df->svc[svc / 64] & (1ull << (svc % 64)))) {
		df->svc[svc / 64] |= 1ull << (svc % 64);
		const char *name = mms_service_name(MMS_CONFIRMED_REQUEST, svc);
		if ((fa = put(FACT_SERVICE, df->ied, df->client, name ? name : "other", "", &changed)) && changed)
			check_presence(fa, f, at->ts_us);
	}
	if (e->acsi) {
		for (uint8_t i = 0; i < df->n_acsi; i++)
			if (df->acsi[i] == e->acsi)
				return;
		if (df->n_acsi < DRIFT_ACSI_PER_FLOW)
			df->acsi[df->n_acsi++] = e->acsi;
		if ((fa = put(FACT_ACSI, df->ied, df->client, e->acsi, "", &changed)) && changed)
			check_presence(fa, f, at->ts_us);
	}
}

static void drift_flow_end(struct flow *f, enum flow_end why, const struct pkt_where *at)
{
	(void)why;
	(void)at;
	if (flow_slot < 0)
		return;
	free(f->slot[flow_slot]);
	f->slot[flow_slot] = NULL;
}

/* ---- value facts, from the IED model ------------------------------------------ */

static const char *const RCB_ATTR_NAME[] = {
	[RCB_RPTID] = "RptID",   [RCB_DATSET] = "DatSet", [RCB_TRGOPS] = "TrgOps",
	[RCB_INTGPD] = "IntgPd", [RCB_BUFTM] = "BufTm",   [RCB_OPTFLDS] = "OptFlds"
};
static const enum rcb_attr SETTINGS[] = { RCB_RPTID, RCB_DATSET, RCB_TRGOPS, RCB_INTGPD, RCB_BUFTM, RCB_OPTFLDS };
#define N_SETTINGS (sizeof(SETTINGS) / sizeof(SETTINGS[0]))

/* An RCB setting as text, the way the baseline spells it; NULL when not known. */
static const char *setting_text(const struct rcb *r, enum rcb_attr a, char *buf, size_t size)
{
	if (!(r->known & (1u << a)))
		return NULL;
	switch (a) {
	case RCB_RPTID:
		return r->rptid;
	case RCB_DATSET:
		return r->datset;
	case RCB_TRGOPS:
		return iec_trg_text(r->trgops, buf, size);
	case RCB_INTGPD:
		snprintf(buf, size, "%u", r->intgpd);
		return buf;
	case RCB_BUFTM:
		snprintf(buf, size, "%u", r->buftm);
		return buf;
	case RCB_OPTFLDS:
		return iec_optflds_text(r->optflds, buf, size);
	default:
		return NULL;
	}
}

static void gather_ied(struct ied *d, void *arg)
{
	bool settings = *(bool *)arg;
	char key[FACT_IED_LEN], name[FACT_NAME_LEN], buf[256];
	fact_ied_key(&d->ep, key, sizeof(key));
	if (!facts_find(&now_facts, FACT_IED, key, "", ""))
		return; /* never spoke MMS in this run */
	if (d->vendor[0])
		put(FACT_IDENTITY, key, "", "vendor", d->vendor, NULL);
	if (d->model[0])
		put(FACT_IDENTITY, key, "", "model", d->model, NULL);
	if (d->revision[0])
		put(FACT_IDENTITY, key, "", "revision", d->revision, NULL);
	for (uint16_t i = 0; i < d->n_rcbs; i++) {
		const struct rcb *r = &d->rcbs[i];
		if (r->known & (1u << RCB_CONFREV)) {
			snprintf(buf, sizeof(buf), "%u", r->confrev);
			put(FACT_CONFREV, key, "", r->ref, buf, NULL);
		}
		for (size_t s = 0; settings && s < N_SETTINGS; s++) {
			const char *v = setting_text(r, SETTINGS[s], buf, sizeof(buf));
			if (!v)
				continue;
			snprintf(name, sizeof(name), "%s %s", r->ref, RCB_ATTR_NAME[SETTINGS[s]]);
			put(FACT_RCB, key, "", name, v, NULL);
		}
	}
	for (uint16_t i = 0; i < d->n_datasets; i++) {
		const struct dataset *ds = &d->datasets[i];
		if (!ds->members)
			continue; /* members never read */
		size_t len = 1;
		for (uint16_t m = 0; m < ds->n_members; m++)
			len += (ds->members[m] ? strlen(ds->members[m]) : 0) + 1;
		char *v = malloc(len);
		if (!v)
			continue;
		size_t used = 0;
		v[0] = 0;
		for (uint16_t m = 0; m < ds->n_members; m++) {
			if (!ds->members[m])
				continue;
			used += (size_t)sprintf(v + used, "%s%s", used ? "," : "", ds->members[m]);
		}
		put(FACT_DATASET, key, "", ds->ref, v, NULL);
		free(v);
	}
}

/* Members in one comma list and not in the other, into the details. */
static void member_diff(struct jw *w, const char *key, const char *from, const char *minus)
{
	jw_arr(w, key);
	unsigned listed = 0;
	for (const char *p = from; *p && listed < DRIFT_LIST_MAX;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		bool found = false;
		for (const char *q = minus; *q && !found;) {
			const char *qe = strchr(q, ',');
			size_t m = qe ? (size_t)(qe - q) : strlen(q);
			found = m == n && !memcmp(p, q, n);
			q = qe ? qe + 1 : q + m;
		}
		if (!found && n < 200) {
			char one[200];
			memcpy(one, p, n);
			one[n] = 0;
			jw_str(w, NULL, one);
			listed++;
		}
		p = end ? end + 1 : p + n;
	}
	jw_arr_end(w);
}

static unsigned members_in(const char *v)
{
	unsigned n = *v ? 1 : 0;
	for (; *v; v++)
		n += *v == ',';
	return n;
}

/* Identity, ConfRev and datasets: this run's value against the baseline's, each
 * fact judged once. */
static void check_values(int64_t now)
{
	for (size_t i = 0; i < now_facts.n; i++) {
		struct fact *f = &now_facts.v[i];
		if (f->flagged || (f->kind != FACT_IDENTITY && f->kind != FACT_CONFREV && f->kind != FACT_DATASET) ||
		    !base_knows((enum fact_kind)f->kind))
			continue;
		const struct fact *b = facts_find(base, (enum fact_kind)f->kind, f->ied, "", f->name);
		if (!b || !b->value[0] || !f->value[0] || !strcmp(b->value, f->value))
			continue; /* seen in one run only, or the same */
		f->flagged = true;
		const char *kind = f->kind == FACT_IDENTITY ? "drift_identity_changed"
			: f->kind == FACT_CONFREV           ? "drift_confrev_changed"
							    : "drift_dataset_changed";
		struct finding *fd = open_on(kind, f->ied, f->name, NULL, NULL, now);
		if (!fd)
			continue;
		struct jw w;
		jw_init(&w, fd->details, sizeof(fd->details) - 1);
		details_base(&w);
		if (f->kind == FACT_DATASET) {
			finding_summary(fd, "Dataset %s has other members than in the baseline (%u, were %u).", f->name,
					members_in(f->value), members_in(b->value));
			jw_str(&w, "dataset", f->name);
			jw_u64(&w, "baseline_members", members_in(b->value));
			jw_u64(&w, "members", members_in(f->value));
			member_diff(&w, "added", f->value, b->value);
			member_diff(&w, "removed", b->value, f->value);
			commit(fd, &w, now, C_DATASET);
		} else {
			bool id = f->kind == FACT_IDENTITY;
			finding_summary(fd, "%s %s is %s; it was %s in the baseline.", id ? "Identify" : "ConfRev of",
					f->name, f->value, b->value);
			jw_str(&w, id ? "attribute" : "rcb", f->name);
			jw_str(&w, "baseline_value", b->value);
			jw_str(&w, "value", f->value);
			commit(fd, &w, now, id ? C_IDENTITY : C_CONFREV);
		}
	}
}

/* RCB settings, one finding per RCB naming every setting that moved. */
static void check_rcb_settings(struct ied *d, void *arg)
{
	int64_t now = *(int64_t *)arg;
	char key[FACT_IED_LEN], name[FACT_NAME_LEN];
	fact_ied_key(&d->ep, key, sizeof(key));
	if (!facts_find(&now_facts, FACT_IED, key, "", ""))
		return;
	for (uint16_t i = 0; i < d->n_rcbs; i++) {
		const struct rcb *r = &d->rcbs[i];
		struct finding *fd = NULL;
		struct jw w;
		char moved[200] = "";
		for (size_t s = 0; s < N_SETTINGS; s++) {
			snprintf(name, sizeof(name), "%s %s", r->ref, RCB_ATTR_NAME[SETTINGS[s]]);
			const struct fact *f = facts_find(&now_facts, FACT_RCB, key, "", name);
			const struct fact *b = facts_find(base, FACT_RCB, key, "", name);
			if (!f || !b || !strcmp(f->value, b->value))
				continue;
			if (!fd) {
				if (!(fd = open_on("drift_rcb_settings_changed", key, r->ref, NULL, NULL, now)))
					return;
				jw_init(&w, fd->details, sizeof(fd->details) - 1);
				details_base(&w);
				jw_str(&w, "rcb", r->ref);
				jw_arr(&w, "changes");
			}
			jw_obj(&w, NULL);
			jw_str(&w, "attribute", RCB_ATTR_NAME[SETTINGS[s]]);
			jw_str(&w, "baseline_value", b->value);
			jw_str(&w, "value", f->value);
			jw_obj_end(&w);
			size_t used = strlen(moved);
			snprintf(moved + used, sizeof(moved) - used, "%s%s", used ? ", " : "",
				 RCB_ATTR_NAME[SETTINGS[s]]);
		}
		if (fd) {
			jw_arr_end(&w);
			finding_summary(fd, "RCB %s has other settings than in the baseline: %s.", r->ref, moved);
			commit(fd, &w, now, C_RCB);
		}
	}
}

static uint32_t stamp_written; /* facts stamped from here on are not in a record yet */

static void facts_out(int64_t now)
{
	if (!collect)
		return;
	struct record r;
	memset(&r, 0, sizeof(r));
	r.kind = REC_FACTS;
	r.at.ts_us = now;
	r.u.facts.facts = &now_facts;
	r.u.facts.since = stamp_written;
	bus_record(&r);
	stamp_written = ++now_facts.stamp;
}

static void drift_tick(int64_t now)
{
	if (!active || !live)
		return;
	if (!last_check)
		last_check = now;
	if (now - last_check < DRIFT_LIVE_CHECK_US)
		return;
	last_check = now;
	bool settings = false; /* RCB settings move during a run: judged at the end */
	ied_foreach(gather_ied, &settings);
	if (base)
		check_values(now);
	facts_out(now);
}

static void drift_finish(int64_t now)
{
	if (!active)
		return;
	bool settings = true;
	ied_foreach(gather_ied, &settings);
	if (base) {
		check_values(now);
		if (base_knows(FACT_RCB))
			ied_foreach(check_rcb_settings, &now);
		for (size_t i = 0; base_knows(FACT_IED) && i < base->n; i++) {
			const struct fact *b = &base->v[i];
			if (b->kind != FACT_IED || facts_find(&now_facts, FACT_IED, b->ied, "", ""))
				continue;
			struct endpoint ep;
			char ied_text[96];
			/* with --shard, an IED of another shard is that process's to miss */
			if (!fact_ied_endpoint(b->ied, &ep) || !shard_holds_ied(ep.ip, ep.ipver))
				continue;
			endpoint_text(&ep, ied_text, sizeof(ied_text));
			struct finding *fd = open_on("drift_missing_ied", b->ied, "", NULL, NULL, now);
			if (!fd)
				continue;
			finding_summary(fd, "IED %s spoke MMS in the baseline and not in this run.", ied_text);
			struct jw w;
			jw_init(&w, fd->details, sizeof(fd->details) - 1);
			details_base(&w);
			commit(fd, &w, now, C_MISSING_IED);
		}
	}
	facts_out(now);
}

_Static_assert(C_COUNT == DRIFT_PRINT_COUNTS, "drift_print_line's counts are drift.c's C_*");

void drift_print_line(FILE *out, const char *baseline, const uint64_t *n)
{
	fprintf(out,
		"drift since %s: %llu new IED%s, %llu missing, %llu new client%s, %llu new service%s, %llu identity, "
		"%llu ConfRev, %llu dataset and %llu RCB settings change%s\n",
		baseline, (unsigned long long)n[C_NEW_IED], n[C_NEW_IED] == 1 ? "" : "s",
		(unsigned long long)n[C_MISSING_IED], (unsigned long long)n[C_NEW_CLIENT],
		n[C_NEW_CLIENT] == 1 ? "" : "s", (unsigned long long)n[C_NEW_SERVICE], n[C_NEW_SERVICE] == 1 ? "" : "s",
		(unsigned long long)n[C_IDENTITY], (unsigned long long)n[C_CONFREV], (unsigned long long)n[C_DATASET],
		(unsigned long long)n[C_RCB], n[C_RCB] == 1 ? "" : "s");
}

static void drift_print(FILE *out)
{
	if (!base)
		return;
	uint64_t n[C_COUNT];
	for (int i = 0; i < C_COUNT; i++)
		n[i] = counts[i];
	if (summary_parts()) {
		parts_text(out, "base", base_name);
		for (int i = 0; i < C_COUNT; i++) {
			char name[8];
			snprintf(name, sizeof(name), "%d", i);
			parts_sum(out, name, n[i]);
		}
		return;
	}
	drift_print_line(out, base_name, n);
}

static void drift_free(void)
{
	facts_free(&now_facts);
	memset(counts, 0, sizeof(counts));
	reported_dropped = 0;
	stamp_written = 0;
	last_check = 0;
}

const struct analyzer drift_analyzer = {
	.name = "drift",
	.init = drift_init,
	.mms = drift_mms,
	.flow_end = drift_flow_end,
	.tick = drift_tick,
	.finish = drift_finish,
	.print = drift_print,
	.free = drift_free,
	.print_rank = 90,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scl_checks.c - the traffic checked against the engineered design (the SCL files
 * given with --scl, core/scl.h). Registered only when a design is loaded.
 *
 * What the design says and what the wire shows are compared where the wire shows
 * it, and only there: an IED's identity (the MMS domains its server confirms),
 * its OSI addressing (what a client calls it with), its RCBs (names, ConfRev,
 * settings, who enables them), its datasets (member count and names) and its
 * GOOSE/SV publications. Nothing is judged from a client's request alone when the
 * server's answer decides: a domain counts once the server confirmed it (a
 * directory answer, a report, a successful read or write), a setting once it was
 * read back or its write succeeded.
 *
 * It runs after the report analyzer (pipeline.c), so the IED model (core/ied.h)
 * already holds what the current PDU taught, and the report analyzer's request
 * (analyze.h: an_request_of) still hangs on the transaction of an answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "core/finding.h"
#include "core/ied.h"
#include "core/rules.h"
#include "core/scl.h"
#include "core/shard.h"
#include "dissectors/acse.h"
#include "dissectors/cotp.h"
#include "dissectors/goose_sv.h"
#include "dissectors/iec61850_report.h"
#include "dissectors/mms.h"
#include "dissectors/mms_data.h"
#include "dissectors/pres.h"
#include "dissectors/session.h"
#include "util/fnv.h"
#include "util/json.h"

/* Flagged once per run and IED, whatever the aggregation window: datasets and
 * RCB settings differ for as long as the IED runs that configuration. */
#define SC_FLAGGED_MAX 64
/* Recent GOOSE/SV streams already judged (APPID, VLAN, id hash). */
#define SC_L2_SEEN_MAX 256
/* IED names listed in the one scl_ied_silent finding. */
#define SC_SILENT_LISTED 100

/* ---- per IED ----------------------------------------------------------------- */

struct sc_ied {
	bool looked;                        /* design address looked up */
	const struct scl_access_addr *addr; /* the ConnectedAP at this address */
	bool unknown_flagged, mismatch_flagged;
	uint16_t n_flagged;
	const void *flagged[SC_FLAGGED_MAX]; /* design datasets / RCBs already said */
	uint8_t flagged_what[SC_FLAGGED_MAX];
	/* Per RCB of the IED model (IED_MAX_RCBS), the attributes a client wrote
	 * with success: a later read-back still says the setting was set online.
	 * Allocated at the first successful RCB write. */
	uint32_t *written;
};

enum { FL_DATASET = 1, FL_CONFREV = 2 };

static int sc_ied_slot = -1, sc_flow_slot = -1, sc_txn_slot = -1;

static struct sc_ied *sc_of(struct ied *d)
{
	if (!d)
		return NULL;
	struct sc_ied *s = d->slot[sc_ied_slot];
	if (!s) {
		s = calloc(1, sizeof(*s));
		d->slot[sc_ied_slot] = s;
	}
	return s;
}

static const struct scl_access_addr *design_addr(struct ied *d, struct sc_ied *s)
{
	if (!s->looked) {
		s->looked = true;
		s->addr = scl_addr_by_endpoint(g_scl, &d->ep);
	}
	return s->addr;
}

static bool flagged(struct sc_ied *s, const void *what, uint8_t kind)
{
	for (uint16_t i = 0; i < s->n_flagged; i++)
		if (s->flagged[i] == what && s->flagged_what[i] == kind)
			return true;
	if (s->n_flagged < SC_FLAGGED_MAX) {
		s->flagged[s->n_flagged] = what;
		s->flagged_what[s->n_flagged++] = kind;
	}
	return false;
}

/* ---- small helpers ---------------------------------------------------------- */

static void view_str(struct bview v, char *buf, size_t size)
{
	size_t n = v.len < size - 1 ? v.len : size - 1;
	for (size_t i = 0; i < n; i++)
		buf[i] = (v.p[i] >= 0x20 && v.p[i] < 0x7f) ? (char)v.p[i] : '?';
	buf[n] = 0;
}

static void hex_text(const uint8_t *b, size_t n, char *buf, size_t size)
{
	size_t k = 0;
	buf[0] = 0;
	for (size_t i = 0; i < n && k + 3 <= size; i++)
		k += (size_t)snprintf(buf + k, size - k, "%02x", b[i]);
}

/* "LD/LLN0$RP$EventsRCB01" for display: "LD/LLN0.RP.EventsRCB01". */
static void dotted(const char *ref, char *buf, size_t size)
{
	snprintf(buf, size, "%s", ref);
	for (char *p = buf; *p; p++)
		if (*p == '$')
			*p = '.';
}

static struct finding *open_on(const char *kind, uint8_t sev, struct flow *f, struct ied *d, const char *object,
			       const struct pkt_where *at)
{
	struct finding *fd;
	if (f) {
		fd = finding_open_on_flow(kind, sev, f, object, at->ts_us);
	} else {
		fd = finding_open(kind, &d->ep, object, at->ts_us);
		if (fd && !fd->count)
			fd->severity = sev;
	}
	if (fd)
		finding_evidence(fd, at);
	return fd;
}

/* ---- identity: unknown IED, another IED's domains ----------------------------- */

static void identity_first_pdu(struct flow *f, struct ied *d, struct sc_ied *s, const struct pkt_where *at)
{
	if (s->unknown_flagged || design_addr(d, s))
		return;
	s->unknown_flagged = true;
	char ep[64];
	endpoint_text(&d->ep, ep, sizeof(ep));
	struct finding *fd = open_on("scl_unknown_ied", SEV_MEDIUM, f, d, "", at);
	if (!fd)
		return;
	finding_summary(fd,
			"The MMS server %s is at an address no ConnectedAP of the loaded SCL has: "
			"a device the design does not know, or an IED at another address than engineered.",
			ep);
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "address", ep);
	jw_u64(&w, "design_ieds", scl_ied_count(g_scl));
	finding_details_end(&w, fd);
	finding_commit(fd, at->ts_us);
}

/* A domain the server confirmed: is it one of the expected IED's LDevices? */
static void domain_confirmed(struct flow *f, struct ied *d, const char *domain, const struct pkt_where *at)
{
	struct sc_ied *s = sc_of(d);
	if (!s || !domain[0])
		return;
	const struct scl_access_addr *a = design_addr(d, s);
	if (!a || s->mismatch_flagged)
		return;
	const struct scl_ldevice *ld = scl_ld_by_domain(g_scl, domain);
	if (ld && ld->ied == a->ied)
		return;
	/* Once per address: the first domain that is not the expected IED's says it. */
	s->mismatch_flagged = true;
	char ep[64];
	endpoint_text(&d->ep, ep, sizeof(ep));
	struct finding *fd = open_on("scl_ied_mismatch", SEV_HIGH, f, d, "", at);
	if (!fd)
		return;
	const char *other = ld && ld->ied ? ld->ied->name : NULL;
	finding_summary(fd,
			"The server at %s, where the design puts IED %s, answers with domain %s%s%s%s: "
			"another IED's configuration is loaded there, or addresses were swapped.",
			ep, a->ied->name, domain, other ? " (IED " : "", other ? other : "", other ? ")" : "");
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "address", ep);
	jw_str(&w, "expected_ied", a->ied->name);
	jw_arr(&w, "expected_domains");
	for (uint32_t i = 0; i < a->ied->n_lds && i < 16; i++)
		jw_str(&w, NULL, a->ied->lds[i].domain);
	jw_arr_end(&w);
	jw_arr(&w, "domains_seen");
	for (uint16_t i = 0; i < d->n_lds && i < 16; i++)
		jw_str(&w, NULL, d->lds[i]);
	bool listed = false;
	for (uint16_t i = 0; i < d->n_lds; i++)
		if (!strcmp(d->lds[i], domain))
			listed = true;
	if (!listed)
		jw_str(&w, NULL, domain);
	jw_arr_end(&w);
	if (other)
		jw_str(&w, "domain_belongs_to", other);
	else
		jw_null(&w, "domain_belongs_to");
	finding_details_end(&w, fd);
	finding_commit(fd, at->ts_us);
}

/* ---- ConfRev ------------------------------------------------------------------ */

static void confrev_check(struct flow *f, struct ied *d, const struct scl_rcb *dr, const char *rcb_disp, uint32_t seen,
			  const char *where, const struct pkt_where *at)
{
	if (!dr->has_conf_rev || dr->conf_rev == seen)
		return;
	struct finding *fd = open_on("scl_confrev_mismatch", SEV_HIGH, f, d, rcb_disp, at);
	if (!fd)
		return;
	finding_summary(fd,
			"%s carries ConfRev %u, the design says %u: the IED runs another configuration "
			"revision of this report than the SCL.",
			rcb_disp, seen, dr->conf_rev);
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "rcb", rcb_disp);
	jw_str(&w, "ied", dr->ln && dr->ln->ld && dr->ln->ld->ied ? dr->ln->ld->ied->name : "");
	jw_u64(&w, "expected", dr->conf_rev);
	jw_u64(&w, "seen", seen);
	jw_str(&w, "seen_in", where);
	finding_details_end(&w, fd);
	finding_commit(fd, at->ts_us);
}

/* ---- datasets ------------------------------------------------------------------- */

static void dataset_mismatch(struct flow *f, struct ied *d, const struct scl_dataset *ds, uint32_t seen_count,
			     const char *const *seen_members, uint32_t n_seen_members, const char *how,
			     const struct pkt_where *at)
{
	struct sc_ied *s = sc_of(d);
	if (!s || flagged(s, ds, FL_DATASET))
		return;
	char obj[200];
	dotted(ds->ref, obj, sizeof(obj));
	struct finding *fd = open_on("scl_dataset_mismatch", SEV_HIGH, f, d, obj, at);
	if (!fd)
		return;
	finding_summary(fd,
			"Dataset %s has %u member%s on the IED (%s), the design %u%s: reports of it cannot "
			"be read as engineered.",
			obj, seen_count, seen_count == 1 ? "" : "s", how, ds->n_fcdas,
			seen_count == ds->n_fcdas ? ", and other members" : "");
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "dataset", ds->ref);
	jw_str(&w, "seen_in", how);
	jw_u64(&w, "expected_members", ds->n_fcdas);
	jw_u64(&w, "seen_members", seen_count);
	if (seen_members) {
		/* The members that differ, by position: designed vs seen. */
		jw_arr(&w, "differences");
		uint32_t n = seen_count > ds->n_fcdas ? seen_count : ds->n_fcdas, listed = 0;
		for (uint32_t i = 0; i < n && listed < 16; i++) {
			char exp[200] = "", got[200] = "";
			if (i < ds->n_fcdas)
				snprintf(exp, sizeof(exp), "%s/%s", ds->fcdas[i].domain, ds->fcdas[i].item);
			if (i < n_seen_members && seen_members[i])
				snprintf(got, sizeof(got), "%s", seen_members[i]);
			if (!strcmp(exp, got))
				continue;
			listed++;
			jw_obj(&w, NULL);
			jw_u64(&w, "index", i);
			if (exp[0])
				jw_str(&w, "expected", exp);
			else
				jw_null(&w, "expected");
			if (got[0])
				jw_str(&w, "seen", got);
			else
				jw_null(&w, "seen");
			jw_obj_end(&w);
		}
		jw_arr_end(&w);
	} else {
		jw_arr(&w, "expected");
		for (uint32_t i = 0; i < ds->n_fcdas && i < 32; i++)
			jw_str(&w, NULL, ds->fcdas[i].display);
		jw_arr_end(&w);
	}
	finding_details_end(&w, fd);
	finding_commit(fd, at->ts_us);
}

/* GetNamedVariableListAttributes answered: the members, in order. */
static void nvl_answer(struct flow *f, struct ied *d, const struct mms_pdu *p, const char *ref,
		       const struct pkt_where *at)
{
	const struct scl_dataset *ds = scl_dataset_by_ref(g_scl, NULL, ref);
	if (!ds)
		return; /* a dataset the design does not have: a client's own, or none */
	uint32_t n = p->n_objs;
	static char names[IED_MAX_DATASET_MEMBERS][200];
	static const char *ptrs[IED_MAX_DATASET_MEMBERS];
	uint32_t kept = n < IED_MAX_DATASET_MEMBERS ? n : IED_MAX_DATASET_MEMBERS;
	bool same = n == ds->n_fcdas;
	for (uint32_t i = 0; i < kept; i++) {
		char dom[65], item[130];
		view_str(p->objs[i].domain, dom, sizeof(dom));
		view_str(p->objs[i].item, item, sizeof(item));
		snprintf(names[i], sizeof(names[i]), "%s/%s", dom, item);
		ptrs[i] = names[i];
		if (same && (strcmp(dom, ds->fcdas[i].domain) || strcmp(item, ds->fcdas[i].item)))
			same = false;
	}
	if (!same)
		dataset_mismatch(f, d, ds, n, ptrs, kept, "GetNamedVariableListAttributes", at);
}

/* ---- RCB look-up ----------------------------------------------------------------- */

/* "LD/LLN0$RP$EventsRCB01[$Attr]" -> the design's RCB instance (NULL: none). */
static const struct scl_rcb *design_rcb(const char *mms_ref, struct scl_rcb_match *m, bool *in_design_ld)
{
	char buf[200];
	snprintf(buf, sizeof(buf), "%s", mms_ref);
	char *slash = strchr(buf, '/');
	*in_design_ld = false;
	memset(m, 0, sizeof(*m));
	if (!slash)
		return NULL;
	*slash = 0;
	*in_design_ld = scl_ld_by_domain(g_scl, buf) != NULL;
	char *fc = strstr(slash + 1, "$RP$");
	if (!fc)
		fc = strstr(slash + 1, "$BR$");
	if (!fc)
		return NULL;
	char *attr = strchr(fc + 4, '$');
	if (attr)
		*attr = 0;
	return scl_rcb_by_ref(g_scl, buf, slash + 1, m);
}

/* The design's RCB a report came from: the observed RCB with that RptID (and
 * DatSet), else the design's RCBs of the expected IED carrying that RptID. */
static const struct scl_rcb *report_rcb(struct ied *d, const struct scl_access_addr *a, const char *rptid,
					const char *datset, char *disp, size_t dsize)
{
	for (uint16_t i = 0; i < d->n_rcbs; i++) {
		const struct rcb *r = &d->rcbs[i];
		if (!(r->known & (1u << RCB_RPTID)) || strcmp(r->rptid, rptid))
			continue;
		if (datset[0] && (r->known & (1u << RCB_DATSET)) && strcmp(r->datset, datset))
			continue;
		struct scl_rcb_match m;
		bool in_ld;
		const struct scl_rcb *dr = design_rcb(r->ref, &m, &in_ld);
		if (dr) {
			dotted(r->ref, disp, dsize);
			return dr;
		}
	}
	if (!a)
		return NULL;
	for (uint32_t l = 0; l < a->ied->n_lds; l++) {
		const struct scl_ldevice *ld = &a->ied->lds[l];
		for (uint32_t k = 0; k < ld->n_rcbs; k++) {
			const struct scl_rcb *dr = &ld->rcbs[k];
			char item[120], ref[200];
			scl_rcb_instance_item(dr, dr->indexed ? 1 : 0, item, sizeof(item));
			snprintf(ref, sizeof(ref), "%s/%s", ld->domain, item);
			bool rid = dr->rpt_id[0] ? !strcmp(dr->rpt_id, rptid) : !strncmp(ref, rptid, strlen(rptid));
			if (!rid)
				continue;
			if (datset[0] && dr->dataset && strcmp(dr->dataset->ref, datset))
				continue;
			/* The instance is not known from a report alone: name the RCB. */
			char base[200];
			snprintf(base, sizeof(base), "%s/%s$%s$%s", ld->domain, dr->ln ? dr->ln->name : "LLN0",
				 dr->buffered ? "BR" : "RP", dr->name);
			dotted(base, disp, dsize);
			return dr;
		}
	}
	return NULL;
}

/* ---- reports -------------------------------------------------------------------- */

static void report_seen(struct flow *f, struct ied *d, const struct mms_event *e, const struct pkt_where *at)
{
	bool replay;
	const struct iec_report *rep = reports_current(e, &replay); /* decoded once, by reports.c */
	if (!rep)
		return;
	struct sc_ied *s = sc_of(d);
	if (!s)
		return;
	const struct scl_access_addr *a = design_addr(d, s);
	char rptid[70], datset[170] = "";
	view_str(rep->rptid, rptid, sizeof(rptid));
	if (rep->has_datset) {
		view_str(rep->datset, datset, sizeof(datset));
		char dom[70];
		snprintf(dom, sizeof(dom), "%s", datset);
		char *slash = strchr(dom, '/');
		if (slash) {
			*slash = 0;
			domain_confirmed(f, d, dom, at);
		}
	}
	char disp[200];
	const struct scl_rcb *dr = report_rcb(d, a, rptid, datset, disp, sizeof(disp));
	if (!dr)
		return;
	if (rep->has_confrev && !flagged(s, dr, FL_CONFREV))
		confrev_check(f, d, dr, disp, rep->confrev, "report", at);
	const struct scl_dataset *ds = dr->dataset;
	if (datset[0])
		ds = scl_dataset_by_ref(g_scl, NULL, datset);
	if (ds && rep->n_dataset && rep->n_dataset != ds->n_fcdas)
		dataset_mismatch(f, d, ds, rep->n_dataset, NULL, 0, "report inclusion bit-string", at);
}

/* ---- RCB settings, clients, unknown RCBs ------------------------------------------ */

static const char *const ATTR_NAMES[RCB_ATTR_COUNT] = {
	"RptID",  "RptEna", "Resv", "DatSet",   "ConfRev", "OptFlds",     "BufTm",   "SqNum",
	"TrgOps", "IntgPd", "GI",   "PurgeBuf", "EntryID", "TimeOfEntry", "ResvTms", "Owner",
};

/* The ReportSettings entry that governs an attribute, -1 none. */
static int rs_of(uint8_t attr)
{
	switch (attr) {
	case RCB_RPTID:
		return SCL_RS_RPTID;
	case RCB_DATSET:
		return SCL_RS_DATSET;
	case RCB_OPTFLDS:
		return SCL_RS_OPTFIELDS;
	case RCB_BUFTM:
		return SCL_RS_BUFTIME;
	case RCB_TRGOPS:
		return SCL_RS_TRGOPS;
	case RCB_INTGPD:
		return SCL_RS_INTGPD;
	default:
		return -1;
	}
}

/* OptFlds bits the design speaks of (SCL OptFields): sequence number to
 * conf-revision, and segmentation. Bit 0 is reserved. */
#define OPTFLDS_DESIGN_MASK 0x03fe

static void trg_text(uint8_t mask, char *buf, size_t size)
{
	iec_trg_text(mask, buf, size);
}

static void optflds_text(uint16_t v, char *buf, size_t size)
{
	static const char *const names[] = { "",        "seqNum",  "timeStamp", "reasonCode", "dataSet",
					     "dataRef", "bufOvfl", "entryID",   "configRef",  "segmentation" };
	size_t k = 0;
	buf[0] = 0;
	for (int b = 1; b <= 9; b++)
		if (v & (1u << b))
			k += (size_t)snprintf(buf + k, k < size ? size - k : 0, "%s%s", k ? "," : "", names[b]);
}

/* One setting: does the observed value differ from the design? Texts for both. */
static bool setting_differs(const struct scl_rcb *dr, const struct rcb *r, uint8_t attr, char *exp, char *got,
			    size_t size)
{
	switch (attr) {
	case RCB_RPTID: {
		if (!dr->rpt_id[0])
			return false; /* the design leaves it to the IED (its own reference) */
		snprintf(exp, size, "%s", dr->rpt_id);
		snprintf(got, size, "%s", r->rptid);
		return strcmp(exp, got) != 0;
	}
	case RCB_DATSET:
		snprintf(exp, size, "%s", dr->dataset ? dr->dataset->ref : "");
		snprintf(got, size, "%s", r->datset);
		if (!dr->dataset)
			return dr->datset[0] ? false : got[0] != 0;
		return strcmp(exp, got) != 0;
	case RCB_TRGOPS:
		trg_text(dr->trgops, exp, size);
		trg_text(r->trgops, got, size);
		return dr->trgops != r->trgops;
	case RCB_OPTFLDS:
		optflds_text(dr->optflds & OPTFLDS_DESIGN_MASK, exp, size);
		optflds_text(r->optflds & OPTFLDS_DESIGN_MASK, got, size);
		return (dr->optflds & OPTFLDS_DESIGN_MASK) != (r->optflds & OPTFLDS_DESIGN_MASK);
	case RCB_BUFTM:
		snprintf(exp, size, "%u", dr->buf_time);
		snprintf(got, size, "%u", r->buftm);
		return dr->buf_time != r->buftm;
	case RCB_INTGPD:
		snprintf(exp, size, "%u", dr->intg_pd);
		snprintf(got, size, "%u", r->intgpd);
		return dr->intg_pd != r->intgpd;
	default:
		return false;
	}
}

/* The settings of one RCB instance just learned (read back, or written with
 * success): those that differ from the design, in one finding per instance. */
static void settings_check(struct flow *f, struct ied *d, const struct scl_rcb *dr, const struct rcb *r,
			   const uint8_t *attrs, const bool *written, unsigned n, const struct pkt_where *at)
{
	const struct scl_ied *di = dr->ln && dr->ln->ld ? dr->ln->ld->ied : NULL;
	char disp[200];
	dotted(r->ref, disp, sizeof(disp));
	struct {
		uint8_t attr;
		bool written;
		uint8_t set;
		char exp[170], got[170];
	} diff[8];
	unsigned nd = 0;
	uint8_t sev = SEV_INFO;
	for (unsigned i = 0; i < n && nd < 8; i++) {
		int rs = rs_of(attrs[i]);
		if (rs < 0 || !(r->known & (1u << attrs[i])))
			continue;
		if (!setting_differs(dr, r, attrs[i], diff[nd].exp, diff[nd].got, sizeof(diff[nd].exp)))
			continue;
		diff[nd].attr = attrs[i];
		diff[nd].written = written[i];
		struct sc_ied *si = sc_of(d);
		uint16_t ri = (uint16_t)(r - d->rcbs);
		if (si && written[i] && ri < IED_MAX_RCBS &&
		    (si->written || (si->written = calloc(IED_MAX_RCBS, sizeof(uint32_t)))))
			si->written[ri] |= 1u << attrs[i];
		if (si && si->written && ri < IED_MAX_RCBS && (si->written[ri] & (1u << attrs[i])))
			diff[nd].written = true;
		diff[nd].set = di ? di->report_settings[rs] : SCL_SET_ABSENT;
		/* Fix or Conf means no client may change it online: a write that took
		 * effect goes against the design. Dyn settings are the clients' to set. */
		if (diff[nd].written && (diff[nd].set == SCL_SET_FIX || diff[nd].set == SCL_SET_CONF))
			sev = SEV_MEDIUM;
		nd++;
	}
	if (!nd)
		return;
	struct finding *fd = open_on("scl_rcb_settings_differ", sev, f, d, disp, at);
	if (!fd)
		return;
	finding_raise(fd, sev);
	finding_summary(fd, "%s runs with %s%s other than designed%s.", disp, ATTR_NAMES[diff[0].attr],
			nd > 1 ? " and more settings" : "",
			sev > SEV_INFO ? "; ReportSettings makes it Fix/Conf, yet an online write took effect" : "");
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "rcb", disp);
	jw_str(&w, "ied", di ? di->name : "");
	jw_arr(&w, "settings");
	for (unsigned i = 0; i < nd; i++) {
		jw_obj(&w, NULL);
		jw_str(&w, "setting", ATTR_NAMES[diff[i].attr]);
		jw_str(&w, "expected", diff[i].exp);
		jw_str(&w, "seen", diff[i].got);
		jw_str(&w, "report_settings", diff[i].set == SCL_SET_ABSENT ? "absent" : scl_set_text(diff[i].set));
		jw_bool(&w, "written_online", diff[i].written);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	finding_details_end(&w, fd);
	finding_commit(fd, at->ts_us);
}

static bool client_addr_is(const struct scl_ied *ci, const struct flow *f)
{
	for (uint32_t k = 0; k < ci->n_addrs; k++) {
		const struct scl_access_addr *ca = &ci->addrs[k];
		if (ca->has_ip && ca->ipver == f->key.ipver &&
		    !memcmp(ca->ip, f->key.ip[f->client], ca->ipver == 4 ? 4 : 16))
			return true;
	}
	return false;
}

/* RptEna (or Resv) set with success: is this client the one the RCB is for? */
static void client_check(struct flow *f, struct ied *d, const struct scl_rcb *dr, unsigned instance,
			 const struct rcb *r, const struct pkt_where *at)
{
	if (!dr->n_clients)
		return;
	const struct scl_client_ln *want = NULL;
	bool ok = false, judged = false;
	if (dr->indexed && instance >= 1 && instance <= dr->n_clients) {
		want = &dr->clients[instance - 1];
		if (want->ied) {
			judged = true;
			ok = client_addr_is(want->ied, f);
		}
	} else {
		for (uint32_t i = 0; i < dr->n_clients; i++) {
			if (!dr->clients[i].ied)
				continue;
			judged = true;
			if (!want)
				want = &dr->clients[i];
			if (client_addr_is(dr->clients[i].ied, f))
				ok = true;
		}
	}
	if (!judged || ok)
		return;
	char disp[200], client[64];
	dotted(r->ref, disp, sizeof(disp));
	flow_client_ip(f, client, sizeof(client));
	struct finding *fd = open_on("scl_rcb_client_mismatch", SEV_MEDIUM, f, d, disp, at);
	if (!fd)
		return;
	finding_summary(fd,
			"%s is reserved in the design for %s, yet %s enabled it: reports meant for that client "
			"go elsewhere.",
			disp, want->ied_name, client);
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "rcb", disp);
	jw_str(&w, "expected_client", want->ied_name);
	jw_arr(&w, "expected_addresses");
	for (uint32_t k = 0; k < want->ied->n_addrs; k++)
		if (want->ied->addrs[k].has_ip)
			jw_str(&w, NULL, want->ied->addrs[k].ip_text);
	jw_arr_end(&w);
	jw_str(&w, "client", client);
	const struct scl_access_addr *ca = scl_addr_by_ip(g_scl, f->key.ipver, f->key.ip[f->client], 0);
	if (ca && ca->ied)
		jw_str(&w, "client_ied", ca->ied->name);
	finding_details_end(&w, fd);
	finding_commit(fd, at->ts_us);
}

static void unknown_rcb(struct flow *f, struct ied *d, const char *ref, const struct scl_rcb_match *m,
			const struct pkt_where *at)
{
	char disp[200], item[200];
	snprintf(item, sizeof(item), "%s", ref);
	/* the RCB, without the attribute */
	char *fc = strstr(item, "$RP$");
	if (!fc)
		fc = strstr(item, "$BR$");
	if (fc) {
		char *attr = strchr(fc + 4, '$');
		if (attr)
			*attr = 0;
	}
	dotted(item, disp, sizeof(disp));
	struct finding *fd = open_on("scl_unknown_rcb", SEV_MEDIUM, f, d, disp, at);
	if (!fd)
		return;
	if (m->beyond_max)
		finding_summary(fd, "A client uses %s, an instance beyond RptEnabled max=%u of %s in the design.", disp,
				m->beyond_max->max, m->beyond_max->name);
	else
		finding_summary(fd, "A client uses %s, an RCB the design does not have.", disp);
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "rcb", disp);
	jw_str(&w, "reason", m->beyond_max ? "index_beyond_max" : "unknown_name");
	if (m->beyond_max) {
		jw_str(&w, "design_rcb", m->beyond_max->name);
		jw_u64(&w, "rpt_enabled_max", m->beyond_max->max);
	}
	char client[64];
	flow_client_ip(f, client, sizeof(client));
	jw_str(&w, "client", client);
	finding_details_end(&w, fd);
	finding_commit(fd, at->ts_us);
}

/* An RCB request (read or write): the RCB must exist in the design. */
static void rcb_request(struct flow *f, struct ied *d, const struct mms_pdu *p, const struct pkt_where *at)
{
	for (uint16_t i = 0; i < p->n_objs; i++) {
		const struct mms_objname *o = &p->objs[i];
		if (o->scope != MMS_SCOPE_DOMAIN)
			continue;
		char dom[65], item[140], ref[210];
		view_str(o->domain, dom, sizeof(dom));
		view_str(o->item, item, sizeof(item));
		if (!strstr(item, "$RP$") && !strstr(item, "$BR$"))
			continue;
		snprintf(ref, sizeof(ref), "%s/%s", dom, item);
		struct scl_rcb_match m;
		bool in_ld;
		if (design_rcb(ref, &m, &in_ld) || !in_ld)
			continue; /* known, or a domain the identity check speaks of */
		unknown_rcb(f, d, ref, &m, at);
	}
}

/* The answer to an RCB read or write the report analyzer followed. */
static void rcb_answer(struct flow *f, struct ied *d, const struct mms_pdu *p, const struct an_request *rq,
		       const struct pkt_where *at)
{
	/* Per item: did it take effect (writes) or come back (reads)? */
	bool ok[AN_MAX_ITEMS];
	memset(ok, 0, sizeof(ok));
	if (p->type == MMS_CONFIRMED_ERROR)
		return;
	struct rd list = p->data;
	for (uint16_t i = 0; i < rq->n_items && i < AN_MAX_ITEMS; i++) {
		struct mms_data v;
		bool done;
		if (mms_data_next(&list, &v, &done) != BER_OK || done)
			break;
		ok[i] = v.tag != MMS_DATA_ACCESS_FAILURE;
	}
	/* Group the items by RCB: one settings check per instance. */
	for (uint16_t i = 0; i < rq->n_items && i < AN_MAX_ITEMS; i++) {
		const struct an_item *it = &rq->items[i];
		if (!ok[i] || it->rcb >= d->n_rcbs)
			continue;
		bool first = true;
		for (uint16_t k = 0; k < i; k++)
			if (rq->items[k].rcb == it->rcb && ok[k])
				first = false;
		if (!first)
			continue;
		const struct rcb *r = &d->rcbs[it->rcb];
		struct scl_rcb_match m;
		bool in_ld;
		const struct scl_rcb *dr = design_rcb(r->ref, &m, &in_ld);
		if (!dr)
			continue;
		char disp[200];
		dotted(r->ref, disp, sizeof(disp));
		uint8_t attrs[RCB_ATTR_COUNT + AN_MAX_ITEMS];
		bool written[RCB_ATTR_COUNT + AN_MAX_ITEMS];
		unsigned n = 0;
		bool enabled = false;
		for (uint16_t k = i; k < rq->n_items && k < AN_MAX_ITEMS; k++) {
			const struct an_item *x = &rq->items[k];
			if (x->rcb != it->rcb || !ok[k])
				continue;
			if (x->attr == RCB_ATTR_COUNT) {
				/* a whole-RCB read: every setting it carried */
				static const uint8_t all[] = { RCB_RPTID, RCB_DATSET, RCB_OPTFLDS,
							       RCB_BUFTM, RCB_TRGOPS, RCB_INTGPD };
				for (size_t a = 0; a < sizeof(all); a++) {
					attrs[n] = all[a];
					written[n++] = false;
				}
				if ((r->known & (1u << RCB_CONFREV)) && rq->kind == AN_REQ_RCB_READ)
					confrev_check(f, d, dr, disp, r->confrev, "RCB read", at);
				continue;
			}
			if (x->attr == RCB_CONFREV && rq->kind == AN_REQ_RCB_READ && (r->known & (1u << RCB_CONFREV)))
				confrev_check(f, d, dr, disp, r->confrev, "RCB read", at);
			if (rq->kind == AN_REQ_RCB_WRITE && (x->attr == RCB_RPTENA || x->attr == RCB_RESV) && x->b)
				enabled = true;
			attrs[n] = x->attr;
			written[n++] = rq->kind == AN_REQ_RCB_WRITE;
		}
		settings_check(f, d, dr, r, attrs, written, n, at);
		if (enabled)
			client_check(f, d, dr, m.instance, r, at);
	}
}

/* ---- domains confirmed by a successful read or write ----------------------------- */

struct sc_txn {
	char domain[65];
};

static void txn_release(struct mms_txn *t, void *state)
{
	(void)t;
	free(state);
}

static void remember_domain(struct mms_txn *t, const struct mms_pdu *p)
{
	if (!t || !p->n_objs || p->objs[0].scope != MMS_SCOPE_DOMAIN || t->slot[sc_txn_slot])
		return;
	struct sc_txn *x = malloc(sizeof(*x));
	if (!x)
		return;
	view_str(p->objs[0].domain, x->domain, sizeof(x->domain));
	t->slot[sc_txn_slot] = x;
}

static void answer_domain(struct flow *f, struct ied *d, const struct mms_event *e, const struct pkt_where *at)
{
	const struct sc_txn *x = e->txn ? e->txn->slot[sc_txn_slot] : NULL;
	if (!x || e->pdu->type != MMS_CONFIRMED_RESPONSE)
		return;
	/* The first result must not be a failure: an unknown domain is refused. */
	struct rd list = e->pdu->data;
	struct mms_data v;
	bool done;
	if (e->pdu->service == MMS_SVC_READ || e->pdu->service == MMS_SVC_WRITE) {
		if (mms_data_next(&list, &v, &done) != BER_OK || done || v.tag == MMS_DATA_ACCESS_FAILURE)
			return;
	}
	domain_confirmed(f, d, x->domain, at);
}

/* GetNameList of domains (GetServerDirectory): every name is a domain. */
static void server_directory(struct flow *f, struct ied *d, const struct mms_pdu *p, const struct pkt_where *at)
{
	struct rd r = p->names;
	struct ber_tlv t;
	while (!rd_empty(&r) && ber_read(&r, &t) == BER_OK) {
		if (t.constructed)
			continue;
		char dom[65];
		view_str(bview_of(&t.val), dom, sizeof(dom));
		domain_confirmed(f, d, dom, at);
	}
}

static void sc_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at)
{
	const struct mms_pdu *p = e->pdu;
	if (p->defect)
		return;
	struct ied *d = ied_of_flow(f);
	struct sc_ied *s = sc_of(d);
	if (!s)
		return;
	identity_first_pdu(f, d, s, at);
	switch (p->type) {
	case MMS_UNCONFIRMED:
		if (dir == 1 && p->service == MMS_USVC_INFORMATION_REPORT)
			report_seen(f, d, e, at);
		return;
	case MMS_CONFIRMED_REQUEST:
		if (dir != 0)
			return;
		if (p->service == MMS_SVC_READ || p->service == MMS_SVC_WRITE) {
			remember_domain(e->txn, p);
			rcb_request(f, d, p, at);
		}
		return;
	case MMS_CONFIRMED_RESPONSE:
	case MMS_CONFIRMED_ERROR: {
		if (dir != 1)
			return;
		answer_domain(f, d, e, at);
		if (p->type == MMS_CONFIRMED_RESPONSE && p->service == MMS_SVC_GET_NAME_LIST && e->acsi &&
		    !strcmp(e->acsi, "GetServerDirectory"))
			server_directory(f, d, p, at);
		const struct an_request *rq = an_request_of(e->txn);
		if (!rq)
			return;
		if (rq->kind == AN_REQ_RCB_READ || rq->kind == AN_REQ_RCB_WRITE)
			rcb_answer(f, d, p, rq, at);
		else if (rq->kind == AN_REQ_NVL_ATTR && p->type == MMS_CONFIRMED_RESPONSE && rq->name)
			nvl_answer(f, d, p, rq->name, at);
		return;
	}
	default:
		return;
	}
}

/* ---- OSI addressing of the association --------------------------------------------- */

/* What the client called the server with, gathered over the connect PDUs. */
struct sc_osi {
	bool have_tsel, have_ssel, have_psel, have_aarq, judged;
	uint8_t tsel_len, ssel_len, psel_len;
	uint8_t tsel[16], ssel[16], psel[16];
	char ap_title[64];
	bool has_aeq;
	int64_t aeq;
	struct pkt_where cr_at, aarq_at;
};

static struct sc_osi *osi_of(struct flow *f, bool create)
{
	struct sc_osi *o = f->slot[sc_flow_slot];
	if (!o && create) {
		o = calloc(1, sizeof(*o));
		f->slot[sc_flow_slot] = o;
	}
	return o;
}

static void copy_sel(struct bview v, uint8_t *dst, uint8_t *len)
{
	*len = (uint8_t)(v.len < 16 ? v.len : 16);
	if (*len)
		memcpy(dst, v.p, *len);
}

static bool sel_differs(const struct scl_osi_sel *want, bool have, const uint8_t *got, uint8_t got_len)
{
	if (!want->len || !have)
		return false; /* the design or the client says nothing: nothing to compare */
	return want->len != got_len || memcmp(want->b, got, got_len) != 0;
}

/* One field a finding compares, designed against seen; a finding lists those
 * that differ as its details' "differences". */
struct field_diff {
	const char *what;
	char exp[140], got[140];
};

static void differences_json(struct jw *w, const struct field_diff *d, unsigned n)
{
	jw_arr(w, "differences");
	for (unsigned i = 0; i < n; i++) {
		jw_obj(w, NULL);
		jw_str(w, "field", d[i].what);
		jw_str(w, "expected", d[i].exp);
		jw_str(w, "seen", d[i].got);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* Judge once, when the outcome is known: accepted, refused, or never answered. */
static void osi_judge(struct flow *f, struct sc_osi *o, const char *outcome, bool refused, const struct pkt_where *at)
{
	if (o->judged || (!o->have_aarq && !o->have_tsel))
		return;
	o->judged = true;
	struct ied *d = ied_of_flow(f);
	struct sc_ied *s = sc_of(d);
	if (!s)
		return;
	const struct scl_access_addr *a = design_addr(d, s);
	if (!a)
		return;
	char want_title[64] = "";
	for (uint8_t i = 0, k = 0; i < a->n_ap_title_arcs && k < sizeof(want_title) - 12; i++)
		k += (uint8_t)snprintf(want_title + k, sizeof(want_title) - k, "%s%u", i ? "." : "",
				       a->ap_title_arcs[i]);
	struct field_diff diff[5];
	unsigned nd = 0;
	if (sel_differs(&a->tsel, o->have_tsel, o->tsel, o->tsel_len)) {
		diff[nd].what = "TSEL";
		hex_text(a->tsel.b, a->tsel.len, diff[nd].exp, sizeof(diff[nd].exp));
		hex_text(o->tsel, o->tsel_len, diff[nd].got, sizeof(diff[nd].got));
		nd++;
	}
	if (sel_differs(&a->ssel, o->have_ssel, o->ssel, o->ssel_len)) {
		diff[nd].what = "SSEL";
		hex_text(a->ssel.b, a->ssel.len, diff[nd].exp, sizeof(diff[nd].exp));
		hex_text(o->ssel, o->ssel_len, diff[nd].got, sizeof(diff[nd].got));
		nd++;
	}
	if (sel_differs(&a->psel, o->have_psel, o->psel, o->psel_len)) {
		diff[nd].what = "PSEL";
		hex_text(a->psel.b, a->psel.len, diff[nd].exp, sizeof(diff[nd].exp));
		hex_text(o->psel, o->psel_len, diff[nd].got, sizeof(diff[nd].got));
		nd++;
	}
	if (want_title[0] && o->ap_title[0] && strcmp(want_title, o->ap_title)) {
		diff[nd].what = "AP-Title";
		snprintf(diff[nd].exp, sizeof(diff[nd].exp), "%s", want_title);
		snprintf(diff[nd].got, sizeof(diff[nd].got), "%s", o->ap_title);
		nd++;
	}
	if (a->has_ae_qualifier && o->has_aeq && a->ae_qualifier != o->aeq) {
		diff[nd].what = "AE-Qualifier";
		snprintf(diff[nd].exp, sizeof(diff[nd].exp), "%d", a->ae_qualifier);
		snprintf(diff[nd].got, sizeof(diff[nd].got), "%lld", (long long)o->aeq);
		nd++;
	}
	if (!nd)
		return;
	uint8_t sev = refused ? SEV_MEDIUM : SEV_INFO;
	struct finding *fd = open_on("scl_osi_mismatch", sev, f, d, "", o->have_aarq ? &o->aarq_at : &o->cr_at);
	if (!fd)
		return;
	finding_raise(fd, sev);
	if (at->ts_us)
		finding_evidence(fd, at);
	char client[64];
	flow_client_ip(f, client, sizeof(client));
	finding_summary(fd, "%s called IED %s with %s %s where the design has %s; the association was %s.", client,
			a->ied->name, diff[0].what, diff[0].got, diff[0].exp, outcome);
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "ied", a->ied->name);
	jw_str(&w, "client", client);
	jw_str(&w, "outcome", outcome);
	differences_json(&w, diff, nd);
	finding_details_end(&w, fd);
	finding_commit(fd, at->ts_us ? at->ts_us : fd->last_seen);
}

static void sc_assoc(struct flow *f, int dir, const struct assoc_event *e, const struct pkt_where *at)
{
	switch (e->kind) {
	case ASSOC_EV_COTP:
		if (!e->cotp)
			return;
		if (e->cotp->type == COTP_CR && dir == 0) {
			struct sc_osi *o = osi_of(f, true);
			if (!o)
				return;
			memset(o, 0, sizeof(*o));
			if (e->cotp->called_tsap.len) {
				copy_sel(e->cotp->called_tsap, o->tsel, &o->tsel_len);
				o->have_tsel = true;
			}
			o->cr_at = *at;
		} else if (e->cotp->type == COTP_DR && dir == 1) {
			struct sc_osi *o = osi_of(f, false);
			if (o)
				osi_judge(f, o, "refused (COTP disconnect)", true, at);
		}
		return;
	case ASSOC_EV_SESSION: {
		struct sc_osi *o = osi_of(f, false);
		if (!o || !e->spdu)
			return;
		if (e->spdu->si == SES_CN && dir == 0 && e->spdu->called_ssel.len) {
			copy_sel(e->spdu->called_ssel, o->ssel, &o->ssel_len);
			o->have_ssel = true;
		} else if (e->spdu->si == SES_RF && dir == 1) {
			osi_judge(f, o, "refused (session refuse)", true, at);
		}
		return;
	}
	case ASSOC_EV_PRES_REFUSE: {
		struct sc_osi *o = osi_of(f, false);
		if (o && dir == 1)
			osi_judge(f, o, "refused (presentation)", true, at);
		return;
	}
	case ASSOC_EV_ACSE: {
		const struct acse_apdu *ap = e->acse;
		struct sc_osi *o = osi_of(f, false);
		if (!ap || !o)
			return;
		if (ap->type == ACSE_AARQ && dir == 0) {
			o->have_aarq = true;
			o->aarq_at = *at;
			if (!ber_oid_text(ap->called_ap_title, o->ap_title, sizeof(o->ap_title)))
				o->ap_title[0] = 0;
			o->has_aeq = ap->has_called_aeq;
			o->aeq = ap->called_aeq;
			if (e->ppdu && e->ppdu->called_psel.len) {
				copy_sel(e->ppdu->called_psel, o->psel, &o->psel_len);
				o->have_psel = true;
			}
		} else if (ap->type == ACSE_AARE && dir == 1) {
			bool accepted = ap->has_result && ap->result == 0;
			osi_judge(f, o, accepted ? "accepted" : "rejected (ACSE)", !accepted, at);
		}
		return;
	}
	default:
		return;
	}
}

static void sc_flow_end(struct flow *f, enum flow_end why, const struct pkt_where *at)
{
	struct sc_osi *o = osi_of(f, false);
	if (!o)
		return;
	if (!o->judged && (o->have_aarq || o->have_tsel)) {
		/* The connection closed (FIN, RST) with the request unanswered: the
		 * IED refused it the way many stacks do, without an AARE. Otherwise
		 * (capture end, timeout) nobody knows. */
		bool closed = why == FLOW_END_FIN || why == FLOW_END_RST;
		struct pkt_where none = *at;
		none.ts_us = 0;
		osi_judge(f, o, closed ? "refused (connection closed unanswered)" : "not seen answered", closed, &none);
	}
	free(o);
	f->slot[sc_flow_slot] = NULL;
}

/* ---- GOOSE and SV ------------------------------------------------------------------ */

static struct {
	uint16_t appid, vlan;
	bool sv;
	uint32_t id_hash;
} l2_seen[SC_L2_SEEN_MAX];
static unsigned n_l2_seen, l2_next;

static uint32_t hash_view(struct bview v)
{
	return fnv1a32(FNV1A32_INIT, v.p, v.len);
}

/* The design's control block a frame names: by gocbRef (GOOSE) or smvID (SV). */
static const struct scl_cb *l2_cb(bool sv, const char *id)
{
	for (size_t i = 0; i < scl_ied_count(g_scl); i++) {
		const struct scl_ied *di = scl_ied_at(g_scl, i);
		for (uint32_t l = 0; l < di->n_lds; l++)
			for (uint32_t k = 0; k < di->lds[l].n_cbs; k++) {
				const struct scl_cb *cb = &di->lds[l].cbs[k];
				if (cb->is_smv != sv)
					continue;
				if (sv ? !strcmp(cb->app_id, id) : !strcmp(cb->ref, id))
					return cb;
			}
	}
	return NULL;
}

static void sc_l2(const struct pkt *p)
{
	if (p->ethertype != GOOSE_SV_ETHERTYPE_GOOSE && p->ethertype != GOOSE_SV_ETHERTYPE_SV)
		return;
	bool sv = p->ethertype == GOOSE_SV_ETHERTYPE_SV;
	struct goose_sv g;
	/* Only whole frames that name their control block are judged: a broken
	 * frame is the inventory's business (malformed), not a design fault. */
	if (goose_sv_decode(p->ethertype, rd_make(p->l3, p->l3 ? p->l3len : 0), &g) != GOOSE_SV_OK || !g.has_header ||
	    !g.has_pdu)
		return;
	struct bview idv = sv ? g.sv_id : g.gocb_ref;
	if (!idv.len)
		return;
	uint16_t vlan = p->n_vlan ? (uint16_t)(p->vlan[p->n_vlan - 1] & 0x0fff) : 0;
	uint32_t h = hash_view(idv);
	for (unsigned i = 0; i < n_l2_seen; i++)
		if (l2_seen[i].appid == g.appid && l2_seen[i].vlan == vlan && l2_seen[i].sv == sv &&
		    l2_seen[i].id_hash == h)
			return;
	unsigned slot = n_l2_seen < SC_L2_SEEN_MAX ? n_l2_seen++ : l2_next++ % SC_L2_SEEN_MAX;
	l2_seen[slot].appid = g.appid;
	l2_seen[slot].vlan = vlan;
	l2_seen[slot].sv = sv;
	l2_seen[slot].id_hash = h;

	char id[130], datset[130];
	view_str(idv, id, sizeof(id));
	view_str(g.dat_set, datset, sizeof(datset));
	/* gocbRef is written "IED1LD0/LLN0$GO$gcb01"; datSet "IED1LD0/LLN0$DS". */
	const struct scl_cb *cb = l2_cb(sv, id);
	const uint8_t *dst = p->src_mac && p->src_mac == p->data + 6 ? p->data : NULL;
	struct field_diff diff[6];
	unsigned nd = 0;
	if (!cb) {
		diff[nd].what = sv ? "svID" : "gocbRef";
		snprintf(diff[nd].exp, sizeof(diff[nd].exp), "a control block of the design");
		snprintf(diff[nd].got, sizeof(diff[nd].got), "%s", id);
		nd++;
	} else {
		const struct scl_l2_addr *a = cb->addr;
		if (a && a->has_appid && a->appid != g.appid) {
			diff[nd].what = "APPID";
			snprintf(diff[nd].exp, sizeof(diff[nd].exp), "0x%04x", a->appid);
			snprintf(diff[nd].got, sizeof(diff[nd].got), "0x%04x", g.appid);
			nd++;
		}
		if (a && a->has_mac && dst && memcmp(a->mac, dst, 6)) {
			diff[nd].what = "destination MAC";
			snprintf(diff[nd].exp, sizeof(diff[nd].exp), "%02x:%02x:%02x:%02x:%02x:%02x", a->mac[0],
				 a->mac[1], a->mac[2], a->mac[3], a->mac[4], a->mac[5]);
			snprintf(diff[nd].got, sizeof(diff[nd].got), "%02x:%02x:%02x:%02x:%02x:%02x", dst[0], dst[1],
				 dst[2], dst[3], dst[4], dst[5]);
			nd++;
		}
		if (a && a->has_vlan && a->vlan_id != vlan) {
			diff[nd].what = "VLAN";
			snprintf(diff[nd].exp, sizeof(diff[nd].exp), "%u", a->vlan_id);
			snprintf(diff[nd].got, sizeof(diff[nd].got), "%u", vlan);
			nd++;
		}
		if (cb->has_conf_rev && g.has_conf_rev && cb->conf_rev != g.conf_rev) {
			diff[nd].what = "confRev";
			snprintf(diff[nd].exp, sizeof(diff[nd].exp), "%u", cb->conf_rev);
			snprintf(diff[nd].got, sizeof(diff[nd].got), "%u", g.conf_rev);
			nd++;
		}
		if (cb->dataset && datset[0] && strcmp(cb->dataset->ref, datset)) {
			diff[nd].what = "datSet";
			snprintf(diff[nd].exp, sizeof(diff[nd].exp), "%s", cb->dataset->ref);
			snprintf(diff[nd].got, sizeof(diff[nd].got), "%s", datset);
			nd++;
		}
	}
	if (!nd)
		return;
	char obj[64];
	snprintf(obj, sizeof(obj), "%s appid 0x%04x", sv ? "sv" : "goose", g.appid);
	struct endpoint none;
	memset(&none, 0, sizeof(none));
	struct finding *fd = finding_open("scl_goose_mismatch", &none, obj, p->at.ts_us);
	if (!fd)
		return;
	if (!fd->count)
		fd->severity = SEV_LOW;
	finding_evidence(fd, &p->at);
	finding_summary(fd, "%s %s: %s %s where the design has %s.", sv ? "SV" : "GOOSE", id, diff[0].what, diff[0].got,
			diff[0].exp);
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "type", sv ? "sv" : "goose");
	jw_str(&w, sv ? "svID" : "gocbRef", id);
	jw_u64(&w, "appid", g.appid);
	if (cb)
		jw_str(&w, "design_cb", cb->ref);
	else
		jw_null(&w, "design_cb");
	differences_json(&w, diff, nd);
	finding_details_end(&w, fd);
	finding_commit(fd, p->at.ts_us);
}

/* ---- silent IEDs, at the end -------------------------------------------------------- */

static int64_t first_ts, last_ts;
static struct pkt_where last_at;

static void seen_time(const struct pkt_where *at)
{
	if (!first_ts || at->ts_us < first_ts)
		first_ts = at->ts_us;
	if (at->ts_us > last_ts) {
		last_ts = at->ts_us;
		last_at = *at;
	}
}

static void sc_tcp(struct flow *f, int dir, enum tcp_ev kind, const struct pkt_where *at)
{
	(void)f;
	(void)dir;
	(void)kind;
	seen_time(at);
}

static void sc_l2_hook(const struct pkt *p)
{
	seen_time(&p->at);
	sc_l2(p);
}

struct silent_ctx {
	bool *seen;
	size_t n;
};

static void mark_seen(struct ied *d, void *arg)
{
	struct silent_ctx *c = arg;
	struct sc_ied *s = d->slot[sc_ied_slot];
	if (!s || !s->addr || !s->addr->ied)
		return;
	for (size_t i = 0; i < c->n; i++)
		if (scl_ied_at(g_scl, i) == s->addr->ied)
			c->seen[i] = true;
}

static void sc_finish(int64_t now)
{
	(void)now;
	if (!last_ts || last_ts - first_ts < g_rules.thr[THR_SCL_SILENT_AFTER])
		return;
	struct silent_ctx c = { NULL, scl_ied_count(g_scl) };
	if (!c.n || !(c.seen = calloc(c.n, sizeof(bool))))
		return;
	ied_foreach(mark_seen, &c);
	size_t silent = 0;
	for (size_t i = 0; i < c.n; i++) {
		const struct scl_ied *di = scl_ied_at(g_scl, i);
		/* with --shard, only an IED with an address of this shard is
		 * this process's to find silent */
		bool has_mms = false;
		for (uint32_t k = 0; k < di->n_addrs; k++)
			if (di->addrs[k].has_ip && shard_holds_ied(di->addrs[k].ip, di->addrs[k].ipver))
				has_mms = true;
		/* A server (it has LDevices) with an MMS address, never heard. */
		if (!c.seen[i] && has_mms && di->n_lds)
			silent++;
		else
			c.seen[i] = true;
	}
	if (silent) {
		struct endpoint none;
		memset(&none, 0, sizeof(none));
		struct finding *fd = finding_open("scl_ied_silent", &none, "", last_ts);
		if (fd) {
			if (!fd->count)
				fd->severity = SEV_INFO;
			finding_evidence(fd, &last_at);
			finding_summary(fd,
					"%zu IED%s of the design with an MMS address never spoke MMS in %lld s of "
					"traffic.",
					silent, silent == 1 ? "" : "s", (long long)((last_ts - first_ts) / 1000000));
			struct jw w;
			jw_init(&w, fd->details, sizeof(fd->details) - 1);
			jw_obj(&w, NULL);
			jw_u64(&w, "silent", silent);
			jw_u64(&w, "design_ieds", c.n);
			jw_u64(&w, "run_seconds", (uint64_t)((last_ts - first_ts) / 1000000));
			jw_arr(&w, "ieds");
			size_t listed = 0;
			for (size_t i = 0; i < c.n && listed < SC_SILENT_LISTED; i++) {
				if (c.seen[i])
					continue;
				const struct scl_ied *di = scl_ied_at(g_scl, i);
				jw_obj(&w, NULL);
				jw_str(&w, "name", di->name);
				for (uint32_t k = 0; k < di->n_addrs; k++)
					if (di->addrs[k].has_ip) {
						jw_str(&w, "address", di->addrs[k].ip_text);
						break;
					}
				jw_obj_end(&w);
				listed++;
			}
			jw_arr_end(&w);
			finding_details_end(&w, fd);
			finding_commit(fd, last_ts);
		}
	}
	free(c.seen);
}

bool scl_checks_ied_named(const char *name, uint8_t ipver, const uint8_t *ip, uint16_t port)
{
	const struct scl_access_addr *a = g_scl ? scl_addr_by_ip(g_scl, ipver, ip, port) : NULL;
	return a && a->ied && a->ied->name && !strcmp(a->ied->name, name);
}

static void sc_init(void)
{
	/* allowlists naming SCL IEDs resolve through the design (core/rules.h) */
	g_rules_ied_named = scl_checks_ied_named;
	sc_ied_slot = bus_ied_slot("scl_checks");
	sc_flow_slot = bus_flow_slot("scl_checks");
	sc_txn_slot = bus_txn_slot("scl_checks", txn_release);
	first_ts = last_ts = 0;
	n_l2_seen = l2_next = 0;
}

static void free_ied(struct ied *d, void *arg)
{
	(void)arg;
	struct sc_ied *s = d->slot[sc_ied_slot];
	if (s)
		free(s->written);
	free(s);
	d->slot[sc_ied_slot] = NULL;
}

static void sc_free(void)
{
	g_rules_ied_named = NULL;
	if (sc_ied_slot >= 0)
		ied_foreach(free_ied, NULL);
}

const struct analyzer scl_checks_analyzer = {
	.name = "scl_checks",
	.init = sc_init,
	.tcp = sc_tcp,
	.assoc = sc_assoc,
	.mms = sc_mms,
	.l2 = sc_l2_hook,
	.flow_end = sc_flow_end,
	.finish = sc_finish,
	.free = sc_free,
};

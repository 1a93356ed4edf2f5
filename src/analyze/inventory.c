/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inventory.c - the inventory and security-posture analyzer.
 *
 * What the traffic says about the installation, built passively: per IED (an MMS
 * server endpoint, VLANs included) its identity (Identify), logical devices and
 * logical nodes (domain names and the first '$'-component of item names, from
 * requests and from GetNameList answers), datasets and RCBs (filled by reports.c,
 * listed here), clients and the services they use, and what protects the
 * association: TLS or not, ACSE passwords in clear. GOOSE and SV frames are
 * recorded by stream and checked against the VLANs that carry MMS.
 *
 * Findings: mms_plaintext (info, once per IED), acse_password_cleartext (high),
 * s7comm_seen (info), goose_on_mms_vlan / sv_on_mms_vlan (low). A password is
 * never read, let alone kept: the ACSE decoder only says that one was sent.
 *
 * Every table is capped; what does not fit is counted (stat inventory_full, and a
 * per-IED count in the JSON), never silently dropped.
 *
 * Observation only: the model it fills is core/inventory.h, read through
 * inventory_view(); the document is written by output/inventory_doc.c and the
 * summary block by inventory_print.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "analyze/inventory_time.h"
#include "core/finding.h"
#include "core/ied.h"
#include "core/inventory.h"
#include "core/record.h"
#include "core/rules.h"
#include "dissectors/acse.h"
#include "dissectors/ber.h"
#include "dissectors/goose_sv.h"
#include "dissectors/iec61850_report.h"
#include "dissectors/mms.h"
#include "dissectors/mms_data.h"
#include "dissectors/mms_type.h"
#include "dissectors/tls.h"
#include "util/fnv.h"
#include "util/json.h"
#include "util/stats.h"

/* The per-IED limits and INV_MAX_L2 belong to the model (core/inventory.h). These
 * are run-wide, so that thousands of IEDs (a scan of a /16) cannot each fill their
 * own tables: a few MB at most in all. */
#define INV_MAX_CLIENTS_TOTAL 16384
#define INV_MAX_LNS_TOTAL 65536
#define INV_MAX_DATASETS_NOTED 16384
#define INV_LN_SLOTS 1024        /* hash slots for them: a power of two, >= 2 x INV_MAX_LNS */
#define INV_PENDING 256          /* GetNameList requests awaiting their response */
#define INV_MAX_VLANS 256        /* VLANs (or the untagged segment) seen carrying MMS */
#define INV_REFRESH_US 1000000   /* a GOOSE/SV finding's frame count is refreshed this often */
#define INV_SEEN_SYNC_US 1000000 /* a connection's last_seen reaches its IED and client this often */

/* ---- state ---------------------------------------------------------------- */

/* This analyzer's per-IED state: its slot on the IED (core/bus.h). */
static int inv_ied_slot;
#define inv_slot_of(d) ((struct inv_ied *)(d)->slot[inv_ied_slot])
/* Per connection: its slot on the flow, made when the connection first counts
 * and freed at its flow end. (It was once a table keyed by a hash of the flow
 * id: two live flows on one entry took it from each other at every PDU, and
 * each take counted a connection again - a dozen of the 360 IEDs of the
 * benchmark showed 1,400 connections instead of 3.) */
static int inv_flow_slot;
#define inv_flow_of(f) ((struct inv_flow *)(f)->slot[inv_flow_slot])

static void inventory_init(void)
{
	inv_ied_slot = bus_ied_slot("inventory");
	inv_flow_slot = bus_flow_slot("inventory");
}

enum { F_MMS = 1, F_TLS = 2, F_S7 = 4 };
struct inv_flow {
	struct ied *ied;
	/* The latest packet time of the connection, and the one last copied to its
	 * IED's and client's last_seen: copied at most once a second of packet time
	 * and at the flow's end (seen_sync), so a PDU touches this entry and not the
	 * IED's and the client's lines (each a cache miss with hundreds of IEDs).
	 * Only the finished inventory reads those, after every flow has ended. */
	int64_t last_seen, synced;
	/* The IED's unconfirmed PDUs (its reports: most of its PDUs) since then,
	 * added to the IED's counts with last_seen, for the same reason (64 bits:
	 * a capture whose clock stands still hands them over only at the end). */
	uint64_t unconfirmed[INV_USVC_MAX + 1];
	int16_t client; /* index into the IED's clients; -1 not listed */
	uint8_t seen;
};

struct pending_gnl {
	uint64_t flow_id;
	uint32_t invoke_id;
	bool used;
	int32_t cls; /* basic object class, -1 unknown */
	uint8_t scope;
	uint8_t dom_len;
	char dom[64];
};

/* A GetVariableAccessAttributes request awaiting its response: the name it asked
 * about (the response carries only the type). */
struct pending_gvaa {
	uint64_t flow_id;
	uint32_t invoke_id;
	bool used;
	char dom[65];
	char item[INV_VAR_NAME];
};

static struct pending_gnl pending[INV_PENDING];
static struct pending_gvaa pending_vaa[INV_PENDING];
static unsigned pending_vaa_next;
static unsigned pending_next;
static struct inv_mms_vlan *mms_vlans;
static size_t n_mms_vlans;
static struct inv_l2_stream *l2;
static size_t n_l2, l2_last;
static uint64_t l2_dropped_frames, l2_unusable;
static int64_t run_first, run_last;
static struct inv_red_node *red_nodes; /* INV_MAX_RED_NODES, at the first one */
static size_t n_red_nodes;
static size_t total_clients, total_lns, total_datasets;

/* ---- small helpers -------------------------------------------------------- */

static void full(uint32_t *counter)
{
	if (counter)
		(*counter)++;
	stat_inc(STAT_inventory_full);
}

static void view_text(struct bview v, char *buf, size_t size)
{
	size_t n = v.len < size - 1 ? v.len : size - 1;
	for (size_t i = 0; i < n; i++)
		buf[i] = (v.p[i] >= 0x20 && v.p[i] < 0x7f) ? (char)v.p[i] : '?';
	buf[n] = 0;
}

/* A name worth listing: visible ASCII without the separators '/' and '$'. Names
 * that are not (garbage, hostile input) are skipped rather than mangled. */
static bool name_ok(struct bview v, size_t max)
{
	if (v.len == 0 || v.len > max)
		return false;
	for (uint32_t i = 0; i < v.len; i++)
		if (v.p[i] <= 0x20 || v.p[i] >= 0x7f || v.p[i] == '/' || v.p[i] == '$')
			return false;
	return true;
}

static void vlan_key_of(uint8_t n, const uint16_t *v, struct inv_vlan_key *k)
{
	memset(k, 0, sizeof(*k));
	for (uint8_t i = 0; i < n && i < MMSW_MAX_VLAN; i++)
		if (v[i])
			k->v[k->n++] = v[i];
}

static bool vlan_key_eq(const struct inv_vlan_key *a, const struct inv_vlan_key *b)
{
	return a->n == b->n && !memcmp(a->v, b->v, a->n * sizeof(a->v[0]));
}

static void seen_at(int64_t ts)
{
	if (!run_first || ts < run_first)
		run_first = ts;
	if (ts > run_last)
		run_last = ts;
}

/* ---- per IED and per client ------------------------------------------------ */

static struct inv_ied *inv_of(struct ied *d)
{
	if (!d)
		return NULL;
	if (!inv_slot_of(d)) {
		d->slot[inv_ied_slot] = calloc(1, sizeof(struct inv_ied));
		if (inv_slot_of(d))
			inv_slot_of(d)->work.last_ld = -1;
	}
	return inv_slot_of(d);
}

static int16_t client_of(struct ied *d, const struct flow *f)
{
	struct inv_ied *v = inv_slot_of(d);
	const uint8_t *ip = f->key.ip[f->client];
	for (uint16_t i = 0; i < v->n_clients; i++)
		if (v->clients[i].ipver == f->key.ipver && !memcmp(v->clients[i].ip, ip, 16))
			return (int16_t)i;
	if (v->n_clients >= INV_MAX_CLIENTS || total_clients >= INV_MAX_CLIENTS_TOTAL) {
		full(&v->unlisted_client_connections);
		return -1;
	}
	if ((v->n_clients & (v->n_clients - 1)) == 0) {
		/* grow by doubling: most IEDs have one or two clients */
		struct inv_client *n =
			realloc(v->clients, ((size_t)v->n_clients ? v->n_clients * 2u : 1u) * sizeof(*n));
		if (!n)
			return -1;
		v->clients = n;
	}
	struct inv_client *c = &v->clients[v->n_clients];
	memset(c, 0, sizeof(*c));
	c->ipver = f->key.ipver;
	memcpy(c->ip, ip, 16);
	total_clients++;
	return (int16_t)v->n_clients++;
}

static struct inv_client *client_at(const struct inv_flow *s)
{
	return s->client >= 0 ? &inv_slot_of(s->ied)->clients[s->client] : NULL;
}

/* The connection's latest packet time to its IED and its client, and its count
 * of the IED's unconfirmed PDUs to the IED's. */
static void seen_sync(struct inv_flow *s)
{
	struct inv_ied *v = inv_slot_of(s->ied);
	struct inv_client *c = client_at(s);
	for (unsigned k = 0; k <= INV_USVC_MAX; k++) {
		v->unconfirmed[k] += s->unconfirmed[k];
		s->unconfirmed[k] = 0;
	}
	if (s->last_seen > v->last_seen)
		v->last_seen = s->last_seen;
	if (c && s->last_seen > c->last_seen)
		c->last_seen = s->last_seen;
	s->synced = s->last_seen;
}

/* The connection's slot; a connection seen for the first time is counted. */
static struct inv_flow *flow_of(struct flow *f, const struct pkt_where *at)
{
	struct inv_flow *s = inv_flow_of(f);
	if (!s) {
		struct ied *d = flow_an_of(f) ? flow_an_of(f)->ied : ied_of_flow(f);
		struct inv_ied *v = inv_of(d);
		if (!v || !(s = calloc(1, sizeof(*s))))
			return NULL;
		f->slot[inv_flow_slot] = s;
		s->ied = d;
		s->seen = 0;
		s->client = client_of(d, f);
		v->connections++;
		if (!v->first_seen)
			v->first_seen = at->ts_us;
		struct inv_client *c = client_at(s);
		if (c) {
			c->connections++;
			if (!c->first_seen)
				c->first_seen = at->ts_us;
		}
	}
	if (at->ts_us > s->last_seen)
		s->last_seen = at->ts_us;
	if (s->last_seen - s->synced >= INV_SEEN_SYNC_US)
		seen_sync(s);
	seen_at(at->ts_us);
	return s;
}

/* ---- logical devices and logical nodes ------------------------------------ */

/* Index of the LD in the IED's list, added when new; -1 when unusable or full. */
static int ld_index(struct ied *d, struct bview name)
{
	struct inv_ied *v = inv_slot_of(d);
	if (v->work.last_ld >= 0 && v->work.last_ld < d->n_lds && strlen(d->lds[v->work.last_ld]) == name.len &&
	    !memcmp(d->lds[v->work.last_ld], name.p, name.len))
		return v->work.last_ld;
	if (!name_ok(name, 64))
		return -1;
	for (uint16_t i = 0; i < d->n_lds; i++)
		if (strlen(d->lds[i]) == name.len && !memcmp(d->lds[i], name.p, name.len))
			return v->work.last_ld = (int16_t)i;
	if (d->n_lds >= IED_MAX_LDS) {
		full(&v->lds_dropped);
		return -1;
	}
	ied_add_ld(d, name);
	return v->work.last_ld = (int16_t)(d->n_lds - 1);
}

static uint32_t ln_hash(int ld, const uint8_t *p, uint32_t n)
{
	return fnv1a32(FNV1A32_INIT ^ (uint32_t)ld, p, n);
}

/* The LN of an item is its first '$'-component ("GGIO1$ST$Ind1$stVal" -> GGIO1;
 * a dataset "LLN0$Events" -> LLN0; a bare "LLN0" from GetNameList -> LLN0). */
static void add_ln(struct ied *d, int ld, struct bview item)
{
	struct inv_ied *v = inv_slot_of(d);
	uint32_t n = 0;
	while (n < item.len && item.p[n] != '$')
		n++;
	struct bview ln = { item.p, n };
	if (ld < 0 || !name_ok(ln, INV_LN_NAME - 1))
		return;
	if (!v->work.ln_slot && !(v->work.ln_slot = calloc(INV_LN_SLOTS, sizeof(*v->work.ln_slot))))
		return;
	uint32_t h = ln_hash(ld, ln.p, ln.len) & (INV_LN_SLOTS - 1);
	for (;; h = (h + 1) & (INV_LN_SLOTS - 1)) {
		uint16_t s = v->work.ln_slot[h];
		if (!s)
			break;
		const struct inv_ln *e = &v->lns[s - 1];
		if (e->ld == ld && strlen(e->name) == ln.len && !memcmp(e->name, ln.p, ln.len))
			return;
	}
	if (v->n_lns >= INV_MAX_LNS || total_lns >= INV_MAX_LNS_TOTAL) {
		full(&v->lns_dropped);
		return;
	}
	if ((v->n_lns & 31) == 0) {
		/* grow in steps of 32: an IED has tens of LNs, rarely hundreds */
		struct inv_ln *grown = realloc(v->lns, ((size_t)v->n_lns + 32) * sizeof(*grown));
		if (!grown)
			return;
		v->lns = grown;
	}
	total_lns++;
	struct inv_ln *e = &v->lns[v->n_lns++];
	e->ld = (uint8_t)ld;
	memcpy(e->name, ln.p, ln.len);
	e->name[ln.len] = 0;
	v->work.ln_slot[h] = v->n_lns;
}

static void note_name(struct ied *d, const struct mms_objname *o)
{
	if (o->scope != MMS_SCOPE_DOMAIN)
		return; /* vmd-specific ("RPT") and aa-specific names are not the data model */
	int ld = ld_index(d, o->domain);
	if (ld >= 0 && o->item.len)
		add_ln(d, ld, o->item);
}

/* A dataset the IED listed (GetNameList of named variable lists in a domain). */
static void note_dataset(struct ied *d, struct bview dom, struct bview name)
{
	char ref[160], a[65], b[96];
	if (!name_ok(dom, 64) || name.len == 0 || name.len >= sizeof(b))
		return;
	view_text(dom, a, sizeof(a));
	view_text(name, b, sizeof(b));
	snprintf(ref, sizeof(ref), "%s/%s", a, b);
	if (ied_dataset(d, ref, false))
		return;
	if (total_datasets >= INV_MAX_DATASETS_NOTED || !ied_dataset(d, ref, true)) {
		full(&inv_slot_of(d)->datasets_dropped);
		return;
	}
	total_datasets++;
}

/* A report's DatSet, read off its Data list: only the fields in front of it
 * (RptID, OptFlds, then SqNum and TimeOfEntry when OptFlds has them) are
 * walked. False when it names none. */
static bool dataset_walk(const struct mms_pdu *p, struct bview *ds)
{
	struct rd list = p->data;
	struct mms_data x;
	struct bview bits;
	uint32_t nbits;
	bool done;
	if (mms_data_next(&list, &x, &done) != BER_OK || done || x.tag != MMS_DATA_VISIBLE_STRING ||
	    mms_data_next(&list, &x, &done) != BER_OK || done || x.tag != MMS_DATA_BIT_STRING ||
	    !ber_bitstring(x.val, &bits, &nbits) || nbits <= OPT_DATA_SET)
		return false;
	/* OptFlds bits 0..7 are the first octet, MSB first (nbits > 4: it exists);
	 * read in place, as this runs for every report. */
	uint8_t opt = bits.p[0] & (uint8_t)(0xff00u >> (nbits < 8 ? nbits : 8));
	if (!(opt & (0x80u >> OPT_DATA_SET)))
		return false;
	/* SqNum and TimeOfEntry come first when present */
	int skip = !!(opt & (0x80u >> OPT_SEQ_NUM)) + !!(opt & (0x80u >> OPT_TIME_STAMP));
	for (int i = 0; i <= skip; i++)
		if (mms_data_next(&list, &x, &done) != BER_OK || done)
			return false;
	if (x.tag != MMS_DATA_VISIBLE_STRING)
		return false;
	*ds = bview_of(&x.val);
	return true;
}

/* A report's DatSet (OptFlds data-set-name): the dataset exists on the IED even
 * when its list was never read. */
static void report_dataset(struct ied *d, const struct mms_event *e)
{
	struct bview ds;
	/* A report decoded whole with its PDU (on the reader thread: core/events.h)
	 * holds its DatSet already: the same bytes the walk would find, since the
	 * decoder read the same items and checked their types and values too. A
	 * report it found malformed is walked: the walk may still reach a DatSet
	 * the decoder stopped short of. */
	if (e->report && e->report_status == REPORT_OK) {
		if (!e->report->has_datset)
			return;
		ds = e->report->datset;
	} else if (!dataset_walk(e->pdu, &ds)) {
		return;
	}
	struct inv_ied *v = inv_slot_of(d);
	for (unsigned i = 0; i < INV_DS_RECENT; i++)
		if (v->work.recent_ds_len[i] == ds.len && !memcmp(v->work.recent_ds[i], ds.p, ds.len))
			return;
	uint32_t slash = 0;
	while (slash < ds.len && ds.p[slash] != '/')
		slash++;
	if (slash == ds.len || ds.len >= sizeof(v->work.recent_ds[0]))
		return;
	struct bview dom = { ds.p, slash }, item = { ds.p + slash + 1, ds.len - slash - 1 };
	int ld = ld_index(d, dom);
	add_ln(d, ld, item);
	if (ld >= 0)
		note_dataset(d, dom, item);
	unsigned k = v->work.next_recent_ds++ % INV_DS_RECENT;
	memcpy(v->work.recent_ds[k], ds.p, ds.len);
	v->work.recent_ds[k][ds.len] = 0;
	v->work.recent_ds_len[k] = (uint8_t)strlen(v->work.recent_ds[k]); /* a NUL inside stops it, as before */
}

/* ---- MMS ------------------------------------------------------------------ */

static void getnamelist_request(const struct flow *f, const struct mms_pdu *p)
{
	struct pending_gnl *q = &pending[pending_next++ % INV_PENDING];
	memset(q, 0, sizeof(*q));
	q->used = true;
	q->flow_id = f->id;
	q->invoke_id = p->invoke_id;
	q->cls = p->object_class;
	q->scope = p->object_scope;
	if (p->object_scope == MMS_SCOPE_DOMAIN && p->scope_domain.len < sizeof(q->dom)) {
		memcpy(q->dom, p->scope_domain.p, p->scope_domain.len);
		q->dom_len = (uint8_t)p->scope_domain.len;
	}
}

/* Object classes of ISO 9506-2 basicObjectClass that name the data model. */
enum { OC_NAMED_VARIABLE = 0, OC_NAMED_VARIABLE_LIST = 2, OC_JOURNAL = 8, OC_DOMAIN = 9 };

static void getnamelist_response(struct ied *d, const struct flow *f, const struct mms_pdu *p)
{
	struct pending_gnl *q = NULL;
	for (unsigned i = 0; i < INV_PENDING; i++)
		if (pending[i].used && pending[i].flow_id == f->id && pending[i].invoke_id == p->invoke_id) {
			q = &pending[i];
			break;
		}
	if (!q)
		return; /* the request was not seen: the names cannot be placed */
	q->used = false;
	struct bview dom = { (const uint8_t *)q->dom, q->dom_len };
	int ld = q->scope == MMS_SCOPE_DOMAIN ? ld_index(d, dom) : -1;
	struct rd r = p->names;
	struct ber_tlv t;
	while (!rd_empty(&r) && ber_read(&r, &t) == BER_OK) {
		if (t.constructed)
			continue;
		struct bview name = bview_of(&t.val);
		if (q->cls == OC_DOMAIN) {
			ld_index(d, name);
		} else if (q->cls == OC_NAMED_VARIABLE || q->cls == OC_NAMED_VARIABLE_LIST || q->cls == OC_JOURNAL) {
			/* variables, datasets and logs all start with their LN */
			add_ln(d, ld, name);
			if (q->cls == OC_NAMED_VARIABLE_LIST && ld >= 0)
				note_dataset(d, dom, name);
		}
	}
}

/* ---- described variables (GetVariableAccessAttributes) --------------------- */

static void gvaa_request(const struct flow *f, const struct mms_pdu *p)
{
	if (p->n_objs != 1 || p->objs[0].scope != MMS_SCOPE_DOMAIN)
		return; /* by address, or vmd/aa-specific: not the IED's data model */
	const struct mms_objname *o = &p->objs[0];
	if (o->domain.len >= sizeof(pending_vaa[0].dom) || o->item.len >= INV_VAR_NAME)
		return;
	struct pending_gvaa *q = &pending_vaa[pending_vaa_next++ % INV_PENDING];
	q->used = true;
	q->flow_id = f->id;
	q->invoke_id = p->invoke_id;
	memcpy(q->dom, o->domain.p, o->domain.len);
	q->dom[o->domain.len] = 0;
	memcpy(q->item, o->item.p, o->item.len);
	q->item[o->item.len] = 0;
}

static void gvaa_response(struct ied *d, const struct flow *f, const struct mms_pdu *p)
{
	struct pending_gvaa *q = NULL;
	for (unsigned i = 0; i < INV_PENDING; i++)
		if (pending_vaa[i].used && pending_vaa[i].flow_id == f->id &&
		    pending_vaa[i].invoke_id == p->invoke_id) {
			q = &pending_vaa[i];
			break;
		}
	if (!q || !p->has_type_spec)
		return; /* the request was not seen: the type cannot be placed */
	q->used = false;
	struct inv_ied *v = inv_slot_of(d);
	struct bview dom = { (const uint8_t *)q->dom, (uint32_t)strlen(q->dom) };
	struct bview item = { (const uint8_t *)q->item, (uint32_t)strlen(q->item) };
	int ld = ld_index(d, dom);
	if (ld < 0)
		return;
	for (uint32_t i = 0; i < item.len; i++)
		if (item.p[i] <= 0x20 || item.p[i] >= 0x7f || item.p[i] == '/')
			return; /* not a name to list (as for LNs) */
	struct inv_var *e = NULL;
	for (uint16_t i = 0; i < v->n_vars; i++)
		if (v->vars[i].ld == ld && !strcmp(v->vars[i].item, q->item)) {
			e = &v->vars[i];
			break;
		}
	if (!e) {
		if (v->n_vars >= INV_MAX_VARS) {
			full(&v->vars_dropped);
			return;
		}
		if ((v->n_vars & 15) == 0) {
			struct inv_var *grown = realloc(v->vars, ((size_t)v->n_vars + 16) * sizeof(*grown));
			if (!grown)
				return;
			v->vars = grown;
		}
		e = &v->vars[v->n_vars++];
		e->ld = (uint8_t)ld;
		memcpy(e->item, q->item, item.len + 1);
	}
	mms_type_summary(p->type_spec, e->type, sizeof(e->type), &e->type_cut);
	e->nodes = p->type_nodes;
}

static void identify_response(struct ied *d, const struct mms_pdu *p)
{
	const struct mms_identify *id = &p->identify;
	if (!id->vendor.len && !id->model.len && !id->revision.len)
		return;
	/* The latest answer wins: a firmware update between associations shows. */
	view_text(id->vendor, d->vendor, sizeof(d->vendor));
	view_text(id->model, d->model, sizeof(d->model));
	view_text(id->revision, d->revision, sizeof(d->revision));
}

static void count_request(struct inv_ied *v, struct inv_client *c, const struct mms_event *e)
{
	int svc = e->pdu->service;
	unsigned k = svc >= 0 && svc < INV_SVC_MAX ? (unsigned)svc : INV_SVC_MAX;
	v->requests[k]++;
	if (c) {
		c->svc[k]++;
		c->requests++;
	}
	if (!e->acsi)
		return;
	for (uint16_t i = 0; i < v->n_acsi; i++)
		if (v->acsi[i].name == e->acsi || !strcmp(v->acsi[i].name, e->acsi)) {
			v->acsi[i].n++;
			return;
		}
	if (v->n_acsi >= INV_MAX_ACSI) {
		full(&v->acsi_dropped);
		return;
	}
	v->acsi[v->n_acsi].name = e->acsi;
	v->acsi[v->n_acsi++].n = 1;
}

static void vlan_has_mms(const struct flow *f, const struct ied *d, const struct pkt_where *at);

/* MMS spoken in clear on this IED: once per IED, at the first PDU that shows it. */
static void plaintext(struct flow *f, struct ied *d, const struct pkt_where *at)
{
	struct inv_ied *v = inv_slot_of(d);
	if (v->plaintext_flagged)
		return;
	v->plaintext_flagged = true;
	struct finding *fd = finding_open("mms_plaintext", &d->ep, "", at->ts_us);
	if (!fd)
		return;
	if (!fd->count)
		fd->severity = SEV_INFO;
	finding_set_flow(fd, f);
	finding_evidence(fd, at);
	char ied[128], client[64];
	ied_label(d, ied, sizeof(ied));
	flow_client_ip(f, client, sizeof(client));
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_bool(&w, "tls", false);
	jw_str(&w, "first_client", client);
	jw_u64(&w, "tls_connections_seen", v->tls_connections);
	finding_details_end(&w, fd);
	finding_summary(fd,
			"MMS with %s runs in clear text (no TLS, IEC 62351-4): anyone on this network can read "
			"it and, without authentication, write and operate. Common practice; compensate with "
			"segmentation and firewall rules, or enable TLS where the IEDs support it.",
			ied);
	finding_commit(fd, at->ts_us);
}

/* The first MMS PDU or ACSE APDU of a connection: an association, MMS on this
 * VLAN, and MMS in clear. */
static void saw_mms(struct flow *f, struct inv_flow *s, const struct pkt_where *at)
{
	if (s->seen & F_MMS)
		return;
	s->seen |= F_MMS;
	inv_slot_of(s->ied)->associations++;
	struct inv_client *c = client_at(s);
	if (c)
		c->associations++;
	vlan_has_mms(f, s->ied, at);
	plaintext(f, s->ied, at);
}

/* A report: the IED's recent DatSets, which report_dataset() compares it with
 * (their lengths, and the first two names: an IED's reports name a few). */
static void inventory_mms_soon(const struct flow *f, int dir, const struct mms_event *e)
{
	if (dir != 1 || !e->report || e->report_status != REPORT_OK || !e->report->has_datset || !f->ied)
		return;
	const struct inv_ied *v = inv_slot_of(f->ied);
	if (!v)
		return;
	__builtin_prefetch(v->work.recent_ds_len);
	__builtin_prefetch(v->work.recent_ds[0]);
	__builtin_prefetch(v->work.recent_ds[1]);
}

void inventory_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at)
{
	struct inv_flow *s = flow_of(f, at);
	if (!s)
		return;
	struct ied *d = s->ied;
	struct inv_ied *v = inv_slot_of(d);
	const struct mms_pdu *p = e->pdu;
	saw_mms(f, s, at);
	if (p->type == MMS_CONFIRMED_REQUEST && dir == 0) {
		count_request(v, client_at(s), e);
		if (p->service == MMS_SVC_GET_NAME_LIST && p->has_invoke && !p->defect)
			getnamelist_request(f, p);
		else if (p->service == MMS_SVC_GET_VAR_ACCESS_ATTR && p->has_invoke && !p->defect)
			gvaa_request(f, p);
	} else if (p->type == MMS_UNCONFIRMED && dir == 1) {
		s->unconfirmed[p->service >= 0 && p->service < INV_USVC_MAX ? p->service : INV_USVC_MAX]++;
		if (!p->defect && iec_report_is_rpt(p))
			report_dataset(d, e);
	} else if (p->type == MMS_CONFIRMED_RESPONSE && dir == 1 && !p->defect) {
		if (p->service == MMS_SVC_IDENTIFY)
			identify_response(d, p);
		else if (p->service == MMS_SVC_GET_NAME_LIST && p->has_invoke)
			getnamelist_response(d, f, p);
		else if (p->service == MMS_SVC_GET_VAR_ACCESS_ATTR && p->has_invoke)
			gvaa_response(d, f, p);
	}
	/* Names in requests (read, write, attributes, NVL definitions) and in the
	 * IED's answers (dataset members) show the data model. A name a client asked
	 * for and the IED refused is listed too: the inventory records what was
	 * addressed, the services analyzer what failed. */
	for (uint16_t i = 0; i < p->n_objs; i++)
		note_name(d, &p->objs[i]);
	if (p->has_list_name)
		note_name(d, &p->list_name);
}

/* ---- ACSE: authentication -------------------------------------------------- */

/* A password in clear: the password mechanism (2.2.3.1) with a value, or a bare
 * character-string value. Other mechanisms (IEC 62351-4 certificates carry a
 * signed value) are recorded, not flagged. */
static bool password_sent(const struct acse_apdu *a, char *mech, size_t size)
{
	mech[0] = 0;
	if (rd_left(&a->mechanism) && !ber_oid_text(a->mechanism, mech, size))
		snprintf(mech, size, "unreadable");
	if (!a->auth_value_present)
		return false;
	return !strcmp(mech, "2.2.3.1") || (!mech[0] && a->auth_form == 0);
}

static const char *auth_form_name(uint8_t form)
{
	static const char *const names[] = { "charstring", "bitstring", "external", "other" };
	return form < 4 ? names[form] : "other";
}

static void password_finding(struct flow *f, struct ied *d, const struct acse_apdu *a, const char *mech,
			     const struct pkt_where *at)
{
	char client[64], ied[128];
	flow_client_ip(f, client, sizeof(client));
	ied_label(d, ied, sizeof(ied));
	struct finding *fd = finding_open("acse_password_cleartext", &d->ep, client, at->ts_us);
	if (!fd)
		return;
	if (!fd->count)
		fd->severity = SEV_HIGH;
	finding_set_flow(fd, f);
	finding_evidence(fd, at);
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "client", client);
	if (mech[0])
		jw_str(&w, "mechanism", mech);
	jw_str(&w, "mechanism_name", !strcmp(mech, "2.2.3.1") ? "password" : "none");
	jw_str(&w, "value_form", auth_form_name(a->auth_form));
	jw_u64(&w, "association_requests", fd->count + 1);
	jw_bool(&w, "value_stored", false);
	finding_details_end(&w, fd);
	finding_summary(fd,
			"%s sent a password to %s in clear text in its association request (ACSE AARQ, %s%s; "
			"%llu request%s): anyone on this network can read it (mmswatch neither keeps nor shows it). "
			"Change the password, and use TLS (IEC 62351-4) or certificate authentication.",
			client, ied, mech[0] ? "mechanism " : "no mechanism name", mech[0] ? mech : "",
			(unsigned long long)(fd->count + 1), fd->count ? "s" : "");
	finding_commit(fd, at->ts_us);
}

void inventory_assoc(struct flow *f, int dir, const struct assoc_event *e, const struct pkt_where *at)
{
	/* Any ISO event counts the connection and its client (a refusal right after
	 * the COTP CR included); only ACSE says it is MMS (COTP is also S7comm's). */
	struct inv_flow *s = flow_of(f, at);
	if (!s || e->kind != ASSOC_EV_ACSE)
		return;
	saw_mms(f, s, at);
	const struct acse_apdu *a = e->acse;
	if (a->type != ACSE_AARQ || dir != 0)
		return;
	char mech[64];
	struct inv_ied *v = inv_slot_of(s->ied);
	if (password_sent(a, mech, sizeof(mech))) {
		v->password_aarqs++;
		struct inv_client *c = client_at(s);
		if (c)
			c->password_sent = true;
		password_finding(f, s->ied, a, mech, at);
	} else if (a->auth_value_present || mech[0]) {
		v->other_auth_aarqs++;
		snprintf(v->other_mechanism, sizeof(v->other_mechanism), "%s", mech[0] ? mech : "none");
	}
}

/* ---- other protocols on the MMS port: TLS, S7comm --------------------------- */

static void tls_hello(struct inv_ied *v, const struct tls_hello *h)
{
	if (h->server_hello && h->version)
		v->tls_version = h->version;
	if (h->client_hello && h->version > v->tls_offered)
		v->tls_offered = h->version;
	if (!h->client_hello || !h->sni.len)
		return;
	char sni[128];
	view_text(h->sni, sni, sizeof(sni));
	for (uint8_t i = 0; i < v->n_sni; i++)
		if (!strcmp(v->sni[i], sni))
			return;
	if (v->n_sni < INV_MAX_SNI)
		memcpy(v->sni[v->n_sni++], sni, sizeof(sni));
	else
		full(NULL);
}

static void s7comm(struct flow *f, struct inv_flow *s, const char *proto, const struct pkt_where *at)
{
	if (s->seen & F_S7)
		return;
	s->seen |= F_S7;
	struct ied *d = s->ied;
	bool plus = !strcmp(proto, "s7comm-plus");
	if (plus)
		inv_slot_of(d)->s7comm_plus_connections++;
	else
		inv_slot_of(d)->s7comm_connections++;
	struct finding *fd = finding_open("s7comm_seen", &d->ep, proto, at->ts_us);
	if (!fd)
		return;
	if (!fd->count)
		fd->severity = SEV_INFO;
	finding_set_flow(fd, f);
	finding_evidence(fd, at);
	char ied[128], client[64];
	ied_label(d, ied, sizeof(ied));
	flow_client_ip(f, client, sizeof(client));
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "protocol", proto);
	jw_str(&w, "last_client", client);
	jw_u64(&w, "connections", fd->count + 1);
	finding_details_end(&w, fd);
	finding_summary(fd,
			"%s on %s (TCP %u, the MMS port): %llu connection%s from Siemens S7 tools or PLCs, not MMS. "
			"Check that this device belongs on the MMS network.",
			plus ? "S7comm-plus" : "S7comm", ied, d->ep.port, (unsigned long long)(fd->count + 1),
			fd->count ? "s" : "");
	finding_commit(fd, at->ts_us);
}

void inventory_stream(struct flow *f, int dir, const struct stream_event *e, const struct pkt_where *at)
{
	(void)dir;
	if (e->kind != STREAM_EV_PROTOCOL || !e->proto)
		return;
	bool tls = !strcmp(e->proto, "tls");
	bool s7 = !strcmp(e->proto, "s7comm") || !strcmp(e->proto, "s7comm-plus");
	if (!tls && !s7)
		return;
	struct inv_flow *s = flow_of(f, at);
	if (!s)
		return;
	if (s7) {
		s7comm(f, s, e->proto, at);
		return;
	}
	if (!(s->seen & F_TLS)) {
		s->seen |= F_TLS;
		inv_slot_of(s->ied)->tls_connections++;
		struct inv_client *c = client_at(s);
		if (c)
			c->tls_connections++;
	}
	if (e->tls)
		tls_hello(inv_slot_of(s->ied), e->tls);
}

/* ---- GOOSE and SV on the MMS VLANs ----------------------------------------- */

static int mms_vlan_find(const struct inv_vlan_key *k)
{
	for (size_t i = 0; i < n_mms_vlans; i++)
		if (vlan_key_eq(&mms_vlans[i].key, k))
			return (int)i;
	return -1;
}

/* The finding's object: "vlan 10 appid 0x0001", "untagged appid 0x4000". */
static void stream_object(const struct inv_l2_stream *s, char *buf, size_t size)
{
	char ids[48];
	inv_vlan_ids(&s->key, ids, sizeof(ids));
	snprintf(buf, size, "%s%s appid 0x%04x", s->key.n ? "vlan " : "untagged", ids, s->appid);
}

static void stream_details(struct finding *fd, const struct inv_l2_stream *s, const struct inv_mms_vlan *mv)
{
	char mac[24], ied[96];
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_arr(&w, "vlan");
	for (uint8_t i = 0; i < s->key.n; i++)
		jw_u64(&w, NULL, s->key.v[i]);
	jw_arr_end(&w);
	jw_u64(&w, "appid", s->appid);
	if (s->id[0])
		jw_str(&w, s->sv ? "svID" : "gocbRef", s->id);
	if (s->datset[0])
		jw_str(&w, "datSet", s->datset);
	if (s->go_id[0])
		jw_str(&w, "goID", s->go_id);
	if (s->has_mac) {
		inv_mac_text(s->src, mac, sizeof(mac));
		jw_str(&w, "src_mac", mac);
	}
	if (s->has_dst) {
		inv_mac_text(s->dst, mac, sizeof(mac));
		jw_str(&w, "dst_mac", mac);
	}
	jw_bool(&w, "several_sources", s->other_sources);
	jw_u64(&w, "frames", s->frames);
	endpoint_text(&mv->ied, ied, sizeof(ied));
	jw_str(&w, "mms_ied", ied);
	finding_details_end(&w, fd);
}

static const char *stream_kind(const struct inv_l2_stream *s)
{
	return s->sv ? "sv_on_mms_vlan" : "goose_on_mms_vlan";
}

/* A new occurrence: the stream's first frame (or, after a pause longer than the
 * aggregation window, the frame that brought it back), the frame that showed MMS
 * on the segment, and the latest frame. */
static void stream_commit(struct finding *fd, const struct inv_l2_stream *s, const struct inv_mms_vlan *mv,
			  const struct pkt_where *from, int64_t now)
{
	char vl[64], mac[24], ied[96];
	if (!fd->count)
		fd->severity = SEV_LOW;
	finding_evidence(fd, from);
	finding_evidence(fd, &mv->at);
	finding_evidence(fd, &s->last_at);
	stream_details(fd, s, mv);
	inv_vlan_text(&s->key, vl, sizeof(vl));
	endpoint_text(&mv->ied, ied, sizeof(ied));
	if (s->has_mac)
		inv_mac_text(s->src, mac, sizeof(mac));
	else
		snprintf(mac, sizeof(mac), "an unknown source");
	finding_summary(fd,
			"%s stream from %s (APPID 0x%04x%s%s%s) is on %s, which also carries MMS (%s): MMS bulk "
			"transfers can delay %s; the field guide puts %s on its own VLAN.",
			s->sv ? "Sampled Values" : "GOOSE", mac, s->appid, s->id[0] ? ", " : "",
			s->id[0] ? (s->sv ? "svID " : "gocbRef ") : "", s->id, vl, ied,
			s->sv ? "sampled values" : "protection messages", s->sv ? "SV" : "GOOSE");
	finding_commit(fd, now);
}

/* The stream shares a segment with MMS: a finding dated from its first frame. */
static void stream_flag(struct inv_l2_stream *s, int vi, int64_t now)
{
	char obj[96];
	stream_object(s, obj, sizeof(obj));
	s->mms_vlan = (int16_t)vi;
	s->refreshed = now;
	struct finding *fd = finding_open(stream_kind(s), &mms_vlans[vi].ied, obj, s->first_seen);
	if (fd)
		stream_commit(fd, s, &mms_vlans[vi], &s->first_at, now);
}

/* Keep a flagged stream's finding current (frame count, last frame) without
 * looking it up for every frame: SV runs at thousands of frames a second. */
static void stream_refresh(struct inv_l2_stream *s, int64_t now, bool last_frame)
{
	char obj[96];
	struct inv_mms_vlan *mv = &mms_vlans[s->mms_vlan];
	stream_object(s, obj, sizeof(obj));
	s->refreshed = now;
	struct finding *fd = finding_open(stream_kind(s), &mv->ied, obj, now);
	if (!fd)
		return;
	if (!fd->count) {
		/* The last aggregate closed (the stream paused longer than the window). */
		stream_commit(fd, s, mv, &s->last_at, now);
		return;
	}
	if (last_frame)
		finding_evidence(fd, &s->last_at);
	stream_details(fd, s, mv);
	finding_touch(fd, now);
}

/* MMS on a segment (VLAN stack), first seen at `at` with the IED ied. */
static void vlan_mms_seen(const struct inv_vlan_key *key, const struct endpoint *ied, const struct pkt_where *at)
{
	struct inv_vlan_key k = *key;
	if (mms_vlan_find(&k) >= 0)
		return;
	if (n_mms_vlans >= INV_MAX_VLANS) {
		full(NULL);
		return;
	}
	if (!mms_vlans && !(mms_vlans = calloc(INV_MAX_VLANS, sizeof(*mms_vlans))))
		return;
	struct inv_mms_vlan *mv = &mms_vlans[n_mms_vlans];
	mv->key = k;
	mv->ied = *ied;
	mv->at = *at;
	int vi = (int)n_mms_vlans++;
	/* GOOSE/SV seen before any MMS on this segment is judged now. */
	for (size_t i = 0; i < n_l2; i++)
		if (l2[i].mms_vlan < 0 && vlan_key_eq(&l2[i].key, &k))
			stream_flag(&l2[i], vi, at->ts_us);
}

static void vlan_has_mms(const struct flow *f, const struct ied *d, const struct pkt_where *at)
{
	struct inv_vlan_key k;
	vlan_key_of(f->key.n_vlan, f->key.vlan, &k);
	vlan_mms_seen(&k, &d->ep, at);
}

/* --shard, shard 0: another shard's IED speaks MMS on this segment (bus.h). */
static void inventory_mms_elsewhere(const struct pkt *p, int ied_side)
{
	struct inv_vlan_key k;
	struct endpoint ied;
	memset(&ied, 0, sizeof(ied));
	ied.ipver = p->ipver;
	ied.n_vlan = p->n_vlan;
	memcpy(ied.vlan, p->vlan, sizeof(ied.vlan));
	memcpy(ied.ip, ied_side ? p->dst : p->src, sizeof(ied.ip));
	ied.port = ied_side ? p->dport : p->sport;
	vlan_key_of(p->n_vlan, p->vlan, &k);
	vlan_mms_seen(&k, &ied, &p->at);
}

/* Source and destination MAC: Ethernet has them in front; Linux cooked captures
 * (SLL, SLL2) carry the sender's address only. Which header it is follows from
 * where decode_link left the payload, given the VLAN tags it read. */
static void l2_macs(const struct pkt *p, struct inv_l2_stream *s)
{
	struct bview src = { NULL, 0 }, dst = { NULL, 0 };
	if (p->src_mac) {
		/* The link stage found it (also behind an HSR tag, which the header
		 * arithmetic below cannot tell from SLL2). */
		src = (struct bview){ p->src_mac, 6 };
		if (p->src_mac == p->data + 6) /* Ethernet: the destination comes first */
			dst = (struct bview){ p->data, 6 };
		goto have;
	}
	if (!p->l3 || p->l3 < p->data)
		return;
	size_t off = (size_t)(p->l3 - p->data) - (size_t)p->n_vlan * 4;
	struct rd r = rd_make(p->data, p->caplen);
	if (off == 14) {
		if (!rd_view(&r, 6, &dst) || !rd_view(&r, 6, &src))
			return;
	} else if (off == 16) {
		uint16_t alen;
		if (!rd_skip(&r, 4) || !rd_be16(&r, &alen) || alen != 6 || !rd_view(&r, 6, &src))
			return;
	} else if (off == 20) {
		uint8_t alen;
		if (!rd_skip(&r, 11) || !rd_u8(&r, &alen) || alen != 6 || !rd_view(&r, 6, &src))
			return;
	} else {
		return;
	}
have:
	if (!s->has_mac) {
		memcpy(s->src, src.p, 6);
		s->has_mac = true;
	} else if (memcmp(s->src, src.p, 6)) {
		s->other_sources = true; /* two publishers on one APPID: worth seeing */
	}
	if (dst.len && !s->has_dst) {
		memcpy(s->dst, dst.p, 6);
		s->has_dst = true;
	}
}

/* The stream of (kind, segment, APPID); a new one only for a frame that is
 * recognisably GOOSE or SV (create), so garbage on the ethertype makes no stream. */
static struct inv_l2_stream *l2_stream_of(bool sv, const struct inv_vlan_key *k, uint16_t appid, const struct pkt *p,
					  bool create)
{
	if (l2_last < n_l2) {
		struct inv_l2_stream *s = &l2[l2_last];
		if (s->sv == sv && s->appid == appid && vlan_key_eq(&s->key, k))
			return s;
	}
	for (size_t i = 0; i < n_l2; i++)
		if (l2[i].sv == sv && l2[i].appid == appid && vlan_key_eq(&l2[i].key, k)) {
			l2_last = i;
			return &l2[i];
		}
	if (!create)
		return NULL;
	if (n_l2 >= INV_MAX_L2) {
		l2_dropped_frames++;
		full(NULL);
		return NULL;
	}
	if (!l2 && !(l2 = calloc(INV_MAX_L2, sizeof(*l2))))
		return NULL;
	struct inv_l2_stream *s = &l2[n_l2];
	memset(s, 0, sizeof(*s));
	s->sv = sv;
	s->appid = appid;
	s->key = *k;
	s->mms_vlan = -1;
	s->first_seen = p->at.ts_us;
	s->first_at = p->at;
	l2_last = n_l2++;
	return s;
}

void inventory_l2(const struct pkt *p)
{
	inventory_time_l2(p);
	if (p->ethertype != ETHERTYPE_GOOSE && p->ethertype != ETHERTYPE_SV)
		return;
	bool sv = p->ethertype == ETHERTYPE_SV;
	stat_inc(sv ? STAT_sv_frames : STAT_goose_frames);
	seen_at(p->at.ts_us);
	struct goose_sv g;
	enum goose_sv_status st = goose_sv_decode(p->ethertype, rd_make(p->l3, p->l3 ? p->l3len : 0), &g);
	struct inv_vlan_key k;
	vlan_key_of(p->n_vlan, p->vlan, &k);
	struct inv_l2_stream *s = g.has_header ? l2_stream_of(sv, &k, g.appid, p, g.has_pdu) : NULL;
	if (!s) {
		if (!g.has_pdu)
			l2_unusable++; /* no header or no PDU, and no stream of that APPID yet */
		return;
	}
	s->frames++;
	s->last_seen = p->at.ts_us;
	s->last_at = p->at;
	if (st != GOOSE_SV_OK)
		s->malformed++;
	struct bview id = sv ? g.sv_id : g.gocb_ref;
	if (!s->id[0] && id.len)
		view_text(id, s->id, sizeof(s->id));
	if (!s->datset[0] && g.dat_set.len)
		view_text(g.dat_set, s->datset, sizeof(s->datset));
	if (!s->go_id[0] && g.go_id.len)
		view_text(g.go_id, s->go_id, sizeof(s->go_id));
	if (g.has_conf_rev) {
		s->conf_rev = g.conf_rev;
		s->has_conf_rev = true;
	}
	if (g.has_tal) {
		s->tal = g.tal;
		s->has_tal = true;
	}
	if (g.has_no_asdu)
		s->no_asdu = g.no_asdu;
	l2_macs(p, s);
	if (s->mms_vlan < 0) {
		int vi = mms_vlan_find(&k);
		if (vi >= 0)
			stream_flag(s, vi, p->at.ts_us);
	} else if (p->at.ts_us - s->refreshed >= INV_REFRESH_US) {
		stream_refresh(s, p->at.ts_us, false);
	}
}

void inventory_finish(int64_t now)
{
	/* A flagged stream's finding still open takes its final count and frame. The
	 * ones that closed earlier did so with their state of at most a second
	 * before their stream's last frame. */
	for (size_t i = 0; i < n_l2; i++) {
		struct inv_l2_stream *s = &l2[i];
		if (s->mms_vlan >= 0 && now - s->refreshed <= g_rules.thr[THR_FINDING_WINDOW])
			stream_refresh(s, s->last_seen > s->refreshed ? s->last_seen : s->refreshed, true);
	}
}

/* ---- PRP/HSR nodes -------------------------------------------------------------- */

/* A supervision frame names a node of the redundant network; nodes are few (one
 * per DAN or RedBox), so a short table searched in order is enough. */
static void inventory_redundancy(const struct pkt *p)
{
	if ((p->red != RED_PRP_SUPERVISION && p->red != RED_HSR_SUPERVISION) || !p->src_mac)
		return;
	bool hsr = p->red == RED_HSR_SUPERVISION;
	struct inv_red_node *n = NULL;
	for (size_t i = 0; i < n_red_nodes; i++)
		if (red_nodes[i].hsr == hsr && !memcmp(red_nodes[i].mac, p->src_mac, 6)) {
			n = &red_nodes[i];
			break;
		}
	if (!n) {
		if (!red_nodes && !(red_nodes = calloc(INV_MAX_RED_NODES, sizeof(*red_nodes))))
			return;
		if (n_red_nodes >= INV_MAX_RED_NODES) {
			full(NULL);
			return;
		}
		n = &red_nodes[n_red_nodes++];
		memcpy(n->mac, p->src_mac, 6);
		n->hsr = hsr;
		n->first_seen = p->at.ts_us;
		n->first = p->at;
	}
	n->frames++;
	n->last_seen = p->at.ts_us;
	/* PRP: the trailer's LAN id (0xA, 0xB); HSR: the path's lane (0, 1). */
	if (p->red_lan == 0xA || (hsr && p->red_lan == 0))
		n->lans |= 1;
	else if (p->red_lan == 0xB || (hsr && p->red_lan == 1))
		n->lans |= 2;
}

/* ---- the model, read-only ---------------------------------------------------- */

const struct inventory_view *inventory_view(void)
{
	/* Filled at every call: the tables are allocated at their first entry. */
	static struct inventory_view view;
	view.ied_slot = inv_ied_slot;
	view.first_seen = run_first;
	view.last_seen = run_last;
	view.streams = l2;
	view.n_streams = n_l2;
	view.mms_vlans = mms_vlans;
	view.n_mms_vlans = n_mms_vlans;
	view.l2_frames_not_listed = l2_dropped_frames;
	view.l2_frames_unusable = l2_unusable;
	view.red_nodes = red_nodes;
	view.n_red_nodes = n_red_nodes;
	view.time_sources = inventory_time_sources(&view.n_time_sources);
	return &view;
}

/* ---- teardown --------------------------------------------------------------- */

static void free_ied(struct ied *d, void *arg)
{
	(void)arg;
	if (!inv_slot_of(d))
		return;
	free(inv_slot_of(d)->clients);
	free(inv_slot_of(d)->lns);
	free(inv_slot_of(d)->vars);
	free(inv_slot_of(d)->work.ln_slot);
	free(inv_slot_of(d));
	d->slot[inv_ied_slot] = NULL;
}

static void inventory_flow_end(struct flow *f, enum flow_end why, const struct pkt_where *at)
{
	(void)why;
	(void)at;
	struct inv_flow *s = inv_flow_of(f);
	if (!s)
		return;
	seen_sync(s);
	free(s);
	f->slot[inv_flow_slot] = NULL;
}

void inventory_free(void)
{
	ied_foreach(free_ied, NULL);
	free(mms_vlans);
	mms_vlans = NULL;
	n_mms_vlans = 0;
	free(l2);
	l2 = NULL;
	n_l2 = l2_last = 0;
	l2_dropped_frames = l2_unusable = 0;
	memset(pending, 0, sizeof(pending));
	pending_next = 0;
	memset(pending_vaa, 0, sizeof(pending_vaa));
	pending_vaa_next = 0;
	run_first = run_last = 0;
	total_clients = total_lns = total_datasets = 0;
	free(red_nodes);
	red_nodes = NULL;
	n_red_nodes = 0;
	inventory_time_free();
}

/* End of input: last refreshes, then the finished inventory for the sinks (the
 * store keeps its document with the run). */
static void inventory_finish_hook(int64_t now)
{
	inventory_finish(now);
	struct record rec = { .kind = REC_INVENTORY };
	rec.u.inventory.view = inventory_view();
	bus_record(&rec);
}

const struct analyzer inventory_analyzer = {
	.name = "inventory",
	.init = inventory_init,
	.mms = inventory_mms,
	.mms_soon = inventory_mms_soon,
	.flow_end = inventory_flow_end,
	.stream = inventory_stream,
	.assoc = inventory_assoc,
	.l2 = inventory_l2,
	.redundancy = inventory_redundancy,
	.udp = inventory_time_udp,
	.mms_elsewhere = inventory_mms_elsewhere,
	.finish = inventory_finish_hook,
	.print = inventory_print,
	.print_rank = 1,
	.free = inventory_free,
};

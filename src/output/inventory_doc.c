/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inventory_doc.c - the inventory document; see inventory_doc.h and
 * docs/inventory.md. Only formatting lives here: what the traffic says is
 * observed by analyze/inventory.c and read through the inventory view. */
#include "output/inventory_doc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/ied.h"
#include "core/inputs.h"
#include "core/inventory.h"
#include "core/order.h"
#include "core/scl.h"
#include "core/summary_parts.h"
#include "dissectors/iec61850_report.h"
#include "dissectors/mms.h"
#include "dissectors/timesync.h"
#include "dissectors/tls.h"
#include "output/inventory_design.h"
#include "util/json.h"
#include "util/log.h"
#include "util/stats.h"

#define KNOWN(r, a) ((r)->known & (1u << (a)))

static void rcb_display(const char *ref, char *buf, size_t size)
{
	snprintf(buf, size, "%s", ref);
	for (char *p = buf; *p; p++)
		if (*p == '$')
			*p = '.';
}

static void where_obj(struct jw *w, const char *key, const struct pkt_where *at)
{
	jw_obj(w, key);
	const char *fn = input_name(at->file_idx);
	if (fn)
		jw_str(w, "pcap_filename", fn);
	jw_u64(w, "pcap_cnt", at->frame);
	jw_obj_end(w);
}

/* Request counts by MMS service name; one of c64 (per IED) or c32 (per client). */
static void services_obj(struct jw *w, const char *key, const uint64_t *c64, const uint32_t *c32)
{
	uint64_t other = 0;
	jw_obj(w, key);
	for (unsigned k = 0; k <= INV_SVC_MAX; k++) {
		uint64_t n = c64 ? c64[k] : c32[k];
		if (!n)
			continue;
		const char *name = k < INV_SVC_MAX ? mms_service_name(MMS_CONFIRMED_REQUEST, (int)k) : NULL;
		if (name)
			jw_u64(w, name, n);
		else
			other += n;
	}
	if (other)
		jw_u64(w, "other", other);
	jw_obj_end(w);
}

static int cmp_ln(const void *a, const void *b)
{
	const struct inv_ln *x = *(const struct inv_ln *const *)a, *y = *(const struct inv_ln *const *)b;
	return strcmp(x->name, y->name);
}

static void lds_json(struct jw *w, const struct ied *d, const struct inv_ied *v)
{
	const struct inv_ln **sorted = NULL;
	if (v && v->n_lns && (sorted = malloc(v->n_lns * sizeof(*sorted))) != NULL) {
		for (uint16_t i = 0; i < v->n_lns; i++)
			sorted[i] = &v->lns[i];
		qsort(sorted, v->n_lns, sizeof(*sorted), cmp_ln);
	}
	jw_arr(w, "logical_devices");
	for (uint16_t l = 0; l < d->n_lds; l++) {
		jw_obj(w, NULL);
		jw_str(w, "name", d->lds[l]);
		jw_arr(w, "logical_nodes");
		for (uint16_t i = 0; sorted && i < v->n_lns; i++)
			if (sorted[i]->ld == l)
				jw_str(w, NULL, sorted[i]->name);
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	free(sorted);
}

static void datasets_json(struct jw *w, const struct ied *d)
{
	char disp[200];
	jw_arr(w, "datasets");
	for (uint16_t i = 0; i < d->n_datasets; i++) {
		const struct dataset *ds = &d->datasets[i];
		jw_obj(w, NULL);
		jw_str(w, "ref", ds->ref);
		if (ds->members) {
			jw_arr(w, "members");
			for (uint16_t m = 0; m < ds->n_members; m++)
				if (ds->members[m])
					jw_str(w, NULL, ds->members[m]);
			jw_arr_end(w);
		} else {
			jw_null(w, "members");
		}
		jw_arr(w, "rcbs");
		for (uint16_t r = 0; r < d->n_rcbs; r++)
			if (KNOWN(&d->rcbs[r], RCB_DATSET) && !strcmp(d->rcbs[r].datset, ds->ref)) {
				rcb_display(d->rcbs[r].ref, disp, sizeof(disp));
				jw_str(w, NULL, disp);
			}
		jw_arr_end(w);
		jw_obj_end(w);
	}
	/* Datasets only RCBs name: members unknown. */
	for (uint16_t r = 0; r < d->n_rcbs; r++) {
		const struct rcb *rc = &d->rcbs[r];
		if (!inv_rcb_only_dataset(d, r))
			continue;
		jw_obj(w, NULL);
		jw_str(w, "ref", rc->datset);
		jw_null(w, "members");
		jw_arr(w, "rcbs");
		for (uint16_t q = r; q < d->n_rcbs; q++)
			if (KNOWN(&d->rcbs[q], RCB_DATSET) && !strcmp(d->rcbs[q].datset, rc->datset)) {
				rcb_display(d->rcbs[q].ref, disp, sizeof(disp));
				jw_str(w, NULL, disp);
			}
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void rcbs_json(struct jw *w, const struct ied *d)
{
	char disp[200];
	jw_arr(w, "rcbs");
	for (uint16_t i = 0; i < d->n_rcbs; i++) {
		const struct rcb *r = &d->rcbs[i];
		jw_obj(w, NULL);
		rcb_display(r->ref, disp, sizeof(disp));
		jw_str(w, "ref", disp);
		jw_str(w, "mms_ref", r->ref);
		jw_bool(w, "buffered", r->buffered);
		if (KNOWN(r, RCB_RPTID))
			jw_str(w, "rptid", r->rptid);
		if (KNOWN(r, RCB_DATSET))
			jw_str(w, "datset", r->datset);
		if (KNOWN(r, RCB_TRGOPS)) {
			jw_arr(w, "trgops");
			for (unsigned b = 0; b < 8; b++)
				if ((r->trgops & (1u << b)) && iec_trg_name(b))
					jw_str(w, NULL, iec_trg_name(b));
			jw_arr_end(w);
		}
		if (KNOWN(r, RCB_OPTFLDS)) {
			jw_arr(w, "optflds");
			for (unsigned b = 0; b < 10; b++)
				if ((r->optflds & (1u << b)) && iec_optfld_name(b))
					jw_str(w, NULL, iec_optfld_name(b));
			jw_arr_end(w);
		}
		if (KNOWN(r, RCB_INTGPD))
			jw_u64(w, "intgpd_ms", r->intgpd);
		if (KNOWN(r, RCB_BUFTM))
			jw_u64(w, "buftm_ms", r->buftm);
		if (KNOWN(r, RCB_CONFREV))
			jw_u64(w, "confrev", r->confrev);
		if (KNOWN(r, RCB_RPTENA))
			jw_bool(w, "rptena", r->rptena);
		jw_u64(w, "reports", r->reports);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* The variables the IED described (GetDataDefinition): only when it described
 * some, so an inventory of traffic without them is as it was. */
static void described_json(struct jw *w, const struct ied *d, const struct inv_ied *v)
{
	if (!v || (!v->n_vars && !v->vars_dropped))
		return;
	jw_obj(w, "described_variables");
	jw_arr(w, "variables");
	for (uint16_t i = 0; i < v->n_vars; i++) {
		const struct inv_var *e = &v->vars[i];
		jw_obj(w, NULL);
		jw_str(w, "ld", e->ld < d->n_lds ? d->lds[e->ld] : "");
		jw_str(w, "item", e->item);
		jw_str(w, "type", e->type);
		if (e->type_cut)
			jw_bool(w, "type_truncated", true);
		jw_u64(w, "nodes", e->nodes);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_u64(w, "not_listed", v->vars_dropped);
	jw_u64(w, "max", INV_MAX_VARS);
	jw_obj_end(w);
}

static void clients_json(struct jw *w, const struct inv_ied *v)
{
	char ip[64];
	jw_arr(w, "clients");
	for (uint16_t i = 0; v && i < v->n_clients; i++) {
		const struct inv_client *c = &v->clients[i];
		jw_obj(w, NULL);
		inv_client_address(c, ip, sizeof(ip));
		jw_str(w, "address", ip);
		jw_timestamp(w, "first_seen", c->first_seen);
		jw_timestamp(w, "last_seen", c->last_seen);
		jw_u64(w, "connections", c->connections);
		jw_u64(w, "associations", c->associations);
		jw_u64(w, "tls_connections", c->tls_connections);
		jw_bool(w, "password_sent", c->password_sent);
		jw_u64(w, "requests", c->requests);
		services_obj(w, "services", NULL, c->svc);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void ied_json(struct jw *w, const struct inventory_view *view, const void *arg)
{
	const struct ied *d = arg;
	const struct inv_ied *v = inventory_ied(view, d);
	char ip[64];
	endpoint_ip_text(&d->ep, ip, sizeof(ip));
	jw_obj(w, NULL);
	jw_str(w, "address", ip);
	jw_u64(w, "port", d->ep.port);
	jw_arr(w, "vlan");
	for (unsigned i = 0; i < d->ep.n_vlan; i++)
		jw_u64(w, NULL, d->ep.vlan[i]);
	jw_arr_end(w);
	if (d->name[0]) {
		jw_str(w, "name", d->name);
		jw_str(w, "name_source", d->name_from_design ? "scl" : "rules");
	} else if (d->n_lds) {
		jw_str(w, "name", d->lds[0]);
		jw_str(w, "name_source", "logical_device");
	} else {
		jw_null(w, "name");
		jw_null(w, "name_source");
	}
	if (d->vendor[0] || d->model[0] || d->revision[0]) {
		jw_str(w, "vendor", d->vendor);
		jw_str(w, "model", d->model);
		jw_str(w, "revision", d->revision);
	} else {
		jw_null(w, "vendor");
		jw_null(w, "model");
		jw_null(w, "revision");
	}
	if (v && v->first_seen) {
		jw_timestamp(w, "first_seen", v->first_seen);
		jw_timestamp(w, "last_seen", v->last_seen);
	}
	jw_bool(w, "mms", v && v->plaintext_flagged);
	jw_str(w, "device", inv_is_plc(v) ? "plc" : "ied");

	jw_obj(w, "security");
	jw_bool(w, "mms_plaintext", v && v->plaintext_flagged);
	if (v && v->tls_connections) {
		jw_obj(w, "tls");
		jw_u64(w, "connections", v->tls_connections);
		if (v->tls_version)
			jw_str(w, "version", tls_version_name(v->tls_version));
		else
			jw_null(w, "version");
		if (v->tls_offered)
			jw_str(w, "client_max_version", tls_version_name(v->tls_offered));
		jw_arr(w, "sni");
		for (uint8_t i = 0; i < v->n_sni; i++)
			jw_str(w, NULL, v->sni[i]);
		jw_arr_end(w);
		jw_obj_end(w);
	} else {
		jw_null(w, "tls");
	}
	jw_u64(w, "password_association_requests", v ? v->password_aarqs : 0);
	if (v && v->other_auth_aarqs) {
		jw_obj(w, "other_authentication");
		jw_u64(w, "association_requests", v->other_auth_aarqs);
		jw_str(w, "mechanism", v->other_mechanism);
		jw_obj_end(w);
	}
	jw_u64(w, "s7comm_connections", v ? v->s7comm_connections : 0);
	jw_u64(w, "s7comm_plus_connections", v ? v->s7comm_plus_connections : 0);
	jw_obj_end(w);

	jw_obj(w, "associations");
	jw_u64(w, "connections", v ? v->connections : 0);
	jw_u64(w, "associations", v ? v->associations : 0);
	jw_u64(w, "peak_concurrent", d->peak_assocs);
	jw_u64(w, "refused", d->refused);
	if (d->limit) {
		jw_u64(w, "limit", d->limit);
		jw_bool(w, "limit_inferred", d->limit_inferred);
	} else {
		jw_null(w, "limit");
	}
	jw_obj_end(w);

	lds_json(w, d, v);
	datasets_json(w, d);
	rcbs_json(w, d);
	described_json(w, d, v);

	jw_obj(w, "services");
	static const uint64_t none[INV_SVC_MAX + 1];
	services_obj(w, "requests", v ? v->requests : none, NULL);
	jw_obj(w, "acsi");
	for (uint16_t i = 0; v && i < v->n_acsi; i++)
		jw_u64(w, v->acsi[i].name, v->acsi[i].n);
	jw_obj_end(w);
	jw_obj(w, "unconfirmed");
	for (int k = 0; v && k <= INV_USVC_MAX; k++) {
		if (!v->unconfirmed[k])
			continue;
		const char *name = k < INV_USVC_MAX ? mms_service_name(MMS_UNCONFIRMED, k) : NULL;
		jw_u64(w, name ? name : "other", v->unconfirmed[k]);
	}
	jw_obj_end(w);
	jw_obj_end(w);

	clients_json(w, v);

	jw_obj(w, "not_listed");
	jw_u64(w, "client_connections", v ? v->unlisted_client_connections : 0);
	jw_u64(w, "logical_nodes", v ? v->lns_dropped : 0);
	jw_u64(w, "logical_devices", v ? v->lds_dropped : 0);
	jw_u64(w, "datasets", v ? v->datasets_dropped : 0);
	jw_obj_end(w);
	jw_obj_end(w);
}

static void stream_json(struct jw *w, const struct inventory_view *view, const void *arg)
{
	const struct inv_l2_stream *s = arg;
	char mac[24], ied[96];
	jw_obj(w, NULL);
	jw_arr(w, "vlan");
	for (uint8_t i = 0; i < s->key.n; i++)
		jw_u64(w, NULL, s->key.v[i]);
	jw_arr_end(w);
	jw_u64(w, "appid", s->appid);
	const char *idk = s->sv ? "svID" : "gocbRef";
	if (s->id[0])
		jw_str(w, idk, s->id);
	else
		jw_null(w, idk);
	if (s->datset[0])
		jw_str(w, "datSet", s->datset);
	else
		jw_null(w, "datSet");
	if (!s->sv) {
		if (s->go_id[0])
			jw_str(w, "goID", s->go_id);
		else
			jw_null(w, "goID");
		if (s->has_tal)
			jw_u64(w, "timeAllowedtoLive_ms", s->tal);
	} else {
		jw_u64(w, "noASDU", s->no_asdu);
	}
	if (s->has_conf_rev)
		jw_u64(w, "confRev", s->conf_rev);
	if (s->has_mac) {
		inv_mac_text(s->src, mac, sizeof(mac));
		jw_str(w, "src_mac", mac);
	} else {
		jw_null(w, "src_mac");
	}
	if (s->has_dst) {
		inv_mac_text(s->dst, mac, sizeof(mac));
		jw_str(w, "dst_mac", mac);
	}
	jw_bool(w, "several_sources", s->other_sources);
	jw_u64(w, "frames", s->frames);
	jw_u64(w, "malformed", s->malformed);
	jw_timestamp(w, "first_seen", s->first_seen);
	jw_timestamp(w, "last_seen", s->last_seen);
	where_obj(w, "first_frame", &s->first_at);
	jw_bool(w, "on_mms_vlan", s->mms_vlan >= 0);
	if (s->mms_vlan >= 0) {
		endpoint_text(&view->mms_vlans[s->mms_vlan].ied, ied, sizeof(ied));
		jw_str(w, "mms_ied", ied);
	}
	jw_obj_end(w);
}

static void mms_vlan_json(struct jw *w, const struct inventory_view *view, const void *arg)
{
	(void)view;
	const struct inv_mms_vlan *mv = arg;
	char ied[96];
	jw_obj(w, NULL);
	jw_arr(w, "vlan");
	for (uint8_t i = 0; i < mv->key.n; i++)
		jw_u64(w, NULL, mv->key.v[i]);
	jw_arr_end(w);
	endpoint_text(&mv->ied, ied, sizeof(ied));
	jw_str(w, "first_ied", ied);
	where_obj(w, "first_frame", &mv->at);
	jw_obj_end(w);
}

static void red_node_json(struct jw *w, const struct inventory_view *view, const void *arg)
{
	(void)view;
	const struct inv_red_node *n = arg;
	char mac[24];
	inv_mac_text(n->mac, mac, sizeof(mac));
	jw_obj(w, NULL);
	jw_str(w, "mac", mac);
	jw_str(w, "protocol", n->hsr ? "hsr" : "prp");
	jw_arr(w, n->hsr ? "lanes" : "lans");
	if (n->lans & 1)
		jw_str(w, NULL, "A");
	if (n->lans & 2)
		jw_str(w, NULL, "B");
	jw_arr_end(w);
	jw_u64(w, "supervision_frames", n->frames);
	jw_timestamp(w, "first_seen", n->first_seen);
	jw_timestamp(w, "last_seen", n->last_seen);
	where_obj(w, "first_frame", &n->first);
	jw_obj_end(w);
}

/* An EUI-64 clock identity as PTP tools write it: "00:1b:19:ff:fe:00:00:01". */
static void clock_identity_text(const uint8_t *id, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 8; i++) {
		buf[3 * i] = hex[id[i] >> 4];
		buf[3 * i + 1] = hex[id[i] & 15];
		buf[3 * i + 2] = i < 7 ? ':' : 0;
	}
}

static void time_source_json(struct jw *w, const struct inventory_view *view, const void *arg)
{
	(void)view;
	const struct inv_time_source *s = arg;
	char buf[64];
	jw_obj(w, NULL);
	jw_str(w, "protocol", s->protocol == INV_TIME_PTP ? "ptp" : "sntp");
	if (s->protocol == INV_TIME_SNTP) {
		struct endpoint e;
		memset(&e, 0, sizeof(e));
		e.ipver = s->ipver;
		memcpy(e.ip, s->ip, 16);
		endpoint_ip_text(&e, buf, sizeof(buf));
		jw_str(w, "server", buf);
		jw_u64(w, "version", s->version);
		jw_u64(w, "stratum", s->stratum);
		/* stratum 1: the refid names the reference clock (ASCII); above, the
		 * server's own upstream (an IPv4 address); 0: a kiss code (ASCII) */
		if (s->stratum >= 2 && s->stratum <= 15) {
			struct endpoint r;
			memset(&r, 0, sizeof(r));
			r.ipver = 4;
			memcpy(r.ip, s->refid, 4);
			endpoint_ip_text(&r, buf, sizeof(buf));
			jw_str(w, "reference", buf);
		} else {
			size_t n = 0;
			for (; n < 4 && s->refid[n] >= 0x20 && s->refid[n] < 0x7f; n++)
				;
			jw_strn(w, "reference", (const char *)s->refid, n);
		}
		jw_bool(w, "synchronized", s->leap != 3 && s->stratum >= 1 && s->stratum <= 15);
		jw_u64(w, "replies", s->messages);
	} else {
		clock_identity_text(s->grandmaster, buf);
		jw_str(w, "grandmaster", buf);
		jw_u64(w, "domain", s->domain);
		jw_u64(w, "priority1", s->priority1);
		jw_u64(w, "priority2", s->priority2);
		jw_u64(w, "clock_class", s->clock_class);
		jw_u64(w, "clock_accuracy", s->clock_accuracy);
		const char *ts = ptp_time_source_name(s->time_source);
		if (ts)
			jw_str(w, "time_source", ts);
		else
			jw_u64(w, "time_source", s->time_source);
		jw_u64(w, "steps_removed", s->steps_removed);
		clock_identity_text(s->sender, buf);
		jw_str(w, "announced_by", buf);
		jw_str(w, "transport", s->over_udp ? "udp" : "ethernet");
		if (s->over_udp) {
			struct endpoint e;
			memset(&e, 0, sizeof(e));
			e.ipver = s->ipver;
			memcpy(e.ip, s->ip, 16);
			endpoint_ip_text(&e, buf, sizeof(buf));
			jw_str(w, "address", buf);
		}
		jw_u64(w, "announces", s->messages);
	}
	if (s->has_mac) {
		inv_mac_text(s->mac, buf, sizeof(buf));
		jw_str(w, "mac", buf);
	}
	jw_arr(w, "vlan");
	for (uint8_t i = 0; i < s->key.n; i++)
		jw_u64(w, NULL, s->key.v[i]);
	jw_arr_end(w);
	jw_timestamp(w, "first_seen", s->first_seen);
	jw_timestamp(w, "last_seen", s->last_seen);
	where_obj(w, "first_frame", &s->first);
	jw_obj_end(w);
}

static void header_json(struct jw *w, const struct inventory_view *view, const void *arg)
{
	(void)view;
	const struct inventory_doc_totals *t = arg;
	if (t->first_seen) {
		jw_timestamp(w, "first_seen", t->first_seen);
		jw_timestamp(w, "last_seen", t->last_seen);
	} else {
		jw_null(w, "first_seen");
		jw_null(w, "last_seen");
	}
}

static void limits_json(struct jw *w, const struct inventory_view *view, const void *arg)
{
	(void)view;
	const struct inventory_doc_totals *t = arg;
	jw_obj(w, NULL);
	jw_u64(w, "inventory_full", t->inventory_full);
	jw_u64(w, "ied_table_full", t->ied_table_full);
	jw_u64(w, "goose_sv_frames_not_listed", t->l2_frames_not_listed);
	jw_u64(w, "goose_sv_frames_unusable", t->l2_frames_unusable);
	jw_u64(w, "max_clients_per_ied", INV_MAX_CLIENTS);
	jw_u64(w, "max_logical_nodes_per_ied", INV_MAX_LNS);
	jw_u64(w, "max_logical_devices_per_ied", IED_MAX_LDS);
	jw_u64(w, "max_datasets_per_ied", IED_MAX_DATASETS);
	jw_u64(w, "max_goose_sv_streams", INV_MAX_L2);
	jw_obj_end(w);
}

#define DOC_BUF_MIN (64u * 1024)
#define DOC_BUF_MAX (64u * 1024 * 1024)

typedef void piece_fn(struct jw *w, const struct inventory_view *view, const void *arg);

struct doc {
	FILE *out;
	const struct inventory_view *view;
	char *buf;
	size_t cap;
	bool failed;
	bool parts; /* a --shards process's --inventory: in parts (core/summary_parts.h) */
	/* The database's copy: the design section lists only the designed IEDs that
	 * were seen (with how many were not); the design itself is kept once, in the
	 * design tables, not once per run. */
	bool design_seen_only;
};

/* One piece of the document, formatted into a buffer that grows until it fits
 * (an IED with hundreds of datasets takes megabytes), then written. */
static void emit(struct doc *doc, piece_fn *fn, const void *arg)
{
	for (;;) {
		struct jw w;
		if (!doc->buf) {
			doc->cap = DOC_BUF_MIN;
			if (!(doc->buf = malloc(doc->cap))) {
				doc->failed = true;
				return;
			}
		}
		jw_init(&w, doc->buf, doc->cap);
		if (fn == header_json)
			w.first[0] = false; /* members of the already opened top object */
		fn(&w, doc->view, arg);
		if (!w.overflow) {
			fwrite(doc->buf, 1, w.len, doc->out);
			if (doc->parts)
				fputc('\n', doc->out); /* a piece is whole lines: the merge drops it */
			return;
		}
		char *n = doc->cap < DOC_BUF_MAX ? realloc(doc->buf, doc->cap * 4) : NULL;
		if (!n) {
			fputs(doc->parts ? "{\"truncated\":true}\n" : "{\"truncated\":true}",
			      doc->out); /* still valid JSON */
			return;
		}
		doc->buf = n;
		doc->cap *= 4;
	}
}

/* A list of the document: its name, or (parts) a section of the job's merge. */
static void list_open(struct doc *doc, const char *json, const char *section)
{
	if (doc->parts)
		parts_section(doc->out, section);
	else
		fputs(json, doc->out);
}

/* An item of a list: its separator, or (parts) a piece with its key (and id:
 * of items with one id, the job's document keeps the first in key order). */
static void list_item(struct doc *doc, size_t *n, const struct order_key *key, const char *id)
{
	static const struct order_key none;
	if (doc->parts)
		parts_piece_id(doc->out, 0, key ? key : &none, id ? id : "");
	else
		fputs((*n)++ ? ",\n" : "\n", doc->out);
}

/* ---- the design section (--scl) ---- */
static void design_head_piece(struct jw *w, const struct inventory_view *view, const void *arg)
{
	(void)view;
	design_header_json(w, arg);
}

static void design_ied_piece(struct jw *w, const struct inventory_view *view, const void *arg)
{
	(void)view;
	design_ied_json(w, arg);
}

static void design_unknown_piece(struct jw *w, const struct inventory_view *view, const void *arg)
{
	(void)view;
	design_unknown_json(w, arg);
}

struct seen_list {
	const struct ied **ieds;
	size_t n, cap;
};

static void collect_ied(struct ied *d, void *arg)
{
	struct seen_list *l = arg;
	if (l->n < l->cap)
		l->ieds[l->n++] = d;
}

static int by_design(const void *a, const void *b)
{
	const struct scl_ied *x = (*(const struct ied *const *)a)->design;
	const struct scl_ied *y = (*(const struct ied *const *)b)->design;
	return x == y ? 0 : (uintptr_t)x < (uintptr_t)y ? -1 : 1;
}

/* "design": {"hash", "files", "ieds": [designed, one a line], "not_designed": [seen
 * at an address the design does not have]}; the observed IEDs sorted by their
 * designed IED so that each designed IED finds its own in one search. */
static void design_json(struct doc *doc)
{
	FILE *out = doc->out;
	struct seen_list l = { NULL, 0, ied_count() };
	l.ieds = calloc(l.cap + 1, sizeof(*l.ieds));
	if (!l.ieds) {
		doc->failed = true;
		return;
	}
	ied_foreach(collect_ied, &l);
	qsort(l.ieds, l.n, sizeof(*l.ieds), by_design);
	list_open(doc, "],\n\"design\":{", "doc.design");
	emit(doc, design_head_piece, g_scl);
	list_open(doc, ",\"ieds\":[", "doc.design_ieds");
	/* the database's: those seen by no process are counted at the merge */
	if (doc->parts && doc->design_seen_only)
		parts_same(out, "designed", scl_ied_count(g_scl));
	size_t listed = 0, not_seen = 0;
	for (size_t i = 0; i < scl_ied_count(g_scl); i++) {
		struct design_seen s = { scl_ied_at(g_scl, i), NULL, 0 };
		size_t lo = 0, hi = l.n;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if ((uintptr_t)l.ieds[mid]->design < (uintptr_t)s.design)
				lo = mid + 1;
			else
				hi = mid;
		}
		s.ieds = (const struct ied *const *)&l.ieds[lo];
		while (lo + s.n < l.n && l.ieds[lo + s.n]->design == s.design)
			s.n++;
		if (doc->design_seen_only && !s.n) {
			not_seen++;
			continue;
		}
		/* in the design's order; of the processes' pieces, one that saw it */
		struct order_key key = { { i, s.n ? 0 : 1, 0, 0 } };
		char id[24];
		snprintf(id, sizeof(id), "d%zu", i);
		list_item(doc, &listed, &key, id);
		emit(doc, design_ied_piece, &s);
	}
	if (doc->design_seen_only && !doc->parts)
		fprintf(out, "],\n\"designed_not_seen\":%zu", not_seen);
	list_open(doc, doc->design_seen_only ? ",\n\"not_designed\":[" : "],\n\"not_designed\":[", "doc.not_designed");
	size_t n = 0;
	for (size_t i = 0; i < l.n; i++)
		if (!l.ieds[i]->design) {
			list_item(doc, &n, &l.ieds[i]->first, NULL);
			emit(doc, design_unknown_piece, l.ieds[i]);
		}
	if (!doc->parts)
		fputs("]}", out);
	free(l.ieds);
}

struct ied_list {
	struct doc *doc;
	size_t n;
};

static void ied_item(struct ied *d, void *arg)
{
	struct ied_list *l = arg;
	list_item(l->doc, &l->n, &d->first, NULL);
	emit(l->doc, ied_json, d);
}

/* GOOSE and SV streams, red nodes, time sources: shard 0's alone with --shard
 * (core/shard.h), so their pieces need no key. */
static void streams_json(struct doc *doc, const char *key, bool sv)
{
	size_t n = 0;
	char json[32], section[32];
	snprintf(json, sizeof(json), "],\n\"%s\":[", key);
	snprintf(section, sizeof(section), "doc.%s", key);
	list_open(doc, json, section);
	for (size_t i = 0; i < doc->view->n_streams; i++) {
		if (doc->view->streams[i].sv != sv)
			continue;
		list_item(doc, &n, NULL, NULL);
		emit(doc, stream_json, &doc->view->streams[i]);
	}
}

/* The segments with MMS: a piece per segment, keyed by the frame that showed
 * it, its id the VLAN stack (each process knows the segments of its IEDs; the
 * job's document keeps the first). */
static void mms_vlans_json(struct doc *doc)
{
	const struct inventory_view *v = doc->view;
	size_t n = 0;
	list_open(doc, "],\n\"mms_vlans\":[", "doc.mms_vlans");
	for (size_t i = 0; i < v->n_mms_vlans; i++) {
		const struct inv_mms_vlan *mv = &v->mms_vlans[i];
		struct order_key key = order_of_frame(&mv->at);
		char id[40] = "v";
		inv_vlan_ids(&mv->key, id + 1, sizeof(id) - 1);
		list_item(doc, &n, &key, id);
		emit(doc, mms_vlan_json, mv);
	}
}

static void totals_of_run(const struct inventory_view *v, struct inventory_doc_totals *t)
{
	t->first_seen = v->first_seen;
	t->last_seen = v->last_seen;
	t->inventory_full = g_stats[STAT_inventory_full];
	t->ied_table_full = g_stats[STAT_ied_table_full];
	t->l2_frames_not_listed = v->l2_frames_not_listed;
	t->l2_frames_unusable = v->l2_frames_unusable;
}

/* A --shards process's numbers for the job's document. */
static void totals_parts(FILE *out, const struct inventory_doc_totals *t)
{
	parts_least(out, "first_seen", (uint64_t)t->first_seen);
	parts_same(out, "last_seen", (uint64_t)t->last_seen);
	parts_sum(out, "inventory_full", t->inventory_full);
	parts_sum(out, "ied_table_full", t->ied_table_full);
	parts_sum(out, "l2_frames_not_listed", t->l2_frames_not_listed);
	parts_sum(out, "l2_frames_unusable", t->l2_frames_unusable);
}

void inventory_doc_open(FILE *out, const struct inventory_doc_totals *t)
{
	struct doc doc = { .out = out };
	fputs("{\"inventory_version\":1", out);
	emit(&doc, header_json, t);
	free(doc.buf);
}

void inventory_doc_close(FILE *out, bool array_open, const struct inventory_doc_totals *t)
{
	struct doc doc = { .out = out };
	fputs(array_open ? "],\n\"limits\":" : ",\n\"limits\":", out);
	emit(&doc, limits_json, t);
	fputs("}\n", out);
	free(doc.buf);
}

static bool write_doc(FILE *out, const struct inventory_view *v, bool design_seen_only, bool parts)
{
	struct doc doc = { .out = out, .view = v, .design_seen_only = design_seen_only, .parts = parts };
	struct inventory_doc_totals t;
	totals_of_run(v, &t);
	/* One document; one IED, stream or VLAN per line, so that it reads (and
	 * diffs) line by line as well as with jq. */
	if (parts) {
		parts_section(out, "doc.head");
		totals_parts(out, &t);
	} else
		inventory_doc_open(out, &t);
	list_open(&doc, ",\n\"ieds\":[", "doc.ieds");
	struct ied_list l = { &doc, 0 };
	ied_foreach(ied_item, &l);
	streams_json(&doc, "goose", false);
	streams_json(&doc, "sv", true);
	mms_vlans_json(&doc);
	if (v->n_red_nodes) {
		/* Only on a redundant network: a plain capture's document is unchanged. */
		size_t n = 0;
		list_open(&doc, "],\n\"redundancy_nodes\":[", "doc.redundancy_nodes");
		for (size_t i = 0; i < v->n_red_nodes; i++) {
			list_item(&doc, &n, NULL, NULL);
			emit(&doc, red_node_json, &v->red_nodes[i]);
		}
	}
	if (v->n_time_sources) {
		/* Only when one was seen: other documents are unchanged. */
		size_t n = 0;
		list_open(&doc, "],\n\"time_sources\":[", "doc.time_sources");
		for (size_t i = 0; i < v->n_time_sources; i++) {
			list_item(&doc, &n, NULL, NULL);
			emit(&doc, time_source_json, &v->time_sources[i]);
		}
	}
	bool array_open = true;
	if (g_scl) {
		design_json(&doc);
		array_open = false;
	}
	if (parts)
		parts_end(out);
	else
		inventory_doc_close(out, array_open, &t);
	free(doc.buf);
	return !doc.failed && !ferror(out);
}

bool inventory_doc_write_to(FILE *out, const struct inventory_view *v)
{
	return write_doc(out, v, false, false);
}

bool inventory_doc_write_for_store(FILE *out, const struct inventory_view *v, bool parts)
{
	return write_doc(out, v, true, parts && summary_parts());
}

int inventory_doc_write(const char *path, const struct inventory_view *v)
{
	bool to_stdout = !strcmp(path, "-");
	FILE *out = to_stdout ? stdout : fopen(path, "w");
	if (!out) {
		log_error("%s: cannot write the inventory: %s", path, strerror(errno));
		return -1;
	}
	/* a --shards process: the job's first process merges the parts */
	bool bad = !write_doc(out, v, false, summary_parts() && !to_stdout);
	if (to_stdout)
		bad |= fflush(out) != 0;
	else
		bad |= fclose(out) != 0;
	if (bad && to_stdout && errno == EPIPE)
		return 0; /* `--inventory - | head`: the reader has read what it wanted */
	if (bad) {
		log_error("%s: the inventory could not be written completely", path);
		return -1;
	}
	return 0;
}

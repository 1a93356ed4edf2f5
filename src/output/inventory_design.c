/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inventory_design.c - the inventory's `design` section; see inventory_design.h and
 * docs/inventory.md. */
#include "output/inventory_design.h"

#include <stdio.h>
#include <string.h>

static const char *state(bool designed, bool seen)
{
	return designed && seen ? "both" : designed ? "designed" : "seen";
}

void design_header_json(struct jw *w, const struct scl *m)
{
	jw_str(w, "hash", scl_design_hash(m));
	jw_arr(w, "files");
	for (size_t i = 0; i < scl_file_count(m); i++) {
		const struct scl_file *f = scl_file_at(m, i);
		jw_obj(w, NULL);
		jw_str(w, "path", f->path);
		jw_str(w, "kind", scl_file_kind_text(f->kind));
		jw_str(w, "edition", scl_edition_text(f->edition));
		jw_u64(w, "bytes", f->bytes);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* The observed RCB instances of the seen IEDs that are instances of r. */
static void rcb_json(struct jw *w, const struct scl_rcb *r, const struct design_seen *s)
{
	char item[200], ref[300];
	scl_rcb_instance_item(r, 0, item, sizeof(item));
	snprintf(ref, sizeof(ref), "%s/%s", r->ln->ld->domain, item);
	jw_obj(w, NULL);
	jw_str(w, "ref", ref);
	jw_bool(w, "buffered", r->buffered);
	jw_bool(w, "indexed", r->indexed);
	jw_u64(w, "max", r->max);
	if (r->has_conf_rev)
		jw_u64(w, "confrev", r->conf_rev);
	jw_str(w, "datset", r->dataset ? r->dataset->ref : r->datset);
	jw_str(w, "rptid", r->rpt_id);
	bool seen = false;
	jw_arr(w, "seen_instances");
	for (size_t i = 0; i < s->n; i++) {
		const struct ied *d = s->ieds[i];
		for (uint16_t k = 0; k < d->n_rcbs; k++) {
			struct scl_rcb_match mt;
			if (scl_rcb_by_ref(g_scl, NULL, d->rcbs[k].ref, &mt) == r) {
				jw_str(w, NULL, d->rcbs[k].ref);
				seen = true;
			}
		}
	}
	jw_arr_end(w);
	jw_str(w, "state", state(true, seen));
	jw_obj_end(w);
}

static bool dataset_seen(const struct scl_dataset *ds, const struct design_seen *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (ied_dataset((struct ied *)s->ieds[i], ds->ref, false))
			return true;
	/* a dataset an observed RCB names counts as seen too */
	for (size_t i = 0; i < s->n; i++)
		for (uint16_t k = 0; k < s->ieds[i]->n_rcbs; k++)
			if (!strcmp(s->ieds[i]->rcbs[k].datset, ds->ref))
				return true;
	return false;
}

void design_ied_json(struct jw *w, const struct design_seen *s)
{
	const struct scl_ied *sd = s->design;
	jw_obj(w, NULL);
	jw_str(w, "name", sd->name);
	jw_str(w, "desc", sd->desc);
	jw_str(w, "manufacturer", sd->manufacturer);
	jw_str(w, "type", sd->type);
	jw_str(w, "config_version", sd->config_version);
	jw_str(w, "file", sd->file->path);
	jw_arr(w, "addresses");
	for (uint32_t i = 0; i < sd->n_addrs; i++) {
		const struct scl_access_addr *a = &sd->addrs[i];
		if (!a->has_ip)
			continue;
		jw_obj(w, NULL);
		jw_str(w, "address", a->ip_text);
		jw_u64(w, "port", a->mms_port);
		jw_str(w, "access_point", a->ap_name);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_str(w, "state", state(true, s->n > 0));
	jw_arr(w, "seen_at");
	for (size_t i = 0; i < s->n; i++) {
		char ip[64];
		endpoint_ip_text(&s->ieds[i]->ep, ip, sizeof(ip));
		jw_obj(w, NULL);
		jw_str(w, "address", ip);
		jw_u64(w, "port", s->ieds[i]->ep.port);
		jw_obj_end(w);
	}
	jw_arr_end(w);

	jw_arr(w, "rcbs");
	for (uint32_t l = 0; l < sd->n_lds; l++)
		for (uint32_t k = 0; k < sd->lds[l].n_rcbs; k++)
			rcb_json(w, &sd->lds[l].rcbs[k], s);
	/* instances the traffic used that the design does not have */
	for (size_t i = 0; i < s->n; i++)
		for (uint16_t k = 0; k < s->ieds[i]->n_rcbs; k++) {
			const struct rcb *r = &s->ieds[i]->rcbs[k];
			if (scl_rcb_by_ref(g_scl, NULL, r->ref, NULL))
				continue;
			jw_obj(w, NULL);
			jw_str(w, "ref", r->ref);
			jw_bool(w, "buffered", r->buffered);
			jw_str(w, "state", "seen");
			jw_obj_end(w);
		}
	jw_arr_end(w);

	jw_arr(w, "datasets");
	for (uint32_t l = 0; l < sd->n_lds; l++)
		for (uint32_t k = 0; k < sd->lds[l].n_datasets; k++) {
			const struct scl_dataset *ds = &sd->lds[l].datasets[k];
			jw_obj(w, NULL);
			jw_str(w, "ref", ds->ref);
			jw_arr(w, "members");
			for (uint32_t m = 0; m < ds->n_fcdas; m++)
				jw_str(w, NULL, ds->fcdas[m].display);
			jw_arr_end(w);
			jw_str(w, "state", state(true, dataset_seen(ds, s)));
			jw_obj_end(w);
		}
	for (size_t i = 0; i < s->n; i++)
		for (uint16_t k = 0; k < s->ieds[i]->n_datasets; k++) {
			const struct dataset *ds = &s->ieds[i]->datasets[k];
			if (scl_dataset_by_ref(g_scl, NULL, ds->ref))
				continue;
			jw_obj(w, NULL);
			jw_str(w, "ref", ds->ref);
			jw_str(w, "state", "seen");
			jw_obj_end(w);
		}
	jw_arr_end(w);
	jw_obj_end(w);
}

void design_unknown_json(struct jw *w, const struct ied *d)
{
	char ip[64];
	endpoint_ip_text(&d->ep, ip, sizeof(ip));
	jw_obj(w, NULL);
	jw_str(w, "address", ip);
	jw_u64(w, "port", d->ep.port);
	if (d->name[0])
		jw_str(w, "name", d->name);
	else if (d->n_lds)
		jw_str(w, "name", d->lds[0]);
	jw_str(w, "state", "seen");
	jw_obj_end(w);
}

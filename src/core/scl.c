/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scl.c - the loaded design, read-only: look-ups by address, name, MMS domain and
 * reference, and DataTypeTemplates resolved on demand; see scl.h. The loader that
 * fills the model is scl_load.c. */
#include "core/scl.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/scl_model.h"
#include "dissectors/iec61850_report.h"

const struct scl *g_scl;

/* ---- interned strings ---------------------------------------------------------- */
#define STR_CHUNK (256u << 10)

static uint64_t str_hash(const char *p, size_t len)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)p[i]) * 1099511628211ull;
	return h;
}

static bool str_grow(struct scl_strings *s)
{
	size_t n = s->n_slots ? s->n_slots * 2 : 4096;
	const char **slot = calloc(n, sizeof(*slot));
	if (!slot)
		return false;
	for (size_t i = 0; i < s->n_slots; i++) {
		const char *p = s->slot[i];
		if (!p)
			continue;
		size_t h = (size_t)str_hash(p, strlen(p)) & (n - 1);
		while (slot[h])
			h = (h + 1) & (n - 1);
		slot[h] = p;
	}
	free(s->slot);
	s->slot = slot;
	s->n_slots = n;
	return true;
}

const char *scl_intern(struct scl_strings *s, const char *p, size_t len)
{
	if (len == 0)
		return "";
	if ((s->n_strings + 1) * 2 > s->n_slots && !str_grow(s))
		return NULL;
	size_t h = (size_t)str_hash(p, len) & (s->n_slots - 1);
	for (const char *q; (q = s->slot[h]); h = (h + 1) & (s->n_slots - 1))
		if (!strncmp(q, p, len) && q[len] == 0)
			return q;
	char *dst;
	if (len + 1 > STR_CHUNK / 4) {
		/* a long text gets a chunk of its own (attributes are capped well below) */
		dst = malloc(len + 1);
		if (!dst)
			return NULL;
		char **c = realloc(s->chunks, (s->n_chunks + 1) * sizeof(*c));
		if (!c) {
			free(dst);
			return NULL;
		}
		s->chunks = c;
		/* keep the current chunk last: put this one before it */
		if (s->n_chunks) {
			c[s->n_chunks] = c[s->n_chunks - 1];
			c[s->n_chunks - 1] = dst;
		} else {
			c[0] = dst;
			s->used = STR_CHUNK; /* no open chunk yet */
		}
		s->n_chunks++;
	} else {
		if (!s->n_chunks || s->used + len + 1 > STR_CHUNK) {
			char **c = realloc(s->chunks, (s->n_chunks + 1) * sizeof(*c));
			if (!c)
				return NULL;
			s->chunks = c;
			if (!(c[s->n_chunks] = malloc(STR_CHUNK)))
				return NULL;
			s->n_chunks++;
			s->used = 0;
		}
		dst = s->chunks[s->n_chunks - 1] + s->used;
		s->used += len + 1;
	}
	memcpy(dst, p, len);
	dst[len] = 0;
	s->slot[h] = dst;
	s->n_strings++;
	return dst;
}

const char *scl_interned(const struct scl_strings *s, const char *p)
{
	if (!p || !*p)
		return "";
	if (!s->n_slots)
		return NULL;
	size_t len = strlen(p);
	size_t h = (size_t)str_hash(p, len) & (s->n_slots - 1);
	for (const char *q; (q = s->slot[h]); h = (h + 1) & (s->n_slots - 1))
		if (!strcmp(q, p))
			return q;
	return NULL;
}

/* ---- pointer-pair map -------------------------------------------------------------- */
static size_t pair_hash(const void *a, const void *b)
{
	uint64_t x = (uint64_t)(uintptr_t)a * 0x9e3779b97f4a7c15ull;
	x ^= (uint64_t)(uintptr_t)b * 0xc2b2ae3d27d4eb4full;
	x ^= x >> 29;
	return (size_t)x;
}

bool scl_map_put(struct scl_map *m, const void *a, const void *b, uint32_t v)
{
	if ((m->n + 1) * 2 > m->n_slots) {
		size_t n = m->n_slots ? m->n_slots * 2 : 256;
		struct scl_map_slot *slot = calloc(n, sizeof(*slot));
		if (!slot)
			return false;
		for (size_t i = 0; i < m->n_slots; i++) {
			if (!m->slot[i].a)
				continue;
			size_t h = pair_hash(m->slot[i].a, m->slot[i].b) & (n - 1);
			while (slot[h].a)
				h = (h + 1) & (n - 1);
			slot[h] = m->slot[i];
		}
		free(m->slot);
		m->slot = slot;
		m->n_slots = n;
	}
	size_t h = pair_hash(a, b) & (m->n_slots - 1);
	for (; m->slot[h].a; h = (h + 1) & (m->n_slots - 1))
		if (m->slot[h].a == a && m->slot[h].b == b)
			return true;
	m->slot[h].a = a;
	m->slot[h].b = b;
	m->slot[h].v = v;
	m->n++;
	return true;
}

uint32_t scl_map_get(const struct scl_map *m, const void *a, const void *b)
{
	if (!m->n_slots || !a)
		return UINT32_MAX;
	size_t h = pair_hash(a, b) & (m->n_slots - 1);
	for (; m->slot[h].a; h = (h + 1) & (m->n_slots - 1))
		if (m->slot[h].a == a && m->slot[h].b == b)
			return m->slot[h].v;
	return UINT32_MAX;
}

/* ---- texts ------------------------------------------------------------------------ */
const char *scl_error_name(enum scl_error e)
{
	static const char *const names[SCL_ERR_COUNT] = {
		[SCL_OK] = "ok",
		[SCL_ERR_IO] = "io_error",
		[SCL_ERR_XML] = "not_well_formed",
		[SCL_ERR_NOT_SCL] = "not_scl",
		[SCL_ERR_DOCTYPE] = "doctype_refused",
		[SCL_ERR_ENTITY] = "entity_refused",
		[SCL_ERR_FILE_SIZE] = "file_too_big",
		[SCL_ERR_DEPTH] = "depth_limit",
		[SCL_ERR_ATTR_SIZE] = "attribute_too_long",
		[SCL_ERR_TEXT_SIZE] = "text_too_long",
		[SCL_ERR_ELEMENTS] = "element_limit",
		[SCL_ERR_IEDS] = "ied_limit",
		[SCL_ERR_RCBS] = "rcb_limit",
		[SCL_ERR_DATASETS] = "dataset_limit",
		[SCL_ERR_FCDAS] = "fcda_limit",
		[SCL_ERR_FILES] = "file_limit",
		[SCL_ERR_BAD_VALUE] = "bad_value",
		[SCL_ERR_MEMORY] = "out_of_memory",
	};
	return (unsigned)e < SCL_ERR_COUNT && names[e] ? names[e] : "error";
}

const char *scl_file_kind_text(uint8_t kind)
{
	static const char *const t[] = { "SCL", "SCD", "CID", "ICD", "IID", "SED", "SSD" };
	return kind < sizeof(t) / sizeof(t[0]) ? t[kind] : "SCL";
}

const char *scl_edition_text(uint8_t edition)
{
	switch (edition) {
	case SCL_ED_1:
		return "1";
	case SCL_ED_2:
		return "2";
	case SCL_ED_2_1:
		return "2.1";
	default:
		return "?";
	}
}

const char *scl_set_text(uint8_t set)
{
	static const char *const t[] = { "", "Fix", "Conf", "Dyn" };
	return set < 4 ? t[set] : "";
}

/* ---- the model ---------------------------------------------------------------------- */
size_t scl_file_count(const struct scl *m)
{
	return m ? m->n_files : 0;
}

const struct scl_file *scl_file_at(const struct scl *m, size_t i)
{
	return m && i < m->n_files ? &m->files[i] : NULL;
}

size_t scl_ied_count(const struct scl *m)
{
	return m ? m->n_listed : 0;
}

const struct scl_ied *scl_ied_at(const struct scl *m, size_t i)
{
	return m && i < m->n_listed ? &m->ieds[m->listed[i]] : NULL;
}

const char *scl_design_hash(const struct scl *m)
{
	return m ? m->hash : "";
}

const struct scl_ied *scl_ied_by_name(const struct scl *m, const char *name)
{
	if (!m)
		return NULL;
	uint32_t i = scl_map_get(&m->by_name, scl_interned(&m->str, name), NULL);
	return i == UINT32_MAX ? NULL : &m->ieds[i];
}

static int addr_cmp(const struct scl_access_addr *a, uint8_t ipver, const uint8_t ip[16])
{
	if (a->ipver != ipver)
		return a->ipver < ipver ? -1 : 1;
	return memcmp(a->ip, ip, 16);
}

const struct scl_access_addr *scl_addr_by_ip(const struct scl *m, uint8_t ipver, const uint8_t ip[16], uint16_t port)
{
	if (!m || !m->n_addrs)
		return NULL;
	/* the first address sorted at or after (ipver, ip) */
	size_t lo = 0, hi = m->n_addrs;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (addr_cmp(&m->addrs[m->addr_order[mid]], ipver, ip) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < m->n_addrs; lo++) {
		const struct scl_access_addr *a = &m->addrs[m->addr_order[lo]];
		if (addr_cmp(a, ipver, ip))
			break;
		if (!port || a->mms_port == port)
			return a;
	}
	return NULL;
}

const struct scl_access_addr *scl_addr_by_ipv4(const struct scl *m, struct in_addr a, uint16_t port)
{
	uint8_t ip[16] = { 0 };
	memcpy(ip, &a.s_addr, 4);
	return scl_addr_by_ip(m, 4, ip, port);
}

const struct scl_access_addr *scl_addr_by_text(const struct scl *m, const char *text, uint16_t port)
{
	uint8_t ip[16] = { 0 };
	if (inet_pton(AF_INET, text, ip) == 1)
		return scl_addr_by_ip(m, 4, ip, port);
	if (inet_pton(AF_INET6, text, ip) == 1)
		return scl_addr_by_ip(m, 6, ip, port);
	return NULL;
}

const struct scl_access_addr *scl_addr_by_endpoint(const struct scl *m, const struct endpoint *ep)
{
	return ep ? scl_addr_by_ip(m, ep->ipver, ep->ip, ep->port) : NULL;
}

const struct scl_ldevice *scl_ld_by_domain(const struct scl *m, const char *domain)
{
	if (!m || !domain)
		return NULL;
	uint32_t i = scl_map_get(&m->by_domain, scl_interned(&m->str, domain), NULL);
	return i == UINT32_MAX ? NULL : &m->lds[i];
}

/* The model an entity belongs to: the frozen arrays are searched from g_scl's. An
 * entity of another model (tests load several) is found by a linear pass. */
static const struct scl *model_of_ld(const struct scl_ldevice *ld);

const struct scl_ldevice *scl_ld_by_inst(const struct scl_ied *d, const char *inst)
{
	if (!d || !inst)
		return NULL;
	for (uint32_t i = 0; i < d->n_lds; i++)
		if (!strcmp(d->lds[i].inst, inst))
			return &d->lds[i];
	return NULL;
}

const struct scl_ln *scl_ln_by_name(const struct scl_ldevice *ld, const char *name)
{
	if (!ld || !name)
		return NULL;
	for (uint32_t i = 0; i < ld->n_lns; i++)
		if (!strcmp(ld->lns[i].name, name))
			return &ld->lns[i];
	return NULL;
}

/* Splits "domain/item" or takes the two apart; false when there is no domain. */
static bool split_ref(const char *domain, const char *item, char *dom, size_t dsize, const char **rest)
{
	if (domain) {
		snprintf(dom, dsize, "%s", domain);
		*rest = item;
		return item != NULL;
	}
	const char *slash = item ? strchr(item, '/') : NULL;
	if (!slash || (size_t)(slash - item) >= dsize)
		return false;
	memcpy(dom, item, (size_t)(slash - item));
	dom[slash - item] = 0;
	*rest = slash + 1;
	return true;
}

const struct scl_dataset *scl_dataset_by_ref(const struct scl *m, const char *domain, const char *item)
{
	char dom[130];
	const char *rest;
	if (!m || !split_ref(domain, item, dom, sizeof(dom), &rest))
		return NULL;
	const struct scl_ldevice *ld = scl_ld_by_domain(m, dom);
	const char *dollar = ld ? strchr(rest, '$') : NULL;
	if (!dollar)
		return NULL;
	size_t ln_len = (size_t)(dollar - rest);
	for (uint32_t i = 0; i < ld->n_datasets; i++) {
		const struct scl_dataset *s = &ld->datasets[i];
		if (strlen(s->ln->name) == ln_len && !strncmp(s->ln->name, rest, ln_len) &&
		    !strcmp(s->name, dollar + 1))
			return s;
	}
	return NULL;
}

const struct scl_rcb *scl_rcb_by_ref(const struct scl *m, const char *domain, const char *item,
				     struct scl_rcb_match *out)
{
	struct scl_rcb_match none = { 0 };
	if (!out)
		out = &none;
	memset(out, 0, sizeof(*out));
	char dom[130];
	const char *rest;
	if (!m || !split_ref(domain, item, dom, sizeof(dom), &rest))
		return NULL;
	const struct scl_ldevice *ld = scl_ld_by_domain(m, dom);
	/* LN$RP$name or LN$BR$name */
	const char *d1 = ld ? strchr(rest, '$') : NULL;
	if (!d1 || strlen(d1) < 5 || d1[3] != '$')
		return NULL;
	bool buffered;
	if (!strncmp(d1 + 1, "BR", 2))
		buffered = true;
	else if (!strncmp(d1 + 1, "RP", 2))
		buffered = false;
	else
		return NULL;
	size_t ln_len = (size_t)(d1 - rest);
	const char *inst = d1 + 4;
	size_t inst_len = strlen(inst);
	for (uint32_t i = 0; i < ld->n_rcbs; i++) {
		const struct scl_rcb *r = &ld->rcbs[i];
		if (r->buffered != buffered || strlen(r->ln->name) != ln_len || strncmp(r->ln->name, rest, ln_len))
			continue;
		size_t nlen = strlen(r->name);
		if (inst_len == nlen && !strcmp(inst, r->name)) {
			/* the bare name: an unindexed RCB, or max 1 without `indexed` */
			if (!r->indexed || (r->max == 1 && !r->indexed_given)) {
				out->rcb = r;
				out->instance = 0;
				return r;
			}
			out->beyond_max = r;
			continue;
		}
		if (inst_len == nlen + 2 && !strncmp(inst, r->name, nlen) && inst[nlen] >= '0' && inst[nlen] <= '9' &&
		    inst[nlen + 1] >= '0' && inst[nlen + 1] <= '9') {
			unsigned k = (unsigned)(inst[nlen] - '0') * 10 + (unsigned)(inst[nlen + 1] - '0');
			if (r->indexed && k >= 1 && k <= r->max) {
				out->rcb = r;
				out->instance = k;
				out->beyond_max = NULL;
				return r;
			}
			out->beyond_max = r;
		}
	}
	return NULL;
}

const char *scl_rcb_instance_item(const struct scl_rcb *r, unsigned instance, char *buf, size_t size)
{
	if (instance)
		snprintf(buf, size, "%s$%s$%s%02u", r->ln->name, r->buffered ? "BR" : "RP", r->name, instance);
	else
		snprintf(buf, size, "%s$%s$%s", r->ln->name, r->buffered ? "BR" : "RP", r->name);
	return buf;
}

const struct scl_dataset *scl_report_dataset(const struct scl *m, const struct scl_ied *d, const char *datset,
					     const char *rptid)
{
	if (!m)
		return NULL;
	if (datset && *datset) {
		const struct scl_dataset *s = scl_dataset_by_ref(m, NULL, datset);
		if (s)
			return s;
	}
	if (!rptid || !*rptid)
		return NULL;
	for (uint32_t i = 0; d && i < d->n_lds; i++)
		for (uint32_t k = 0; k < d->lds[i].n_rcbs; k++) {
			const struct scl_rcb *r = &d->lds[i].rcbs[k];
			if (*r->rpt_id && !strcmp(r->rpt_id, rptid) && r->dataset)
				return r->dataset;
		}
	const struct scl_rcb *r = scl_rcb_by_ref(m, NULL, rptid, NULL);
	return r && !*r->rpt_id ? r->dataset : NULL;
}

/* ---- DataTypeTemplates ----------------------------------------------------------------- */
static const struct scl *g_models[8];

static const struct scl *model_of_ld(const struct scl_ldevice *ld)
{
	for (size_t i = 0; i < sizeof(g_models) / sizeof(g_models[0]); i++) {
		const struct scl *m = g_models[i];
		if (m && m->n_lds && ld >= m->lds && ld < m->lds + m->n_lds)
			return m;
	}
	return NULL;
}

/* Called by the loader for each model it builds and frees, so that entities can
 * find their model's types without a back-pointer in every LN. */
void scl_register_model(const struct scl *m, bool add);
void scl_register_model(const struct scl *m, bool add)
{
	for (size_t i = 0; i < sizeof(g_models) / sizeof(g_models[0]); i++) {
		if (add && !g_models[i]) {
			g_models[i] = m;
			return;
		}
		if (!add && g_models[i] == m) {
			g_models[i] = NULL;
			return;
		}
	}
}

static const struct scl_type *type_find(const struct scl *m, const struct scl_ied *d, const char *id, uint8_t kind)
{
	if (!id || !*id)
		return NULL;
	uint32_t f = m->ied_file[d - m->ieds];
	uint32_t i = scl_map_get(&m->type_by_id, (const void *)(uintptr_t)(f + 1), id);
	if (i == UINT32_MAX || m->types[i].kind != kind)
		i = scl_map_get(&m->type_by_id, id, NULL);
	return i != UINT32_MAX && m->types[i].kind == kind ? &m->types[i] : NULL;
}

static const struct scl_tchild *type_child(const struct scl *m, const struct scl_type *t, const char *name, size_t len)
{
	for (uint32_t i = 0; i < t->n; i++) {
		const struct scl_tchild *c = &m->tchild[t->first + i];
		if (strlen(c->name) == len && !strncmp(c->name, name, len))
			return c;
	}
	return NULL;
}

/* Next dotted segment of *p: its start and length; false at the end. */
static bool segment(const char **p, const char **s, size_t *len)
{
	if (!*p || !**p)
		return false;
	*s = *p;
	const char *dot = strchr(*p, '.');
	*len = dot ? (size_t)(dot - *p) : strlen(*p);
	*p = dot ? dot + 1 : *p + *len;
	return true;
}

bool scl_resolve(const struct scl_ln *ln, const char *do_path, const char *da_path, struct scl_attr_info *out)
{
	memset(out, 0, sizeof(*out));
	out->fc = out->btype = out->type = out->cdc = "";
	const struct scl *m = ln ? model_of_ld(ln->ld) : NULL;
	if (!m)
		return false;
	const struct scl_ied *d = ln->ld->ied;
	const struct scl_type *t = type_find(m, d, ln->ln_type, SCL_T_LNODE);
	const char *s;
	size_t len;
	const char *p = do_path;
	if (!t || !segment(&p, &s, &len))
		return false;
	const struct scl_tchild *c = type_child(m, t, s, len);
	if (!c)
		return false;
	t = type_find(m, d, c->type, SCL_T_DO);
	while (t && segment(&p, &s, &len)) { /* SDOs */
		c = type_child(m, t, s, len);
		if (!c || c->kind != SCL_C_SDO)
			return false;
		t = type_find(m, d, c->type, SCL_T_DO);
	}
	if (!t)
		return false;
	out->cdc = t->cdc;
	out->type = t->id;
	out->structured = true;
	p = da_path;
	if (!p || !*p) {
		out->found = true;
		return true;
	}
	bool first = true;
	while (segment(&p, &s, &len)) {
		if (!t)
			return false;
		c = type_child(m, t, s, len);
		if (!c || (first && c->kind != SCL_C_DA && c->kind != SCL_C_SDO))
			return false;
		if (c->kind == SCL_C_SDO) { /* Ed2 lets daName walk on through an SDO */
			t = type_find(m, d, c->type, SCL_T_DO);
			continue;
		}
		if (c->kind == SCL_C_DA) {
			out->fc = c->fc;
			out->trgops = c->trgops;
		}
		out->btype = c->btype;
		out->type = c->type;
		out->cdc = "";
		first = false;
		t = !strcmp(c->btype, "Struct") ? type_find(m, d, c->type, SCL_T_DA) : NULL;
	}
	if (first) /* only SDOs were named */
		return false;
	out->structured = !strcmp(out->btype, "Struct");
	out->found = true;
	return true;
}

struct leaf_walk {
	const struct scl *m;
	const struct scl_ied *d;
	const char *fc;
	void (*fn)(const char *, const struct scl_attr_info *, void *);
	void *arg;
	size_t max, n;
	char path[512];
};

/* Walks a DOType (kind SCL_T_DO, keeping DAs of the walk's fc) or a DAType, in the
 * order MMS lays the structure out (the type's child order). */
static void walk(struct leaf_walk *w, const struct scl_type *t, size_t plen, int depth, const char *fc, uint8_t trg)
{
	if (!t || depth > 16)
		return;
	for (uint32_t i = 0; i < t->n && w->n < w->max; i++) {
		const struct scl_tchild *c = &w->m->tchild[t->first + i];
		if (c->kind == SCL_C_DA && strcmp(c->fc, w->fc))
			continue;
		int k = snprintf(w->path + plen, sizeof(w->path) - plen, "$%s", c->name);
		if (k < 0 || (size_t)k >= sizeof(w->path) - plen)
			continue;
		if (c->kind == SCL_C_SDO) {
			walk(w, type_find(w->m, w->d, c->type, SCL_T_DO), plen + (size_t)k, depth + 1, fc, 0);
			continue;
		}
		uint8_t ctrg = c->kind == SCL_C_DA ? c->trgops : trg;
		if (!strcmp(c->btype, "Struct")) {
			walk(w, type_find(w->m, w->d, c->type, SCL_T_DA), plen + (size_t)k, depth + 1, fc, ctrg);
			continue;
		}
		struct scl_attr_info a = {
			.found = true, .fc = w->fc, .btype = c->btype, .type = c->type, .cdc = "", .trgops = ctrg
		};
		w->n++;
		if (w->fn)
			w->fn(w->path, &a, w->arg);
	}
	w->path[plen] = 0;
}

size_t scl_fcda_leaves(const struct scl_fcda *f, void (*fn)(const char *item, const struct scl_attr_info *a, void *arg),
		       void *arg, size_t max_leaves)
{
	struct scl_attr_info a;
	if (!f || !f->ln || !scl_resolve(f->ln, f->do_name, f->da_name, &a))
		return 0;
	const struct scl *m = model_of_ld(f->ln->ld);
	struct leaf_walk w = { .m = m, .d = f->ln->ld->ied, .fc = f->fc, .fn = fn, .arg = arg, .max = max_leaves };
	int k = snprintf(w.path, sizeof(w.path), "%s", f->item);
	if (k < 0 || (size_t)k >= sizeof(w.path))
		return 0;
	if (!a.structured) {
		if (fn)
			fn(w.path, &a, arg);
		return 1;
	}
	const struct scl_type *t =
		(!f->da_name[0]) ? type_find(m, w.d, a.type, SCL_T_DO) : type_find(m, w.d, a.type, SCL_T_DA);
	walk(&w, t, (size_t)k, 0, f->fc, a.trgops);
	return w.n;
}

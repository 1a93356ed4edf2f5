/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_sink.c - see test_sink.h. */
#include "test_sink.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline.h"
#include "core/facts.h"
#include "core/ied.h"
#include "core/inventory.h"
#include "core/record.h"
#include "dissectors/iec61850_control.h"
#include "dissectors/iec61850_report.h"

static struct finding **kept;
static size_t n_kept, cap_kept;
static struct test_record *recs;
static size_t n_recs, cap_recs;

static void keep_finding(const struct finding *f)
{
	struct finding *c = NULL;
	for (size_t i = 0; i < n_kept; i++)
		if (kept[i]->id == f->id) {
			c = kept[i];
			free(c->list);
			break;
		}
	if (!c) {
		if (n_kept == cap_kept) {
			cap_kept = cap_kept ? cap_kept * 2 : 64;
			kept = realloc(kept, cap_kept * sizeof(*kept));
			if (!kept)
				abort();
		}
		c = malloc(sizeof(*c));
		if (!c)
			abort();
		kept[n_kept++] = c;
	}
	*c = *f;
	c->list = NULL;
	if (f->n_list) {
		c->list = malloc(f->n_list * sizeof(*c->list));
		if (!c->list)
			abort();
		memcpy(c->list, f->list, f->n_list * sizeof(*c->list));
	}
}

/* REC_INVENTORY: the IEDs the inventory knows, and their clients. */
struct inventory_count {
	const struct inventory_view *v;
	size_t ieds, clients;
};

static void count_inventory(struct ied *d, void *arg)
{
	struct inventory_count *c = arg;
	const struct inv_ied *i = inventory_ied(c->v, d);
	if (!i)
		return;
	c->ieds++;
	c->clients += i->n_clients;
}

/* Appended to buf (cut to fit). */
static void add(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add(char *buf, size_t size, const char *fmt, ...)
{
	size_t used = strlen(buf);
	if (used + 1 >= size)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + used, size - used, fmt, ap);
	va_end(ap);
}

/* An audit record's answer: " failure=N" (a DataAccessError), " failure=empty-sbo",
 * " error=CLASS/CODE". */
static void audit_outcome(char *buf, size_t size, const struct audit_failure *f, const struct audit_error *e)
{
	if (f->present && f->empty_sbo_reference)
		add(buf, size, " failure=empty-sbo");
	else if (f->present)
		add(buf, size, " failure=%u", f->data_access_error);
	if (e->present)
		add(buf, size, " error=%u/%u", e->error_class, e->error_code);
}

/* REC_CONTROL: "object=LD/LN.DO step=operate acsi=Operate result=failure
 * client=... ied=... invoke=2 request_frame=7 ctl_val=true ctl_num=9 test=0
 * or_cat=3 ctl_model=... selected=0 failure=3 cntrl_obj=... add_cause=18
 * lae_error=0 unauthorized"; what the record does not have is left out. */
static void describe_control(const struct control_record *c, char *buf, size_t size)
{
	add(buf, size, "object=%s step=%s acsi=%s result=%s client=%s ied=%s", c->object, c->step, c->acsi, c->result,
	    c->client, c->ied);
	if (c->request)
		add(buf, size, " invoke=%u request_frame=%llu", c->request->invoke_id,
		    (unsigned long long)c->request->at.frame);
	if (c->ctl_val)
		add(buf, size, " ctl_val=%.*s", (int)c->ctl_val_len, c->ctl_val);
	if (c->has_ctl_num)
		add(buf, size, " ctl_num=%u", c->ctl_num);
	if (c->has_test)
		add(buf, size, " test=%d", c->test);
	if (c->or_cat >= 0)
		add(buf, size, " or_cat=%lld", (long long)c->or_cat);
	if (c->ctl_model)
		add(buf, size, " ctl_model=%s", c->ctl_model);
	if (c->has_selected)
		add(buf, size, " selected=%d", c->selected);
	audit_outcome(buf, size, &c->failure, &c->error);
	if (c->lae)
		add(buf, size, " cntrl_obj=%s add_cause=%lld lae_error=%lld", c->lae->cntrl_obj,
		    (long long)c->lae->add_cause, (long long)c->lae->error);
	if (c->unauthorized)
		add(buf, size, " unauthorized");
}

/* REC_WRITE: "acsi=SetDataValues result=partial invoke=1 items=2 [object=...
 * fc=CF value=3 result=success] [...]"; error=CLASS/CODE after the result when
 * a confirmed-error answered. */
static void describe_write(const struct write_record *w, char *buf, size_t size)
{
	add(buf, size, "acsi=%s result=%s", w->acsi ? w->acsi : "-", w->result);
	if (w->request)
		add(buf, size, " invoke=%u", w->request->invoke_id);
	if (w->variable_list)
		add(buf, size, " variable_list=%s", w->variable_list);
	audit_outcome(buf, size, &(struct audit_failure){ 0 }, &w->error);
	add(buf, size, " items=%u", w->n_items);
	if (w->items_total)
		add(buf, size, " items_total=%u", w->items_total);
	if (w->unauthorized)
		add(buf, size, " unauthorized");
	for (uint16_t i = 0; i < w->n_items; i++) {
		const struct write_item *it = &w->items[i];
		add(buf, size, " [object=%s fc=%s", it->object ? it->object : "-", it->fc);
		if (it->value)
			add(buf, size, " value=%.*s", (int)it->value_len, it->value);
		add(buf, size, " result=%s", it->result);
		audit_outcome(buf, size, &it->failure, &(struct audit_error){ 0 });
		if (it->unauthorized)
			add(buf, size, " unauthorized");
		add(buf, size, "]");
	}
}

/* REC_FILE: "operation=get acsi=GetFile name=... result=success frsm=3 invoke=4
 * size=10 bytes=10 reads=2 transfer opened_frame=5" or, for a directory,
 * "... entries=2". */
static void describe_file(const struct file_record *f, char *buf, size_t size)
{
	add(buf, size, "operation=%s acsi=%s name=%s result=%s", f->operation, f->acsi ? f->acsi : "-",
	    f->name ? f->name : "-", f->result);
	if (f->destination)
		add(buf, size, " destination=%s", f->destination);
	if (f->has_frsm)
		add(buf, size, " frsm=%d", f->frsm);
	if (f->request)
		add(buf, size, " invoke=%u", f->request->invoke_id);
	if (f->transfer) {
		if (f->has_size)
			add(buf, size, " size=%u", f->size);
		add(buf, size, " bytes=%llu reads=%u transfer", (unsigned long long)f->bytes, f->reads);
		if (f->opened_at.frame)
			add(buf, size, " opened_frame=%llu", (unsigned long long)f->opened_at.frame);
	}
	if (f->has_directory)
		add(buf, size, " entries=%u", f->entries);
	audit_outcome(buf, size, &(struct audit_failure){ 0 }, &f->error);
}

/* What a test needs of each kind of record, as text (pointers inside a record
 * live only as long as its delivery). */
static void describe(const struct record *r, char *buf, size_t size)
{
	buf[0] = 0;
	switch (r->kind) {
	case REC_REPORT: {
		const struct report_record *e = &r->u.report;
		snprintf(buf, size, "rptid=%.*s rcb=%s datset=%s sqnum=%u sequence=%s stream=%u",
			 (int)e->rep->rptid.len, (const char *)e->rep->rptid.p, e->rcb ? e->rcb : "-",
			 e->datset ? e->datset : "-", e->rep->has_sqnum ? e->rep->sqnum : 0,
			 e->sequence ? e->sequence : "-", e->stream_id);
		break;
	}
	case REC_ASSOC_END:
		snprintf(buf, size, "how=%s", r->u.assoc_end.how);
		break;
	case REC_INVENTORY: {
		const struct inventory_view *v = r->u.inventory.view;
		struct inventory_count c = { v, 0, 0 };
		ied_foreach(count_inventory, &c);
		snprintf(buf, size,
			 "ieds=%zu clients=%zu streams=%zu mms_vlans=%zu frames_not_listed=%llu "
			 "frames_unusable=%llu",
			 c.ieds, c.clients, v->n_streams, v->n_mms_vlans, (unsigned long long)v->l2_frames_not_listed,
			 (unsigned long long)v->l2_frames_unusable);
		break;
	}
	case REC_CONTROL:
		describe_control(&r->u.control, buf, size);
		break;
	case REC_WRITE:
		describe_write(&r->u.write, buf, size);
		break;
	case REC_FILE:
		describe_file(&r->u.file, buf, size);
		break;
	case REC_FACTS: { /* "n=3 since=0 ied:10.2.0.1|102|:: client:...:10.0.0.1: ..." (kind:ied:client:name=value) */
		const struct fact_table *t = r->u.facts.facts;
		size_t used = (size_t)snprintf(buf, size, "n=%zu since=%u", t->n, r->u.facts.since);
		for (size_t i = 0; i < t->n && used < size; i++) {
			const struct fact *f = &t->v[i];
			if (f->stamp >= r->u.facts.since)
				used += (size_t)snprintf(buf + used, size - used, " %s:%s:%s:%s=%s",
							 fact_kind_name((enum fact_kind)f->kind), f->ied, f->client,
							 f->name, f->value);
		}
		break;
	}
	case REC_CLOCK:
		snprintf(buf, size, "ied=%u offset_ms=%lld samples=%u", r->u.clock.ied->ep.ip[3],
			 (long long)(r->u.clock.offset_us / 1000), r->u.clock.samples);
		break;
	default:
		break;
	}
}

static void keep_record(const struct record *r)
{
	if (n_recs == cap_recs) {
		cap_recs = cap_recs ? cap_recs * 2 : 256;
		recs = realloc(recs, cap_recs * sizeof(*recs));
		if (!recs)
			abort();
	}
	struct test_record *t = &recs[n_recs++];
	memset(t, 0, sizeof(*t));
	t->kind = r->kind;
	t->flow_id = r->flow ? r->flow->id : 0;
	t->dir = r->dir;
	t->at = r->at;
	describe(r, t->text, sizeof(t->text));
}

const struct sink test_sink = {
	.name = "test",
	.finding = keep_finding,
	.record = keep_record,
};

void test_sink_clear(void)
{
	for (size_t i = 0; i < n_kept; i++) {
		free(kept[i]->list);
		free(kept[i]);
	}
	n_kept = 0;
	n_recs = 0;
}

void test_bus_setup(bool analyzers)
{
	test_sink_clear();
	bus_reset();
	if (analyzers)
		pipeline_add_analyzers();
	bus_add_sink(&test_sink);
}

void test_findings_foreach(void (*fn)(const struct finding *, void *), void *arg)
{
	for (size_t i = 0; i < n_kept; i++)
		fn(kept[i], arg);
}

size_t test_findings_count(void)
{
	return n_kept;
}
size_t test_records_count(void)
{
	return n_recs;
}
const struct test_record *test_record_at(size_t i)
{
	return i < n_recs ? &recs[i] : NULL;
}

const struct test_record *test_record_find(uint8_t kind, const char *needle)
{
	for (size_t i = 0; i < n_recs; i++)
		if (recs[i].kind == kind && (!needle || strstr(recs[i].text, needle)))
			return &recs[i];
	return NULL;
}

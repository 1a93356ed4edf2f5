/* test_sink.c - see test_sink.h. */
#include "test_sink.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ied.h"
#include "core/inventory.h"
#include "core/record.h"
#include "dissectors/iec61850_report.h"
#include "pipeline.h"

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
		snprintf(buf, size, "ieds=%zu clients=%zu streams=%zu mms_vlans=%zu frames_not_listed=%llu "
			 "frames_unusable=%llu",
			 c.ieds, c.clients, v->n_streams, v->n_mms_vlans, (unsigned long long)v->l2_frames_not_listed,
			 (unsigned long long)v->l2_frames_unusable);
		break;
	}
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

size_t test_findings_count(void) { return n_kept; }
size_t test_records_count(void) { return n_recs; }
const struct test_record *test_record_at(size_t i) { return i < n_recs ? &recs[i] : NULL; }

const struct test_record *test_record_find(uint8_t kind, const char *needle)
{
	for (size_t i = 0; i < n_recs; i++)
		if (recs[i].kind == kind && (!needle || strstr(recs[i].text, needle)))
			return &recs[i];
	return NULL;
}

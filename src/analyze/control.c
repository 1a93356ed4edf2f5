/* SPDX-License-Identifier: GPL-2.0-or-later */
/* control.c - controls, writes, files and allowlists: who changed what on which
 * IED, as an audit trail (EVE `control`, `write` and `file` records) and as
 * findings when a control fails, a selection lapses or a client is not allowed.
 *
 * Controls follow the IEC 61850-8-1 mapping, per control object (the DO,
 * "LD/CSWI1.Pos"): Select is a read of ...$CO$Pos$SBO, SelectWithValue a write
 * of ...$SBOw, Operate a write of ...$Oper, Cancel a write of ...$Cancel, and
 * CommandTermination an informationReport naming ...$Oper (positive) or
 * LastApplError + Oper (negative). A LastApplError alone precedes the negative
 * answer to a Select/Operate/Cancel and says why (AddCause). A refused operation
 * is a control failure, not a protocol error: the IED worked as designed, and
 * the engineer needs the object, the value and the cause.
 *
 * Each request is kept (bounded) until its answer, so every record carries the
 * result of every item. Files: fileOpen -> fileRead... -> fileClose is one
 * transfer (one record); directory, delete, obtainFile and rename one each.
 * Allowlists (rules.h) are checked on each write, control step and association.
 *
 * The records (REC_CONTROL, REC_WRITE, REC_FILE, core/record.h) go to the bus;
 * the sinks decide how they read (EVE: output/eve_audit.c). The wire side of the
 * control model (names, the Oper structure, LastApplError) is
 * dissectors/iec61850_control.c. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "core/finding.h"
#include "core/ied.h"
#include "core/mms_value.h"
#include "core/record.h"
#include "core/rules.h"
#include "dissectors/iec61850.h"
#include "dissectors/iec61850_control.h"
#include "dissectors/mms.h"
#include "dissectors/mms_data.h"
#include "util/json.h"
#include "util/stats.h"
#include "util/duration.h"

/* Control objects followed per association (selection state, ctlModel). */
#define CTL_OBJS_MAX 32
/* Files open at once per association. */
#define CTL_FILES_MAX 8
/* Items of one write kept for its record (all are counted). */
#define WR_ITEMS_KEPT 32
/* JSON bytes of one written value, and of all values held run-wide. */
#define WR_VALUE_MAX 1024
#define HELD_MAX (8u << 20)
/* A ctlVal as shown in a summary. */
#define CTLVAL_SHORT 48
/* A LastApplError this soon after a failed step without one belongs to it. */
#define LAE_LATE_US 5000000
/* wr_item.failure when a Select read returned an empty reference (how servers
 * refuse a normal-security select without a DataAccessError). */
#define FAILURE_EMPTY_SBO UINT32_MAX

enum step { ST_NONE = 0, ST_SELECT, ST_SELECT_WITH_VALUE, ST_OPERATE, ST_CANCEL, ST_TERMINATION, ST_COUNT };
static const char *const STEP_NAMES[ST_COUNT] = { "none",    "select", "select_with_value",
						  "operate", "cancel", "command_termination" };
static const char *const STEP_ACSI[ST_COUNT] = { "",        "Select", "SelectWithValue",
						 "Operate", "Cancel", "CommandTermination" };

enum result {
	R_PENDING = 0,
	R_SUCCESS,
	R_FAILURE,
	R_ERROR,
	R_REJECTED,
	R_UNANSWERED,
	R_UNKNOWN,
	R_CAPTURE_ENDED,
	R_UNDECODED,
	R_POSITIVE,
	R_NEGATIVE,
	R_INCOMPLETE,
	R_PARTIAL,
	R_COUNT
};
static const char *const RESULT_NAMES[R_COUNT] = { "pending",    "success",    "failure",       "error",     "rejected",
						   "unanswered", "unknown",    "capture_ended", "undecoded", "positive",
						   "negative",   "incomplete", "partial" };

static const char *const CTL_MODELS[] = { "status-only", "direct-with-normal-security", "sbo-with-normal-security",
					  "direct-with-enhanced-security", "sbo-with-enhanced-security" };

/* What a failed control step is known by, kept per object so that a
 * LastApplError arriving after the answer can complete its finding. */
struct fail_ctx {
	uint8_t step, result;
	char ctl_val[256]; /* JSON; cut (and then shown as text) past 255 bytes */
	bool ctl_val_cut;
	char failure[48]; /* DataAccessError name */
	bool has_error;
	uint8_t err_class;
	uint32_t err_code;
	bool has_lae;
	struct last_appl_error lae;
	int8_t ctl_model;
	bool without_select; /* an SBO object operated with no selection seen */
	bool has_test, test;
	struct pkt_where req_at, ans_at, lae_at;
	struct pkt_where op_ans_at; /* a termination: the answer to the Operate it ends */
	int64_t ts;
};

struct ctl_obj {
	char ref[128];    /* "LD/LN.DO" */
	int8_t ctl_model; /* read from ...$CF$DO$ctlModel, -1 not seen */
	bool selected;
	uint8_t select_step;
	int64_t select_ts;
	struct pkt_where select_at;
	bool has_fail;
	struct fail_ctx fail;                      /* the last failed step */
	struct pkt_where oper_req_at, oper_ans_at; /* the last Operate accepted */
	bool cancel_sent;                          /* a Cancel was sent: Abortion-by-cancel is asked for */
};

struct ctl_params {
	bool has_val;
	char val[256]; /* ctlVal as JSON */
	bool has_ctl_num, has_test;
	uint32_t ctl_num;
	bool test;
	int64_t or_cat;
};

struct wr_item {
	char *ref; /* written attribute "LD/LN.DO.DA", or the control object */
	char fc[4];
	char *value; /* JSON of the value written (ctlVal for controls), NULL not kept */
	size_t value_len;
	bool value_dropped; /* not kept: too large or the run-wide budget spent */
	uint16_t pos;       /* position in the request's list */
	int16_t obj;        /* control object index, -1 none */
	uint8_t step;       /* enum step; ST_NONE = an ordinary write (or a ctlModel read) */
	bool ctl_model_read;
	uint8_t result;
	uint32_t failure; /* DataAccessError when result is R_FAILURE */
	bool has_ctl_num, has_test, test;
	uint32_t ctl_num;
	int64_t or_cat;
	bool was_selected, unauthorized;
	bool has_lae;
	struct last_appl_error lae;
	struct pkt_where lae_at;
};

enum req_kind { RQ_WRITE = 1, RQ_READ, RQ_FILE };

/* A write, read or file request awaiting its answer: hung on its transaction
 * (stages/app_iso.c pairs it and bounds how many are outstanding) and listed,
 * oldest first, on its association (a LastApplError looks for the step it
 * explains; the association's end finishes what is left). */
struct ctl_state;
struct ctl_req {
	struct ctl_req *prev, *next;
	struct ctl_state *owner; /* NULL once off the association's list */
	struct flow *flow;
	struct mms_txn *txn;
	uint8_t kind;
	uint32_t invoke_id;
	int16_t service;
	const char *acsi;
	int64_t ts;
	struct pkt_where at;
	uint16_t n_items;
	uint32_t n_total;
	struct wr_item *items;
	char *list_ref;    /* SetDataSetValues: the dataset */
	bool unauthorized; /* the dataset write, when the list is the object */
	char *fname, *fname2;
	bool has_frsm;
	int32_t frsm;
};

struct open_file {
	bool used;
	int32_t frsm;
	char *name;
	bool has_size;
	uint32_t size;
	uint64_t bytes;
	uint32_t reads;
	int64_t ts;
	struct pkt_where open_at, last_at;
	bool read_failed;
	uint8_t err_class;
	uint32_t err_code;
};

struct ctl_state {
	struct ctl_state *prev, *next; /* live associations, for the timer */
	struct flow *flow;
	bool associate_checked;
	uint16_t n_objs;
	struct ctl_obj *objs;            /* CTL_OBJS_MAX, grown by 4 */
	struct ctl_req *oldest, *newest; /* outstanding requests, in arrival order */
	struct open_file *files;         /* CTL_FILES_MAX, at the first fileOpen */
};

/* This analyzer's per-association state: its slot on the flow (core/bus.h). */
static int ctl_slot;
#define ctl_slot_of(f) ((struct ctl_state *)(f)->slot[ctl_slot])
static int ctl_txn_slot;
static void req_release(struct mms_txn *t, void *state);
static void ctl_init(void)
{
	ctl_slot = bus_flow_slot("control");
	ctl_txn_slot = bus_txn_slot("control", req_release);
}

static struct ctl_state *live;
static size_t held; /* value bytes held by pending requests */

/* ---- names ------------------------------------------------------------------ */

/* What an engineer checks for the common causes. */
static const char *add_cause_hint(int64_t c)
{
	switch (c) {
	case 1:
		return "the IED does not support this control (model or value)";
	case 2:
		return "the local/remote switching hierarchy (Loc, LocSta) does not allow this originator";
	case 3:
		return "the selection was refused";
	case 8:
		return "the logical node's Mod/Beh does not allow control (blocked or test mode)";
	case 9:
		return "the process (drive, mechanism) blocks the operation";
	case 10:
		return "interlocking conditions (CILO) block the operation";
	case 11:
		return "the synchrocheck blocks the operation";
	case 12:
		return "another command is still executing";
	case 13:
		return "the device health blocks the operation";
	case 16:
		return "the operation did not complete in time";
	case 18:
		return "the object was not selected first (select-before-operate)";
	case 19:
		return "another client holds the selection";
	case 20:
		return "the originator lacks the authority";
	case 26:
		return "ctlNum, origin or the operate parameters do not match the selection";
	case 27:
		return "another client has locked the object";
	}
	return NULL;
}

/* A view as a C string with anything unprintable shown as '?'. */
static void view_text(const uint8_t *p, size_t n, char *buf, size_t size)
{
	size_t k = n < size - 1 ? n : size - 1;
	for (size_t i = 0; i < k; i++)
		buf[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
	buf[k] = 0;
}

/* The step a control service is (iec61850_control.h). */
static uint8_t step_of(enum iec_ctl_service svc)
{
	switch (svc) {
	case IEC_CTL_SELECT:
		return ST_SELECT;
	case IEC_CTL_SELECT_WITH_VALUE:
		return ST_SELECT_WITH_VALUE;
	case IEC_CTL_OPERATE:
		return ST_OPERATE;
	case IEC_CTL_CANCEL:
		return ST_CANCEL;
	case IEC_CTL_NONE:
		break;
	}
	return ST_NONE;
}

/* The control object and step an MMS name stands for: "GGIO1$CO$SPCSO1$Oper" in
 * domain "LD" is "LD/GGIO1.SPCSO1", step operate. A read of "LN$CF$DO$ctlModel"
 * names the same object (*ctl_model set). ST_NONE otherwise. */
static uint8_t control_name(const char *domain, const char *item, char *ref, size_t size, bool *ctl_model)
{
	return step_of(iec61850_control_name(domain, item, ref, size, ctl_model));
}

static uint8_t control_objname(const struct mms_objname *o, char *ref, size_t size, bool *ctl_model)
{
	return step_of(iec61850_control_objname(o, ref, size, ctl_model));
}

/* "LD/LN.DO.DA" and its FC: the IEC 61850 reference allowlists match. */
static void attr_ref(const struct mms_objname *o, char *ref, size_t size, char fc[4])
{
	iec61850_ref(o, ref, size);
	struct bview v = iec61850_fc(o->item);
	fc[0] = 0;
	if (v.len == 2) {
		memcpy(fc, v.p, 2);
		fc[2] = 0;
		char *b = strrchr(ref, '[');
		if (b && b > ref && b[-1] == ' ')
			b[-1] = 0;
	}
}

/* ---- values ------------------------------------------------------------------ */

/* The value as JSON text in buf; 0 when it does not fit. */
static size_t value_text(const struct mms_data *d, char *buf, size_t size)
{
	struct jw w;
	jw_init(&w, buf, size - 1);
	if (mms_value_json(&w, d, size - 1) & MMS_VALUE_CAPPED || w.overflow || w.depth != 0 || !w.len)
		return 0;
	buf[w.len] = 0;
	return w.len;
}

/* ctlVal (as JSON) and the operate parameters of an Oper/SBOw/Cancel structure. */
static void ctl_params(const struct mms_data *oper, struct ctl_params *cp)
{
	struct iec_ctl_params w;
	iec61850_ctl_params(oper, &w);
	memset(cp, 0, sizeof(*cp));
	cp->has_val = w.has_ctl_val && value_text(&w.ctl_val, cp->val, sizeof(cp->val)) > 0;
	cp->has_ctl_num = w.has_ctl_num;
	cp->ctl_num = w.ctl_num;
	cp->has_test = w.has_test;
	cp->test = w.test;
	cp->or_cat = w.or_cat;
}

/* ---- state ---------------------------------------------------------------------- */

static struct ctl_state *state_of(struct flow *f)
{
	struct flow_an *a = flow_an_get(f);
	if (!a)
		return NULL;
	if (!f->slot[ctl_slot]) {
		struct ctl_state *s = calloc(1, sizeof(*s));
		if (!s)
			return NULL;
		s->flow = f;
		s->next = live;
		if (live)
			live->prev = s;
		live = s;
		f->slot[ctl_slot] = s;
	}
	return f->slot[ctl_slot];
}

static int16_t obj_index(struct ctl_state *s, const char *ref)
{
	for (uint16_t i = 0; i < s->n_objs; i++)
		if (!strcmp(s->objs[i].ref, ref))
			return (int16_t)i;
	if (s->n_objs >= CTL_OBJS_MAX) {
		stat_inc(STAT_control_table_full);
		return -1;
	}
	if ((s->n_objs & 3) == 0) {
		struct ctl_obj *n = realloc(s->objs, ((size_t)s->n_objs + 4) * sizeof(*n));
		if (!n)
			return -1;
		s->objs = n;
	}
	struct ctl_obj *o = &s->objs[s->n_objs];
	memset(o, 0, sizeof(*o));
	snprintf(o->ref, sizeof(o->ref), "%s", ref);
	o->ctl_model = -1;
	return (int16_t)s->n_objs++;
}

static struct ctl_obj *obj_at(struct ctl_state *s, int16_t i)
{
	return i >= 0 && i < s->n_objs ? &s->objs[i] : NULL;
}

/* Done with a request: off the association's list and its transaction, freed. */
static void req_free(struct ctl_req *r)
{
	struct ctl_state *s = r->owner;
	if (s) {
		if (r->prev)
			r->prev->next = r->next;
		else
			s->oldest = r->next;
		if (r->next)
			r->next->prev = r->prev;
		else
			s->newest = r->prev;
	}
	if (r->txn)
		r->txn->slot[ctl_txn_slot] = NULL;
	for (uint16_t i = 0; i < r->n_items; i++) {
		held -= r->items[i].value ? r->items[i].value_len + 1 : 0;
		free(r->items[i].ref);
		free(r->items[i].value);
	}
	free(r->items);
	free(r->list_ref);
	free(r->fname);
	free(r->fname2);
	free(r);
}

/* Keep a value's JSON for the record, within the budgets. */
static void keep_value(struct wr_item *it, const char *json, size_t n)
{
	if (!n) {
		it->value_dropped = true;
		return;
	}
	if (held + n + 1 > HELD_MAX) {
		stat_inc(STAT_control_table_full);
		it->value_dropped = true;
		return;
	}
	it->value = malloc(n + 1);
	if (!it->value) {
		it->value_dropped = true;
		return;
	}
	memcpy(it->value, json, n + 1);
	it->value_len = n;
	held += n + 1;
}

/* ---- records ------------------------------------------------------------------------ */

/* What the records handed to the bus point at. The bus may hold a record until
 * the event that caused it has reached every sink (core/bus.h, rule 2), which is
 * after this analyzer's hook returned and the request the record answers was
 * freed: so a record's strings, items and LastApplError are copies kept here,
 * until this analyzer's next hook. By then the bus has delivered them: events
 * do not nest (only the stages raise them, never a hook). */
#define OUTBOX_BLOCK 16384u
struct outbox_block {
	struct outbox_block *next;
	size_t used, size;
	max_align_t data[];
};
static struct outbox_block *outbox;
static bool outbox_short; /* an allocation failed: the record is not sent */

static void *out_alloc(size_t n)
{
	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (!outbox || outbox->size - outbox->used < n) {
		size_t size = n > OUTBOX_BLOCK ? n : OUTBOX_BLOCK;
		struct outbox_block *b = malloc(sizeof(*b) + size);
		if (!b) {
			outbox_short = true;
			return NULL;
		}
		b->next = outbox;
		b->used = 0;
		b->size = size;
		outbox = b;
	}
	void *p = (char *)outbox->data + outbox->used;
	outbox->used += n;
	return p;
}

/* A copy of n bytes, NUL-terminated; NULL stays NULL. */
static const char *out_mem(const char *p, size_t n)
{
	if (!p)
		return NULL;
	char *c = out_alloc(n + 1);
	if (c) {
		memcpy(c, p, n);
		c[n] = 0;
	}
	return c;
}

static const char *out_str(const char *s)
{
	return s ? out_mem(s, strlen(s)) : NULL;
}

/* The records of the last event were delivered: start afresh, keeping one block. */
static void outbox_clear(void)
{
	struct outbox_block *keep = NULL;
	while (outbox) {
		struct outbox_block *b = outbox;
		outbox = b->next;
		if (!keep && b->size == OUTBOX_BLOCK) {
			keep = b;
			continue;
		}
		free(b);
	}
	if (keep) {
		keep->next = NULL;
		keep->used = 0;
	}
	outbox = keep;
	outbox_short = false;
}

static void outbox_free(void)
{
	outbox_clear();
	free(outbox);
	outbox = NULL;
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

/* A record about this flow, with the client and the IED as findings name them
 * (taken now: the IED's state may be gone by the time a sink reads them). */
static void rec_init(struct record *r, uint8_t kind, struct flow *f, int dir, const struct pkt_where *at,
		     const char **client, const char **ied)
{
	char c[64], d[160];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->flow = f;
	r->dir = dir;
	r->at = *at;
	flow_client_ip(f, c, sizeof(c));
	*client = out_str(c);
	*ied = out_str(ied_text(f, d, sizeof(d)));
}

/* Hand the record to the bus, unless a copy it points at could not be made. */
static void rec_send(const struct record *r)
{
	if (outbox_short) {
		outbox_short = false;
		return;
	}
	bus_record(r);
}

static const struct audit_request *audit_request(const struct ctl_req *rq)
{
	if (!rq)
		return NULL;
	struct audit_request *a = out_alloc(sizeof(*a));
	if (a) {
		a->invoke_id = rq->invoke_id;
		a->at = rq->at;
	}
	return a;
}

/* Why an item failed (result R_FAILURE). */
static struct audit_failure audit_failure(uint8_t result, uint32_t failure)
{
	struct audit_failure a = { .present = result == R_FAILURE };
	if (a.present) {
		a.empty_sbo_reference = failure == FAILURE_EMPTY_SBO;
		a.data_access_error = failure;
	}
	return a;
}

/* The confirmed-error that answered (result R_ERROR). */
static struct audit_error audit_error(uint8_t result, const struct mms_pdu *ans)
{
	struct audit_error e = { .present = result == R_ERROR && ans && ans->error.present };
	if (e.present) {
		e.error_class = ans->error.error_class;
		e.error_code = ans->error.error_code;
	}
	return e;
}

/* A control step's record. */
static void control_record(struct flow *f, int dir, const struct pkt_where *at, const struct ctl_req *rq,
			   const struct wr_item *it, int8_t ctl_model, const struct mms_pdu *ans)
{
	struct record r;
	struct control_record *c = &r.u.control;
	rec_init(&r, REC_CONTROL, f, dir, at, &c->client, &c->ied);
	c->object = out_str(it->ref ? it->ref : "");
	c->step = STEP_NAMES[it->step];
	c->acsi = STEP_ACSI[it->step];
	c->request = audit_request(rq);
	if (it->value) {
		c->ctl_val = out_mem(it->value, it->value_len);
		c->ctl_val_len = it->value_len;
	}
	c->has_ctl_num = it->has_ctl_num;
	c->ctl_num = it->ctl_num;
	c->has_test = it->has_test;
	c->test = it->test;
	c->or_cat = it->or_cat;
	if (ctl_model >= 0 && ctl_model <= 4)
		c->ctl_model = CTL_MODELS[ctl_model];
	/* SBO models only: whether the Operate had a selection */
	c->has_selected = it->step == ST_OPERATE && (ctl_model == 2 || ctl_model == 4);
	c->selected = it->was_selected;
	c->result = RESULT_NAMES[it->result];
	c->failure = audit_failure(it->result, it->failure);
	c->error = audit_error(it->result, ans);
	if (it->has_lae) {
		struct last_appl_error *l = out_alloc(sizeof(*l));
		if (l)
			*l = it->lae;
		c->lae = l;
	}
	c->unauthorized = it->unauthorized;
	rec_send(&r);
}

/* The ordinary (non-control) items of a write, with the result of each. */
static void write_record(struct flow *f, int dir, const struct pkt_where *at, const struct ctl_req *rq, uint8_t result,
			 const struct mms_pdu *ans)
{
	struct record r;
	struct write_record *w = &r.u.write;
	rec_init(&r, REC_WRITE, f, dir, at, &w->client, &w->ied);
	w->acsi = out_str(rq->acsi);
	w->request = audit_request(rq);
	w->variable_list = out_str(rq->list_ref);
	w->result = RESULT_NAMES[result];
	w->error = audit_error(result, ans);
	uint16_t n = 0;
	for (uint16_t i = 0; i < rq->n_items; i++)
		n += rq->items[i].step == ST_NONE;
	struct write_item *items = n ? out_alloc(n * sizeof(*items)) : NULL;
	for (uint16_t i = 0; items && i < rq->n_items; i++) {
		const struct wr_item *it = &rq->items[i];
		if (it->step != ST_NONE)
			continue;
		struct write_item *o = &items[w->n_items++];
		memset(o, 0, sizeof(*o));
		o->object = out_str(it->ref);
		o->fc = out_str(it->fc);
		o->value = out_mem(it->value, it->value_len);
		o->value_len = it->value_len;
		o->result = RESULT_NAMES[it->result];
		o->failure = audit_failure(it->result, it->failure);
		o->unauthorized = it->unauthorized;
	}
	w->items = items;
	if (rq->n_total > rq->n_items)
		w->items_total = rq->n_total;
	w->unauthorized = rq->unauthorized;
	rec_send(&r);
}

/* ---- findings ------------------------------------------------------------------------ */

/* A confirmed-error in a finding's details. */
static void service_error_obj(struct jw *w, uint8_t cls, uint32_t code)
{
	const char *c = mms_error_class_name(cls), *n = mms_error_code_name(cls, code);
	jw_obj(w, "error");
	jw_str(w, "class", c ? c : "unknown");
	if (n)
		jw_str(w, "code", n);
	else
		jw_u64(w, "code", code);
	jw_obj_end(w);
}


static void fail_from(struct fail_ctx *c, const struct wr_item *it, int8_t ctl_model, const struct ctl_req *rq,
		      const struct mms_pdu *ans, const struct pkt_where *at)
{
	memset(c, 0, sizeof(*c));
	c->step = it->step;
	c->result = it->result;
	c->ts = at->ts_us;
	c->ans_at = *at;
	if (rq)
		c->req_at = rq->at;
	if (it->value) {
		view_text((const uint8_t *)it->value, it->value_len, c->ctl_val, sizeof(c->ctl_val));
		c->ctl_val_cut = it->value_len >= sizeof(c->ctl_val);
	}
	if (it->result == R_FAILURE) {
		const char *n = mms_data_access_error_name(it->failure);
		if (it->failure == FAILURE_EMPTY_SBO)
			snprintf(c->failure, sizeof(c->failure), "empty SBO reference");
		else if (n)
			snprintf(c->failure, sizeof(c->failure), "%s", n);
		else
			snprintf(c->failure, sizeof(c->failure), "DataAccessError %u", it->failure);
	}
	if (it->result == R_ERROR && ans && ans->error.present) {
		c->has_error = true;
		c->err_class = ans->error.error_class;
		c->err_code = ans->error.error_code;
	}
	if (it->has_lae) {
		c->has_lae = true;
		c->lae = it->lae;
		c->lae_at = it->lae_at;
	}
	c->ctl_model = ctl_model;
	c->without_select = it->step == ST_OPERATE && (ctl_model == 2 || ctl_model == 4) && !it->was_selected;
	c->has_test = it->has_test;
	c->test = it->test;
}

/* control_failed, from what the step is known by. `late`: a LastApplError
 * completing a failure already counted. */
static void control_failed(struct flow *f, const char *object, const struct fail_ctx *c, bool late)
{
	/* A negative CommandTermination whose LastApplError says "no error" and
	 * "unknown" cause is the IED ending the command without a reason (some stacks
	 * end time-activated operates this way): shown, at a lower severity. */
	bool no_reason = c->step == ST_TERMINATION && c->has_lae && c->lae.error == 0 && c->lae.add_cause == 0;
	struct finding *fd = finding_open_on_flow("control_failed", no_reason ? SEV_LOW : SEV_MEDIUM, f, object,
						  late ? c->lae_at.ts_us : c->ts);
	if (!fd)
		return;
	finding_evidence(fd, &c->req_at);
	finding_evidence(fd, &c->op_ans_at);
	if (c->has_lae)
		finding_evidence(fd, &c->lae_at);
	finding_evidence(fd, &c->ans_at);
	char client[64], why[256], cause[160], val[CTLVAL_SHORT];
	flow_client_ip(f, client, sizeof(client));
	snprintf(val, sizeof(val), "%s", c->ctl_val);
	if (strlen(c->ctl_val) >= sizeof(val))
		memcpy(val + sizeof(val) - 4, "...", 4);
	const char *add = c->has_lae ? iec61850_add_cause_name(c->lae.add_cause) : NULL;
	const char *hint = c->has_lae ? add_cause_hint(c->lae.add_cause) : NULL;
	const char *errn = c->has_lae ? iec61850_ctl_error_name(c->lae.error) : NULL;
	cause[0] = 0;
	if (c->has_lae)
		snprintf(cause, sizeof(cause), "; LastApplError: Error %lld %s, AddCause %lld %s",
			 (long long)c->lae.error, errn ? errn : "unknown", (long long)c->lae.add_cause,
			 add ? add : "unknown");
	if (c->step == ST_TERMINATION)
		snprintf(why, sizeof(why), "the IED accepted it but ended it with a negative CommandTermination");
	else if (c->result == R_FAILURE)
		snprintf(why, sizeof(why), "the IED refused it (%s)", c->failure);
	else if (c->result == R_ERROR) {
		const char *cl = mms_error_class_name(c->err_class),
			   *co = mms_error_code_name(c->err_class, c->err_code);
		snprintf(why, sizeof(why), "the IED answered with a confirmed-error (%s/%s)", cl ? cl : "?",
			 co ? co : "?");
	} else
		snprintf(why, sizeof(why), "the IED reported a LastApplError");

	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "object", object);
	jw_str(&w, "step", STEP_NAMES[c->step]);
	jw_str(&w, "acsi", STEP_ACSI[c->step]);
	jw_str(&w, "client", client);
	if (c->ctl_val[0] && !c->ctl_val_cut)
		jw_raw(&w, "ctl_val", c->ctl_val, strlen(c->ctl_val));
	else if (c->ctl_val[0])
		jw_str(&w, "ctl_val_text", c->ctl_val);
	jw_str(&w, "result", RESULT_NAMES[c->result]);
	if (c->failure[0])
		jw_str(&w, "failure", c->failure);
	if (c->has_error)
		service_error_obj(&w, c->err_class, c->err_code);
	if (c->has_lae) {
		jw_i64(&w, "add_cause_code", c->lae.add_cause);
		jw_str(&w, "add_cause", add ? add : "unknown");
		jw_str(&w, "error", errn ? errn : "unknown");
		jw_i64(&w, "error_code", c->lae.error);
		if (c->lae.has_ctl_num)
			jw_u64(&w, "ctl_num", c->lae.ctl_num);
	}
	if (c->ctl_model >= 0 && c->ctl_model <= 4)
		jw_str(&w, "ctl_model", CTL_MODELS[c->ctl_model]);
	if (c->without_select)
		jw_bool(&w, "operate_without_select", true);
	if (c->has_test)
		jw_bool(&w, "test", c->test);
	jw_u64(&w, "failures", late ? fd->count : fd->count + 1);
	finding_details_end(&w, fd);
	/* a negative termination ends an Operate: name the operation */
	finding_summary(fd, "%s of %s%s%s%s by %s failed: %s%s%s%s%s.",
			c->step == ST_TERMINATION ? "Operate" : STEP_ACSI[c->step], object, val[0] ? " (ctlVal " : "",
			val, val[0] ? ")" : "", client, why, cause,
			c->without_select ? "; no Select was seen for this SBO object" : "", hint ? " - " : "",
			hint ? hint : "");
	if (late)
		finding_touch(fd, c->lae_at.ts_us);
	else
		finding_commit(fd, c->ts);
}

static void unauthorized(struct flow *f, bool control, const char *object, const char *what, const struct pkt_where *at)
{
	const char *kind = control ? "unauthorized_control" : "unauthorized_write";
	struct finding *fd = finding_open_on_flow(kind, SEV_HIGH, f, object, at->ts_us);
	if (!fd)
		return;
	finding_evidence(fd, at);
	char client[64], ied[160];
	flow_client_ip(f, client, sizeof(client));
	ied_text(f, ied, sizeof(ied));
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "client", client);
	jw_str(&w, "object", object);
	jw_str(&w, control ? "step" : "acsi", what);
	jw_u64(&w, "attempts", fd->count + 1);
	finding_details_end(&w, fd);
	if (control)
		finding_summary(fd,
				"%s sent %s to %s on %s, and no 'allow control' rule permits this client to "
				"operate that object.",
				client, what, object, ied);
	else
		finding_summary(fd,
				"%s wrote %s on %s (%s), and no 'allow write' rule permits this client to "
				"write that object.",
				client, object, ied, what);
	finding_commit(fd, at->ts_us);
}

static bool allowed(const struct flow *f, uint8_t what, const char *object)
{
	int srv = 1 - f->client;
	return rules_allowed(&g_rules, what, f->key.ipver, f->key.ip[f->client], f->key.ip[srv], f->key.port[srv],
			     object);
}

static void associate_check(struct flow *f, struct ctl_state *s, const struct mms_pdu *p, const struct pkt_where *at)
{
	s->associate_checked = true;
	if (allowed(f, ALLOW_ASSOCIATE, NULL))
		return;
	char client[64], ied[160];
	flow_client_ip(f, client, sizeof(client));
	ied_text(f, ied, sizeof(ied));
	struct finding *fd = finding_open_on_flow("unknown_client", SEV_MEDIUM, f, client, at->ts_us);
	if (!fd)
		return;
	finding_evidence(fd, at);
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "client", client);
	jw_str(&w, "first_pdu", mms_pdu_name(p->type));
	jw_u64(&w, "associations", fd->count + 1);
	finding_details_end(&w, fd);
	finding_summary(fd, "%s associated with %s, and no 'allow associate' rule lists this client.", client, ied);
	finding_commit(fd, at->ts_us);
}

/* ---- requests ----------------------------------------------------------------------- */

static void req_finish(struct flow *f, struct ctl_state *s, struct ctl_req *rq, uint8_t result, int dir,
		       const struct pkt_where *at);

static struct ctl_req *req_new(struct flow *f, struct ctl_state *s, uint8_t kind, const struct mms_event *e,
			       const struct pkt_where *at)
{
	struct ctl_req *old = e->replaced ? e->replaced->slot[ctl_txn_slot] : NULL;
	if (old) {
		/* Reused while outstanding (services.c reports it): the old
		 * request's answer can no longer be told apart. */
		req_finish(f, s, old, R_UNKNOWN, 0, NULL);
	}
	struct ctl_req *r = e->txn ? calloc(1, sizeof(*r)) : NULL;
	if (!r)
		return NULL;
	r->owner = s;
	r->flow = f;
	r->prev = s->newest;
	if (s->newest)
		s->newest->next = r;
	else
		s->oldest = r;
	s->newest = r;
	r->txn = e->txn;
	e->txn->slot[ctl_txn_slot] = r;
	r->kind = kind;
	r->invoke_id = e->pdu->invoke_id;
	r->service = e->pdu->service;
	r->acsi = e->acsi;
	r->ts = at->ts_us;
	r->at = *at;
	return r;
}

/* The transaction ended before its answer came (forgotten when the ISO stage's
 * table was full): the records say the result is unknown. */
static void req_release(struct mms_txn *t, void *state)
{
	struct ctl_req *r = state;
	(void)t;
	r->txn = NULL;
	if (r->owner)
		req_finish(r->flow, r->owner, r, R_UNKNOWN, 0, NULL);
	else
		req_free(r);
}

static void write_request(struct flow *f, struct ctl_state *s, const struct mms_event *e, const struct pkt_where *at)
{
	const struct mms_pdu *p = e->pdu;
	if (!p->has_data)
		return;
	uint32_t total = p->has_list_name ? p->n_data : p->n_objs_total;
	uint16_t n = (uint16_t)(total < WR_ITEMS_KEPT ? total : WR_ITEMS_KEPT);
	if (!p->has_list_name && n > p->n_objs)
		n = p->n_objs;
	struct ctl_req *rq = req_new(f, s, RQ_WRITE, e, at);
	if (!rq)
		return;
	rq->n_total = total;
	rq->items = n ? calloc(n, sizeof(*rq->items)) : NULL;
	if (p->has_list_name) {
		char ref[200], fc[4];
		attr_ref(&p->list_name, ref, sizeof(ref), fc);
		rq->list_ref = strdup(ref);
		if (!allowed(f, ALLOW_WRITE, ref)) {
			rq->unauthorized = true;
			unauthorized(f, false, ref, e->acsi ? e->acsi : "SetDataSetValues", at);
		}
	}
	struct rd list = p->data;
	char json[WR_VALUE_MAX];
	for (uint16_t i = 0; rq->items && i < n; i++) {
		struct mms_data d;
		bool done;
		if (mms_data_next(&list, &d, &done) != BER_OK || done)
			break;
		struct wr_item *it = &rq->items[rq->n_items++];
		it->pos = i;
		it->obj = -1;
		it->or_cat = -1;
		if (p->has_list_name) {
			keep_value(it, json, value_text(&d, json, sizeof(json)));
			continue;
		}
		char ref[200];
		bool ctl_model;
		uint8_t step = control_objname(&p->objs[i], ref, sizeof(ref), &ctl_model);
		if (step == ST_NONE || step == ST_SELECT) {
			/* an ordinary write ($SBO is read, never written: a plain write too) */
			attr_ref(&p->objs[i], ref, sizeof(ref), it->fc);
			it->ref = strdup(ref);
			keep_value(it, json, value_text(&d, json, sizeof(json)));
			if (!allowed(f, ALLOW_WRITE, ref)) {
				it->unauthorized = true;
				unauthorized(f, false, ref, e->acsi ? e->acsi : "SetDataValues", at);
			}
			continue;
		}
		struct ctl_params cp;
		ctl_params(&d, &cp);
		it->step = step;
		it->ref = strdup(ref);
		if (cp.has_val)
			keep_value(it, cp.val, strlen(cp.val));
		it->has_ctl_num = cp.has_ctl_num;
		it->ctl_num = cp.ctl_num;
		it->has_test = cp.has_test;
		it->test = cp.test;
		it->or_cat = cp.or_cat;
		it->obj = obj_index(s, ref);
		struct ctl_obj *o = obj_at(s, it->obj);
		if (o) {
			it->was_selected = o->selected;
			/* Operate and Cancel consume the selection: a select lapses only
			 * when neither follows. */
			if (step == ST_OPERATE || step == ST_CANCEL)
				o->selected = false;
			if (step == ST_CANCEL)
				o->cancel_sent = true;
		}
		if (!allowed(f, ALLOW_CONTROL, ref)) {
			it->unauthorized = true;
			unauthorized(f, true, ref, STEP_ACSI[step], at);
		}
	}
}

/* Reads that matter here: the Select of normal-security SBO ($SBO) and the
 * ctlModel of control objects. */
static void read_request(struct flow *f, struct ctl_state *s, const struct mms_event *e, const struct pkt_where *at)
{
	const struct mms_pdu *p = e->pdu;
	uint16_t idx[WR_ITEMS_KEPT], n = 0;
	for (uint16_t i = 0; i < p->n_objs && n < WR_ITEMS_KEPT; i++) {
		char ref[200];
		bool ctl_model;
		uint8_t step = control_objname(&p->objs[i], ref, sizeof(ref), &ctl_model);
		if (step == ST_SELECT || ctl_model)
			idx[n++] = i;
	}
	if (!n || p->has_list_name)
		return;
	struct ctl_req *rq = req_new(f, s, RQ_READ, e, at);
	if (!rq || !(rq->items = calloc(n, sizeof(*rq->items))))
		return;
	rq->n_total = p->n_objs_total;
	for (uint16_t k = 0; k < n; k++) {
		struct wr_item *it = &rq->items[rq->n_items++];
		char ref[200];
		bool ctl_model;
		it->step = control_objname(&p->objs[idx[k]], ref, sizeof(ref), &ctl_model);
		it->ctl_model_read = ctl_model;
		it->pos = idx[k];
		it->or_cat = -1;
		it->ref = strdup(ref);
		it->obj = obj_index(s, ref);
		if (it->step == ST_SELECT && !allowed(f, ALLOW_CONTROL, ref)) {
			it->unauthorized = true;
			unauthorized(f, true, ref, "Select", at);
		}
	}
}

static char *view_dup(struct bview v)
{
	char buf[256];
	if (!v.p)
		return NULL;
	view_text(v.p, v.len, buf, sizeof(buf));
	return strdup(buf);
}

static void file_request(struct flow *f, struct ctl_state *s, const struct mms_event *e, const struct pkt_where *at)
{
	const struct mms_pdu *p = e->pdu;
	struct ctl_req *rq = req_new(f, s, RQ_FILE, e, at);
	if (!rq)
		return;
	rq->fname = view_dup(p->file.name);
	rq->fname2 = view_dup(p->file.name2);
	rq->has_frsm = p->file.has_frsm;
	rq->frsm = p->file.frsm_id;
}

/* ---- answers ---------------------------------------------------------------------- */

/* A control step answered (or ended): its record, and control_failed when the
 * IED said no. */
static void step_done(struct flow *f, struct ctl_state *s, int dir, const struct pkt_where *at,
		      const struct ctl_req *rq, struct wr_item *it, const struct mms_pdu *ans)
{
	struct ctl_obj *o = obj_at(s, it->obj);
	int8_t model = o ? o->ctl_model : -1;
	bool failed = it->result == R_FAILURE || it->result == R_ERROR || it->result == R_NEGATIVE ||
		(it->has_lae && (it->result == R_SUCCESS || it->result == R_POSITIVE));
	if (o && it->result == R_SUCCESS && !failed && (it->step == ST_SELECT || it->step == ST_SELECT_WITH_VALUE)) {
		o->selected = true;
		o->select_step = it->step;
		o->select_ts = at->ts_us;
		o->select_at = rq ? rq->at : *at;
	}
	if (o && it->step == ST_OPERATE && it->result == R_SUCCESS && rq) {
		o->oper_req_at = rq->at;
		o->oper_ans_at = *at;
	}
	if (failed) {
		struct fail_ctx c;
		fail_from(&c, it, model, rq, ans, at);
		control_failed(f, it->ref ? it->ref : "", &c, false);
		if (o) {
			o->has_fail = true;
			o->fail = c;
		}
	}
	control_record(f, dir, at, rq, it, model, ans);
}

static void write_response(struct flow *f, struct ctl_state *s, int dir, struct ctl_req *rq, const struct mms_pdu *p,
			   const struct pkt_where *at)
{
	struct rd list = p->data;
	uint16_t ok = 0, bad = 0, ordinary = 0;
	bool ended = false;
	for (uint16_t i = 0; i < rq->n_items; i++) {
		struct wr_item *it = &rq->items[i];
		if (p->type == MMS_CONFIRMED_ERROR) {
			it->result = R_ERROR;
		} else if (!ended) {
			/* Write-Response: per item failure [0] DataAccessError or success [1] */
			struct mms_data d;
			bool done;
			if (mms_data_next(&list, &d, &done) != BER_OK || done) {
				ended = true;
				it->result = R_UNDECODED;
			} else if (d.tag == MMS_DATA_ACCESS_FAILURE && !d.constructed) {
				it->result = R_FAILURE;
				if (!ber_uint32(d.val, &it->failure))
					it->failure = 0;
			} else {
				it->result = d.tag == 1 && !d.constructed ? R_SUCCESS : R_UNDECODED;
			}
		} else {
			it->result = R_UNDECODED;
		}
		if (it->step != ST_NONE) {
			step_done(f, s, dir, at, rq, it, p);
			continue;
		}
		ordinary++;
		if (it->result == R_SUCCESS)
			ok++;
		else
			bad++;
	}
	if (!ordinary && rq->n_items)
		return;
	uint8_t result = p->type == MMS_CONFIRMED_ERROR ? R_ERROR : !bad ? R_SUCCESS : !ok ? R_FAILURE : R_PARTIAL;
	write_record(f, dir, at, rq, result, p);
}

static void read_response(struct flow *f, struct ctl_state *s, int dir, struct ctl_req *rq, const struct mms_pdu *p,
			  const struct pkt_where *at)
{
	/* AccessResults in request order; the kept items know their positions. */
	struct rd list = p->data;
	uint16_t pos = 0, k = 0;
	struct mms_data d;
	bool done = false, have = false;
	for (k = 0; k < rq->n_items; k++) {
		struct wr_item *it = &rq->items[k];
		have = false;
		if (p->type == MMS_CONFIRMED_RESPONSE) {
			while (!done && pos <= it->pos) {
				if (mms_data_next(&list, &d, &done) != BER_OK) {
					done = true;
					break;
				}
				if (!done && pos++ == it->pos)
					have = true;
			}
		}
		struct ctl_obj *o = obj_at(s, it->obj);
		if (it->ctl_model_read) {
			int64_t m;
			if (have && o && d.tag == MMS_DATA_INTEGER && !d.constructed && ber_int64(d.val, &m) &&
			    m >= 0 && m <= 4)
				o->ctl_model = (int8_t)m;
			continue;
		}
		/* Select: success returns the object's reference; failure a
		 * DataAccessError or an empty string. */
		if (p->type == MMS_CONFIRMED_ERROR)
			it->result = R_ERROR;
		else if (!have)
			it->result = R_UNDECODED;
		else if (d.tag == MMS_DATA_ACCESS_FAILURE) {
			it->result = R_FAILURE;
			if (!ber_uint32(d.val, &it->failure))
				it->failure = 0;
		} else if (d.tag == MMS_DATA_VISIBLE_STRING && !d.constructed && rd_left(&d.val) == 0) {
			it->result = R_FAILURE;
			it->failure = FAILURE_EMPTY_SBO;
		} else {
			it->result = R_SUCCESS;
		}
		step_done(f, s, dir, at, rq, it, p);
	}
}

static struct open_file *file_of(struct ctl_state *s, int32_t frsm)
{
	if (!s->files)
		return NULL;
	for (int i = 0; i < CTL_FILES_MAX; i++)
		if (s->files[i].used && s->files[i].frsm == frsm)
			return &s->files[i];
	return NULL;
}

static void file_free(struct open_file *of)
{
	free(of->name);
	memset(of, 0, sizeof(*of));
}

static const char *file_operation(int service)
{
	switch (service) {
	case MMS_SVC_FILE_OPEN:
	case MMS_SVC_FILE_READ:
	case MMS_SVC_FILE_CLOSE:
		return "get";
	case MMS_SVC_FILE_DIRECTORY:
		return "directory";
	case MMS_SVC_FILE_DELETE:
		return "delete";
	case MMS_SVC_OBTAIN_FILE:
		return "obtain";
	case MMS_SVC_FILE_RENAME:
		return "rename";
	}
	return "file";
}

/* One transfer (open..close) as a record. */
static void transfer_record(struct flow *f, int dir, const struct pkt_where *at, const struct open_file *of,
			    const struct ctl_req *close_rq, uint8_t result, const struct mms_pdu *ans)
{
	struct record r;
	struct file_record *fr = &r.u.file;
	rec_init(&r, REC_FILE, f, dir, at, &fr->client, &fr->ied);
	fr->operation = "get";
	fr->acsi = "GetFile";
	fr->name = out_str(of->name);
	fr->has_frsm = true;
	fr->frsm = of->frsm;
	fr->transfer = true;
	fr->has_size = of->has_size;
	fr->size = of->size;
	fr->bytes = of->bytes;
	fr->reads = of->reads;
	fr->opened_at = of->open_at;
	fr->request = audit_request(close_rq);
	fr->result = RESULT_NAMES[result];
	fr->error = audit_error(result, ans);
	if (!fr->error.present && of->read_failed) {
		/* a read failed: the transfer's error, whatever the close said */
		fr->error.present = true;
		fr->error.error_class = of->err_class;
		fr->error.error_code = of->err_code;
	}
	rec_send(&r);
}

/* Any other file service (or a fileOpen that failed) as a record. */
static void file_record(struct flow *f, int dir, const struct pkt_where *at, const struct ctl_req *rq, uint8_t result,
			const struct mms_pdu *ans)
{
	struct record r;
	struct file_record *fr = &r.u.file;
	rec_init(&r, REC_FILE, f, dir, at, &fr->client, &fr->ied);
	fr->operation = file_operation(rq->service);
	fr->acsi = out_str(rq->acsi);
	fr->name = out_str(rq->fname);
	fr->destination = out_str(rq->fname2);
	fr->has_frsm = rq->has_frsm;
	fr->frsm = rq->frsm;
	fr->request = audit_request(rq);
	if (ans && ans->type == MMS_CONFIRMED_RESPONSE && rq->service == MMS_SVC_FILE_DIRECTORY) {
		/* the listing as sent: the answer's bytes outlive the record's delivery */
		fr->has_directory = true;
		fr->entries = ans->n_names;
		fr->names = ans->names;
		fr->has_more_follows = ans->has_more_follows;
		fr->more_follows = ans->more_follows;
	}
	fr->result = RESULT_NAMES[result];
	fr->error = audit_error(result, ans);
	rec_send(&r);
}

static void file_response(struct flow *f, struct ctl_state *s, int dir, struct ctl_req *rq, const struct mms_pdu *p,
			  const struct pkt_where *at)
{
	bool ok = p->type == MMS_CONFIRMED_RESPONSE;
	uint8_t result = ok ? R_SUCCESS : p->type == MMS_CONFIRMED_ERROR ? R_ERROR : R_REJECTED;
	switch (rq->service) {
	case MMS_SVC_FILE_OPEN: {
		if (!ok || !p->file.has_frsm) {
			file_record(f, dir, at, rq, ok ? R_UNDECODED : result, p);
			return;
		}
		if (!s->files && !(s->files = calloc(CTL_FILES_MAX, sizeof(*s->files))))
			return;
		struct open_file *of = file_of(s, p->file.frsm_id);
		if (of) /* the frsmID came back: the earlier one was closed unseen */
			file_free(of);
		for (int i = 0; i < CTL_FILES_MAX && !of; i++)
			if (!s->files[i].used)
				of = &s->files[i];
		if (!of) {
			stat_inc(STAT_file_table_full);
			return;
		}
		of->used = true;
		of->frsm = p->file.frsm_id;
		of->name = rq->fname ? strdup(rq->fname) : NULL;
		of->has_size = p->file.has_size;
		of->size = p->file.size;
		of->ts = rq->ts;
		of->open_at = rq->at;
		of->last_at = *at;
		return;
	}
	case MMS_SVC_FILE_READ: {
		struct open_file *of = rq->has_frsm ? file_of(s, rq->frsm) : NULL;
		if (!of)
			return; /* opened before the capture: the close still records it */
		of->last_at = *at;
		if (ok) {
			of->bytes += p->file.data_len;
			of->reads++;
		} else if (p->type == MMS_CONFIRMED_ERROR) {
			of->read_failed = true;
			of->err_class = p->error.error_class;
			of->err_code = p->error.error_code;
		}
		return;
	}
	case MMS_SVC_FILE_CLOSE: {
		struct open_file *of = rq->has_frsm ? file_of(s, rq->frsm) : NULL;
		struct open_file unknown = { .used = true, .frsm = rq->frsm };
		uint8_t r = of && of->read_failed ? R_ERROR : result;
		transfer_record(f, dir, at, of ? of : &unknown, rq, r, p);
		if (of)
			file_free(of);
		return;
	}
	default:
		file_record(f, dir, at, rq, result, p);
		return;
	}
}

/* No usable answer (flow end, invokeID reuse, table full, an answer that did not
 * decode): the records say so. at NULL: written at the request's frame. */
static void req_finish(struct flow *f, struct ctl_state *s, struct ctl_req *rq, uint8_t result, int dir,
		       const struct pkt_where *at)
{
	const struct ctl_req *answered = at ? rq : NULL; /* the record's request fields */
	if (!at) {
		at = &rq->at;
		dir = 0;
	}
	switch (rq->kind) {
	case RQ_WRITE: {
		bool ordinary = !rq->n_items;
		for (uint16_t i = 0; i < rq->n_items; i++) {
			struct wr_item *it = &rq->items[i];
			it->result = result;
			if (it->step == ST_NONE) {
				ordinary = true;
				continue;
			}
			struct ctl_obj *o = obj_at(s, it->obj);
			control_record(f, dir, at, answered, it, o ? o->ctl_model : -1, NULL);
		}
		if (ordinary)
			write_record(f, dir, at, rq, result, NULL);
		break;
	}
	case RQ_READ:
		for (uint16_t i = 0; i < rq->n_items; i++) {
			struct wr_item *it = &rq->items[i];
			if (it->step != ST_SELECT)
				continue;
			it->result = result;
			struct ctl_obj *o = obj_at(s, it->obj);
			control_record(f, dir, at, answered, it, o ? o->ctl_model : -1, NULL);
		}
		break;
	case RQ_FILE:
		if (rq->service != MMS_SVC_FILE_READ && rq->service != MMS_SVC_FILE_CLOSE)
			file_record(f, dir, at, rq, result, NULL);
		break;
	}
	req_free(rq);
}

static void response(struct flow *f, struct ctl_state *s, int dir, const struct mms_event *e,
		     const struct pkt_where *at)
{
	const struct mms_pdu *p = e->pdu;
	struct ctl_req *rq = e->txn ? e->txn->slot[ctl_txn_slot] : NULL;
	if (!rq)
		return;
	if (p->type == MMS_REJECT) {
		/* A protocol error (services.c reports the reject): recorded, not a
		 * control failure. */
		for (uint16_t i = 0; i < rq->n_items; i++)
			rq->items[i].result = R_REJECTED;
		if (rq->kind == RQ_WRITE || rq->kind == RQ_READ) {
			for (uint16_t i = 0; i < rq->n_items; i++) {
				struct wr_item *it = &rq->items[i];
				if (it->step != ST_NONE) {
					struct ctl_obj *o = obj_at(s, it->obj);
					control_record(f, dir, at, rq, it, o ? o->ctl_model : -1, p);
				}
			}
			bool ordinary = rq->kind == RQ_WRITE && !rq->n_items;
			for (uint16_t i = 0; i < rq->n_items; i++)
				ordinary |= rq->kind == RQ_WRITE && rq->items[i].step == ST_NONE;
			if (ordinary)
				write_record(f, dir, at, rq, R_REJECTED, p);
		} else if (rq->service != MMS_SVC_FILE_READ) {
			file_record(f, dir, at, rq, R_REJECTED, p);
		}
	} else if (p->defect) {
		/* The answer came but did not decode: say so rather than guess. */
		req_finish(f, s, rq, R_UNDECODED, dir, at);
		return;
	} else if (rq->kind == RQ_WRITE) {
		write_response(f, s, dir, rq, p, at);
	} else if (rq->kind == RQ_READ) {
		read_response(f, s, dir, rq, p, at);
	} else {
		file_response(f, s, dir, rq, p, at);
	}
	req_free(rq);
}

/* ---- CommandTermination and LastApplError -------------------------------------------------- */

static void attach_lae(struct flow *f, struct ctl_state *s, const struct last_appl_error *l, const struct mms_pdu *p,
		       const struct pkt_where *at)
{
	char ref[200];
	bool ctl_model;
	char dom[80];
	const char *slash = strchr(l->cntrl_obj, '/');
	uint8_t step = ST_NONE;
	if (slash && (size_t)(slash - l->cntrl_obj) < sizeof(dom)) {
		memcpy(dom, l->cntrl_obj, (size_t)(slash - l->cntrl_obj));
		dom[slash - l->cntrl_obj] = 0;
		step = control_name(dom, slash + 1, ref, sizeof(ref), &ctl_model);
	}
	if (step == ST_NONE)
		snprintf(ref, sizeof(ref), "%s", l->cntrl_obj);
	/* The answer to the step it explains is still to come: it carries it. */
	for (struct ctl_req *rq = s->oldest; rq; rq = rq->next) {
		if (rq->kind != RQ_WRITE && rq->kind != RQ_READ)
			continue;
		for (uint16_t k = 0; k < rq->n_items; k++) {
			struct wr_item *it = &rq->items[k];
			if (it->step != ST_NONE && it->ref && !strcmp(it->ref, ref) && !it->has_lae) {
				it->has_lae = true;
				it->lae = *l;
				it->lae_at = *at;
				return;
			}
		}
	}
	int16_t oi = obj_index(s, ref);
	struct ctl_obj *o = obj_at(s, oi);
	/* After the answer: it completes that failure rather than adding one. */
	if (o && o->has_fail && !o->fail.has_lae && at->ts_us - o->fail.ts <= LAE_LATE_US) {
		o->fail.has_lae = true;
		o->fail.lae = *l;
		o->fail.lae_at = *at;
		control_failed(f, ref, &o->fail, true);
		return;
	}
	/* On its own: the IED reports a failure of a step this capture did not show. */
	struct wr_item it;
	memset(&it, 0, sizeof(it));
	it.ref = ref;
	it.obj = oi;
	it.or_cat = -1;
	it.step = step == ST_NONE ? ST_OPERATE : step;
	it.result = R_FAILURE;
	it.failure = 0;
	it.has_lae = true;
	it.lae = *l;
	it.lae_at = *at;
	struct fail_ctx c;
	fail_from(&c, &it, o ? o->ctl_model : -1, NULL, p, at);
	c.result = R_UNKNOWN;
	c.failure[0] = 0;
	c.req_at = *at;
	control_failed(f, ref, &c, false);
	if (o) {
		o->has_fail = true;
		o->fail = c;
	}
	it.result = R_UNKNOWN;
	control_record(f, 1, at, NULL, &it, o ? o->ctl_model : -1, p);
}

static void information_report(struct flow *f, struct ctl_state *s, const struct mms_pdu *p, const struct pkt_where *at)
{
	struct rd list = p->data;
	struct last_appl_error lae;
	bool has_lae = false, has_oper = false;
	struct ctl_params cp;
	char ref[200];
	for (uint16_t i = 0; i < p->n_objs; i++) {
		struct mms_data d;
		bool done;
		if (mms_data_next(&list, &d, &done) != BER_OK || done)
			break;
		if (bview_eq(p->objs[i].item, "LastApplError")) {
			if (d.constructed && d.tag == MMS_DATA_STRUCTURE && iec61850_last_appl_error(&d.val, &lae))
				has_lae = true;
			continue;
		}
		bool ctl_model;
		if (!has_oper && control_objname(&p->objs[i], ref, sizeof(ref), &ctl_model) == ST_OPERATE) {
			has_oper = true;
			ctl_params(&d, &cp);
		}
	}
	if (!has_oper) {
		if (has_lae)
			attach_lae(f, s, &lae, p, at);
		return;
	}
	/* CommandTermination: the Oper structure, after LastApplError when negative. */
	struct wr_item it;
	memset(&it, 0, sizeof(it));
	it.ref = ref;
	it.step = ST_TERMINATION;
	it.obj = obj_index(s, ref);
	it.result = has_lae ? R_NEGATIVE : R_POSITIVE;
	it.has_ctl_num = cp.has_ctl_num;
	it.ctl_num = cp.ctl_num;
	it.has_test = cp.has_test;
	it.test = cp.test;
	it.or_cat = cp.or_cat;
	if (cp.has_val) {
		it.value = cp.val;
		it.value_len = strlen(cp.val);
	}
	if (has_lae) {
		it.has_lae = true;
		it.lae = lae;
		it.lae_at = *at;
	}
	struct ctl_obj *o = obj_at(s, it.obj);
	if (o)
		o->selected = false; /* enhanced security: the termination ends the selection */
	int8_t model = o ? o->ctl_model : -1;
	/* A termination the client asked for with Cancel is not a failure. */
	bool asked = has_lae && lae.add_cause == 15 && o && o->cancel_sent;
	if (has_lae && !asked) {
		struct fail_ctx c;
		fail_from(&c, &it, model, NULL, p, at);
		/* the evidence: the Operate this ends (when seen) and the report */
		if (o && o->oper_req_at.frame) {
			c.req_at = o->oper_req_at;
			c.op_ans_at = o->oper_ans_at;
		}
		control_failed(f, ref, &c, false);
		if (o) {
			o->has_fail = true;
			o->fail = c;
		}
	}
	control_record(f, 1, at, NULL, &it, model, p);
}

/* ---- entry points --------------------------------------------------------------------- */

void control_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at)
{
	const struct mms_pdu *p = e->pdu;
	struct ctl_state *s = ctl_slot_of(f);
	if (outbox && (outbox->used || outbox->next || outbox_short))
		outbox_clear();
	if (g_rules.allow_any[ALLOW_ASSOCIATE] && (!s || !s->associate_checked) && dir == 0) {
		s = state_of(f);
		if (s)
			associate_check(f, s, p, at);
	}
	switch (p->type) {
	case MMS_CONFIRMED_REQUEST:
		if (dir != 0 || !p->has_invoke || p->defect)
			return;
		if (p->service != MMS_SVC_WRITE && p->service != MMS_SVC_READ && !mms_service_is_file(p->service))
			return;
		if (!(s = state_of(f)))
			return;
		if (p->service == MMS_SVC_WRITE)
			write_request(f, s, e, at);
		else if (p->service == MMS_SVC_READ)
			read_request(f, s, e, at);
		else
			file_request(f, s, e, at);
		return;
	case MMS_CONFIRMED_RESPONSE:
	case MMS_CONFIRMED_ERROR:
		if (dir == 1 && p->has_invoke && s)
			response(f, s, dir, e, at);
		return;
	case MMS_REJECT:
		if (dir == 1 && p->reject.has_original_invoke && s)
			response(f, s, dir, e, at);
		return;
	case MMS_UNCONFIRMED:
		if (dir != 1 || p->defect || p->service != MMS_USVC_INFORMATION_REPORT || !e->acsi ||
		    strcmp(e->acsi, "CommandTermination") != 0)
			return;
		if ((s = state_of(f)))
			information_report(f, s, p, at);
		return;
	default:
		return;
	}
}

static void select_timeout(struct flow *f, struct ctl_obj *o, int64_t now)
{
	o->selected = false;
	char client[64], ied[160];
	flow_client_ip(f, client, sizeof(client));
	ied_text(f, ied, sizeof(ied));
	struct finding *fd = finding_open_on_flow("control_select_timeout", SEV_LOW, f, o->ref, now);
	if (!fd)
		return;
	finding_evidence(fd, &o->select_at);
	int64_t waited = now - o->select_ts;
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "object", o->ref);
	jw_str(&w, "step", STEP_NAMES[o->select_step]);
	jw_str(&w, "client", client);
	jw_u64(&w, "waited_ms", (uint64_t)(waited / 1000));
	jw_u64(&w, "timeout_ms", (uint64_t)(g_rules.thr[THR_SELECT_TIMEOUT] / 1000));
	if (o->ctl_model >= 0 && o->ctl_model <= 4)
		jw_str(&w, "ctl_model", CTL_MODELS[o->ctl_model]);
	finding_details_end(&w, fd);
	finding_summary(fd,
			"%s selected %s on %s (%s) and sent no Operate or Cancel within %s: the "
			"selection lapses and the control was abandoned.",
			client, o->ref, ied, STEP_ACSI[o->select_step], DURATION(g_rules.thr[THR_SELECT_TIMEOUT]));
	finding_commit(fd, now);
}

static void selections(struct ctl_state *s, int64_t now)
{
	for (uint16_t i = 0; i < s->n_objs; i++) {
		struct ctl_obj *o = &s->objs[i];
		if (o->selected && now - o->select_ts > g_rules.thr[THR_SELECT_TIMEOUT])
			select_timeout(s->flow, o, now);
	}
}

void control_tick(int64_t now)
{
	if (outbox && (outbox->used || outbox->next || outbox_short))
		outbox_clear();
	for (struct ctl_state *s = live; s; s = s->next)
		selections(s, now);
}

void control_flow_end(struct flow *f, enum flow_end why, const struct pkt_where *at)
{
	struct ctl_state *s = ctl_slot_of(f);
	if (!s)
		return;
	if (outbox && (outbox->used || outbox->next || outbox_short))
		outbox_clear();
	uint8_t result = why == FLOW_END_CAPTURE_END || why == FLOW_END_EVICTED ? R_CAPTURE_ENDED : R_UNANSWERED;
	while (s->oldest)
		req_finish(f, s, s->oldest, result, 0, NULL);
	if (s->files)
		for (int i = 0; i < CTL_FILES_MAX; i++)
			if (s->files[i].used) {
				/* never closed: what was read is still worth recording */
				transfer_record(f, 1, &s->files[i].last_at, &s->files[i], NULL, R_INCOMPLETE, NULL);
				file_free(&s->files[i]);
			}
	/* The flow's own last packet: a flow ended at the end of a long capture
	 * must not look idle for the time the capture went on without it. */
	(void)at;
	selections(s, f->last_ts);
	if (s->prev)
		s->prev->next = s->next;
	else
		live = s->next;
	if (s->next)
		s->next->prev = s->prev;
	free(s->files);
	free(s->objs);
	free(s);
	f->slot[ctl_slot] = NULL;
}

void control_finish(int64_t now)
{
	(void)now; /* flows are flushed before this: their ends did the work */
}

void control_free(void)
{
	live = NULL;
	held = 0;
	outbox_free();
}

const struct analyzer control_analyzer = {
	.name = "control",
	.init = ctl_init,
	.mms = control_mms,
	.flow_end = control_flow_end,
	.tick = control_tick,
	.finish = control_finish,
	.free = control_free,
};

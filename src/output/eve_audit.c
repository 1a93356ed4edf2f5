/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eve_audit.c - the audit trail in EVE; see eve_audit.h. The analyzer
 * (analyze/control.c) decides what happened and hands it over as a record; this
 * file decides how it reads: keys, their order, names for codes off the wire, and
 * what gives way when a record is too big. */
#include "output/eve_audit.h"

#include "dissectors/ber.h"
#include "dissectors/iec61850_control.h"
#include "dissectors/mms.h"
#include "output/eve_record.h"
#include "util/json.h"

/* Directory entries listed in a file record (all are counted). */
#define DIR_NAMES_MAX 16

/* ---- pieces every audit record has ------------------------------------------------ */

static void rec_begin(struct jw *w, const struct record *r, const char *type, const char *client, const char *ied)
{
	eve_record_begin(w, r->flow, r->dir, &r->at, type);
	jw_obj(w, type);
	jw_str(w, "client", client);
	jw_str(w, "ied", ied);
}

static bool rec_end(struct jw *w)
{
	jw_obj_end(w);
	return eve_record_end(w);
}

static void error_obj(struct jw *w, const struct audit_error *e)
{
	const char *c = mms_error_class_name(e->error_class), *n = mms_error_code_name(e->error_class, e->error_code);
	jw_obj(w, "error");
	jw_str(w, "class", c ? c : "unknown");
	if (n)
		jw_str(w, "code", n);
	else
		jw_u64(w, "code", e->error_code);
	jw_obj_end(w);
}

/* The reason a refused item gives, as text or as its number. */
static void failure_field(struct jw *w, const struct audit_failure *f)
{
	const char *n =
		f->empty_sbo_reference ? "empty-sbo-reference" : mms_data_access_error_name(f->data_access_error);
	if (n)
		jw_str(w, "failure", n);
	else
		jw_u64(w, "failure", f->data_access_error);
}

static void or_cat_field(struct jw *w, int64_t or_cat)
{
	const char *o = iec61850_or_cat_name(or_cat);
	jw_str(w, "or_cat", o ? o : "unknown");
}

static void lae_obj(struct jw *w, const struct last_appl_error *l)
{
	const char *e = iec61850_ctl_error_name(l->error), *c = iec61850_add_cause_name(l->add_cause);
	jw_obj(w, "last_appl_error");
	jw_str(w, "cntrl_obj", l->cntrl_obj);
	jw_str(w, "error", e ? e : "unknown");
	jw_i64(w, "error_code", l->error);
	if (l->add_cause >= 0) {
		jw_str(w, "add_cause", c ? c : "unknown");
		jw_i64(w, "add_cause_code", l->add_cause);
	}
	if (l->has_ctl_num)
		jw_u64(w, "ctl_num", l->ctl_num);
	if (l->or_cat >= 0)
		or_cat_field(w, l->or_cat);
	jw_obj_end(w);
}

/* The request answered, and how long the answer took (when it is a later frame). */
static void request_fields(struct jw *w, const struct audit_request *rq, const struct pkt_where *at)
{
	if (!rq)
		return;
	jw_u64(w, "invoke_id", rq->invoke_id);
	jw_u64(w, "request_pcap_cnt", rq->at.frame);
	jw_timestamp(w, "request_timestamp", rq->at.ts_us);
	if (at->frame != rq->at.frame)
		jw_i64(w, "latency_us", at->ts_us - rq->at.ts_us);
}

/* ---- control ------------------------------------------------------------------------ */

static void control(const struct record *r)
{
	const struct control_record *c = &r->u.control;
	struct jw w;
	rec_begin(&w, r, "control", c->client, c->ied);
	jw_str(&w, "object", c->object);
	jw_str(&w, "step", c->step);
	jw_str(&w, "acsi", c->acsi);
	request_fields(&w, c->request, &r->at);
	if (c->ctl_val)
		jw_raw(&w, "ctl_val", c->ctl_val, c->ctl_val_len);
	if (c->has_ctl_num)
		jw_u64(&w, "ctl_num", c->ctl_num);
	if (c->has_test)
		jw_bool(&w, "test", c->test);
	if (c->or_cat >= 0)
		or_cat_field(&w, c->or_cat);
	if (c->ctl_model)
		jw_str(&w, "ctl_model", c->ctl_model);
	if (c->has_selected)
		jw_bool(&w, "selected", c->selected);
	jw_str(&w, "result", c->result);
	if (c->failure.present)
		failure_field(&w, &c->failure);
	if (c->error.present)
		error_obj(&w, &c->error);
	if (c->lae)
		lae_obj(&w, c->lae);
	if (c->unauthorized)
		jw_bool(&w, "unauthorized", true);
	rec_end(&w);
}

/* ---- write -------------------------------------------------------------------------- */

/* values false: every item says value_kept false (the retry of a record that was
 * too big with them). */
static bool write_rec(const struct record *r, bool values)
{
	const struct write_record *wr = &r->u.write;
	struct jw w;
	rec_begin(&w, r, "write", wr->client, wr->ied);
	if (wr->acsi)
		jw_str(&w, "acsi", wr->acsi);
	request_fields(&w, wr->request, &r->at);
	if (wr->variable_list)
		jw_str(&w, "variable_list", wr->variable_list);
	jw_str(&w, "result", wr->result);
	if (wr->error.present)
		error_obj(&w, &wr->error);
	jw_arr(&w, "items");
	for (uint16_t i = 0; i < wr->n_items; i++) {
		const struct write_item *it = &wr->items[i];
		jw_obj(&w, NULL);
		if (it->object)
			jw_str(&w, "object", it->object);
		if (it->fc[0])
			jw_str(&w, "fc", it->fc);
		if (values && it->value)
			jw_raw(&w, "value", it->value, it->value_len);
		else
			jw_bool(&w, "value_kept", false);
		jw_str(&w, "result", it->result);
		if (it->failure.present)
			failure_field(&w, &it->failure);
		if (it->unauthorized)
			jw_bool(&w, "unauthorized", true);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	if (wr->items_total)
		jw_u64(&w, "items_total", wr->items_total);
	if (wr->unauthorized)
		jw_bool(&w, "unauthorized", true);
	return rec_end(&w);
}

/* ---- file --------------------------------------------------------------------------- */

/* The first names of a fileDirectory answer's DirectoryEntry list. */
static void directory_names(struct jw *w, struct rd list)
{
	struct ber_tlv t;
	unsigned k = 0;
	jw_arr(w, "names");
	while (k < DIR_NAMES_MAX && !rd_empty(&list) && ber_read(&list, &t) == BER_OK) {
		/* DirectoryEntry ::= SEQUENCE { fileName [0] FileName, ... } */
		struct rd e = t.val;
		struct ber_tlv n, g;
		while (!rd_empty(&e) && ber_read(&e, &n) == BER_OK) {
			struct rd gs = n.val;
			if (ber_is_ctx(&n, 0) && n.constructed && ber_read(&gs, &g) == BER_OK && !g.constructed) {
				jw_strn(w, NULL, rd_ptr(&g.val), rd_left(&g.val));
				k++;
				break;
			}
		}
	}
	jw_arr_end(w);
}

static void file(const struct record *r)
{
	const struct file_record *fr = &r->u.file;
	struct jw w;
	rec_begin(&w, r, "file", fr->client, fr->ied);
	jw_str(&w, "operation", fr->operation);
	if (fr->acsi)
		jw_str(&w, "acsi", fr->acsi);
	if (fr->name)
		jw_str(&w, "name", fr->name);
	if (fr->destination)
		jw_str(&w, "destination", fr->destination);
	if (fr->has_frsm)
		jw_i64(&w, "frsm_id", fr->frsm);
	if (fr->transfer) {
		if (fr->has_size)
			jw_u64(&w, "size", fr->size);
		jw_u64(&w, "bytes", fr->bytes);
		jw_u64(&w, "reads", fr->reads);
		if (fr->has_size)
			jw_bool(&w, "complete", fr->bytes >= fr->size);
		if (fr->opened_at.frame) {
			/* the transfer's time: from the open to this record */
			jw_u64(&w, "request_pcap_cnt", fr->opened_at.frame);
			jw_timestamp(&w, "request_timestamp", fr->opened_at.ts_us);
			jw_i64(&w, "duration_us", r->at.ts_us - fr->opened_at.ts_us);
		} else if (fr->request) {
			jw_u64(&w, "request_pcap_cnt", fr->request->at.frame);
		}
	} else {
		request_fields(&w, fr->request, &r->at);
	}
	if (fr->has_directory) {
		jw_u64(&w, "entries", fr->entries);
		directory_names(&w, fr->names);
		if (fr->has_more_follows)
			jw_bool(&w, "more_follows", fr->more_follows);
	}
	jw_str(&w, "result", fr->result);
	if (fr->error.present)
		error_obj(&w, &fr->error);
	rec_end(&w);
}

/* ---- on eve_sink's record hook ------------------------------------------------------ */

void eve_audit(const struct record *r)
{
	if (!eve_enabled())
		return;
	switch (r->kind) {
	case REC_CONTROL:
		control(r);
		break;
	case REC_WRITE:
		if (!write_rec(r, true))
			write_rec(r, false); /* too big: without the values */
		break;
	case REC_FILE:
		file(r);
		break;
	default:
		break;
	}
}

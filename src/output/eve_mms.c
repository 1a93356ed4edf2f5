/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eve_mms.c - the EVE "mms" object: what one MMS PDU says, as JSON members.
 *
 * This runs for every report of every IED, so it formats without snprintf or
 * allocation. Data values are written by core/mms_value.c (the analyzers show
 * values in the same shape) under one byte budget per record (values_truncated)
 * and a nesting limit (too_deep). Every byte that came off the wire goes through
 * jw_strn/jw_hex/jw_bits.
 */
#include "output/eve_mms.h"

#include <string.h>

#include "core/mms_value.h"
#include "dissectors/iec61850.h"
#include "dissectors/mms_data.h"
#include "dissectors/mms_type.h"
#include "util/limits.h"
#include "util/sha256.h"

/* ---- small formatting helpers -------------------------------------------- */

/* jw_strn for a view that may be empty (and then NULL). */
static void put_view(struct jw *w, const char *key, struct bview v)
{
	jw_strn(w, key, v.len ? (const void *)v.p : "", v.len);
}

static const char *scope_name(uint8_t scope)
{
	switch (scope) {
	case MMS_SCOPE_VMD:
		return "vmd";
	case MMS_SCOPE_DOMAIN:
		return "domain";
	case MMS_SCOPE_AA:
		return "aa";
	}
	return "unknown";
}

/* basicObjectClass (ISO 9506-2 ObjectClass). */
static const char *const object_classes[] = {
	"namedVariable", "scatteredAccess", "namedVariableList", "namedType", "semaphore",         "eventCondition",
	"eventAction",   "eventEnrollment", "journal",           "domain",    "programInvocation", "operatorStation",
};

/* Name when known, else the number: codes outside the tables still show. */
static void name_or_number(struct jw *w, const char *key, const char *name, int64_t n)
{
	if (name)
		jw_str(w, key, name);
	else
		jw_i64(w, key, n);
}


/* ---- names --------------------------------------------------------------- */

static void objname_obj(struct jw *w, const char *key, const struct mms_objname *o)
{
	char ref[512];
	size_t n = iec61850_ref(o, ref, sizeof(ref));
	jw_obj(w, key);
	jw_str(w, "scope", scope_name(o->scope));
	if (o->scope == MMS_SCOPE_DOMAIN)
		put_view(w, "domain", o->domain);
	put_view(w, "item", o->item);
	jw_strn(w, "ref", ref, n); /* made of wire bytes: escaped like them */
	jw_obj_end(w);
}

/* ---- names lists ----------------------------------------------------------- */

/* The first GraphicString of a FileName. */
static bool first_string(struct rd r, struct bview *out)
{
	struct ber_tlv t;
	if (ber_read(&r, &t) != BER_OK || t.constructed)
		return false;
	*out = bview_of(&t.val);
	return true;
}

/* GetNameList identifiers, or fileDirectory entries' file names: under the same
 * budget (and the same values_truncated mark) as values, since a name list can be
 * as long as a PDU. */
static void names(struct mms_value_writer *v, struct rd list, bool directory)
{
	struct jw *w = v->w;
	struct ber_tlv t;
	v->start = w->len;
	jw_arr(w, "names");
	while (!rd_empty(&list) && ber_read(&list, &t) == BER_OK) {
		struct bview name = { NULL, 0 };
		if (directory) {
			/* DirectoryEntry ::= SEQUENCE { fileName [0], fileAttributes [1] } */
			struct rd e = t.val;
			struct ber_tlv k;
			while (!rd_empty(&e) && ber_read(&e, &k) == BER_OK)
				if (ber_is_ctx(&k, 0) && k.constructed && first_string(k.val, &name))
					break;
		} else if (!t.constructed) {
			name = bview_of(&t.val);
		}
		if (!mms_value_fits(v, mms_value_string_cost(rd_make(name.p, name.len))))
			break;
		put_view(w, NULL, name);
	}
	jw_arr_end(w);
	if (v->stop && (v->flags & EVE_MMS_VALUES_CAPPED))
		jw_bool(w, "values_truncated", true);
}

/* ---- per-PDU sections ------------------------------------------------------ */

/* TypeSpecification as a short text: "structure(5)", "boolean", "bit-string(13)". */
static void type_text(struct jw *w, struct rd spec)
{
	struct ber_tlv t, k;
	char buf[48];
	int64_t num = 0;
	bool has_num = false;
	if (ber_read(&spec, &t) != BER_OK || t.cls != BER_CONTEXT || t.tag > 0xff) {
		jw_str(w, "type", "invalid");
		return;
	}
	const char *name = t.tag == 0 ? "typeName" : mms_data_tag_name((uint8_t)t.tag);
	struct rd r = t.val;
	switch (t.tag) {
	case MMS_DATA_ARRAY:     /* { packed [0]?, numberOfElements [1], elementType [2] } */
	case MMS_DATA_STRUCTURE: /* { packed [0]?, components [1] SEQUENCE OF } */
	case MMS_DATA_FLOAT:     /* { format-width, exponent-width } */
		while (t.constructed && !rd_empty(&r) && ber_read(&r, &k) == BER_OK) {
			if (t.tag == MMS_DATA_FLOAT) {
				has_num = ber_int64(k.val, &num);
				break;
			}
			if (!ber_is_ctx(&k, 1))
				continue;
			if (t.tag == MMS_DATA_ARRAY) {
				has_num = ber_int64(k.val, &num);
			} else {
				struct rd c = k.val;
				struct ber_tlv e;
				has_num = true;
				while (!rd_empty(&c) && ber_read(&c, &e) == BER_OK)
					num++;
			}
			break;
		}
		break;
	case MMS_DATA_BIT_STRING:
	case MMS_DATA_INTEGER:
	case MMS_DATA_UNSIGNED:
	case MMS_DATA_OCTET_STRING:
	case MMS_DATA_VISIBLE_STRING:
	case MMS_DATA_BCD:
	case MMS_DATA_MMS_STRING:
		/* the size; negative means variable length up to its magnitude */
		has_num = !t.constructed && ber_int64(t.val, &num);
		break;
	}
	size_t n = strlen(name);
	if (n > sizeof(buf) - 24)
		n = sizeof(buf) - 24;
	memcpy(buf, name, n);
	if (has_num) {
		buf[n++] = '(';
		if (num < 0) {
			buf[n++] = '-';
			n = (size_t)(jw_digits(buf + n, (uint64_t)0 - (uint64_t)num, 1) - buf);
		} else {
			n = (size_t)(jw_digits(buf + n, (uint64_t)num, 1) - buf);
		}
		buf[n++] = ')';
	}
	jw_strn(w, "type", buf, n);
}

/* The whole TypeSpecification as a tree (dissectors/mms_type.h): each node an
 * object with its component name, its type and what sizes it; a structure's
 * components in order, an array's element type. Bounded by the record's value
 * budget and by JSON nesting; a tree cut short says so (type_truncated). */
static void type_tree(struct mms_value_writer *v, struct rd spec)
{
	struct jw *w = v->w;
	struct mms_type_walk walk;
	struct mms_type_node n;
	enum mms_type_step step;
	uint8_t open[MMSW_BER_MAX_DEPTH]; /* the tag of each open structure/array */
	unsigned depth = 0;
	bool cut = false;
	v->start = w->len;
	mms_type_walk_init(&walk, spec);
	while ((step = mms_type_next(&walk, &n)) == MMS_TYPE_NODE || step == MMS_TYPE_LEAVE) {
		if (step == MMS_TYPE_LEAVE) {
			if (depth && open[--depth] == MMS_DATA_STRUCTURE)
				jw_arr_end(w);
			jw_obj_end(w);
			continue;
		}
		size_t cost = 96 + (n.has_name ? mms_value_string_cost(rd_make(n.name.p, n.name.len)) : 0);
		if (n.tag == MMS_TYPE_NAME)
			cost += 64 + 2 * (n.type_name.domain.len + n.type_name.item.len) * 6;
		/* an open node takes two JSON levels (object, components or element) */
		if (!mms_value_fits(v, cost) || w->depth + 4 >= JW_MAX_DEPTH) {
			cut = true;
			break;
		}
		jw_obj(w, depth == 0 ? "type_description" : open[depth - 1] == MMS_DATA_ARRAY ? "element" : NULL);
		if (n.has_name)
			put_view(w, "name", n.name);
		jw_str(w, "type", mms_type_tag_name(n.tag));
		if (n.packed)
			jw_bool(w, "packed", true);
		if (n.has_size)
			jw_i64(w, "size", n.size);
		switch (n.tag) {
		case MMS_TYPE_NAME: {
			struct mms_objname o = { n.type_name.scope, n.type_name.domain, n.type_name.item };
			objname_obj(w, "type_name", &o);
			break;
		}
		case MMS_DATA_FLOAT:
			jw_u64(w, "format_width", n.format_width);
			jw_u64(w, "exponent_width", n.exponent_width);
			break;
		case MMS_DATA_BINARY_TIME:
			jw_bool(w, "with_date", n.has_date);
			break;
		case MMS_DATA_ARRAY:
			jw_u64(w, "elements", n.elements);
			break;
		case MMS_DATA_STRUCTURE:
			jw_arr(w, "components");
			break;
		}
		if (n.opens)
			open[depth++] = n.tag;
		else
			jw_obj_end(w);
	}
	if (step == MMS_TYPE_BAD || step == MMS_TYPE_TOO_DEEP)
		cut = true;
	/* Close what a cut left open, innermost first. */
	while (depth) {
		if (open[--depth] == MMS_DATA_STRUCTURE)
			jw_arr_end(w);
		jw_obj_end(w);
	}
	if (cut)
		jw_bool(w, "type_truncated", true);
}

static void initiate_obj(struct jw *w, const struct mms_initiate *in)
{
	jw_obj(w, "initiate");
	if (in->has_local_detail)
		jw_i64(w, "local_detail", in->local_detail);
	if (in->has_max_serv_calling)
		jw_u64(w, "max_serv_outstanding_calling", in->max_serv_calling);
	if (in->has_max_serv_called)
		jw_u64(w, "max_serv_outstanding_called", in->max_serv_called);
	if (in->has_nesting)
		jw_u64(w, "nesting_level", in->nesting);
	if (in->has_version)
		jw_u64(w, "version", in->version);
	if (in->param_cbb.p)
		jw_bits(w, "parameter_cbb", in->param_cbb.p, in->param_cbb_bits);
	if (in->services.p)
		jw_bits(w, "services_supported", in->services.p, in->services_bits);
	jw_obj_end(w);
}

static void error_obj(struct jw *w, const struct mms_service_error *e)
{
	jw_obj(w, "error");
	const char *cls = mms_error_class_name(e->error_class); /* mms.c keeps only 0..12 */
	jw_str(w, "class", cls ? cls : "unknown");
	name_or_number(w, "code", mms_error_code_name(e->error_class, e->error_code), e->error_code);
	if (e->has_additional_code)
		jw_i64(w, "additional_code", e->additional_code);
	jw_obj_end(w);
}

static void reject_obj(struct jw *w, const struct mms_reject *r)
{
	jw_obj(w, "reject");
	if (r->has_original_invoke)
		jw_u64(w, "original_invoke_id", r->original_invoke);
	name_or_number(w, "type", mms_reject_type_name(r->reason_type), r->reason_type);
	name_or_number(w, "code", mms_reject_code_name(r->reason_type, r->reason_code), r->reason_code);
	jw_obj_end(w);
}

/* A GeneralizedTime as on the wire and, when it reads as one, in ISO 8601. */
static void generalized_time(struct jw *w, const char *key, const char *iso_key, struct bview gt)
{
	char iso[64];
	size_t n = mms_generalized_time_iso(gt, iso, sizeof(iso));
	put_view(w, key, gt);
	if (n)
		jw_strn(w, iso_key, iso, n);
}

static void file_obj(struct jw *w, const struct mms_pdu *pdu, bool request)
{
	const struct mms_file *f = &pdu->file;
	jw_obj(w, "file");
	if (f->name.p)
		put_view(w, "name", f->name);
	if (f->name2.p)
		put_view(w, pdu->service == MMS_SVC_FILE_RENAME ? "new_name" : "destination", f->name2);
	if (f->has_frsm)
		jw_i64(w, "frsm_id", f->frsm_id);
	if (f->has_size)
		jw_u64(w, "size", f->size);
	if (!request && f->last_modified.p)
		generalized_time(w, "last_modified", "last_modified_iso", f->last_modified);
	if (request && pdu->service == MMS_SVC_FILE_OPEN)
		jw_u64(w, "position", f->position);
	if (!request && pdu->service == MMS_SVC_FILE_READ) {
		uint8_t md[SHA256_BYTES];
		size_t shown = f->data_len < MMSW_EVE_FILE_DATA_BYTES ? f->data_len : MMSW_EVE_FILE_DATA_BYTES;
		jw_u64(w, "bytes", f->data_len);
		if (f->data.p) {
			jw_hex(w, "data_hex", f->data.p, shown);
			if (shown < f->data_len)
				jw_bool(w, "data_truncated", true);
			sha256_of(f->data.p, f->data.len, md);
			jw_hex(w, "sha256", md, sizeof(md));
		}
	}
	jw_obj_end(w);
}

/* FileDirectory entries with their attributes, under the value budget like names. */
static void directory(struct mms_value_writer *v, struct rd list)
{
	struct jw *w = v->w;
	struct mms_dir_entry e;
	v->start = w->len;
	jw_arr(w, "directory");
	while (mms_directory_next(&list, &e)) {
		struct rd name = rd_make(e.name.p, e.name.len);
		struct rd gt = rd_make(e.last_modified.p, e.last_modified.len);
		if (!mms_value_fits(v, 2 * mms_value_string_cost(gt) + mms_value_string_cost(name) + 96))
			break;
		jw_obj(w, NULL);
		put_view(w, "name", e.name);
		if (e.name_parts > 1)
			jw_u64(w, "name_parts", e.name_parts);
		if (e.has_size)
			jw_u64(w, "size", e.size);
		if (e.last_modified.p)
			generalized_time(w, "last_modified", "last_modified_iso", e.last_modified);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	if (v->stop && (v->flags & EVE_MMS_VALUES_CAPPED))
		jw_bool(w, "values_truncated", true);
}

/* TimeOfDay (binary-time contents) as ISO 8601 when it carries the date (days
 * since 1984-01-01), else milliseconds since midnight; nothing when invalid. */
static void time_of_day(struct jw *w, const char *key, struct bview t)
{
	struct mms_data d = { MMS_DATA_BINARY_TIME, false, rd_make(t.p, t.len) };
	uint32_t ms;
	bool has_days;
	uint16_t days;
	if (!t.p || !mms_data_binary_time(&d, &ms, &has_days, &days) || ms >= 86400000u)
		return;
	if (!has_days) {
		char k[48];
		size_t n = strlen(key);
		if (n > sizeof(k) - 4)
			n = sizeof(k) - 4;
		memcpy(k, key, n);
		memcpy(k + n, "_ms", 4);
		jw_u64(w, k, ms);
		return;
	}
	/* 5113 days from the Unix epoch to 1984-01-01; EVE's timestamp form */
	jw_timestamp(w, key, (((int64_t)5113 + days) * 86400000 + ms) * 1000);
}

static void journal_request(struct mms_value_writer *v, const struct mms_pdu *pdu)
{
	struct jw *w = v->w;
	const struct mms_journal_req *j = &pdu->journal;
	time_of_day(w, "start_time", j->start_time);
	if (j->start_entry.p)
		jw_hex(w, "start_entry", j->start_entry.p, j->start_entry.len);
	time_of_day(w, "stop_time", j->stop_time);
	if (j->has_stop_count)
		jw_i64(w, "stop_entries", j->stop_count);
	if (j->has_after) {
		jw_obj(w, "start_after");
		time_of_day(w, "time", j->after_time);
		if (j->after_entry.p)
			jw_hex(w, "entry", j->after_entry.p, j->after_entry.len);
		jw_obj_end(w);
	}
	if (j->n_variables && v->budget) {
		struct rd r = j->variables;
		struct ber_tlv t;
		v->start = w->len;
		jw_arr(w, "variables");
		while (!rd_empty(&r) && ber_read(&r, &t) == BER_OK) {
			if (t.constructed || !mms_value_fits(v, mms_value_string_cost(t.val)))
				break;
			jw_strn(w, NULL, rd_ptr(&t.val), rd_left(&t.val));
		}
		jw_arr_end(w);
	}
}

/* The journal entries of a ReadJournal response, under the value budget: each
 * entry's EntryID, time, and its variables (tag and value) or annotation. */
static void journal_entries(struct mms_value_writer *v, struct rd list)
{
	struct jw *w = v->w;
	struct mms_journal_entry e;
	v->start = w->len;
	jw_arr(w, "journal_entries");
	while (!v->stop && mms_journal_next(&list, &e)) {
		if (!mms_value_fits(v, 2 * e.entry_id.len + 96))
			break;
		jw_obj(w, NULL);
		if (e.entry_id.p)
			jw_hex(w, "entry_id", e.entry_id.p, e.entry_id.len);
		time_of_day(w, "time", e.time);
		if (e.has_annotation)
			put_view(w, "annotation", e.annotation);
		if (e.has_variables) {
			struct rd r = e.variables;
			struct bview tag;
			struct rd value;
			jw_arr(w, "variables");
			while (!v->stop && mms_journal_variable_next(&r, &tag, &value)) {
				if (!mms_value_fits(v, mms_value_string_cost(rd_make(tag.p, tag.len)) + 32))
					break;
				jw_obj(w, NULL);
				put_view(w, "tag", tag);
				mms_value_list(v, "values", value, MMS_VALUE_DATA);
				jw_obj_end(w);
			}
			jw_arr_end(w);
		}
		jw_obj_end(w);
	}
	jw_arr_end(w);
	if (v->flags & EVE_MMS_VALUES_CAPPED)
		jw_bool(w, "values_truncated", true);
}

static void data_section(struct mms_value_writer *v, const char *key, const struct mms_pdu *pdu,
			 enum mms_value_list kind)
{
	if (!pdu->has_data || v->budget == 0)
		return;
	v->start = v->w->len;
	mms_value_list(v, key, pdu->data, kind);
	if (v->flags & EVE_MMS_VALUES_CAPPED)
		jw_bool(v->w, "values_truncated", true);
}

static void request_fields(struct mms_value_writer *v, const struct mms_pdu *pdu)
{
	struct jw *w = v->w;
	switch (pdu->service) {
	case MMS_SVC_GET_NAME_LIST:
		if (pdu->object_class >= 0) {
			const char *name =
				(size_t)pdu->object_class < sizeof(object_classes) / sizeof(object_classes[0])
				? object_classes[pdu->object_class]
				: NULL;
			name_or_number(w, "object_class", name, pdu->object_class);
		}
		jw_str(w, "scope", scope_name(pdu->object_scope));
		if (pdu->object_scope == MMS_SCOPE_DOMAIN)
			put_view(w, "domain", pdu->scope_domain);
		if (pdu->continue_after.p)
			put_view(w, "continue_after", pdu->continue_after);
		break;
	case MMS_SVC_WRITE:
		data_section(v, "values", pdu, MMS_VALUE_DATA);
		break;
	case MMS_SVC_READ_JOURNAL:
		if (pdu->has_list_name)
			objname_obj(w, "journal", &pdu->list_name);
		journal_request(v, pdu);
		break;
	case MMS_SVC_INITIALIZE_JOURNAL:
	case MMS_SVC_REPORT_JOURNAL_STATUS:
		if (pdu->has_list_name)
			objname_obj(w, "journal", &pdu->list_name);
		time_of_day(w, "limit_time", pdu->journal.limit_time);
		if (pdu->journal.limit_entry.p)
			jw_hex(w, "limit_entry", pdu->journal.limit_entry.p, pdu->journal.limit_entry.len);
		break;
	case MMS_SVC_DELETE_NVL: {
		/* scopeOfDelete DEFAULT specific: the names listed in objects */
		static const char *const scopes[] = { "specific", "aa-specific", "domain", "vmd" };
		int32_t sc = pdu->delete_scope < 0 ? 0 : pdu->delete_scope;
		name_or_number(w, "scope_of_delete", sc < 4 ? scopes[sc] : NULL, sc);
		if (pdu->object_scope == MMS_SCOPE_DOMAIN)
			put_view(w, "domain", pdu->scope_domain);
		break;
	}
	}
	if (mms_service_is_file(pdu->service)) {
		file_obj(w, pdu, true);
		if (pdu->service == MMS_SVC_FILE_DIRECTORY && pdu->continue_after.p)
			put_view(w, "continue_after", pdu->continue_after);
	}
}

static void response_fields(struct mms_value_writer *v, const struct mms_pdu *pdu)
{
	struct jw *w = v->w;
	switch (pdu->service) {
	case MMS_SVC_READ:
		data_section(v, "results", pdu, MMS_VALUE_ACCESS_RESULTS);
		break;
	case MMS_SVC_WRITE:
		data_section(v, "results", pdu, MMS_VALUE_WRITE_RESULTS);
		break;
	case MMS_SVC_GET_NAME_LIST:
	case MMS_SVC_FILE_DIRECTORY:
		if (v->budget && pdu->names.p)
			names(v, pdu->names, pdu->service == MMS_SVC_FILE_DIRECTORY);
		if (v->budget && !v->stop && pdu->names.p && pdu->service == MMS_SVC_FILE_DIRECTORY)
			directory(v, pdu->names);
		if (pdu->has_more_follows)
			jw_bool(w, "more_follows", pdu->more_follows);
		break;
	case MMS_SVC_IDENTIFY:
		jw_obj(w, "identify");
		put_view(w, "vendor", pdu->identify.vendor);
		put_view(w, "model", pdu->identify.model);
		put_view(w, "revision", pdu->identify.revision);
		jw_obj_end(w);
		break;
	case MMS_SVC_STATUS:
		if (pdu->status.present) {
			jw_obj(w, "status");
			jw_i64(w, "logical", pdu->status.logical);
			jw_i64(w, "physical", pdu->status.physical);
			jw_obj_end(w);
		}
		break;
	case MMS_SVC_GET_VAR_ACCESS_ATTR:
		jw_bool(w, "mms_deletable", pdu->mms_deletable);
		if (pdu->has_type_spec) {
			type_text(w, pdu->type_spec);
			if (v->budget)
				type_tree(v, pdu->type_spec);
		}
		break;
	case MMS_SVC_GET_NVL_ATTR:
		jw_bool(w, "mms_deletable", pdu->mms_deletable);
		break;
	case MMS_SVC_DELETE_NVL:
		jw_u64(w, "matched", pdu->matched);
		jw_u64(w, "deleted", pdu->deleted);
		break;
	case MMS_SVC_READ_JOURNAL:
		jw_u64(w, "entries", pdu->entries);
		if (v->budget && pdu->journal_entries.p)
			journal_entries(v, pdu->journal_entries);
		if (pdu->has_more_follows)
			jw_bool(w, "more_follows", pdu->more_follows);
		break;
	case MMS_SVC_INITIALIZE_JOURNAL:
		if (pdu->has_journal_deleted)
			jw_u64(w, "deleted_entries", pdu->journal_deleted);
		break;
	case MMS_SVC_REPORT_JOURNAL_STATUS:
		if (pdu->has_journal_status) {
			jw_u64(w, "current_entries", pdu->journal_current);
			jw_bool(w, "permanent", pdu->journal_permanent);
		}
		break;
	case MMS_SVC_FILE_OPEN:
		file_obj(w, pdu, false);
		break;
	case MMS_SVC_FILE_READ:
		file_obj(w, pdu, false);
		if (pdu->has_more_follows)
			jw_bool(w, "more_follows", pdu->more_follows);
		break;
	}
}

unsigned eve_mms_fields(struct jw *w, const struct mms_pdu *pdu, const char *acsi, size_t value_budget)
{
	struct mms_value_writer v = { w, 0, value_budget, 0, false };
	jw_str(w, "pdu", mms_pdu_name(pdu->type));
	jw_str(w, "service", mms_service_name(pdu->type, pdu->service));
	if (pdu->has_invoke)
		jw_u64(w, "invoke_id", pdu->invoke_id);
	else
		jw_null(w, "invoke_id");
	jw_str(w, "acsi", acsi);
	if (pdu->defect != MMS_DEFECT_NONE) {
		jw_bool(w, "malformed", true);
		jw_str(w, "defect", mms_defect_name(pdu->defect));
	}
	bool journal = pdu->type == MMS_CONFIRMED_REQUEST &&
		(pdu->service == MMS_SVC_READ_JOURNAL || pdu->service == MMS_SVC_INITIALIZE_JOURNAL ||
		 pdu->service == MMS_SVC_REPORT_JOURNAL_STATUS);
	if (pdu->has_list_name && !journal)
		objname_obj(w, "variable_list", &pdu->list_name);
	if (pdu->n_objs_total) {
		jw_arr(w, "objects");
		for (unsigned i = 0; i < pdu->n_objs; i++)
			objname_obj(w, NULL, &pdu->objs[i]);
		jw_arr_end(w);
		if (pdu->n_objs_total > pdu->n_objs)
			jw_u64(w, "objects_total", pdu->n_objs_total);
	}
	switch (pdu->type) {
	case MMS_CONFIRMED_REQUEST:
		request_fields(&v, pdu);
		break;
	case MMS_CONFIRMED_RESPONSE:
		response_fields(&v, pdu);
		break;
	case MMS_UNCONFIRMED:
		if (pdu->service == MMS_USVC_INFORMATION_REPORT)
			data_section(&v, "results", pdu, MMS_VALUE_ACCESS_RESULTS);
		break;
	case MMS_CONFIRMED_ERROR:
	case MMS_CANCEL_ERROR:
	case MMS_INITIATE_ERROR:
	case MMS_CONCLUDE_ERROR:
		if (pdu->error.present)
			error_obj(w, &pdu->error);
		break;
	case MMS_REJECT:
		if (pdu->reject.reason_type)
			reject_obj(w, &pdu->reject);
		break;
	case MMS_INITIATE_REQUEST:
	case MMS_INITIATE_RESPONSE:
		initiate_obj(w, &pdu->init);
		break;
	}
	return v.flags;
}

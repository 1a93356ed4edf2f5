/* eve_mms.c - the EVE "mms" object: what one MMS PDU says, as JSON members.
 *
 * This runs for every report of every IED, so it formats without snprintf or
 * allocation. Data values are walked with an explicit stack (no recursion) and
 * bounded twice: by a byte budget (values_truncated) and by nesting depth
 * (too_deep). Every byte that came off the wire goes through jw_strn/jw_hex/jw_bits.
 */
#include "output/eve_mms.h"

#include <string.h>

#include "dissectors/iec61850.h"
#include "dissectors/mms_data.h"

/* ---- small formatting helpers -------------------------------------------- */

/* jw_strn for a view that may be empty (and then NULL). */
static void put_view(struct jw *w, const char *key, struct bview v)
{
	jw_strn(w, key, v.len ? (const void *)v.p : "", v.len);
}

static const char *scope_name(uint8_t scope)
{
	switch (scope) {
	case MMS_SCOPE_VMD: return "vmd";
	case MMS_SCOPE_DOMAIN: return "domain";
	case MMS_SCOPE_AA: return "aa";
	}
	return "unknown";
}

/* basicObjectClass (ISO 9506-2 ObjectClass). */
static const char *const object_classes[] = {
	"namedVariable", "scatteredAccess", "namedVariableList", "namedType", "semaphore",
	"eventCondition", "eventAction", "eventEnrollment", "journal", "domain",
	"programInvocation", "operatorStation",
};

/* Name when known, else the number: codes outside the tables still show. */
static void name_or_number(struct jw *w, const char *key, const char *name, int64_t n)
{
	if (name)
		jw_str(w, key, name);
	else
		jw_i64(w, key, n);
}

static char *put_digits(char *p, uint64_t v, unsigned width)
{
	char tmp[20];
	unsigned n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < sizeof(tmp));
	while (n < width && n < sizeof(tmp))
		tmp[n++] = '0';
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* Days since 1970-01-01 (non-negative) to a civil date, proleptic Gregorian. */
static void civil_date(uint64_t days, uint64_t *y, unsigned *m, unsigned *d)
{
	uint64_t z = days + 719468; /* days since 0000-03-01 */
	uint64_t era = z / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

/* "YYYY-MM-DDTHH:MM:SS" + '.' + fraction of frac_digits digits + "Z". */
static size_t fmt_time(char *buf, uint64_t days, uint32_t sec_of_day, uint32_t frac,
		       unsigned frac_digits)
{
	uint64_t y;
	unsigned m, d;
	char *p = buf;
	civil_date(days, &y, &m, &d);
	p = put_digits(p, y, 4);
	*p++ = '-';
	p = put_digits(p, m, 2);
	*p++ = '-';
	p = put_digits(p, d, 2);
	*p++ = 'T';
	p = put_digits(p, sec_of_day / 3600, 2);
	*p++ = ':';
	p = put_digits(p, sec_of_day / 60 % 60, 2);
	*p++ = ':';
	p = put_digits(p, sec_of_day % 60, 2);
	*p++ = '.';
	p = put_digits(p, frac, frac_digits);
	*p++ = 'Z';
	return (size_t)(p - buf);
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

/* ---- Data values ---------------------------------------------------------- */

struct values {
	struct jw *w;
	size_t start;   /* w->len where the budgeted section began */
	size_t budget;
	unsigned flags;
	bool stop;      /* budget spent or nesting too deep: no more values */
};

/* Whether est more bytes of JSON fit the budget; if not, values stop. */
static bool fits(struct values *v, size_t est)
{
	size_t used = v->w->len - v->start;
	if (v->w->overflow || used > v->budget || est > v->budget - used) {
		v->stop = true;
		if (!v->w->overflow)
			v->flags |= EVE_MMS_VALUES_CAPPED;
		return false;
	}
	return true;
}

/* Upper bound of a string's JSON size (json.c's escaping): two for the short
 * escapes, six for \u00XX, which also bounds a valid UTF-8 sequence. */
static size_t string_cost(struct rd val)
{
	size_t n = 2;
	uint8_t c;
	while (rd_u8(&val, &c)) {
		if (c >= 0x20 && c < 0x7f)
			n += (c == '"' || c == '\\') ? 2 : 1;
		else
			n += (c == '\n' || c == '\r' || c == '\t') ? 2 : 6;
	}
	return n;
}

static void invalid(struct values *v, uint8_t tag)
{
	jw_obj(v->w, NULL);
	jw_str(v->w, "invalid", mms_data_tag_name(tag));
	jw_obj_end(v->w);
	v->flags |= EVE_MMS_BAD_DATA;
}

static void failure(struct values *v, const struct mms_data *d)
{
	uint32_t code;
	if (d->constructed || !ber_uint32(d->val, &code)) {
		invalid(v, d->tag);
		return;
	}
	jw_obj(v->w, NULL);
	name_or_number(v->w, "failure", mms_data_access_error_name(code), code);
	jw_obj_end(v->w);
}

/* A primitive Data value. */
static void value(struct values *v, const struct mms_data *d)
{
	struct jw *w = v->w;
	char buf[160];
	size_t n;
	if (d->constructed) {
		invalid(v, d->tag);
		return;
	}
	switch (d->tag) {
	case MMS_DATA_BOOLEAN: {
		bool b;
		if (!ber_bool(d->val, &b))
			break;
		jw_bool(w, NULL, b);
		return;
	}
	case MMS_DATA_BIT_STRING:
	case MMS_DATA_BOOLEAN_ARRAY: {
		struct bview bits;
		uint32_t nbits;
		if (!ber_bitstring(d->val, &bits, &nbits))
			break;
		if (!fits(v, (size_t)nbits + 16))
			return;
		jw_obj(w, NULL);
		jw_bits(w, "bits", bits.p, nbits);
		jw_obj_end(w);
		return;
	}
	case MMS_DATA_INTEGER:
	case MMS_DATA_BCD: {
		int64_t x;
		if (!ber_int64(d->val, &x))
			break;
		jw_i64(w, NULL, x);
		return;
	}
	case MMS_DATA_UNSIGNED: {
		uint64_t x;
		if (!mms_data_unsigned(d->val, &x))
			break;
		jw_u64(w, NULL, x);
		return;
	}
	case MMS_DATA_FLOAT: {
		double x;
		if (!mms_data_float(d, &x))
			break;
		jw_double(w, NULL, x);
		return;
	}
	case MMS_DATA_OCTET_STRING:
		if (!fits(v, 2 * rd_left(&d->val) + 16))
			return;
		jw_obj(w, NULL);
		jw_hex(w, "hex", rd_ptr(&d->val), rd_left(&d->val));
		jw_obj_end(w);
		return;
	case MMS_DATA_VISIBLE_STRING:
	case MMS_DATA_MMS_STRING:
	case MMS_DATA_GENERALIZED_TIME:
		if (!fits(v, string_cost(d->val)))
			return;
		jw_strn(w, NULL, rd_ptr(&d->val), rd_left(&d->val));
		return;
	case MMS_DATA_UTC_TIME: {
		uint32_t secs, frac;
		uint8_t q;
		if (!mms_data_utc_time(d, &secs, &frac, &q))
			break;
		/* the fraction is a binary fraction of a second, 24 bits */
		uint32_t usec = (uint32_t)(((uint64_t)frac * 1000000u) >> 24);
		n = fmt_time(buf, secs / 86400, secs % 86400, usec, 6);
		jw_obj(w, NULL);
		jw_strn(w, "utc", buf, n);
		jw_hex(w, "quality", &q, 1);
		jw_obj_end(w);
		return;
	}
	case MMS_DATA_BINARY_TIME: {
		uint32_t ms;
		bool has_days;
		uint16_t days;
		if (!mms_data_binary_time(d, &ms, &has_days, &days) || ms >= 86400000u)
			break;
		jw_obj(w, NULL);
		if (has_days) {
			/* TimeOfDay days count from 1984-01-01, 5113 days after the Unix epoch */
			n = fmt_time(buf, 5113u + days, ms / 1000, ms % 1000, 3);
			jw_strn(w, "btime", buf, n);
		} else {
			jw_u64(w, "btime_ms", ms);
		}
		jw_obj_end(w);
		return;
	}
	case MMS_DATA_OBJ_ID:
		if (!ber_oid_text(d->val, buf, sizeof(buf)))
			break;
		jw_obj(w, NULL);
		jw_str(w, "oid", buf);
		jw_obj_end(w);
		return;
	}
	invalid(v, d->tag);
}

enum list_kind {
	LIST_DATA,          /* SEQUENCE OF Data */
	LIST_ACCESS_RESULT, /* SEQUENCE OF AccessResult: failure [0] or a Data */
	LIST_WRITE_RESULT,  /* Write-Response: failure [0] or success [1] NULL */
};

/* A list of Data as a JSON array: structure -> [...], array -> {"array":[...]}. */
static void values(struct values *v, const char *key, struct rd list, enum list_kind kind)
{
	struct jw *w = v->w;
	struct frame {
		struct rd r;
		bool array; /* closes with ]} rather than ] */
	} stack[MMSW_BER_MAX_DEPTH];
	unsigned top = 0;
	bool broken = false; /* the list's BER is bad: close up, keep what was written */
	stack[0].r = list;
	stack[0].array = false;
	jw_arr(w, key);
	for (;;) {
		struct mms_data d;
		bool done = false;
		if (!v->stop && !broken) {
			enum ber_status s = mms_data_next(&stack[top].r, &d, &done);
			if (s != BER_OK) {
				jw_obj(w, NULL);
				jw_str(w, "invalid", ber_status_name(s));
				jw_obj_end(w);
				v->flags |= EVE_MMS_BAD_DATA;
				broken = true;
			}
		}
		if (v->stop || broken || done) {
			jw_arr_end(w);
			if (top == 0)
				return;
			if (stack[top].array)
				jw_obj_end(w);
			top--;
			continue;
		}
		if (!fits(v, 32))
			continue;
		if (top == 0 && kind == LIST_WRITE_RESULT) {
			if (d.tag == 1 && !d.constructed)
				jw_str(w, NULL, "success");
			else if (d.tag == MMS_DATA_ACCESS_FAILURE)
				failure(v, &d);
			else
				invalid(v, d.tag);
			continue;
		}
		if (top == 0 && kind == LIST_ACCESS_RESULT && d.tag == MMS_DATA_ACCESS_FAILURE) {
			failure(v, &d);
			continue;
		}
		if (d.constructed && (d.tag == MMS_DATA_ARRAY || d.tag == MMS_DATA_STRUCTURE)) {
			/* Room for this level in both stacks: ours, and the JSON writer's
			 * (an array takes two levels, a too_deep marker one more). */
			if (top + 1 >= MMSW_BER_MAX_DEPTH || w->depth + 3 >= JW_MAX_DEPTH) {
				jw_obj(w, NULL);
				jw_bool(w, "too_deep", true);
				jw_obj_end(w);
				v->flags |= EVE_MMS_TOO_DEEP;
				v->stop = true;
				continue;
			}
			bool array = d.tag == MMS_DATA_ARRAY;
			if (array)
				jw_obj(w, NULL);
			jw_arr(w, array ? "array" : NULL);
			top++;
			stack[top].r = d.val;
			stack[top].array = array;
			continue;
		}
		value(v, &d);
	}
}

unsigned eve_mms_value(struct jw *w, const struct mms_data *d, size_t budget)
{
	struct values v = { .w = w, .start = w->len, .budget = budget };
	if (d->constructed && (d->tag == MMS_DATA_STRUCTURE || d->tag == MMS_DATA_ARRAY)) {
		bool array = d->tag == MMS_DATA_ARRAY;
		if (array)
			jw_obj(w, NULL);
		values(&v, array ? "array" : NULL, d->val, LIST_DATA);
		if (array)
			jw_obj_end(w);
	} else if (fits(&v, 32)) {
		value(&v, d);
	}
	return v.flags;
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
static void names(struct values *v, struct rd list, bool directory)
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
		if (!fits(v, string_cost(rd_make(name.p, name.len))))
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
			n = (size_t)(put_digits(buf + n, (uint64_t)0 - (uint64_t)num, 1) - buf);
		} else {
			n = (size_t)(put_digits(buf + n, (uint64_t)num, 1) - buf);
		}
		buf[n++] = ')';
	}
	jw_strn(w, "type", buf, n);
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
	name_or_number(w, "code", mms_reject_code_name(r->reason_type, r->reason_code),
		       r->reason_code);
	jw_obj_end(w);
}

static void file_obj(struct jw *w, const struct mms_pdu *pdu, bool request)
{
	const struct mms_file *f = &pdu->file;
	jw_obj(w, "file");
	if (f->name.p)
		put_view(w, "name", f->name);
	if (f->name2.p)
		put_view(w, "destination", f->name2);
	if (f->has_frsm)
		jw_i64(w, "frsm_id", f->frsm_id);
	if (f->has_size)
		jw_u64(w, "size", f->size);
	if (request && pdu->service == MMS_SVC_FILE_OPEN)
		jw_u64(w, "position", f->position);
	if (!request && pdu->service == MMS_SVC_FILE_READ)
		jw_u64(w, "bytes", f->data_len);
	jw_obj_end(w);
}

static void data_section(struct values *v, const char *key, const struct mms_pdu *pdu,
			 enum list_kind kind)
{
	if (!pdu->has_data || v->budget == 0)
		return;
	v->start = v->w->len;
	values(v, key, pdu->data, kind);
	if (v->flags & EVE_MMS_VALUES_CAPPED)
		jw_bool(v->w, "values_truncated", true);
}

static void request_fields(struct values *v, const struct mms_pdu *pdu)
{
	struct jw *w = v->w;
	switch (pdu->service) {
	case MMS_SVC_GET_NAME_LIST:
		if (pdu->object_class >= 0) {
			const char *name = (size_t)pdu->object_class <
						   sizeof(object_classes) / sizeof(object_classes[0]) ?
					   object_classes[pdu->object_class] : NULL;
			name_or_number(w, "object_class", name, pdu->object_class);
		}
		jw_str(w, "scope", scope_name(pdu->object_scope));
		if (pdu->object_scope == MMS_SCOPE_DOMAIN)
			put_view(w, "domain", pdu->scope_domain);
		if (pdu->continue_after.p)
			put_view(w, "continue_after", pdu->continue_after);
		break;
	case MMS_SVC_WRITE:
		data_section(v, "values", pdu, LIST_DATA);
		break;
	case MMS_SVC_READ_JOURNAL:
		if (pdu->has_list_name)
			objname_obj(w, "journal", &pdu->list_name);
		break;
	}
	if (mms_service_is_file(pdu->service)) {
		file_obj(w, pdu, true);
		if (pdu->service == MMS_SVC_FILE_DIRECTORY && pdu->continue_after.p)
			put_view(w, "continue_after", pdu->continue_after);
	}
}

static void response_fields(struct values *v, const struct mms_pdu *pdu)
{
	struct jw *w = v->w;
	switch (pdu->service) {
	case MMS_SVC_READ:
		data_section(v, "results", pdu, LIST_ACCESS_RESULT);
		break;
	case MMS_SVC_WRITE:
		data_section(v, "results", pdu, LIST_WRITE_RESULT);
		break;
	case MMS_SVC_GET_NAME_LIST:
	case MMS_SVC_FILE_DIRECTORY:
		if (v->budget && pdu->names.p)
			names(v, pdu->names, pdu->service == MMS_SVC_FILE_DIRECTORY);
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
		if (pdu->has_type_spec)
			type_text(w, pdu->type_spec);
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
		if (pdu->has_more_follows)
			jw_bool(w, "more_follows", pdu->more_follows);
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
	struct values v = { w, 0, value_budget, 0, false };
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
	bool journal = pdu->type == MMS_CONFIRMED_REQUEST && pdu->service == MMS_SVC_READ_JOURNAL;
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
			data_section(&v, "results", pdu, LIST_ACCESS_RESULT);
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

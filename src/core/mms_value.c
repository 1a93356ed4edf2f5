/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mms_value.c - MMS Data values as JSON; see mms_value.h. This runs for every
 * value of every report written out, so it formats without snprintf or
 * allocation. Values are walked with an explicit stack (no recursion) and bounded
 * twice: by a byte budget (values capped) and by nesting depth (too_deep). Every
 * byte that came off the wire goes through jw_strn/jw_hex/jw_bits. */
#include "core/mms_value.h"

#include <string.h>

#include "dissectors/mms.h"

/* ---- small formatting helpers -------------------------------------------- */

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
static size_t fmt_time(char *buf, uint64_t days, uint32_t sec_of_day, uint32_t frac, unsigned frac_digits)
{
	uint64_t y;
	unsigned m, d;
	char *p = buf;
	civil_date(days, &y, &m, &d);
	p = jw_digits(p, y, 4);
	*p++ = '-';
	p = jw_digits(p, m, 2);
	*p++ = '-';
	p = jw_digits(p, d, 2);
	*p++ = 'T';
	p = jw_digits(p, sec_of_day / 3600, 2);
	*p++ = ':';
	p = jw_digits(p, sec_of_day / 60 % 60, 2);
	*p++ = ':';
	p = jw_digits(p, sec_of_day % 60, 2);
	*p++ = '.';
	p = jw_digits(p, frac, frac_digits);
	*p++ = 'Z';
	return (size_t)(p - buf);
}

/* ---- Data values ---------------------------------------------------------- */

/* Upper bound of a string's JSON size (json.c's escaping): two for the short
 * escapes, six for \u00XX, which also bounds a valid UTF-8 sequence. */
size_t mms_value_string_cost(struct rd val)
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

static void invalid(struct mms_value_writer *v, uint8_t tag)
{
	jw_obj(v->w, NULL);
	jw_str(v->w, "invalid", mms_data_tag_name(tag));
	jw_obj_end(v->w);
	v->flags |= MMS_VALUE_BAD_DATA;
}

static void failure(struct mms_value_writer *v, const struct mms_data *d)
{
	uint32_t code;
	if (d->constructed || !ber_uint32(d->val, &code)) {
		invalid(v, d->tag);
		return;
	}
	/* the name when known, else the number: codes outside the table still show */
	const char *name = mms_data_access_error_name(code);
	jw_obj(v->w, NULL);
	if (name)
		jw_str(v->w, "failure", name);
	else
		jw_i64(v->w, "failure", code);
	jw_obj_end(v->w);
}

/* A primitive Data value. */
static void value(struct mms_value_writer *v, const struct mms_data *d)
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
		if (!mms_value_fits(v, (size_t)nbits + 16))
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
		float f;
		if (mms_data_float32(d, &f)) {
			jw_float32(w, NULL, f);
			return;
		}
		if (!mms_data_float(d, &x))
			break;
		jw_float64(w, NULL, x);
		return;
	}
	case MMS_DATA_OCTET_STRING:
		if (!mms_value_fits(v, 2 * rd_left(&d->val) + 16))
			return;
		jw_obj(w, NULL);
		jw_hex(w, "hex", rd_ptr(&d->val), rd_left(&d->val));
		jw_obj_end(w);
		return;
	case MMS_DATA_VISIBLE_STRING:
	case MMS_DATA_MMS_STRING:
	case MMS_DATA_GENERALIZED_TIME:
		if (!mms_value_fits(v, mms_value_string_cost(d->val)))
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
		if (!mms_value_fits(v, n + 128))
			return;
		jw_obj(w, NULL);
		jw_strn(w, "utc", buf, n);
		jw_hex(w, "quality", &q, 1);
		/* TimeQuality decoded: the flags only when set (they mostly are not),
		 * the accuracy always (31: unspecified) */
		if (q & MMS_TQ_LEAP_SECONDS_KNOWN)
			jw_bool(w, "leap_seconds_known", true);
		if (q & MMS_TQ_CLOCK_FAILURE)
			jw_bool(w, "clock_failure", true);
		if (q & MMS_TQ_CLOCK_NOT_SYNCHRONIZED)
			jw_bool(w, "clock_not_synchronized", true);
		jw_u64(w, "time_accuracy", MMS_TQ_ACCURACY(q));
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

void mms_value_list(struct mms_value_writer *v, const char *key, struct rd list, enum mms_value_list kind)
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
				v->flags |= MMS_VALUE_BAD_DATA;
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
		if (!mms_value_fits(v, 32))
			continue;
		if (top == 0 && kind == MMS_VALUE_WRITE_RESULTS) {
			if (d.tag == 1 && !d.constructed)
				jw_str(w, NULL, "success");
			else if (d.tag == MMS_DATA_ACCESS_FAILURE)
				failure(v, &d);
			else
				invalid(v, d.tag);
			continue;
		}
		if (top == 0 && kind == MMS_VALUE_ACCESS_RESULTS && d.tag == MMS_DATA_ACCESS_FAILURE) {
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
				v->flags |= MMS_VALUE_TOO_DEEP;
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

unsigned mms_value_json(struct jw *w, const struct mms_data *d, size_t budget)
{
	struct mms_value_writer v = { .w = w, .start = w->len, .budget = budget };
	if (d->constructed && (d->tag == MMS_DATA_STRUCTURE || d->tag == MMS_DATA_ARRAY)) {
		bool array = d->tag == MMS_DATA_ARRAY;
		if (array)
			jw_obj(w, NULL);
		mms_value_list(&v, array ? "array" : NULL, d->val, MMS_VALUE_DATA);
		if (array)
			jw_obj_end(w);
	} else if (mms_value_fits(&v, 32)) {
		value(&v, d);
	}
	return v.flags;
}

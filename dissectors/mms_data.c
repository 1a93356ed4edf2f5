/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mms_data.c - one MMS Data element at a time, and the contents decoders for the
 * types whose encoding is MMS-specific (floating-point, utc-time, binary-time).
 * Callers walk structures themselves with an explicit stack; nothing here recurses. */
#include "mms_data.h"

#include <string.h>

enum ber_status mms_data_next_slow(struct rd *list, struct mms_data *d, bool *done)
{
	struct ber_tlv t;
	*done = false;
	if (rd_empty(list)) {
		*done = true;
		return BER_OK;
	}
	struct rd save = *list;
	enum ber_status s = ber_read(list, &t);
	if (s != BER_OK)
		return s;
	/* Data and AccessResult are CHOICEs of context tags only; a tag number that
	 * does not fit the field cannot be a Data alternative. */
	if (t.cls != BER_CONTEXT || t.tag > 0xff) {
		*list = save;
		return BER_INVALID;
	}
	d->tag = (uint8_t)t.tag;
	d->constructed = t.constructed;
	d->val = t.val;
	return BER_OK;
}

const char *mms_data_tag_name(uint8_t tag)
{
	switch (tag) {
	case MMS_DATA_ACCESS_FAILURE:
		return "failure";
	case MMS_DATA_ARRAY:
		return "array";
	case MMS_DATA_STRUCTURE:
		return "structure";
	case MMS_DATA_BOOLEAN:
		return "boolean";
	case MMS_DATA_BIT_STRING:
		return "bit-string";
	case MMS_DATA_INTEGER:
		return "integer";
	case MMS_DATA_UNSIGNED:
		return "unsigned";
	case MMS_DATA_FLOAT:
		return "floating-point";
	case 8:
		return "real"; /* withdrawn from ISO 9506, still a tag on the wire */
	case MMS_DATA_OCTET_STRING:
		return "octet-string";
	case MMS_DATA_VISIBLE_STRING:
		return "visible-string";
	case MMS_DATA_GENERALIZED_TIME:
		return "generalized-time";
	case MMS_DATA_BINARY_TIME:
		return "binary-time";
	case MMS_DATA_BCD:
		return "bcd";
	case MMS_DATA_BOOLEAN_ARRAY:
		return "boolean-array";
	case MMS_DATA_OBJ_ID:
		return "objId";
	case MMS_DATA_MMS_STRING:
		return "mms-string";
	case MMS_DATA_UTC_TIME:
		return "utc-time";
	}
	return "unknown";
}

bool mms_data_unsigned(struct rd val, uint64_t *out)
{
	uint8_t b;
	uint64_t x = 0;
	if (ber_uint64(val, out))
		return true;
	if (rd_left(&val) == 0 || rd_left(&val) > 8)
		return false;
	while (rd_u8(&val, &b))
		x = (x << 8) | b;
	*out = x;
	return true;
}

bool mms_data_float(const struct mms_data *d, double *out)
{
	struct rd v = d->val;
	uint8_t exp_width;
	if (d->constructed || !rd_u8(&v, &exp_width))
		return false;
	/* IEC 61850 uses only the IEEE 754 binary32 and binary64 shapes; other
	 * widths ISO 9506 allows have no defined layout to decode. */
	if (exp_width == 8 && rd_left(&v) == 4) {
		uint32_t bits;
		float f;
		if (!rd_be32(&v, &bits))
			return false;
		memcpy(&f, &bits, sizeof(f));
		*out = f;
		return true;
	}
	if (exp_width == 11 && rd_left(&v) == 8) {
		uint32_t hi, lo;
		uint64_t bits;
		double x;
		if (!rd_be32(&v, &hi) || !rd_be32(&v, &lo))
			return false;
		bits = ((uint64_t)hi << 32) | lo;
		memcpy(&x, &bits, sizeof(x));
		*out = x;
		return true;
	}
	return false;
}

bool mms_data_float32(const struct mms_data *d, float *out)
{
	struct rd v = d->val;
	uint8_t exp_width;
	uint32_t bits;
	if (d->constructed || !rd_u8(&v, &exp_width) || exp_width != 8 || rd_left(&v) != 4 || !rd_be32(&v, &bits))
		return false;
	memcpy(out, &bits, sizeof(*out));
	return true;
}

bool mms_data_utc_time(const struct mms_data *d, uint32_t *secs, uint32_t *frac24, uint8_t *quality)
{
	struct rd v = d->val;
	uint8_t f0, f1, f2;
	if (d->constructed || rd_left(&v) != 8)
		return false;
	if (!rd_be32(&v, secs) || !rd_u8(&v, &f0) || !rd_u8(&v, &f1) || !rd_u8(&v, &f2) || !rd_u8(&v, quality))
		return false;
	*frac24 = ((uint32_t)f0 << 16) | ((uint32_t)f1 << 8) | f2;
	return true;
}

bool mms_data_binary_time(const struct mms_data *d, uint32_t *ms, bool *has_days, uint16_t *days)
{
	struct rd v = d->val;
	size_t n = rd_left(&v);
	if (d->constructed || (n != 4 && n != 6))
		return false;
	if (!rd_be32(&v, ms))
		return false;
	*has_days = n == 6;
	*days = 0;
	if (*has_days && !rd_be16(&v, days))
		return false;
	return true;
}

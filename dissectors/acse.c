/* SPDX-License-Identifier: GPL-2.0-or-later */
/* \summary: ISO 8650 ACSE association control APDUs */
#include "acse.h"

#include <string.h>

const char *acse_type_name(uint8_t type)
{
	static const char *const names[] = { "AARQ", "AARE", "RLRQ", "RLRE", "ABRT" };
	return type < 5 ? names[type] : "unknown";
}

const char *acse_result_name(uint32_t result)
{
	switch (result) {
	case 0:
		return "accepted";
	case 1:
		return "rejected-permanent";
	case 2:
		return "rejected-transient";
	}
	return "unknown";
}

const char *acse_diagnostic_name(uint8_t source, uint32_t diag)
{
	if (source == 1) {
		static const char *const user[] = {
			"null",
			"no-reason-given",
			"application-context-name-not-supported",
			"calling-AP-title-not-recognized",
			"calling-AP-invocation-identifier-not-recognized",
			"calling-AE-qualifier-not-recognized",
			"calling-AE-invocation-identifier-not-recognized",
			"called-AP-title-not-recognized",
			"called-AP-invocation-identifier-not-recognized",
			"called-AE-qualifier-not-recognized",
			"called-AE-invocation-identifier-not-recognized",
			"authentication-mechanism-name-not-recognized",
			"authentication-mechanism-name-required",
			"authentication-failure",
			"authentication-required",
		};
		return diag < sizeof(user) / sizeof(user[0]) ? user[diag] : "unknown";
	}
	if (source == 2) {
		static const char *const prov[] = { "null", "no-reason-given", "no-common-acse-version" };
		return diag < 3 ? prov[diag] : "unknown";
	}
	return "none";
}

static enum acse_status from_ber(enum ber_status s)
{
	return s == BER_TRUNCATED ? ACSE_TRUNCATED : ACSE_INVALID;
}

/* EXPLICIT [n] wrapper around one inner element; returns the inner element. */
static bool explicit_inner(const struct ber_tlv *t, struct ber_tlv *inner)
{
	struct rd v = t->val;
	return t->constructed && ber_read(&v, inner) == BER_OK;
}

/* AP-title: EXPLICIT CHOICE, form 2 is an OBJECT IDENTIFIER. */
static void ap_title(const struct ber_tlv *t, struct rd *out)
{
	struct ber_tlv in;
	if (explicit_inner(t, &in) && in.cls == BER_UNIVERSAL && in.tag == 6)
		*out = in.val;
}

static void ae_qualifier(const struct ber_tlv *t, bool *has, int64_t *out)
{
	struct ber_tlv in;
	if (explicit_inner(t, &in) && in.cls == BER_UNIVERSAL && in.tag == 2 && ber_int64(in.val, out))
		*has = true;
}

/* user-information: SEQUENCE OF EXTERNAL; the first EXTERNAL with single-ASN1-type. */
static enum acse_status user_information(struct rd v, struct acse_apdu *out)
{
	while (!rd_empty(&v)) {
		struct ber_tlv ext, t;
		enum ber_status s = ber_read(&v, &ext);
		if (s != BER_OK)
			return from_ber(s);
		if (ext.cls != BER_UNIVERSAL || ext.tag != 8)
			continue;
		while (!rd_empty(&ext.val)) {
			if ((s = ber_read(&ext.val, &t)) != BER_OK)
				return from_ber(s);
			if (t.cls == BER_UNIVERSAL && t.tag == 2) {
				if (ber_uint32(t.val, &out->user_ctx))
					out->has_user_ctx = true;
			} else if (ber_is_ctx(&t, 0) && !out->has_user_info) {
				out->user_info = t.val;
				out->has_user_info = true;
			}
		}
	}
	return ACSE_OK;
}

enum acse_status acse_parse(struct rd r, struct acse_apdu *out)
{
	struct ber_tlv top, t, in;
	enum ber_status s;
	memset(out, 0, sizeof(*out));
	if ((s = ber_read(&r, &top)) != BER_OK)
		return from_ber(s);
	if (top.cls != BER_APPLICATION || top.tag > ACSE_ABRT || !top.constructed)
		return ACSE_INVALID;
	out->type = (uint8_t)top.tag;
	while (!rd_empty(&top.val)) {
		if ((s = ber_read(&top.val, &t)) != BER_OK)
			return from_ber(s);
		if (t.cls != BER_CONTEXT)
			continue;
		if (t.tag == 30) {
			enum acse_status as = user_information(t.val, out);
			if (as != ACSE_OK)
				return as;
			continue;
		}
		switch (out->type) {
		case ACSE_AARQ:
			switch (t.tag) {
			case 1:
				if (explicit_inner(&t, &in))
					out->app_context = in.val;
				break;
			case 2:
				ap_title(&t, &out->called_ap_title);
				break;
			case 3:
				ae_qualifier(&t, &out->has_called_aeq, &out->called_aeq);
				break;
			case 6:
				ap_title(&t, &out->calling_ap_title);
				break;
			case 7:
				ae_qualifier(&t, &out->has_calling_aeq, &out->calling_aeq);
				break;
			case 11:
				out->mechanism = t.val;
				break;
			case 12:
				out->auth_value_present = true;
				if (explicit_inner(&t, &in)) {
					out->auth_form = (uint8_t)(in.tag & 3);
					out->auth_value = in.val;
				}
				break;
			}
			break;
		case ACSE_AARE:
			switch (t.tag) {
			case 1:
				if (explicit_inner(&t, &in))
					out->app_context = in.val;
				break;
			case 2:
				if (explicit_inner(&t, &in) && ber_uint32(in.val, &out->result))
					out->has_result = true;
				break;
			case 3: {
				struct ber_tlv in2;
				if (explicit_inner(&t, &in) && (in.tag == 1 || in.tag == 2) &&
				    explicit_inner(&in, &in2) && ber_uint32(in2.val, &out->diagnostic))
					out->diag_source = (uint8_t)in.tag;
				break;
			}
			case 4:
				ap_title(&t, &out->responding_ap_title);
				break;
			case 5:
				ae_qualifier(&t, &out->has_responding_aeq, &out->responding_aeq);
				break;
			case 9:
				out->mechanism = t.val;
				break;
			case 10:
				out->auth_value_present = true;
				break;
			}
			break;
		case ACSE_RLRQ:
		case ACSE_RLRE:
			if (t.tag == 0 && ber_uint32(t.val, &out->reason))
				out->has_reason = true;
			break;
		case ACSE_ABRT:
			if (t.tag == 0 && ber_uint32(t.val, &out->abort_source))
				out->has_abort_source = true;
			break;
		}
	}
	return ACSE_OK;
}

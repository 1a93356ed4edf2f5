/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iec61850_control.c - the IEC 61850-8-1 control model on the wire; see
 * iec61850_control.h. Names and strings come off the wire: they are copied into
 * bounded buffers with anything unprintable shown as '?', so the analyzer and the
 * records built on them only ever hold printable text. */
#include "iec61850_control.h"

#include <stdio.h>
#include <string.h>

/* ---- names ------------------------------------------------------------------ */

const char *iec61850_add_cause_name(int64_t c)
{
	static const char *const names[] = {
		"Unknown",
		"Not-supported",
		"Blocked-by-switching-hierarchy",
		"Select-failed",
		"Invalid-position",
		"Position-reached",
		"Parameter-change-in-execution",
		"Step-limit",
		"Blocked-by-Mode",
		"Blocked-by-process",
		"Blocked-by-interlocking",
		"Blocked-by-synchrocheck",
		"Command-already-in-execution",
		"Blocked-by-health",
		"1-of-n-control",
		"Abortion-by-cancel",
		"Time-limit-over",
		"Abortion-by-trip",
		"Object-not-selected",
		"Object-already-selected",
		"No-access-authority",
		"Ended-with-overshoot",
		"Abortion-due-to-deviation",
		"Abortion-by-communication-loss",
		"Blocked-by-command",
		"None",
		"Inconsistent-parameters",
		"Locked-by-other-client",
	};
	return c >= 0 && c < (int64_t)(sizeof(names) / sizeof(names[0])) ? names[c] : NULL;
}

const char *iec61850_ctl_error_name(int64_t e)
{
	static const char *const names[] = { "No error", "Unknown", "Timeout test not ok", "Operator test not ok" };
	return e >= 0 && e < 4 ? names[e] : NULL;
}

const char *iec61850_or_cat_name(int64_t c)
{
	static const char *const names[] = { "not-supported",    "bay-control",   "station-control",
					     "remote-control",   "automatic-bay", "automatic-station",
					     "automatic-remote", "maintenance",   "process" };
	return c >= 0 && c < 9 ? names[c] : NULL;
}

/* Wire bytes as a C string, anything unprintable shown as '?'. */
static void wire_text(const uint8_t *p, size_t n, char *buf, size_t size)
{
	size_t k = n < size - 1 ? n : size - 1;
	for (size_t i = 0; i < k; i++)
		buf[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
	buf[k] = 0;
}

/* ---- control objects ---------------------------------------------------------- */

enum iec_ctl_service iec61850_control_name(const char *domain, const char *item, char *ref, size_t size,
					   bool *ctl_model)
{
	char buf[160];
	char *comp[12];
	int n = 0;
	*ctl_model = false;
	snprintf(buf, sizeof(buf), "%s", item);
	for (char *p = buf; n < 12;) {
		comp[n++] = p;
		char *d = strchr(p, '$');
		if (!d)
			break;
		*d = 0;
		p = d + 1;
	}
	if (n < 4)
		return IEC_CTL_NONE;
	const char *last = comp[n - 1];
	enum iec_ctl_service svc = IEC_CTL_NONE;
	if (!strcmp(comp[1], "CO")) {
		if (!strcmp(last, "Oper"))
			svc = IEC_CTL_OPERATE;
		else if (!strcmp(last, "SBOw"))
			svc = IEC_CTL_SELECT_WITH_VALUE;
		else if (!strcmp(last, "Cancel"))
			svc = IEC_CTL_CANCEL;
		else if (!strcmp(last, "SBO"))
			svc = IEC_CTL_SELECT;
		else
			return IEC_CTL_NONE;
	} else if (!strcmp(comp[1], "CF") && !strcmp(last, "ctlModel")) {
		*ctl_model = true;
	} else {
		return IEC_CTL_NONE;
	}
	/* "LD/LN" and the data object's path, less the FC and the service */
	size_t used = (size_t)snprintf(ref, size, "%s/%s", domain, comp[0]);
	for (int i = 2; i < n - 1 && used < size; i++)
		used += (size_t)snprintf(ref + used, size - used, ".%s", comp[i]);
	return svc;
}

enum iec_ctl_service iec61850_control_objname(const struct mms_objname *o, char *ref, size_t size, bool *ctl_model)
{
	char dom[80], item[160];
	*ctl_model = false;
	if (o->scope != MMS_SCOPE_DOMAIN)
		return IEC_CTL_NONE;
	wire_text(o->domain.p, o->domain.len, dom, sizeof(dom));
	wire_text(o->item.p, o->item.len, item, sizeof(item));
	return iec61850_control_name(dom, item, ref, size, ctl_model);
}

/* ---- the operate parameters ------------------------------------------------------- */

void iec61850_ctl_params(const struct mms_data *oper, struct iec_ctl_params *out)
{
	memset(out, 0, sizeof(*out));
	out->or_cat = -1;
	if (!oper->constructed || oper->tag != MMS_DATA_STRUCTURE) {
		out->has_ctl_val = true;
		out->ctl_val = *oper;
		return;
	}
	struct rd list = oper->val;
	struct mms_data d;
	bool done, origin_seen = false;
	for (unsigned i = 0; mms_data_next(&list, &d, &done) == BER_OK && !done; i++) {
		if (i == 0) {
			out->has_ctl_val = true;
			out->ctl_val = d;
		} else if (!origin_seen && d.constructed && d.tag == MMS_DATA_STRUCTURE) {
			/* operTm is optional: the first structure after ctlVal is the origin */
			origin_seen = true;
			struct rd o = d.val;
			struct mms_data c;
			bool odone;
			if (mms_data_next(&o, &c, &odone) == BER_OK && !odone && c.tag == MMS_DATA_INTEGER &&
			    !ber_int64(c.val, &out->or_cat))
				out->or_cat = -1;
		} else if (origin_seen && !out->has_ctl_num &&
			   (d.tag == MMS_DATA_UNSIGNED || d.tag == MMS_DATA_INTEGER)) {
			uint64_t v;
			if (mms_data_unsigned(d.val, &v) && v <= UINT32_MAX) {
				out->has_ctl_num = true;
				out->ctl_num = (uint32_t)v;
			}
		} else if (origin_seen && !out->has_test && d.tag == MMS_DATA_BOOLEAN) {
			out->has_test = ber_bool(d.val, &out->test);
		}
	}
}

/* ---- LastApplError ------------------------------------------------------------------ */

bool iec61850_last_appl_error(const struct rd *contents, struct last_appl_error *out)
{
	memset(out, 0, sizeof(*out));
	out->or_cat = -1;
	out->add_cause = -1;
	struct rd list = *contents;
	struct mms_data d;
	bool done;
	unsigned i;
	for (i = 0; mms_data_next(&list, &d, &done) == BER_OK && !done; i++) {
		switch (i) {
		case 0: /* CntrlObj */
			if (d.constructed || (d.tag != MMS_DATA_VISIBLE_STRING && d.tag != MMS_DATA_MMS_STRING))
				return false;
			wire_text(rd_ptr(&d.val), rd_left(&d.val), out->cntrl_obj, sizeof(out->cntrl_obj));
			break;
		case 1: /* Error */
			if (d.constructed || !ber_int64(d.val, &out->error))
				return false;
			break;
		case 2: { /* Origin { orCat, orIdent } */
			if (!d.constructed || d.tag != MMS_DATA_STRUCTURE)
				return false;
			struct rd o = d.val;
			struct mms_data c;
			bool odone;
			if (mms_data_next(&o, &c, &odone) == BER_OK && !odone && !c.constructed &&
			    !ber_int64(c.val, &out->or_cat))
				out->or_cat = -1;
			break;
		}
		case 3: { /* ctlNum */
			uint64_t v;
			if (d.constructed || !mms_data_unsigned(d.val, &v) || v > UINT32_MAX)
				return false;
			out->has_ctl_num = true;
			out->ctl_num = (uint32_t)v;
			break;
		}
		case 4: /* AddCause */
			if (d.constructed || !ber_int64(d.val, &out->add_cause))
				return false;
			break;
		}
	}
	return i >= 5;
}

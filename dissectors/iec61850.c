/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iec61850.c - the IEC 61850-8-1 reading of MMS: object references
 * ("LD/LN.DO.DA [FC]") and the ACSI service each request stands for.
 *
 * Items are wire bytes (views, not NUL-terminated, possibly hostile): everything
 * here works on lengths and never reads past a view. */
#include "iec61850.h"

#include <string.h>

/* ---- views of an item ---------------------------------------------------- */

static bool view_is(struct bview v, const char *s)
{
	return bview_eq(v, s);
}

static bool ends_with(struct bview v, const char *suffix)
{
	size_t n = strlen(suffix);
	return v.len >= n && memcmp(v.p + v.len - n, suffix, n) == 0;
}

static bool contains(struct bview v, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= v.len; i++)
		if (memcmp(v.p + i, needle, n) == 0)
			return true;
	return false;
}

/* Component k (0-based) of a '$'-separated item; empty when there is none. */
static struct bview component(struct bview item, unsigned k)
{
	struct bview c = { NULL, 0 };
	uint32_t start = 0;
	unsigned idx = 0;
	for (uint32_t i = 0; i <= item.len; i++) {
		if (i < item.len && item.p[i] != '$')
			continue;
		if (idx == k) {
			c.p = item.p + start;
			c.len = i - start;
			return c;
		}
		idx++;
		start = i + 1;
	}
	return c;
}

/* A functional constraint is two capital letters (ST, MX, CO, BR, RP, ...); a
 * dataset or log name in the same position ("LLN0$Events") is not one. */
static bool is_fc(struct bview c)
{
	return c.len == 2 && c.p[0] >= 'A' && c.p[0] <= 'Z' && c.p[1] >= 'A' && c.p[1] <= 'Z';
}

struct bview iec61850_fc(struct bview item)
{
	struct bview c = component(item, 1);
	if (!is_fc(c)) {
		c.p = item.p;
		c.len = 0;
	}
	return c;
}

/* ---- references ---------------------------------------------------------- */

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, const void *p, size_t n)
{
	if (o->size == 0)
		return;
	size_t room = o->size - 1 - o->len;
	if (n > room)
		n = room;
	if (n) {
		memcpy(o->buf + o->len, p, n);
		o->len += n;
	}
	o->buf[o->len] = '\0';
}

size_t iec61850_ref(const struct mms_objname *o, char *buf, size_t size)
{
	struct out w = { buf, size, 0 };
	put(&w, "", 0);
	if (o->scope != MMS_SCOPE_DOMAIN) {
		put(&w, o->item.p, o->item.len);
		return w.len;
	}
	put(&w, o->domain.p, o->domain.len);
	put(&w, "/", 1);
	struct bview fc = iec61850_fc(o->item);
	/* LN, then every component but the FC, joined with '.' */
	uint32_t start = 0;
	unsigned idx = 0;
	for (uint32_t i = 0; i <= o->item.len; i++) {
		if (i < o->item.len && o->item.p[i] != '$')
			continue;
		if (!(idx == 1 && fc.len)) {
			if (idx > 0)
				put(&w, ".", 1);
			put(&w, o->item.p + start, i - start);
		}
		idx++;
		start = i + 1;
	}
	if (fc.len) {
		put(&w, " [", 2);
		put(&w, fc.p, fc.len);
		put(&w, "]", 1);
	}
	return w.len;
}

/* ---- ACSI services ------------------------------------------------------- */

/* A setting-group control block: LLN0$SP$SGCB... */
static bool is_sgcb(struct bview item)
{
	return view_is(component(item, 2), "SGCB");
}

static const char *acsi_read(const struct mms_pdu *pdu)
{
	if (pdu->has_list_name)
		return "GetDataSetValues";
	if (pdu->n_objs == 0)
		return NULL;
	struct bview item = pdu->objs[0].item, fc = iec61850_fc(item);
	if (view_is(fc, "RP"))
		return "GetURCBValues";
	if (view_is(fc, "BR"))
		return "GetBRCBValues";
	if (view_is(fc, "LG"))
		return "GetLCBValues";
	if (view_is(fc, "GO"))
		return "GetGoCBValues";
	if (view_is(fc, "MS"))
		return "GetMSVCBValues";
	if (view_is(fc, "US"))
		return "GetUSVCBValues";
	if (view_is(fc, "SP") && is_sgcb(item))
		return "GetSGCBValues";
	if (view_is(fc, "SE") || view_is(fc, "SG"))
		return "GetEditSGValue";
	/* reading the SBO attribute is the select of normal-security SBO control */
	if (view_is(fc, "CO") && ends_with(item, "$SBO"))
		return "Select";
	return "GetDataValues";
}

static const char *acsi_write(const struct mms_pdu *pdu)
{
	if (pdu->has_list_name)
		return "SetDataSetValues";
	if (pdu->n_objs == 0)
		return NULL;
	struct bview item = pdu->objs[0].item, fc = iec61850_fc(item);
	if (view_is(fc, "CO")) {
		if (ends_with(item, "$SBOw"))
			return "SelectWithValue";
		if (ends_with(item, "$Oper"))
			return "Operate";
		if (ends_with(item, "$Cancel"))
			return "Cancel";
		return "SetDataValues";
	}
	if (view_is(fc, "RP"))
		return "SetURCBValues";
	if (view_is(fc, "BR"))
		return "SetBRCBValues";
	if (view_is(fc, "LG"))
		return "SetLCBValues";
	if (view_is(fc, "GO"))
		return "SetGoCBValues";
	if (view_is(fc, "MS"))
		return "SetMSVCBValues";
	if (view_is(fc, "US"))
		return "SetUSVCBValues";
	if (view_is(fc, "SE"))
		return "SetEditSGValue";
	if (view_is(fc, "SP") && is_sgcb(item)) {
		/* IEC 61850-8-1 maps the setting-group services to writes of SGCB members */
		if (ends_with(item, "$ActSG"))
			return "SelectActiveSG";
		if (ends_with(item, "$EditSG"))
			return "SelectEditSG";
		if (ends_with(item, "$CnfEdit"))
			return "ConfirmEditSGValues";
	}
	return "SetDataValues";
}

static const char *acsi_get_name_list(const struct mms_pdu *pdu)
{
	switch (pdu->object_class) {
	case 9: /* domain */
		return pdu->object_scope == MMS_SCOPE_VMD ? "GetServerDirectory" : NULL;
	case 0: /* namedVariable */
		return pdu->object_scope == MMS_SCOPE_DOMAIN ? "GetLogicalDeviceDirectory" : NULL;
	case 2: /* namedVariableList: the datasets of a logical node */
	case 8: /* journal: its logs */
		return pdu->object_scope == MMS_SCOPE_DOMAIN ? "GetLogicalNodeDirectory" : NULL;
	}
	return NULL;
}

static const char *acsi_confirmed(const struct mms_pdu *pdu)
{
	switch (pdu->service) {
	case MMS_SVC_GET_NAME_LIST:
		return acsi_get_name_list(pdu);
	case MMS_SVC_GET_VAR_ACCESS_ATTR:
		if (pdu->n_objs == 0)
			return NULL;
		/* a bare LN name asks for its data objects; LN$FC$DO... for a definition */
		return contains(pdu->objs[0].item, "$") ? "GetDataDefinition" : "GetLogicalNodeDirectory";
	case MMS_SVC_READ:
		return acsi_read(pdu);
	case MMS_SVC_WRITE:
		return acsi_write(pdu);
	case MMS_SVC_DEFINE_NVL:
		return "CreateDataSet";
	case MMS_SVC_DELETE_NVL:
		return "DeleteDataSet";
	case MMS_SVC_GET_NVL_ATTR:
		return "GetDataSetDirectory";
	case MMS_SVC_FILE_OPEN:
	case MMS_SVC_FILE_READ:
	case MMS_SVC_FILE_CLOSE:
		return "GetFile";
	case MMS_SVC_OBTAIN_FILE:
		return "SetFile";
	case MMS_SVC_FILE_DELETE:
		return "DeleteFile";
	case MMS_SVC_FILE_DIRECTORY:
		return "GetFileAttributeValues";
	case MMS_SVC_READ_JOURNAL:
		/* entryToStartAfter present (mms.c sets continue_after) */
		return pdu->continue_after.p ? "QueryLogAfter" : "QueryLogByTime";
	}
	return NULL;
}

static const char *acsi_unconfirmed(const struct mms_pdu *pdu)
{
	if (pdu->service != MMS_USVC_INFORMATION_REPORT)
		return NULL;
	if (pdu->has_list_name && pdu->list_name.scope == MMS_SCOPE_VMD && view_is(pdu->list_name.item, "RPT"))
		return "Report";
	/* Command termination: the Oper structure, preceded by LastApplError when
	 * negative (IEC 61850-8-1 control model). */
	for (unsigned i = 0; i < pdu->n_objs; i++) {
		struct bview item = pdu->objs[i].item;
		if (view_is(item, "LastApplError") || (contains(item, "$CO$") && ends_with(item, "$Oper")))
			return "CommandTermination";
	}
	return NULL;
}

const char *iec61850_acsi(const struct mms_pdu *pdu)
{
	switch (pdu->type) {
	case MMS_CONFIRMED_REQUEST:
		return acsi_confirmed(pdu);
	case MMS_UNCONFIRMED:
		return acsi_unconfirmed(pdu);
	/* initiate and conclude have no invokeID to pair a response with its
	 * request, and need none: each has one ACSI meaning. */
	case MMS_INITIATE_REQUEST:
	case MMS_INITIATE_RESPONSE:
	case MMS_INITIATE_ERROR:
		return "Associate";
	case MMS_CONCLUDE_REQUEST:
	case MMS_CONCLUDE_RESPONSE:
	case MMS_CONCLUDE_ERROR:
		return "Release";
	}
	return NULL;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mms.c - ISO 9506-2 MMS PDU decoder: the outer CHOICE, invokeID, the service
 * CHOICE and a deep decode of the services IEC 61850 uses, into struct mms_pdu.
 *
 * Every element is read through ber_read() over a bounded view; nothing recurses
 * (nested Data is checked with an explicit stack capped at MMSW_BER_MAX_DEPTH).
 * The first problem met is the PDU's defect. What was decoded before it is kept,
 * and an element cut short by the end of the bytes is decoded as far as it goes,
 * so a malformed PDU still reports its type, invokeID and service.
 *
 * SEQUENCE elements are matched by tag rather than by strict position where their
 * tags are distinct: a passive decoder gains nothing by refusing a PDU its peer
 * accepted. Where ASN.1 reuses a tag between an untagged CHOICE and a later element
 * (Write-Request, InformationReport, DefineNamedVariableList) order is followed.
 */
#include "mms.h"

#include <string.h>
#include "mms_data.h"
#include "mms_type.h"

bool mms_first_octet(uint8_t b)
{
	switch (b) {
	case 0xa0:
	case 0xa1:
	case 0xa2:
	case 0xa3:
	case 0xa4: /* confirmed..reject */
	case 0x85:
	case 0x86: /* cancel req/resp: INTEGER */
	case 0xa7:
	case 0xa8:
	case 0xa9:
	case 0xaa: /* cancel-error..initiate-error */
	case 0x8b:
	case 0x8c: /* conclude req/resp: NULL */
	case 0xad: /* conclude-error */
		return true;
	}
	return false;
}

/* ---- defects and element access ----------------------------------------- */

static bool fail(struct mms_pdu *pdu, enum mms_defect d)
{
	if (pdu->defect == MMS_DEFECT_NONE)
		pdu->defect = (uint8_t)d;
	return false;
}

static bool fail_ber(struct mms_pdu *pdu, enum ber_status s)
{
	return fail(pdu,
		    s == BER_TRUNCATED          ? MMS_DEFECT_TRUNCATED
			    : s == BER_TOO_DEEP ? MMS_DEFECT_TOO_DEEP
						: MMS_DEFECT_INVALID);
}

/* The next element of a constructed value. */
static bool take(struct mms_pdu *pdu, struct rd *r, struct ber_tlv *t)
{
	enum ber_status s = ber_read(r, t);
	return s == BER_OK || fail_ber(pdu, s);
}

/* The next element, which the ASN.1 says must be there. */
static bool take_required(struct mms_pdu *pdu, struct rd *r, struct ber_tlv *t)
{
	if (rd_empty(r))
		return fail(pdu, MMS_DEFECT_MISSING);
	return take(pdu, r, t);
}

static bool is_ctx(const struct ber_tlv *t, uint32_t n, bool constructed)
{
	return t->cls == BER_CONTEXT && t->tag == n && t->constructed == constructed;
}

static bool need_constructed(struct mms_pdu *pdu, const struct ber_tlv *t)
{
	return t->constructed || fail(pdu, MMS_DEFECT_INVALID);
}

static bool get_u32(struct mms_pdu *pdu, const struct ber_tlv *t, uint32_t *v)
{
	if (t->constructed || !ber_uint32(t->val, v))
		return fail(pdu, MMS_DEFECT_INVALID);
	return true;
}

static bool get_i32(struct mms_pdu *pdu, const struct ber_tlv *t, int32_t *v)
{
	int64_t x;
	if (t->constructed || !ber_int64(t->val, &x) || x < INT32_MIN || x > INT32_MAX)
		return fail(pdu, MMS_DEFECT_INVALID);
	*v = (int32_t)x;
	return true;
}

static bool get_bool(struct mms_pdu *pdu, const struct ber_tlv *t, bool *v)
{
	if (t->constructed || !ber_bool(t->val, v))
		return fail(pdu, MMS_DEFECT_INVALID);
	return true;
}

/* A string-valued primitive (Identifier, MMSString, GraphicString, OCTET STRING). */
static bool get_view(struct mms_pdu *pdu, const struct ber_tlv *t, struct bview *v)
{
	if (t->constructed)
		return fail(pdu, MMS_DEFECT_INVALID);
	*v = bview_of(&t->val);
	return true;
}

/* Count the elements of a SEQUENCE OF, checking each is a whole TLV. */
static bool count_list(struct mms_pdu *pdu, struct rd list, uint32_t *n)
{
	struct ber_tlv t;
	*n = 0;
	while (!rd_empty(&list)) {
		if (!take(pdu, &list, &t))
			return false;
		if (*n < UINT32_MAX)
			(*n)++;
	}
	return true;
}

/* An element cut short by the end of the bytes: its header, and whatever of its
 * contents is there. Lets a truncated PDU still report its invokeID, service and
 * the names that made it in. */
static bool truncated_tlv(struct rd r, struct ber_tlv *t)
{
	uint8_t id, b, l0;
	uint32_t tag;
	if (!rd_u8(&r, &id))
		return false;
	tag = id & 0x1f;
	if (tag == 0x1f) {
		tag = 0;
		do {
			if (!rd_u8(&r, &b) || tag > (MMSW_BER_MAX_TAG >> 7))
				return false;
			tag = (tag << 7) | (b & 0x7f);
		} while (b & 0x80);
	}
	if (!rd_u8(&r, &l0))
		return false;
	if (l0 > 0x80 && !rd_skip(&r, l0 & 0x7f))
		return false;
	t->id = id;
	t->cls = id >> 6;
	t->constructed = (id & 0x20) != 0;
	t->indefinite = l0 == 0x80;
	t->tag = tag;
	t->val = rd_rest(&r);
	return true;
}

/* ---- names -------------------------------------------------------------- */

static bool is_identifier(const struct ber_tlv *t)
{
	return t->cls == BER_UNIVERSAL && !t->constructed && t->tag == 26; /* VisibleString */
}

/* ObjectName ::= CHOICE { vmd-specific [0] Identifier, domain-specific [1]
 * SEQUENCE { domainId, itemId }, aa-specific [2] Identifier } */
static bool objname(struct mms_pdu *pdu, const struct ber_tlv *t, struct mms_objname *o)
{
	o->domain.p = NULL;
	o->domain.len = 0;
	if (t->cls != BER_CONTEXT)
		return fail(pdu, MMS_DEFECT_INVALID);
	if ((t->tag == 0 || t->tag == 2) && !t->constructed) {
		o->scope = t->tag == 0 ? MMS_SCOPE_VMD : MMS_SCOPE_AA;
		o->item = bview_of(&t->val);
		return true;
	}
	if (t->tag == 1 && t->constructed) {
		struct rd r = t->val;
		struct ber_tlv dom, item;
		if (!take_required(pdu, &r, &dom) || !take_required(pdu, &r, &item))
			return false;
		if (!is_identifier(&dom) || !is_identifier(&item))
			return fail(pdu, MMS_DEFECT_INVALID);
		o->scope = MMS_SCOPE_DOMAIN;
		o->domain = bview_of(&dom.val);
		o->item = bview_of(&item.val);
		return true;
	}
	return fail(pdu, MMS_DEFECT_INVALID);
}

/* An ObjectName behind an explicit tag (the contents hold one ObjectName). */
static bool objname_in(struct mms_pdu *pdu, struct rd r, struct mms_objname *o)
{
	struct ber_tlv t;
	return take_required(pdu, &r, &t) && objname(pdu, &t, o);
}

static void add_obj(struct mms_pdu *pdu, const struct mms_objname *o)
{
	if (pdu->n_objs_total < UINT32_MAX)
		pdu->n_objs_total++;
	if (pdu->n_objs < MMSW_MMS_MAX_OBJS)
		pdu->objs[pdu->n_objs++] = *o;
}

/* listOfVariable: SEQUENCE OF SEQUENCE { variableSpecification, alternateAccess [5]
 * OPTIONAL }. Only name [0] specifications are kept; address, description and
 * alternate access carry nothing an IEC 61850 view uses. */
static bool list_of_variable(struct mms_pdu *pdu, struct rd list)
{
	while (!rd_empty(&list)) {
		struct ber_tlv seq, spec;
		if (!take(pdu, &list, &seq))
			return false;
		if (seq.cls != BER_UNIVERSAL || seq.tag != 16 || !seq.constructed)
			return fail(pdu, MMS_DEFECT_INVALID);
		struct rd s = seq.val;
		if (!take_required(pdu, &s, &spec))
			return false;
		if (spec.cls == BER_CONTEXT && spec.tag == 0) {
			struct mms_objname o;
			if (!need_constructed(pdu, &spec) || !objname_in(pdu, spec.val, &o))
				return false;
			add_obj(pdu, &o);
		}
	}
	return true;
}

/* VariableAccessSpecification ::= CHOICE { listOfVariable [0], variableListName [1]
 * ObjectName } */
static bool var_access_spec(struct mms_pdu *pdu, const struct ber_tlv *t)
{
	if (t->cls != BER_CONTEXT || !t->constructed)
		return fail(pdu, MMS_DEFECT_INVALID);
	if (t->tag == 0)
		return list_of_variable(pdu, t->val);
	if (t->tag == 1) {
		if (!objname_in(pdu, t->val, &pdu->list_name))
			return false;
		pdu->has_list_name = true;
		return true;
	}
	return fail(pdu, MMS_DEFECT_INVALID);
}

/* The same CHOICE behind an explicit tag (Read-Request [1], Read-Response [0]). */
static bool var_access_spec_in(struct mms_pdu *pdu, const struct ber_tlv *t)
{
	struct ber_tlv v;
	struct rd r = t->val;
	return need_constructed(pdu, t) && take_required(pdu, &r, &v) && var_access_spec(pdu, &v);
}

/* ---- Data --------------------------------------------------------------- */

/* Count a SEQUENCE OF Data (or AccessResult) and check every nested element is
 * whole and no deeper than MMSW_BER_MAX_DEPTH, so consumers can walk it blind.
 * Every element of every PDU passes here, so the walk works on pointers: the
 * usual element (one-octet context tag, short definite length) is read in
 * place, anything else through mms_data_next_slow over what is left. A
 * structure's contents are walked where they lie; the stack keeps where each
 * open one ends and where its parent goes on (past an end-of-contents for an
 * indefinite length). */
static enum ber_status data_walk(struct rd list, uint32_t *count)
{
	const uint8_t *end[MMSW_BER_MAX_DEPTH], *resume[MMSW_BER_MAX_DEPTH];
	const uint8_t *p = rd_ptr(&list);
	unsigned top = 0;
	uint32_t n = 0; /* a local: a store through count could alias the bytes read */
	*count = 0;
	if (!p)
		return BER_OK;
	const uint8_t *lim = p + rd_left(&list); /* the end of the level being walked */
	end[0] = resume[0] = lim;
	for (;;) {
		if (p == lim) {
			if (top == 0)
				break;
			p = resume[top];
			lim = end[--top];
			continue;
		}
		size_t avail = (size_t)(lim - p);
		uint8_t tag;
		bool constructed;
		const uint8_t *val, *val_end, *next;
		if (avail >= 2 && (p[0] & 0xc0) == 0x80 && (p[0] & 0x1f) != 0x1f && p[1] < 0x80 && p[1] <= avail - 2) {
			tag = p[0] & 0x1f;
			constructed = (p[0] & 0x20) != 0;
			val = p + 2;
			val_end = next = val + p[1];
		} else {
			struct rd r = rd_make(p, avail);
			struct mms_data d;
			bool done;
			enum ber_status s = mms_data_next_slow(&r, &d, &done);
			if (s != BER_OK) {
				*count = n;
				return s;
			}
			tag = d.tag;
			constructed = d.constructed;
			val = rd_ptr(&d.val);
			val_end = val + rd_left(&d.val);
			next = p + rd_pos(&r);
		}
		if (top == 0 && n < UINT32_MAX)
			n++;
		if (constructed && (tag == MMS_DATA_ARRAY || tag == MMS_DATA_STRUCTURE)) {
			if (top + 1 >= MMSW_BER_MAX_DEPTH) {
				*count = n;
				return BER_TOO_DEEP;
			}
			top++;
			end[top] = lim = val_end;
			resume[top] = next;
			p = val;
		} else {
			p = next;
		}
	}
	*count = n;
	return BER_OK;
}

static bool data_list(struct mms_pdu *pdu, const struct ber_tlv *t)
{
	if (!need_constructed(pdu, t))
		return false;
	pdu->has_data = true;
	pdu->data = t->val;
	enum ber_status s = data_walk(t->val, &pdu->n_data);
	return s == BER_OK || fail_ber(pdu, s);
}

/* ---- initiate, errors, reject ------------------------------------------- */

/* Initiate-RequestPDU and Initiate-ResponsePDU share their shape: the response's
 * fields are the negotiated values of the request's proposed ones. */
static bool initiate_detail(struct mms_pdu *pdu, struct rd r)
{
	struct mms_initiate *in = &pdu->init;
	struct ber_tlv t;
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (t.cls != BER_CONTEXT)
			continue;
		if (t.tag == 0) {
			if (!get_u32(pdu, &t, &in->version))
				return false;
			in->has_version = true;
		} else if (t.tag == 1 || t.tag == 2) {
			struct bview bits;
			uint32_t n;
			if (t.constructed || !ber_bitstring(t.val, &bits, &n))
				return fail(pdu, MMS_DEFECT_INVALID);
			if (t.tag == 1) {
				in->param_cbb = bits;
				in->param_cbb_bits = n;
			} else {
				in->services = bits;
				in->services_bits = n;
			}
		}
	}
	return true;
}

static bool initiate(struct mms_pdu *pdu, struct rd r)
{
	struct mms_initiate *in = &pdu->init;
	struct ber_tlv t;
	bool have_detail = false;
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (t.cls != BER_CONTEXT)
			continue;
		switch (t.tag) {
		case 0:
			if (!get_i32(pdu, &t, &in->local_detail))
				return false;
			in->has_local_detail = true;
			break;
		case 1:
			if (!get_u32(pdu, &t, &in->max_serv_calling))
				return false;
			in->has_max_serv_calling = true;
			break;
		case 2:
			if (!get_u32(pdu, &t, &in->max_serv_called))
				return false;
			in->has_max_serv_called = true;
			break;
		case 3:
			if (!get_u32(pdu, &t, &in->nesting))
				return false;
			in->has_nesting = true;
			break;
		case 4:
			if (!need_constructed(pdu, &t) || !initiate_detail(pdu, t.val))
				return false;
			have_detail = true;
			break;
		}
	}
	if (!in->has_max_serv_calling || !in->has_max_serv_called || !have_detail)
		return fail(pdu, MMS_DEFECT_MISSING);
	return true;
}

/* ServiceError ::= SEQUENCE { errorClass [0] CHOICE { vmd-state [0] .. others [12] },
 * additionalCode [1] OPTIONAL, additionalDescription [2] OPTIONAL,
 * serviceSpecificInformation [3] OPTIONAL } */
static bool service_error(struct mms_pdu *pdu, struct rd r)
{
	struct mms_service_error *e = &pdu->error;
	struct ber_tlv t;
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (t.cls != BER_CONTEXT)
			continue;
		if (t.tag == 0) {
			struct rd c = t.val;
			struct ber_tlv k;
			if (!need_constructed(pdu, &t) || !take_required(pdu, &c, &k))
				return false;
			if (k.cls != BER_CONTEXT || k.tag > 12) /* vmd-state [0] .. others [12] */
				return fail(pdu, MMS_DEFECT_INVALID);
			if (!get_u32(pdu, &k, &e->error_code))
				return false;
			e->error_class = (uint8_t)k.tag;
			e->present = true;
		} else if (t.tag == 1) {
			if (t.constructed || !ber_int64(t.val, &e->additional_code))
				return fail(pdu, MMS_DEFECT_INVALID);
			e->has_additional_code = true;
		}
	}
	return e->present || fail(pdu, MMS_DEFECT_MISSING);
}

/* RejectPDU ::= SEQUENCE { originalInvokeID [0] OPTIONAL, rejectReason CHOICE
 * { confirmed-requestPDU [1] .. conclude-errorPDU [11], each INTEGER } } */
static bool reject(struct mms_pdu *pdu, struct rd r)
{
	struct mms_reject *rj = &pdu->reject;
	struct ber_tlv t;
	bool have_reason = false;
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (t.cls != BER_CONTEXT)
			continue;
		if (t.tag == 0) {
			if (!get_u32(pdu, &t, &rj->original_invoke))
				return false;
			rj->has_original_invoke = true;
			pdu->has_invoke = true;
			pdu->invoke_id = rj->original_invoke;
		} else if (t.tag >= 1 && t.tag <= 11) {
			if (t.constructed || !ber_int64(t.val, &rj->reason_code))
				return fail(pdu, MMS_DEFECT_INVALID);
			rj->reason_type = (uint8_t)t.tag;
			have_reason = true;
		}
	}
	return have_reason || fail(pdu, MMS_DEFECT_MISSING);
}

/* ---- file names ---------------------------------------------------------- */

/* FileName ::= SEQUENCE OF GraphicString; the first element names the file (IEC
 * 61850 servers use one element holding the whole path). */
static bool file_name(struct mms_pdu *pdu, struct rd r, struct bview *name)
{
	struct ber_tlv t;
	if (rd_empty(&r)) {
		*name = bview_of(&r);
		return true;
	}
	if (!take(pdu, &r, &t))
		return false;
	if (t.cls != BER_UNIVERSAL)
		return fail(pdu, MMS_DEFECT_INVALID);
	return get_view(pdu, &t, name);
}

static bool file_name_in(struct mms_pdu *pdu, const struct ber_tlv *t, struct bview *name)
{
	return need_constructed(pdu, t) && file_name(pdu, t->val, name);
}

/* ---- confirmed service requests ------------------------------------------ */

static bool get_name_list_req(struct mms_pdu *pdu, struct rd r)
{
	struct ber_tlv t, k;
	bool have_class = false, have_scope = false;
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (t.cls != BER_CONTEXT)
			continue;
		if (t.tag == 0) {
			/* objectClass CHOICE { basicObjectClass [0], csObjectClass [1] } */
			struct rd c = t.val;
			if (!need_constructed(pdu, &t) || !take_required(pdu, &c, &k))
				return false;
			if (is_ctx(&k, 0, false)) {
				uint32_t cls;
				if (!get_u32(pdu, &k, &cls) || cls > INT32_MAX)
					return fail(pdu, MMS_DEFECT_INVALID);
				pdu->object_class = (int32_t)cls;
			}
			have_class = true;
		} else if (t.tag == 1) {
			/* objectScope CHOICE { vmdSpecific [0] NULL, domainSpecific [1]
			 * Identifier, aaSpecific [2] NULL } */
			struct rd c = t.val;
			if (!need_constructed(pdu, &t) || !take_required(pdu, &c, &k))
				return false;
			if (k.cls != BER_CONTEXT || k.tag > 2 || k.constructed)
				return fail(pdu, MMS_DEFECT_INVALID);
			pdu->object_scope = (uint8_t)k.tag;
			if (k.tag == 1)
				pdu->scope_domain = bview_of(&k.val);
			have_scope = true;
		} else if (t.tag == 2) {
			if (!get_view(pdu, &t, &pdu->continue_after))
				return false;
		}
	}
	return (have_class && have_scope) || fail(pdu, MMS_DEFECT_MISSING);
}

static bool read_req(struct mms_pdu *pdu, struct rd r)
{
	struct ber_tlv t;
	bool have_spec = false;
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (is_ctx(&t, 0, false)) {
			if (!get_bool(pdu, &t, &pdu->spec_with_result))
				return false;
		} else if (t.cls == BER_CONTEXT && t.tag == 1) {
			if (!var_access_spec_in(pdu, &t))
				return false;
			have_spec = true;
		}
	}
	return have_spec || fail(pdu, MMS_DEFECT_MISSING);
}

/* Write-Request and InformationReport: a VariableAccessSpecification, then a
 * list under [0] (which listOfVariable also uses, hence by position). */
static bool spec_then_data(struct mms_pdu *pdu, struct rd r)
{
	struct ber_tlv t;
	if (!take_required(pdu, &r, &t) || !var_access_spec(pdu, &t))
		return false;
	if (!take_required(pdu, &r, &t))
		return false;
	if (t.cls != BER_CONTEXT || t.tag != 0)
		return fail(pdu, MMS_DEFECT_INVALID);
	return data_list(pdu, &t);
}

static bool get_var_access_attr_req(struct mms_pdu *pdu, struct rd r)
{
	struct ber_tlv t;
	if (!take_required(pdu, &r, &t))
		return false;
	if (t.cls == BER_CONTEXT && t.tag == 0) { /* name; address [1] is not kept */
		struct mms_objname o;
		if (!need_constructed(pdu, &t) || !objname_in(pdu, t.val, &o))
			return false;
		add_obj(pdu, &o);
	}
	return true;
}

static bool define_nvl_req(struct mms_pdu *pdu, struct rd r)
{
	struct ber_tlv t;
	if (!take_required(pdu, &r, &t) || !objname(pdu, &t, &pdu->list_name))
		return false;
	pdu->has_list_name = true;
	if (!take_required(pdu, &r, &t))
		return false;
	if (!is_ctx(&t, 0, true))
		return fail(pdu, MMS_DEFECT_INVALID);
	return list_of_variable(pdu, t.val);
}

/* DeleteNamedVariableList-Request ::= SEQUENCE { scopeOfDelete [0] INTEGER
 * { specific (0), aa-specific (1), domain (2), vmd (3) } DEFAULT specific,
 * listOfVariableListName [1] OPTIONAL, domainName [2] OPTIONAL } */
static bool delete_nvl_req(struct mms_pdu *pdu, struct rd r)
{
	struct ber_tlv t;
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (t.cls != BER_CONTEXT)
			continue;
		if (t.tag == 0) {
			if (!get_i32(pdu, &t, &pdu->delete_scope))
				return false;
		} else if (t.tag == 1) {
			struct rd list = t.val;
			if (!need_constructed(pdu, &t))
				return false;
			while (!rd_empty(&list)) {
				struct ber_tlv n;
				struct mms_objname o;
				if (!take(pdu, &list, &n) || !objname(pdu, &n, &o))
					return false;
				add_obj(pdu, &o);
			}
		} else if (t.tag == 2) {
			if (!get_view(pdu, &t, &pdu->scope_domain))
				return false;
			pdu->object_scope = MMS_SCOPE_DOMAIN;
		}
	}
	return true;
}

/* ReadJournal-Request ::= SEQUENCE { journalName [0] ObjectName,
 * rangeStartSpecification [1] CHOICE { startingTime [0] TimeOfDay, startingEntry
 * [1] OCTET STRING } OPTIONAL, rangeStopSpecification [2] CHOICE { endingTime [0]
 * TimeOfDay, numberOfEntries [1] Integer32 } OPTIONAL, listOfVariables [4] SEQUENCE
 * OF VisibleString OPTIONAL, entryToStartAfter [5] SEQUENCE { timeSpecification
 * [0] TimeOfDay, entrySpecification [1] OCTET STRING } OPTIONAL } */
static bool read_journal_req(struct mms_pdu *pdu, struct rd r)
{
	struct mms_journal_req *j = &pdu->journal;
	struct ber_tlv t, k;
	bool have_name = false;
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (t.cls != BER_CONTEXT)
			continue;
		if (t.tag == 0) {
			if (!need_constructed(pdu, &t) || !objname_in(pdu, t.val, &pdu->list_name))
				return false;
			pdu->has_list_name = have_name = true;
		} else if (t.tag == 1 || t.tag == 2) {
			struct rd c = t.val;
			if (!need_constructed(pdu, &t) || !take_required(pdu, &c, &k))
				return false;
			if (k.cls != BER_CONTEXT || k.tag > 1 || k.constructed)
				return fail(pdu, MMS_DEFECT_INVALID);
			if (t.tag == 1)
				*(k.tag == 0 ? &j->start_time : &j->start_entry) = bview_of(&k.val);
			else if (k.tag == 0)
				j->stop_time = bview_of(&k.val);
			else if (!get_i32(pdu, &k, &j->stop_count))
				return false;
			else
				j->has_stop_count = true;
		} else if (t.tag == 4) {
			if (!need_constructed(pdu, &t) || !count_list(pdu, t.val, &j->n_variables))
				return false;
			j->variables = t.val;
		} else if (t.tag == 5) {
			/* continue_after is set (non-NULL) when present and narrowed to the
			 * EntryID when there is one. */
			struct rd e = t.val;
			if (!need_constructed(pdu, &t))
				return false;
			j->has_after = true;
			pdu->continue_after = bview_of(&t.val);
			while (!rd_empty(&e)) {
				if (!take(pdu, &e, &k))
					return false;
				if (is_ctx(&k, 0, false))
					j->after_time = bview_of(&k.val);
				if (is_ctx(&k, 1, false))
					pdu->continue_after = j->after_entry = bview_of(&k.val);
			}
		}
	}
	return have_name || fail(pdu, MMS_DEFECT_MISSING);
}

/* InitializeJournal-Request ::= SEQUENCE { journalName [0] ObjectName,
 * limitSpecification [1] SEQUENCE { limitingTime [0] TimeOfDay, limitingEntry [1]
 * OCTET STRING OPTIONAL } OPTIONAL } (IEC 61850 has no ACSI service for it, but
 * its servers answer it on their logs) */
static bool initialize_journal_req(struct mms_pdu *pdu, struct rd r)
{
	struct ber_tlv t, k;
	bool have_name = false;
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (t.cls != BER_CONTEXT)
			continue;
		if (t.tag == 0) {
			if (!need_constructed(pdu, &t) || !objname_in(pdu, t.val, &pdu->list_name))
				return false;
			pdu->has_list_name = have_name = true;
		} else if (t.tag == 1) {
			struct rd l = t.val;
			if (!need_constructed(pdu, &t))
				return false;
			while (!rd_empty(&l)) {
				if (!take(pdu, &l, &k))
					return false;
				if (is_ctx(&k, 0, false))
					pdu->journal.limit_time = bview_of(&k.val);
				else if (is_ctx(&k, 1, false))
					pdu->journal.limit_entry = bview_of(&k.val);
			}
		}
	}
	return have_name || fail(pdu, MMS_DEFECT_MISSING);
}

/* ReportJournalStatus-Response ::= SEQUENCE { currentEntries [0] Unsigned32,
 * permanent [1] BOOLEAN } */
static bool journal_status_resp(struct mms_pdu *pdu, struct rd r)
{
	struct ber_tlv t;
	unsigned seen = 0;
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (is_ctx(&t, 0, false)) {
			if (!get_u32(pdu, &t, &pdu->journal_current))
				return false;
			seen |= 1;
		} else if (is_ctx(&t, 1, false)) {
			if (!get_bool(pdu, &t, &pdu->journal_permanent))
				return false;
			seen |= 2;
		}
	}
	pdu->has_journal_status = seen == 3;
	return pdu->has_journal_status || fail(pdu, MMS_DEFECT_MISSING);
}

/* The SEQUENCE-shaped file requests differ only in which tag holds what:
 * name_tag -> file.name, name2_tag -> *name2, position_tag -> file.position
 * (-1: not in this request). */
struct file_layout {
	int name_tag, name2_tag, position_tag;
	bool name_required;
};

static bool file_seq_req(struct mms_pdu *pdu, struct rd r, const struct file_layout *l, struct bview *name2)
{
	struct mms_file *f = &pdu->file;
	struct ber_tlv t;
	bool have_name = false;
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (t.cls != BER_CONTEXT)
			continue;
		int64_t tag = t.tag; /* -1 in the layout never matches */
		if (tag == l->name_tag) {
			if (!file_name_in(pdu, &t, &f->name))
				return false;
			have_name = true;
		} else if (tag == l->name2_tag) {
			if (!file_name_in(pdu, &t, name2))
				return false;
		} else if (tag == l->position_tag) {
			if (!get_u32(pdu, &t, &f->position))
				return false;
		}
	}
	return have_name || !l->name_required || fail(pdu, MMS_DEFECT_MISSING);
}

static bool file_req(struct mms_pdu *pdu, const struct ber_tlv *s)
{
	/* FileOpen { fileName [0], initialPosition [1] }; FileRename { currentFileName
	 * [0], newFileName [1] }; ObtainFile { sourceFileServer [0] (not kept),
	 * sourceFile [1], destinationFile [2] }; FileDirectory { fileSpecification [0]
	 * OPTIONAL, continueAfter [1] OPTIONAL } */
	static const struct file_layout open = { 0, -1, 1, true }, rename = { 0, 1, -1, true },
					obtain = { 1, 2, -1, true }, directory = { 0, 1, -1, false };
	struct mms_file *f = &pdu->file;
	switch (pdu->service) {
	case MMS_SVC_FILE_READ:
	case MMS_SVC_FILE_CLOSE:
		/* FileRead-Request / FileClose-Request ::= Integer32 (frsmID) */
		if (!get_i32(pdu, s, &f->frsm_id))
			return false;
		f->has_frsm = true;
		return true;
	case MMS_SVC_FILE_DELETE: /* FileDelete-Request ::= FileName */
		return file_name_in(pdu, s, &f->name);
	}
	if (!need_constructed(pdu, s))
		return false;
	switch (pdu->service) {
	case MMS_SVC_FILE_OPEN:
		return file_seq_req(pdu, s->val, &open, NULL);
	case MMS_SVC_FILE_RENAME:
		return file_seq_req(pdu, s->val, &rename, &f->name2);
	case MMS_SVC_OBTAIN_FILE:
		return file_seq_req(pdu, s->val, &obtain, &f->name2);
	case MMS_SVC_FILE_DIRECTORY:
		return file_seq_req(pdu, s->val, &directory, &pdu->continue_after);
	}
	return true;
}

static bool service_request(struct mms_pdu *pdu, const struct ber_tlv *s)
{
	switch (pdu->service) {
	case MMS_SVC_GET_NAME_LIST:
		return need_constructed(pdu, s) && get_name_list_req(pdu, s->val);
	case MMS_SVC_READ:
		return need_constructed(pdu, s) && read_req(pdu, s->val);
	case MMS_SVC_WRITE:
		return need_constructed(pdu, s) && spec_then_data(pdu, s->val);
	case MMS_SVC_GET_VAR_ACCESS_ATTR:
		return need_constructed(pdu, s) && get_var_access_attr_req(pdu, s->val);
	case MMS_SVC_DEFINE_NVL:
		return need_constructed(pdu, s) && define_nvl_req(pdu, s->val);
	case MMS_SVC_GET_NVL_ATTR:
		if (!need_constructed(pdu, s) || !objname_in(pdu, s->val, &pdu->list_name))
			return false;
		pdu->has_list_name = true;
		return true;
	case MMS_SVC_DELETE_NVL:
		return need_constructed(pdu, s) && delete_nvl_req(pdu, s->val);
	case MMS_SVC_READ_JOURNAL:
		return need_constructed(pdu, s) && read_journal_req(pdu, s->val);
	case MMS_SVC_INITIALIZE_JOURNAL:
		return need_constructed(pdu, s) && initialize_journal_req(pdu, s->val);
	case MMS_SVC_REPORT_JOURNAL_STATUS: /* ReportJournalStatus-Request ::= ObjectName */
		if (!need_constructed(pdu, s) || !objname_in(pdu, s->val, &pdu->list_name))
			return false;
		pdu->has_list_name = true;
		return true;
	case MMS_SVC_OBTAIN_FILE:
	case MMS_SVC_FILE_OPEN:
	case MMS_SVC_FILE_READ:
	case MMS_SVC_FILE_CLOSE:
	case MMS_SVC_FILE_RENAME:
	case MMS_SVC_FILE_DELETE:
	case MMS_SVC_FILE_DIRECTORY:
		return file_req(pdu, s);
	}
	return true; /* status, identify and the rest: the service tag is all we keep */
}

/* ---- confirmed service responses ----------------------------------------- */

static bool get_name_list_resp(struct mms_pdu *pdu, struct rd r)
{
	struct ber_tlv t;
	bool have_list = false;
	pdu->more_follows = true; /* moreFollows BOOLEAN DEFAULT TRUE */
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (t.cls != BER_CONTEXT)
			continue;
		if (t.tag == 0) {
			if (!need_constructed(pdu, &t) || !count_list(pdu, t.val, &pdu->n_names))
				return false;
			pdu->names = t.val;
			have_list = true;
		} else if (t.tag == 1 && !get_bool(pdu, &t, &pdu->more_follows)) {
			return false;
		}
	}
	pdu->has_more_follows = true;
	return have_list || fail(pdu, MMS_DEFECT_MISSING);
}

static bool identify_resp(struct mms_pdu *pdu, struct rd r)
{
	struct mms_identify *id = &pdu->identify;
	struct ber_tlv t;
	unsigned seen = 0;
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (t.cls != BER_CONTEXT || t.tag > 2)
			continue; /* listOfAbstractSyntaxes [3] is not kept */
		struct bview *v = t.tag == 0 ? &id->vendor : t.tag == 1 ? &id->model : &id->revision;
		if (!get_view(pdu, &t, v))
			return false;
		seen |= 1u << t.tag;
	}
	return seen == 7 || fail(pdu, MMS_DEFECT_MISSING);
}

static bool read_resp(struct mms_pdu *pdu, struct rd r)
{
	struct ber_tlv t;
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (t.cls != BER_CONTEXT)
			continue;
		if (t.tag == 0 && !var_access_spec_in(pdu, &t))
			return false;
		if (t.tag == 1)
			return data_list(pdu, &t);
	}
	return fail(pdu, MMS_DEFECT_MISSING);
}

/* Write-Response ::= SEQUENCE OF CHOICE { failure [0] DataAccessError,
 * success [1] NULL } */
static bool write_resp(struct mms_pdu *pdu, const struct ber_tlv *s)
{
	struct rd r = s->val;
	struct ber_tlv t;
	if (!need_constructed(pdu, s))
		return false;
	pdu->has_data = true;
	pdu->data = s->val;
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (!is_ctx(&t, 0, false) && !is_ctx(&t, 1, false))
			return fail(pdu, MMS_DEFECT_INVALID);
		if (pdu->n_data < UINT32_MAX)
			pdu->n_data++;
	}
	return true;
}

static bool get_var_access_attr_resp(struct mms_pdu *pdu, struct rd r)
{
	struct ber_tlv t;
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (t.cls != BER_CONTEXT)
			continue;
		if (t.tag == 0) {
			if (!get_bool(pdu, &t, &pdu->mms_deletable))
				return false;
		} else if (t.tag == 2) {
			/* typeSpecification [2] TypeSpecification: kept as the one inner TLV */
			if (!need_constructed(pdu, &t))
				return false;
			pdu->type_spec = t.val;
			pdu->has_type_spec = true;
			/* Checked whole here, so consumers may walk it knowing it ends. */
			enum mms_type_step ts = mms_type_check(t.val, &pdu->type_nodes);
			if (ts == MMS_TYPE_TOO_DEEP)
				return fail(pdu, MMS_DEFECT_TOO_DEEP);
			if (ts != MMS_TYPE_DONE)
				return fail(pdu, MMS_DEFECT_INVALID);
		}
	}
	return pdu->has_type_spec || fail(pdu, MMS_DEFECT_MISSING);
}

static bool get_nvl_attr_resp(struct mms_pdu *pdu, struct rd r)
{
	struct ber_tlv t;
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (t.cls != BER_CONTEXT)
			continue;
		if (t.tag == 0 && !get_bool(pdu, &t, &pdu->mms_deletable))
			return false;
		if (t.tag == 1)
			return need_constructed(pdu, &t) && list_of_variable(pdu, t.val);
	}
	return fail(pdu, MMS_DEFECT_MISSING);
}

static bool delete_nvl_resp(struct mms_pdu *pdu, struct rd r)
{
	struct ber_tlv t;
	unsigned seen = 0;
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (t.cls != BER_CONTEXT || t.tag > 1)
			continue;
		if (!get_u32(pdu, &t, t.tag == 0 ? &pdu->matched : &pdu->deleted))
			return false;
		seen |= 1u << t.tag;
	}
	return seen == 3 || fail(pdu, MMS_DEFECT_MISSING);
}

static bool status_resp(struct mms_pdu *pdu, struct rd r)
{
	struct ber_tlv t;
	unsigned seen = 0;
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (t.cls != BER_CONTEXT || t.tag > 1)
			continue; /* localDetail [2] is not kept */
		if (!get_i32(pdu, &t, t.tag == 0 ? &pdu->status.logical : &pdu->status.physical))
			return false;
		seen |= 1u << t.tag;
	}
	pdu->status.present = seen == 3;
	return pdu->status.present || fail(pdu, MMS_DEFECT_MISSING);
}

/* FileDirectory-Response listOfDirectoryEntry is [0] without IMPLICIT, so its
 * contents are a SEQUENCE OF holding the entries. An encoder that tags it
 * implicitly puts the entries (SEQUENCEs starting with fileName [0]) there
 * directly; both are taken. */
static struct rd directory_entries(struct rd contents)
{
	struct rd look = contents;
	struct ber_tlv seq, first;
	if (ber_read(&look, &seq) != BER_OK || !rd_empty(&look) || seq.cls != BER_UNIVERSAL || seq.tag != 16 ||
	    !seq.constructed)
		return contents;
	struct rd in = seq.val;
	if (rd_empty(&in))
		return seq.val;
	if (ber_read(&in, &first) == BER_OK && first.cls == BER_UNIVERSAL && first.tag == 16)
		return seq.val;
	return contents;
}

/* A list of entries then moreFollows [1]: readJournal and fileDirectory. */
static bool list_more_follows(struct mms_pdu *pdu, struct rd r, uint32_t *n, struct rd *list)
{
	struct ber_tlv t;
	bool have_list = false;
	pdu->more_follows = false; /* moreFollows BOOLEAN DEFAULT FALSE */
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (t.cls != BER_CONTEXT)
			continue;
		if (t.tag == 0) {
			if (!need_constructed(pdu, &t))
				return false;
			struct rd entries = pdu->service == MMS_SVC_FILE_DIRECTORY ? directory_entries(t.val) : t.val;
			if (!count_list(pdu, entries, n))
				return false;
			if (list)
				*list = entries;
			have_list = true;
		} else if (t.tag == 1 && !get_bool(pdu, &t, &pdu->more_follows)) {
			return false;
		}
	}
	pdu->has_more_follows = true;
	return have_list || fail(pdu, MMS_DEFECT_MISSING);
}

static bool file_open_resp(struct mms_pdu *pdu, struct rd r)
{
	struct mms_file *f = &pdu->file;
	struct ber_tlv t;
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (t.cls != BER_CONTEXT)
			continue;
		if (t.tag == 0) {
			if (!get_i32(pdu, &t, &f->frsm_id))
				return false;
			f->has_frsm = true;
		} else if (t.tag == 1) {
			/* fileAttributes { sizeOfFile [0], lastModified [1] OPTIONAL } */
			struct rd a = t.val;
			struct ber_tlv k;
			if (!need_constructed(pdu, &t))
				return false;
			while (!rd_empty(&a)) {
				if (!take(pdu, &a, &k))
					return false;
				if (is_ctx(&k, 0, false)) {
					if (!get_u32(pdu, &k, &f->size))
						return false;
					f->has_size = true;
				} else if (is_ctx(&k, 1, false)) {
					f->last_modified = bview_of(&k.val);
				}
			}
		}
	}
	return f->has_frsm || fail(pdu, MMS_DEFECT_MISSING);
}

static bool file_read_resp(struct mms_pdu *pdu, struct rd r)
{
	struct ber_tlv t;
	bool have_data = false;
	pdu->more_follows = true; /* moreFollows BOOLEAN DEFAULT TRUE */
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (t.cls != BER_CONTEXT)
			continue;
		if (t.tag == 0) {
			if (t.constructed)
				return fail(pdu, MMS_DEFECT_INVALID);
			pdu->file.data_len = (uint32_t)rd_left(&t.val);
			pdu->file.data = bview_of(&t.val);
			have_data = true;
		} else if (t.tag == 1 && !get_bool(pdu, &t, &pdu->more_follows)) {
			return false;
		}
	}
	pdu->has_more_follows = true;
	return have_data || fail(pdu, MMS_DEFECT_MISSING);
}

static bool service_response(struct mms_pdu *pdu, const struct ber_tlv *s)
{
	struct rd r = s->val;
	switch (pdu->service) {
	case MMS_SVC_WRITE:
		return write_resp(pdu, s);
	case MMS_SVC_STATUS:
		return need_constructed(pdu, s) && status_resp(pdu, r);
	case MMS_SVC_GET_NAME_LIST:
		return need_constructed(pdu, s) && get_name_list_resp(pdu, r);
	case MMS_SVC_IDENTIFY:
		return need_constructed(pdu, s) && identify_resp(pdu, r);
	case MMS_SVC_READ:
		return need_constructed(pdu, s) && read_resp(pdu, r);
	case MMS_SVC_GET_VAR_ACCESS_ATTR:
		return need_constructed(pdu, s) && get_var_access_attr_resp(pdu, r);
	case MMS_SVC_GET_NVL_ATTR:
		return need_constructed(pdu, s) && get_nvl_attr_resp(pdu, r);
	case MMS_SVC_DELETE_NVL:
		return need_constructed(pdu, s) && delete_nvl_resp(pdu, r);
	case MMS_SVC_READ_JOURNAL:
		return need_constructed(pdu, s) && list_more_follows(pdu, r, &pdu->entries, &pdu->journal_entries);
	case MMS_SVC_INITIALIZE_JOURNAL: /* InitializeJournal-Response ::= Unsigned32 */
		if (!get_u32(pdu, s, &pdu->journal_deleted))
			return false;
		pdu->has_journal_deleted = true;
		return true;
	case MMS_SVC_REPORT_JOURNAL_STATUS:
		return need_constructed(pdu, s) && journal_status_resp(pdu, r);
	case MMS_SVC_FILE_OPEN:
		return need_constructed(pdu, s) && file_open_resp(pdu, r);
	case MMS_SVC_FILE_READ:
		return need_constructed(pdu, s) && file_read_resp(pdu, r);
	case MMS_SVC_FILE_DIRECTORY:
		return need_constructed(pdu, s) && list_more_follows(pdu, r, &pdu->n_names, &pdu->names);
	}
	return true; /* NULL responses (fileClose, obtainFile, ...) and the rest */
}

/* ---- the PDUs ------------------------------------------------------------ */

static bool take_invoke(struct mms_pdu *pdu, const struct ber_tlv *t)
{
	if (!get_u32(pdu, t, &pdu->invoke_id))
		return false;
	pdu->has_invoke = true;
	return true;
}

/* The service CHOICE: its context tag number is the service. */
static bool take_service(struct mms_pdu *pdu, struct rd *r, struct ber_tlv *t)
{
	if (rd_empty(r))
		return fail(pdu, MMS_DEFECT_MISSING);
	enum ber_status s = ber_read(r, t);
	if (s != BER_OK) {
		fail_ber(pdu, s);
		if (s != BER_TRUNCATED || !truncated_tlv(*r, t))
			return false;
		*r = rd_rest(r);
	}
	if (t->cls != BER_CONTEXT || t->tag > INT16_MAX)
		return fail(pdu, MMS_DEFECT_INVALID);
	pdu->service = (int16_t)t->tag;
	return true;
}

/* Confirmed-RequestPDU / Confirmed-ResponsePDU: invokeID, (request only:
 * listOfModifier), the service; a trailing cs-request-detail [79] is ignored. */
static bool confirmed(struct mms_pdu *pdu, struct rd r, bool request)
{
	struct ber_tlv t;
	if (!take_required(pdu, &r, &t))
		return false;
	if (t.cls != BER_UNIVERSAL || t.tag != 2)
		return fail(pdu, MMS_DEFECT_MISSING); /* invokeID comes first */
	if (!take_invoke(pdu, &t))
		return false;
	if (request) {
		/* listOfModifier: a SEQUENCE (ISO 9506 spelling) or [0] constructed
		 * followed by the service; no request service is a constructed [0]. */
		for (;;) {
			struct rd look = r;
			struct ber_tlv m;
			if (rd_empty(&look) || ber_read(&look, &m) != BER_OK)
				break;
			bool seq = m.cls == BER_UNIVERSAL && m.tag == 16 && m.constructed;
			if (!seq && !(is_ctx(&m, 0, true) && !rd_empty(&look)))
				break;
			r = look;
		}
	}
	if (!take_service(pdu, &r, &t))
		return false;
	return request ? service_request(pdu, &t) : service_response(pdu, &t);
}

/* Confirmed-ErrorPDU ::= SEQUENCE { invokeID [0], modifierPosition [1] OPTIONAL,
 * serviceError [2] } */
static bool confirmed_error(struct mms_pdu *pdu, struct rd r)
{
	struct ber_tlv t;
	bool have_error = false;
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (t.cls != BER_CONTEXT)
			continue;
		if (t.tag == 0 && !take_invoke(pdu, &t))
			return false;
		if (t.tag == 2) {
			if (!need_constructed(pdu, &t) || !service_error(pdu, t.val))
				return false;
			have_error = true;
		}
	}
	return (pdu->has_invoke && have_error) || fail(pdu, MMS_DEFECT_MISSING);
}

/* Cancel-ErrorPDU ::= SEQUENCE { originalInvokeID [0], serviceError [1] } */
static bool cancel_error(struct mms_pdu *pdu, struct rd r)
{
	struct ber_tlv t;
	bool have_error = false;
	while (!rd_empty(&r)) {
		if (!take(pdu, &r, &t))
			return false;
		if (t.cls != BER_CONTEXT)
			continue;
		if (t.tag == 0 && !take_invoke(pdu, &t))
			return false;
		if (t.tag == 1) {
			if (!need_constructed(pdu, &t) || !service_error(pdu, t.val))
				return false;
			have_error = true;
		}
	}
	return (pdu->has_invoke && have_error) || fail(pdu, MMS_DEFECT_MISSING);
}

static bool unconfirmed(struct mms_pdu *pdu, struct rd r)
{
	struct ber_tlv t;
	if (!take_service(pdu, &r, &t))
		return false;
	if (pdu->service == MMS_USVC_INFORMATION_REPORT)
		return need_constructed(pdu, &t) && spec_then_data(pdu, t.val);
	return true;
}

static void body(struct mms_pdu *pdu, const struct ber_tlv *outer)
{
	struct rd r = outer->val;
	switch (pdu->type) {
	case MMS_CONFIRMED_REQUEST:
		confirmed(pdu, r, true);
		break;
	case MMS_CONFIRMED_RESPONSE:
		confirmed(pdu, r, false);
		break;
	case MMS_CONFIRMED_ERROR:
		confirmed_error(pdu, r);
		break;
	case MMS_UNCONFIRMED:
		unconfirmed(pdu, r);
		break;
	case MMS_REJECT:
		reject(pdu, r);
		break;
	case MMS_CANCEL_REQUEST:
	case MMS_CANCEL_RESPONSE:
		take_invoke(pdu, outer);
		break;
	case MMS_CANCEL_ERROR:
		cancel_error(pdu, r);
		break;
	case MMS_INITIATE_REQUEST:
	case MMS_INITIATE_RESPONSE:
		initiate(pdu, r);
		break;
	case MMS_INITIATE_ERROR:
	case MMS_CONCLUDE_ERROR:
		service_error(pdu, r);
		break;
	case MMS_CONCLUDE_REQUEST:
	case MMS_CONCLUDE_RESPONSE:
		if (!rd_empty(&r))
			fail(pdu, MMS_DEFECT_INVALID); /* NULL has no contents */
		break;
	}
}

/* Field by field rather than memset: the struct is ~3 KB and objs[] is only read
 * up to n_objs. */
static void pdu_init(struct mms_pdu *pdu)
{
	static const struct rd empty = { NULL, 0, 0 };
	static const struct bview none = { NULL, 0 };
	pdu->type = MMS_PDU_TYPE_COUNT;
	pdu->defect = MMS_DEFECT_NONE;
	pdu->service = MMS_SVC_NONE;
	pdu->has_invoke = false;
	pdu->invoke_id = 0;
	pdu->has_list_name = false;
	pdu->list_name.scope = MMS_SCOPE_VMD;
	pdu->list_name.domain = none;
	pdu->list_name.item = none;
	pdu->n_objs = 0;
	pdu->n_objs_total = 0;
	pdu->has_data = false;
	pdu->n_data = 0;
	pdu->data = empty;
	pdu->n_names = 0;
	pdu->names = empty;
	pdu->has_more_follows = false;
	pdu->more_follows = false;
	pdu->object_class = -1;
	pdu->object_scope = MMS_SCOPE_VMD;
	pdu->scope_domain = none;
	pdu->continue_after = none;
	pdu->spec_with_result = false;
	pdu->mms_deletable = false;
	pdu->has_type_spec = false;
	pdu->type_spec = empty;
	pdu->type_nodes = 0;
	pdu->matched = pdu->deleted = pdu->entries = 0;
	pdu->delete_scope = -1;
	pdu->journal_entries = empty;
	pdu->has_journal_deleted = pdu->has_journal_status = pdu->journal_permanent = false;
	pdu->journal_deleted = pdu->journal_current = 0;
	pdu->journal = (struct mms_journal_req){ .variables = empty };
	pdu->init = (struct mms_initiate){ 0 };
	pdu->error = (struct mms_service_error){ 0 };
	pdu->reject = (struct mms_reject){ 0 };
	pdu->identify = (struct mms_identify){ 0 };
	pdu->file = (struct mms_file){ 0 };
	pdu->status.logical = pdu->status.physical = 0;
	pdu->status.present = false;
}

enum mms_status mms_decode(struct rd r, struct mms_pdu *out)
{
	struct ber_tlv t;
	uint8_t b0;
	pdu_init(out);
	if (!rd_peek(&r, 0, &b0) || !mms_first_octet(b0))
		return MMS_NOT_MMS;
	out->type = b0 & 0x1f; /* the outer CHOICE tag number */
	enum ber_status s = ber_read(&r, &t);
	if (s != BER_OK) {
		fail_ber(out, s);
		if (s == BER_TRUNCATED && truncated_tlv(r, &t))
			body(out, &t);
		return MMS_MALFORMED;
	}
	body(out, &t);
	if (!rd_empty(&r))
		fail(out, MMS_DEFECT_TRAILING);
	return out->defect == MMS_DEFECT_NONE ? MMS_OK : MMS_MALFORMED;
}

/* ---- helpers for consumers ------------------------------------------------ */

/* DirectoryEntry ::= SEQUENCE { fileName [0] FileName, fileAttributes [1]
 * FileAttributes { sizeOfFile [0] Unsigned32, lastModified [1] GeneralizedTime
 * OPTIONAL } } */
bool mms_directory_next(struct rd *list, struct mms_dir_entry *e)
{
	struct ber_tlv t, k, a;
	e->name.p = NULL;
	e->name.len = 0;
	e->name_parts = 0;
	e->has_size = false;
	e->size = 0;
	e->last_modified.p = NULL;
	e->last_modified.len = 0;
	if (rd_empty(list) || ber_read(list, &t) != BER_OK || !t.constructed)
		return false;
	struct rd r = t.val;
	while (!rd_empty(&r) && ber_read(&r, &k) == BER_OK) {
		if (ber_is_ctx(&k, 0) && k.constructed) {
			struct rd n = k.val;
			while (!rd_empty(&n) && ber_read(&n, &a) == BER_OK) {
				if (!e->name_parts && !a.constructed)
					e->name = bview_of(&a.val);
				e->name_parts++;
			}
		} else if (ber_is_ctx(&k, 1) && k.constructed) {
			struct rd f = k.val;
			while (!rd_empty(&f) && ber_read(&f, &a) == BER_OK) {
				if (ber_is_ctx(&a, 0) && !a.constructed)
					e->has_size = ber_uint32(a.val, &e->size);
				else if (ber_is_ctx(&a, 1) && !a.constructed)
					e->last_modified = bview_of(&a.val);
			}
		}
	}
	return true;
}

static bool digits(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

size_t mms_generalized_time_iso(struct bview gt, char *buf, size_t size)
{
	/* YYYYMMDDHH[MM[SS]][(.|,)fff...][Z|(+|-)hh[mm]] (X.680 GeneralizedTime) */
	const uint8_t *p = gt.p;
	size_t n = gt.len, i = 0, o = 0;
	char out[64];
	if (!p || n < 10 || !digits(p, 10))
		return 0;
	static const char sep[] = "--T::";
	for (int f = 0; f < 6; f++) { /* year (4), month, day, hour, minute, second */
		size_t w = f == 0 ? 4 : 2;
		if (f >= 4 && (i + w > n || !digits(p + i, w)))
			break; /* minutes and seconds may be left out */
		if (f > 0)
			out[o++] = sep[f - 1];
		for (size_t k = 0; k < w; k++)
			out[o++] = (char)p[i++];
	}
	if (i < n && (p[i] == '.' || p[i] == ',')) {
		size_t k = i + 1;
		while (k < n && p[k] >= '0' && p[k] <= '9' && k - i <= 9)
			k++;
		if (k == i + 1)
			return 0;
		out[o++] = '.';
		for (size_t j = i + 1; j < k; j++)
			out[o++] = (char)p[j];
		i = k;
	}
	if (i < n && p[i] == 'Z') {
		out[o++] = 'Z';
		i++;
	} else if (i < n && (p[i] == '+' || p[i] == '-') && i + 3 <= n && digits(p + i + 1, 2)) {
		out[o++] = (char)p[i];
		out[o++] = (char)p[i + 1];
		out[o++] = (char)p[i + 2];
		i += 3;
		if (i + 2 <= n && digits(p + i, 2)) {
			out[o++] = ':';
			out[o++] = (char)p[i];
			out[o++] = (char)p[i + 1];
			i += 2;
		}
	}
	if (i != n || o + 1 > size)
		return 0;
	memcpy(buf, out, o);
	buf[o] = 0;
	return o;
}

/* JournalEntry ::= SEQUENCE { entryIdentifier [0] OCTET STRING,
 * originatingApplication [1] ApplicationReference, entryContent [2] EntryContent }
 * EntryContent ::= SEQUENCE { occurrenceTime [0] TimeOfDay, additionalDetail [1]
 * OPTIONAL, entryForm CHOICE { data [2] SEQUENCE { event [0] OPTIONAL,
 * listOfVariables [1] SEQUENCE OF ... OPTIONAL }, annotation [3] VisibleString } } */
bool mms_journal_next(struct rd *list, struct mms_journal_entry *e)
{
	struct ber_tlv t, k, c, d;
	*e = (struct mms_journal_entry){ .variables = { NULL, 0, 0 } };
	if (rd_empty(list) || ber_read(list, &t) != BER_OK || !t.constructed)
		return false;
	struct rd r = t.val;
	while (!rd_empty(&r) && ber_read(&r, &k) == BER_OK) {
		if (ber_is_ctx(&k, 0) && !k.constructed) {
			e->entry_id = bview_of(&k.val);
		} else if (ber_is_ctx(&k, 2) && k.constructed) {
			struct rd ec = k.val;
			while (!rd_empty(&ec) && ber_read(&ec, &c) == BER_OK) {
				if (ber_is_ctx(&c, 0) && !c.constructed) {
					e->time = bview_of(&c.val);
				} else if (ber_is_ctx(&c, 3) && !c.constructed) {
					e->has_annotation = true;
					e->annotation = bview_of(&c.val);
				} else if (ber_is_ctx(&c, 2) && c.constructed) {
					struct rd dd = c.val;
					while (!rd_empty(&dd) && ber_read(&dd, &d) == BER_OK)
						if (ber_is_ctx(&d, 1) && d.constructed) {
							e->has_variables = true;
							e->variables = d.val;
						}
				}
			}
		}
	}
	return true;
}

bool mms_journal_variable_next(struct rd *list, struct bview *tag, struct rd *value)
{
	struct ber_tlv t, k;
	tag->p = NULL;
	tag->len = 0;
	*value = (struct rd){ NULL, 0, 0 };
	if (rd_empty(list) || ber_read(list, &t) != BER_OK || !t.constructed)
		return false;
	struct rd r = t.val;
	while (!rd_empty(&r) && ber_read(&r, &k) == BER_OK) {
		if (ber_is_ctx(&k, 0) && !k.constructed)
			*tag = bview_of(&k.val);
		else if (ber_is_ctx(&k, 1) && k.constructed)
			*value = k.val;
	}
	return true;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mms_type.c - TypeSpecification, one node at a time; see mms_type.h.
 *
 * TypeSpecification ::= CHOICE {
 *   typeName [0] ObjectName,
 *   array [1] IMPLICIT SEQUENCE { packed [0] IMPLICIT BOOLEAN DEFAULT FALSE,
 *       numberOfElements [1] IMPLICIT Unsigned32, elementType [2] TypeSpecification },
 *   structure [2] IMPLICIT SEQUENCE { packed [0] IMPLICIT BOOLEAN DEFAULT FALSE,
 *       components [1] IMPLICIT SEQUENCE OF SEQUENCE {
 *           componentName [0] IMPLICIT Identifier OPTIONAL,
 *           componentType [1] TypeSpecification } },
 *   boolean [3] NULL, bit-string [4] Integer32, integer [5] Unsigned8,
 *   unsigned [6] Unsigned8, floating-point [7] SEQUENCE { format-width Unsigned8,
 *   exponent-width Unsigned8 }, octet-string [9] Integer32, visible-string [10]
 *   Integer32, generalized-time [11] NULL, binary-time [12] BOOLEAN, bcd [13]
 *   Unsigned8, objId [15] NULL, mMSString [16] Integer32, utc-time [17] NULL }
 * (IMPLICIT throughout; the TypeSpecification inside [0], [1] and [2] of a CHOICE
 * is explicitly tagged, so those contents hold one more TLV.) */
#include "mms_type.h"

#include "mms_data.h"

enum level_kind {
	LEVEL_ONE,        /* holds one TypeSpecification (the root, an array's element) */
	LEVEL_COMPONENTS, /* a structure's components: SEQUENCE OF SEQUENCE */
};

void mms_type_walk_init(struct mms_type_walk *w, struct rd spec)
{
	w->top = 0;
	w->level[0] = spec;
	w->kind[0] = LEVEL_ONE;
}

const char *mms_type_tag_name(uint8_t tag)
{
	return tag == MMS_TYPE_NAME ? "typeName" : mms_data_tag_name(tag);
}

static bool small_uint(struct rd v, uint32_t *out)
{
	return ber_uint32(v, out);
}

/* ObjectName (mms.c has the decoder, but it fills a PDU's defect; the shape is
 * small enough to read again here). */
static bool type_name(struct rd r, struct mms_type_node *n)
{
	struct ber_tlv t, dom, item;
	struct mms_type_name *o = &n->type_name;
	o->domain.p = NULL;
	o->domain.len = 0;
	if (ber_read(&r, &t) != BER_OK || t.cls != BER_CONTEXT)
		return false;
	if ((t.tag == 0 || t.tag == 2) && !t.constructed) {
		o->scope = (uint8_t)t.tag; /* the CHOICE tag is enum mms_scope's value */
		o->item = bview_of(&t.val);
		return true;
	}
	struct rd s = t.val;
	if (t.tag != 1 || !t.constructed || ber_read(&s, &dom) != BER_OK || ber_read(&s, &item) != BER_OK ||
	    dom.constructed || item.constructed)
		return false;
	o->scope = 1; /* MMS_SCOPE_DOMAIN */
	o->domain = bview_of(&dom.val);
	o->item = bview_of(&item.val);
	return true;
}

/* One TypeSpecification TLV into n; *children is what a structure or an array
 * lists next (LEVEL_COMPONENTS contents, or the element's LEVEL_ONE contents). */
static bool node(const struct ber_tlv *t, struct mms_type_node *n, struct rd *children, uint8_t *kind)
{
	struct ber_tlv k;
	struct rd r = t->val;
	int64_t x;
	if (t->cls != BER_CONTEXT || t->tag > 17 || t->tag == 8 || t->tag == 14)
		return false; /* real [8] and boolean-array [14] are not types in ISO 9506 */
	n->tag = (uint8_t)t->tag;
	n->opens = false;
	n->packed = false;
	n->has_size = false;
	n->size = 0;
	n->elements = n->components = 0;
	n->format_width = n->exponent_width = 0;
	n->has_date = false;
	switch (t->tag) {
	case MMS_TYPE_NAME:
		return t->constructed && type_name(t->val, n);
	case MMS_DATA_ARRAY: {
		bool have_count = false, have_type = false;
		if (!t->constructed)
			return false;
		while (!rd_empty(&r)) {
			if (ber_read(&r, &k) != BER_OK || k.cls != BER_CONTEXT)
				return false;
			if (k.tag == 0 && !k.constructed) {
				if (!ber_bool(k.val, &n->packed))
					return false;
			} else if (k.tag == 1 && !k.constructed) {
				if (!small_uint(k.val, &n->elements))
					return false;
				have_count = true;
			} else if (k.tag == 2 && k.constructed) {
				*children = k.val;
				*kind = LEVEL_ONE;
				have_type = true;
			}
		}
		n->opens = true;
		return have_count && have_type;
	}
	case MMS_DATA_STRUCTURE: {
		bool have_list = false;
		if (!t->constructed)
			return false;
		while (!rd_empty(&r)) {
			if (ber_read(&r, &k) != BER_OK || k.cls != BER_CONTEXT)
				return false;
			if (k.tag == 0 && !k.constructed) {
				if (!ber_bool(k.val, &n->packed))
					return false;
			} else if (k.tag == 1 && k.constructed) {
				struct rd c = k.val;
				struct ber_tlv e;
				*children = k.val;
				*kind = LEVEL_COMPONENTS;
				while (!rd_empty(&c)) {
					if (ber_read(&c, &e) != BER_OK)
						return false;
					if (n->components < UINT32_MAX)
						n->components++;
				}
				have_list = true;
			}
		}
		n->opens = true;
		return have_list;
	}
	case MMS_DATA_FLOAT: {
		struct ber_tlv fw, ew;
		uint32_t a, b;
		if (!t->constructed || ber_read(&r, &fw) != BER_OK || ber_read(&r, &ew) != BER_OK ||
		    !small_uint(fw.val, &a) || !small_uint(ew.val, &b) || a > 255 || b > 255)
			return false;
		n->format_width = (uint8_t)a;
		n->exponent_width = (uint8_t)b;
		return true;
	}
	case MMS_DATA_BOOLEAN:
	case MMS_DATA_GENERALIZED_TIME:
	case MMS_DATA_OBJ_ID:
	case MMS_DATA_UTC_TIME:
		return !t->constructed; /* NULL (some encoders leave contents; kept lenient) */
	case MMS_DATA_BINARY_TIME:
		return !t->constructed && (rd_empty(&r) || ber_bool(r, &n->has_date));
	default: /* bit-string, integer, unsigned, octet-string, visible-string, bcd, mms-string */
		if (t->constructed || !ber_int64(r, &x))
			return false;
		n->has_size = true;
		n->size = x;
		return true;
	}
}

enum mms_type_step mms_type_next(struct mms_type_walk *w, struct mms_type_node *n)
{
	struct ber_tlv t;
	struct rd *lv = &w->level[w->top];
	if (rd_empty(lv)) {
		if (w->top == 0)
			return MMS_TYPE_DONE;
		w->top--;
		return MMS_TYPE_LEAVE;
	}
	n->has_name = false;
	n->name.p = NULL;
	n->name.len = 0;
	if (w->kind[w->top] == LEVEL_COMPONENTS) {
		/* SEQUENCE { componentName [0] OPTIONAL, componentType [1] } */
		struct ber_tlv seq, k;
		if (ber_read(lv, &seq) != BER_OK || seq.cls != BER_UNIVERSAL || seq.tag != 16 || !seq.constructed)
			return MMS_TYPE_BAD;
		struct rd s = seq.val;
		bool have_type = false;
		while (!rd_empty(&s)) {
			if (ber_read(&s, &k) != BER_OK || k.cls != BER_CONTEXT)
				return MMS_TYPE_BAD;
			if (k.tag == 0 && !k.constructed) {
				n->name = bview_of(&k.val);
				n->has_name = true;
			} else if (k.tag == 1 && k.constructed) {
				struct rd c = k.val;
				if (ber_read(&c, &t) != BER_OK || !rd_empty(&c))
					return MMS_TYPE_BAD;
				have_type = true;
			}
		}
		if (!have_type)
			return MMS_TYPE_BAD;
	} else if (ber_read(lv, &t) != BER_OK || !rd_empty(lv)) {
		return MMS_TYPE_BAD; /* one TypeSpecification, nothing after it */
	}
	struct rd children = { NULL, 0, 0 };
	uint8_t kind = LEVEL_ONE;
	if (!node(&t, n, &children, &kind))
		return MMS_TYPE_BAD;
	if (n->opens) {
		if (w->top + 1 >= MMSW_BER_MAX_DEPTH)
			return MMS_TYPE_TOO_DEEP;
		w->top++;
		w->level[w->top] = children;
		w->kind[w->top] = kind;
	}
	return MMS_TYPE_NODE;
}

enum mms_type_step mms_type_check(struct rd spec, uint32_t *nodes)
{
	struct mms_type_walk w;
	struct mms_type_node n;
	enum mms_type_step s;
	*nodes = 0;
	mms_type_walk_init(&w, spec);
	while ((s = mms_type_next(&w, &n)) == MMS_TYPE_NODE || s == MMS_TYPE_LEAVE)
		if (s == MMS_TYPE_NODE && *nodes < UINT32_MAX)
			(*nodes)++;
	return s;
}

/* A bounded text builder: what does not fit is dropped and remembered. */
struct text {
	char *p;
	size_t n, room; /* room excludes the NUL and the "..." kept in reserve */
	bool cut;
};

static void put_c(struct text *t, char c)
{
	if (t->n < t->room)
		t->p[t->n++] = c;
	else
		t->cut = true;
}

static void put_s(struct text *t, const char *s)
{
	while (*s)
		put_c(t, *s++);
}

static void put_num(struct text *t, int64_t x)
{
	char b[24];
	size_t k = 0;
	uint64_t u = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
	do {
		b[k++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (x < 0)
		put_c(t, '-');
	while (k)
		put_c(t, b[--k]);
}

size_t mms_type_summary(struct rd spec, char *buf, size_t size, bool *cut)
{
	struct mms_type_walk w;
	struct mms_type_node n;
	enum mms_type_step st;
	bool first[MMSW_BER_MAX_DEPTH + 1] = { true };
	unsigned depth = 0; /* open structures and arrays */
	uint8_t open_tag[MMSW_BER_MAX_DEPTH + 1];
	struct text t = { buf, 0, size > 4 ? size - 4 : 0, false };
	*cut = false;
	if (size == 0)
		return 0;
	mms_type_walk_init(&w, spec);
	while (!t.cut && ((st = mms_type_next(&w, &n)) == MMS_TYPE_NODE || st == MMS_TYPE_LEAVE)) {
		if (st == MMS_TYPE_LEAVE) {
			if (depth && open_tag[--depth] == MMS_DATA_STRUCTURE)
				put_c(&t, '}');
			continue;
		}
		bool in_array = depth && open_tag[depth - 1] == MMS_DATA_ARRAY;
		if (depth && !in_array && !first[depth])
			put_c(&t, ',');
		first[depth] = false;
		if (n.has_name)
			for (uint32_t i = 0; i < n.name.len; i++)
				put_c(&t, n.name.p[i] > 0x20 && n.name.p[i] < 0x7f ? (char)n.name.p[i] : '?');
		if (n.tag == MMS_DATA_STRUCTURE) {
			put_c(&t, '{');
		} else {
			if (n.has_name)
				put_c(&t, ':');
			put_s(&t, mms_type_tag_name(n.tag));
			if (n.tag == MMS_DATA_ARRAY) {
				put_c(&t, '[');
				put_num(&t, n.elements);
				put_s(&t, "] of ");
			} else if (n.tag == MMS_DATA_FLOAT) {
				put_c(&t, '(');
				put_num(&t, n.format_width);
				put_c(&t, ',');
				put_num(&t, n.exponent_width);
				put_c(&t, ')');
			} else if (n.has_size) {
				put_c(&t, '(');
				put_num(&t, n.size);
				put_c(&t, ')');
			} else if (n.tag == MMS_TYPE_NAME) {
				put_c(&t, '(');
				for (uint32_t i = 0; i < n.type_name.item.len; i++)
					put_c(&t,
					      n.type_name.item.p[i] > 0x20 && n.type_name.item.p[i] < 0x7f
						      ? (char)n.type_name.item.p[i]
						      : '?');
				put_c(&t, ')');
			}
		}
		if (n.opens && depth < MMSW_BER_MAX_DEPTH) {
			open_tag[depth++] = n.tag;
			first[depth] = true;
		}
	}
	if (t.cut || (st != MMS_TYPE_DONE && st != MMS_TYPE_NODE && st != MMS_TYPE_LEAVE)) {
		*cut = true;
		for (const char *e = "..."; *e && t.n + 1 < size; e++)
			t.p[t.n++] = *e;
	}
	t.p[t.n] = 0;
	return t.n;
}

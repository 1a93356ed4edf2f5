/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mms_type.h - walking an MMS TypeSpecification (ISO 9506-2), the description of
 * a variable's type a server gives in a GetVariableAccessAttributes response: in
 * IEC 61850 the data model of one functional constraint of a logical node
 * (GetDataDefinition), e.g. Oper { ctlVal boolean, origin { orCat integer(8),
 * orIdent octet-string(-64) }, ctlNum unsigned(8), T utc-time, Test boolean,
 * Check bit-string(-2) }.
 *
 * Iteration, not recursion: mms_type_next() hands out the tree in document order,
 * one node at a time, with a LEAVE after the children of every structure or
 * array; the walker's own stack is MMSW_BER_MAX_DEPTH deep. */
#ifndef MMSW_MMS_TYPE_H
#define MMSW_MMS_TYPE_H

#include "ber.h"
#include "limits.h"

/* TypeSpecification CHOICE tags are the Data tags (mms_data.h), plus typeName [0]. */
#define MMS_TYPE_NAME 0

struct mms_type_node {
	struct bview name; /* componentName; empty for the root and array elements */
	bool has_name;
	uint8_t tag; /* the TypeSpecification CHOICE tag */
	bool opens;  /* structure or array: children, then a LEAVE */
	bool packed; /* structure, array */
	bool has_size;
	int64_t size;                         /* bit-string, octet-string, visible-string,
	                             * mms-string: negative means up to that many;
	                             * integer, unsigned, bcd: bits */
	uint32_t elements;                    /* array numberOfElements */
	uint32_t components;                  /* structure: how many components */
	uint8_t format_width, exponent_width; /* floating-point */
	bool has_date;                        /* binary-time: with the date */
	/* typeName: an ObjectName (scope as enum mms_scope in mms.h, which this
	 * header does not include: mms.c includes this one) */
	struct mms_type_name {
		uint8_t scope;
		struct bview domain, item;
	} type_name;
};

enum mms_type_step {
	MMS_TYPE_NODE = 0, /* *n is the next node */
	MMS_TYPE_LEAVE,    /* the children of the last open node are done */
	MMS_TYPE_DONE,     /* the whole tree was handed out */
	MMS_TYPE_BAD,      /* not a valid TypeSpecification: stop */
	MMS_TYPE_TOO_DEEP, /* nested deeper than MMSW_BER_MAX_DEPTH: stop */
};

struct mms_type_walk {
	struct rd level[MMSW_BER_MAX_DEPTH];
	uint8_t kind[MMSW_BER_MAX_DEPTH]; /* what each level lists */
	unsigned top;
};

/* spec: contents holding one TypeSpecification (GetVariableAccessAttributes-
 * Response typeSpecification [2]'s contents, mms_pdu.type_spec). */
void mms_type_walk_init(struct mms_type_walk *w, struct rd spec);
enum mms_type_step mms_type_next(struct mms_type_walk *w, struct mms_type_node *n);

/* Check a whole TypeSpecification and count its nodes (for the decoder). */
enum mms_type_step mms_type_check(struct rd spec, uint32_t *nodes);

/* The tree as one line of text, for a list of described variables: components
 * as name:type, structures in braces, arrays as array[N] of their element:
 * "{Oper{ctlVal:boolean,origin{orCat:integer(8),orIdent:octet-string(-64)},
 * ctlNum:unsigned(8),T:utc-time,Test:boolean,Check:bit-string(-2)}}". Names are
 * wire bytes: anything not visible ASCII becomes '?'. A tree that does not fit
 * size ends in "..." and *cut is set. Returns the length (buf NUL-terminated). */
size_t mms_type_summary(struct rd spec, char *buf, size_t size, bool *cut);

/* The ASN.1 name of a TypeSpecification tag ("structure", "typeName", ...). */
const char *mms_type_tag_name(uint8_t tag);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ber.h - BER (X.690) TLV reading over the bounded reader.
 *
 * Definite and indefinite lengths; indefinite contents are located by an iterative
 * scan with a nesting limit, so hostile nesting costs O(n) and no stack. Integers
 * are range-checked: overflow is impossible by construction.
 */
#ifndef MMSW_BER_H
#define MMSW_BER_H

#include "rd.h"

enum ber_status {
	BER_OK = 0,
	BER_TRUNCATED, /* the bytes ended before the element did */
	BER_INVALID,   /* the bytes say something impossible */
	BER_TOO_DEEP,  /* nesting beyond MMSW_BER_MAX_DEPTH */
};

enum ber_class { BER_UNIVERSAL = 0, BER_APPLICATION = 1, BER_CONTEXT = 2, BER_PRIVATE = 3 };

struct ber_tlv {
	uint8_t id;  /* first identifier octet (class, constructed bit, low tag) */
	uint8_t cls; /* enum ber_class */
	bool constructed;
	bool indefinite;
	uint32_t tag;  /* tag number */
	struct rd val; /* the contents (end-of-contents octets excluded) */
};

const char *ber_status_name(enum ber_status s);

/* Read one TLV at the cursor; on BER_OK the cursor is past it. */
enum ber_status ber_read(struct rd *r, struct ber_tlv *t);
/* Like ber_read, but only succeeds when the element has class cls and tag number tag. */
enum ber_status ber_expect(struct rd *r, uint8_t cls, uint32_t tag, struct ber_tlv *t);

/* Contents decoders. Each returns false on a value it cannot represent. */
bool ber_uint32(struct rd v, uint32_t *out);
bool ber_int64(struct rd v, int64_t *out);
bool ber_uint64(struct rd v, uint64_t *out);
bool ber_bool(struct rd v, bool *out);
/* BIT STRING: first octet is the unused-bit count (0..7). *nbits is the bit count. */
bool ber_bitstring(struct rd v, struct bview *bits, uint32_t *nbits);
/* Bit i (0 = most significant bit of the first octet) of a BIT STRING's bits. */
bool ber_bit(struct bview bits, uint32_t nbits, uint32_t i);
/* OBJECT IDENTIFIER to dotted text; false if malformed or buf too small. */
bool ber_oid_text(struct rd v, char *buf, size_t size);

/* Shorthand: context-specific tag n, constructed or not. */
static inline bool ber_is_ctx(const struct ber_tlv *t, uint32_t n)
{
	return t->cls == BER_CONTEXT && t->tag == n;
}

#endif

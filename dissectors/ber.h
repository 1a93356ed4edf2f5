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

_Static_assert(offsetof(struct ber_tlv, id) == 0 && offsetof(struct ber_tlv, cls) == 1 &&
		       offsetof(struct ber_tlv, constructed) == 2 && offsetof(struct ber_tlv, indefinite) == 3 &&
		       offsetof(struct ber_tlv, tag) == 4 && sizeof(bool) == 1,
	       "ber_tlv_layout: ber_read's fast path writes the head as one word");

const char *ber_status_name(enum ber_status s);

/* ber_read for what its inline fast path does not take: long tags, long or
 * indefinite lengths, and every error. */
enum ber_status ber_read_general(struct rd *r, struct ber_tlv *t);

/* Read one TLV at the cursor; on BER_OK the cursor is past it. Inline because it
 * runs for every element of every PDU; the common cases in MMS (a one-octet tag,
 * a definite length of one, two or three octets) are read here, anything else
 * (long tags, indefinite or longer lengths, every error) by ber_read_general. */
static inline enum ber_status ber_read(struct rd *r, struct ber_tlv *t)
{
	const uint8_t *p = rd_ptr(r);
	size_t avail = rd_left(r), hdr, len;
	if (avail < 2 || (p[0] & 0x1f) == 0x1f)
		return ber_read_general(r, t);
	if (p[1] < 0x80) {
		if (p[1] > avail - 2)
			return BER_TRUNCATED;
		hdr = 2;
		len = p[1];
	} else if (p[1] == 0x81 && avail >= 3) {
		hdr = 3;
		len = p[2];
	} else if (p[1] == 0x82 && avail >= 4) {
		hdr = 4;
		len = (size_t)p[2] << 8 | p[3];
	} else {
		return ber_read_general(r, t);
	}
	if (len > avail - hdr)
		return ber_read_general(r, t); /* truncated: reported as the general reader does */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* The head (id, cls, constructed, indefinite, tag) as one 8-byte store:
	 * callers test class and tag with one 8-byte load, and a load that needs
	 * several stores waits for all of them to retire (the ber_tlv_layout
	 * assertion above checks the offsets this assumes). */
	uint64_t head = (uint64_t)p[0] | (uint64_t)(p[0] >> 6) << 8 | (uint64_t)((p[0] >> 5) & 1) << 16 |
		(uint64_t)(p[0] & 0x1f) << 32;
	memcpy(t, &head, sizeof(head));
#else
	t->id = p[0];
	t->tag = p[0] & 0x1f;
	t->cls = p[0] >> 6;
	t->constructed = (p[0] & 0x20) != 0;
	t->indefinite = false;
#endif
	const struct rd val = { p + hdr, (uint32_t)len, 0 };
	rd_store_words(&t->val, val);
	r->off += hdr + len;
	return BER_OK;
}
/* Like ber_read, but only succeeds when the element has class cls and tag number tag. */
enum ber_status ber_expect(struct rd *r, uint8_t cls, uint32_t tag, struct ber_tlv *t);

/* Contents decoders. Each returns false on a value it cannot represent. */
bool ber_int64(struct rd v, int64_t *out);
bool ber_bool(struct rd v, bool *out);
/* The small decoders below are inline: they run for most elements of a report. */
static inline bool ber_uint64(struct rd v, uint64_t *out)
{
	size_t n = rd_left(&v);
	const uint8_t *p = rd_ptr(&v);
	if (n == 0 || (p[0] & 0x80))
		return false; /* empty or negative */
	if (n > 9 || (n == 9 && p[0] != 0))
		return false;
	uint64_t x = 0;
	for (size_t i = 0; i < n; i++)
		x = (x << 8) | p[i];
	*out = x;
	return true;
}
static inline bool ber_uint32(struct rd v, uint32_t *out)
{
	uint64_t x;
	if (!ber_uint64(v, &x) || x > UINT32_MAX)
		return false;
	*out = (uint32_t)x;
	return true;
}
/* BIT STRING: first octet is the unused-bit count (0..7). *nbits is the bit count. */
static inline bool ber_bitstring(struct rd v, struct bview *bits, uint32_t *nbits)
{
	uint8_t unused;
	if (!rd_u8(&v, &unused) || unused > 7)
		return false;
	size_t n = rd_left(&v);
	if (n == 0 && unused != 0)
		return false;
	if (n > (UINT32_MAX / 8))
		return false;
	bits->p = rd_ptr(&v);
	bits->len = (uint32_t)n;
	*nbits = (uint32_t)(n * 8 - unused);
	return true;
}
/* Bit i (0 = most significant bit of the first octet) of a BIT STRING's bits. */
static inline bool ber_bit(struct bview bits, uint32_t nbits, uint32_t i)
{
	if (i >= nbits || i / 8 >= bits.len)
		return false;
	return (bits.p[i / 8] >> (7 - (i % 8))) & 1;
}
/* OBJECT IDENTIFIER to dotted text; false if malformed or buf too small. */
bool ber_oid_text(struct rd v, char *buf, size_t size);

/* Shorthand: context-specific tag n, constructed or not. */
static inline bool ber_is_ctx(const struct ber_tlv *t, uint32_t n)
{
	return t->cls == BER_CONTEXT && t->tag == n;
}

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_ber.c - BER TLV reading: definite, indefinite, long tags, integers, limits. */
#include <stdlib.h>

#include "tcheck.h"
#include "dissectors/ber.h"
#include "dissectors/limits.h"

static enum ber_status read1(const uint8_t *b, size_t n, struct ber_tlv *t, size_t *used)
{
	struct rd r = rd_make(b, n);
	enum ber_status s = ber_read(&r, t);
	*used = r.off;
	return s;
}

static void test_definite(void)
{
	static const uint8_t b[] = { 0xa1, 0x03, 0x02, 0x01, 0x05, 0xff };
	struct ber_tlv t;
	size_t used;
	CHECK_EQ(read1(b, sizeof(b), &t, &used), BER_OK);
	CHECK_EQ(t.cls, BER_CONTEXT);
	CHECK(t.constructed);
	CHECK_EQ(t.tag, 1);
	CHECK_EQ(rd_left(&t.val), 3);
	CHECK_EQ(used, 5);
	struct ber_tlv in;
	CHECK_EQ(ber_read(&t.val, &in), BER_OK);
	uint32_t v;
	CHECK(ber_uint32(in.val, &v));
	CHECK_EQ(v, 5);
}

static void test_long_forms(void)
{
	/* [72] long tag form, two-octet length */
	static const uint8_t b[] = { 0xbf, 0x48, 0x82, 0x00, 0x02, 0x80, 0x00 };
	struct ber_tlv t;
	size_t used;
	CHECK_EQ(read1(b, sizeof(b), &t, &used), BER_OK);
	CHECK_EQ(t.tag, 72);
	CHECK_EQ(rd_left(&t.val), 2);
	/* leading zero septet in a long tag is invalid */
	static const uint8_t bad[] = { 0xbf, 0x80, 0x48, 0x00 };
	CHECK_EQ(read1(bad, sizeof(bad), &t, &used), BER_INVALID);
	/* five length octets: refused, never an overflow */
	static const uint8_t huge[] = { 0x04, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00 };
	CHECK_EQ(read1(huge, sizeof(huge), &t, &used), BER_INVALID);
	/* a length bigger than the bytes: truncated */
	static const uint8_t over[] = { 0x04, 0x84, 0xff, 0xff, 0xff, 0xff, 0x00 };
	CHECK_EQ(read1(over, sizeof(over), &t, &used), BER_TRUNCATED);
	/* reserved length octet 0xff */
	static const uint8_t res[] = { 0x04, 0xff, 0x00 };
	CHECK_EQ(read1(res, sizeof(res), &t, &used), BER_INVALID);
	/* zero length is fine */
	static const uint8_t zero[] = { 0x04, 0x00 };
	CHECK_EQ(read1(zero, sizeof(zero), &t, &used), BER_OK);
	CHECK_EQ(rd_left(&t.val), 0);
}

/* The inline reader's own long lengths (0x81, 0x82) agree with the general
 * reader on the value, the cursor and every truncation. */
static void test_short_tag_long_lengths(void)
{
	uint8_t b[300];
	struct ber_tlv t, g;
	size_t used;
	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)i;
	b[0] = 0xa3; /* [3] constructed */
	b[1] = 0x81;
	b[2] = 200;
	CHECK_EQ(read1(b, 203, &t, &used), BER_OK);
	CHECK_EQ(t.tag, 3);
	CHECK_EQ(t.cls, BER_CONTEXT);
	CHECK(t.constructed);
	CHECK_EQ(rd_left(&t.val), 200);
	CHECK(rd_ptr(&t.val) == b + 3);
	CHECK_EQ(used, 203);
	struct rd r = rd_make(b, 203);
	CHECK_EQ(ber_read_general(&r, &g), BER_OK);
	CHECK_EQ(r.off, 203);
	CHECK(rd_ptr(&g.val) == rd_ptr(&t.val) && rd_left(&g.val) == rd_left(&t.val));
	CHECK_EQ(read1(b, 202, &t, &used), BER_TRUNCATED); /* one octet short */
	CHECK_EQ(used, 0);
	CHECK_EQ(read1(b, 2, &t, &used), BER_TRUNCATED); /* the length octet missing */
	b[1] = 0x82;
	b[2] = 0x01;
	b[3] = 0x00; /* 256 */
	CHECK_EQ(read1(b, 260, &t, &used), BER_OK);
	CHECK_EQ(rd_left(&t.val), 256);
	CHECK(rd_ptr(&t.val) == b + 4);
	CHECK_EQ(used, 260);
	CHECK_EQ(read1(b, 259, &t, &used), BER_TRUNCATED);
	CHECK_EQ(read1(b, 3, &t, &used), BER_TRUNCATED); /* half a length */
	/* a non-minimal 0x81 under 128 is still accepted, as before */
	static const uint8_t nm[] = { 0x04, 0x81, 0x01, 0x55 };
	CHECK_EQ(read1(nm, sizeof(nm), &t, &used), BER_OK);
	CHECK_EQ(rd_left(&t.val), 1);
	CHECK_EQ(used, 4);
}

static void test_indefinite(void)
{
	/* 30 80 { 02 01 07, a0 80 { 04 01 aa } 00 00 } 00 00 */
	static const uint8_t b[] = { 0x30, 0x80, 0x02, 0x01, 0x07, 0xa0, 0x80, 0x04,
				     0x01, 0xaa, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00 };
	struct ber_tlv t, in;
	size_t used;
	CHECK_EQ(read1(b, sizeof(b), &t, &used), BER_OK);
	CHECK(t.indefinite);
	CHECK_EQ(used, 14);
	CHECK_EQ(rd_left(&t.val), 10);
	CHECK_EQ(ber_read(&t.val, &in), BER_OK);
	CHECK_EQ(ber_read(&t.val, &in), BER_OK);
	CHECK(in.indefinite);
	CHECK_EQ(rd_left(&in.val), 3);
	CHECK(rd_empty(&t.val));
	/* indefinite on a primitive element is invalid */
	static const uint8_t prim[] = { 0x04, 0x80, 0x00, 0x00 };
	CHECK_EQ(read1(prim, sizeof(prim), &t, &used), BER_INVALID);
	/* missing end-of-contents */
	static const uint8_t open[] = { 0x30, 0x80, 0x02, 0x01, 0x07 };
	CHECK_EQ(read1(open, sizeof(open), &t, &used), BER_TRUNCATED);
}

/* 10 000 nested indefinite-length constructions: the depth limit stops the scan,
 * iteratively, without touching the stack. */
static void test_deep_indefinite(void)
{
	size_t depth = 10000, n = depth * 4;
	uint8_t *b = malloc(n);
	for (size_t i = 0; i < depth; i++) {
		b[2 * i] = 0x30;
		b[2 * i + 1] = 0x80;
	}
	for (size_t i = 0; i < depth; i++) {
		b[2 * depth + 2 * i] = 0;
		b[2 * depth + 2 * i + 1] = 0;
	}
	struct ber_tlv t;
	size_t used;
	CHECK_EQ(read1(b, n, &t, &used), BER_TOO_DEEP);
	/* within the limit it works */
	size_t ok = MMSW_BER_MAX_DEPTH - 1;
	for (size_t i = 0; i < ok; i++) {
		b[2 * i] = 0x30;
		b[2 * i + 1] = 0x80;
	}
	for (size_t i = 0; i < ok; i++)
		b[2 * ok + 2 * i] = b[2 * ok + 2 * i + 1] = 0;
	CHECK_EQ(read1(b, ok * 4, &t, &used), BER_OK);
	CHECK_EQ(used, ok * 4);
	free(b);
}

static void test_integers(void)
{
	static const uint8_t neg[] = { 0xff, 0x85 };
	static const uint8_t big[] = { 0x00, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t toobig[] = { 0x01, 0x00, 0x00, 0x00, 0x00 };
	int64_t i;
	uint32_t u;
	CHECK(ber_int64(rd_make(neg, 2), &i));
	CHECK_EQ(i, -123);
	CHECK(!ber_uint32(rd_make(neg, 2), &u));
	CHECK(ber_uint32(rd_make(big, 5), &u));
	CHECK_EQ(u, 0xffffffffu);
	CHECK(!ber_uint32(rd_make(toobig, 5), &u));
	CHECK(!ber_int64(rd_make(big, 0), &i));
	bool bo;
	static const uint8_t t1[] = { 0xff };
	CHECK(ber_bool(rd_make(t1, 1), &bo) && bo);
	CHECK(!ber_bool(rd_make(big, 2), &bo));
}

static void test_bitstring_oid(void)
{
	/* TrgOps dchg+qchg+GI: 84 02 02 64 -> 6 bits 011001 */
	static const uint8_t bs[] = { 0x02, 0x64 };
	struct bview bits;
	uint32_t n;
	CHECK(ber_bitstring(rd_make(bs, 2), &bits, &n));
	CHECK_EQ(n, 6);
	CHECK(!ber_bit(bits, n, 0));
	CHECK(ber_bit(bits, n, 1));
	CHECK(ber_bit(bits, n, 2));
	CHECK(!ber_bit(bits, n, 3));
	CHECK(ber_bit(bits, n, 5));
	CHECK(!ber_bit(bits, n, 6)); /* past the end */
	static const uint8_t badbs[] = { 0x08, 0x00 };
	CHECK(!ber_bitstring(rd_make(badbs, 2), &bits, &n));
	static const uint8_t mms[] = { 0x28, 0xca, 0x22, 0x02, 0x01 };
	char text[64];
	CHECK(ber_oid_text(rd_make(mms, sizeof(mms)), text, sizeof(text)));
	CHECK_STR(text, "1.0.9506.2.1");
	static const uint8_t unfinished[] = { 0x28, 0xca };
	CHECK(!ber_oid_text(rd_make(unfinished, 2), text, sizeof(text)));
	CHECK(!ber_oid_text(rd_make(mms, sizeof(mms)), text, 5)); /* buffer too small */
}

/* struct rd's length and cursor are 32-bit (so it travels in two registers):
 * a view asked for past 4 GiB is clamped, never wrapped to a short one. */
static void test_view_limits(void)
{
	static const uint8_t b[4] = { 1, 2, 3, 4 };
	struct rd r = rd_make(b, sizeof(b));
	CHECK_EQ(rd_left(&r), 4);
	CHECK_EQ(rd_make(NULL, 10).len, 0);
#if SIZE_MAX > UINT32_MAX
	CHECK_EQ(rd_make(b, (size_t)UINT32_MAX + 10).len, UINT32_MAX);
	CHECK_EQ(rd_make(b, ((size_t)1 << 32) + 3).len, UINT32_MAX); /* not 3 */
#endif
}

int main(void)
{
	test_definite();
	test_long_forms();
	test_short_tag_long_lengths();
	test_indefinite();
	test_deep_indefinite();
	test_integers();
	test_bitstring_oid();
	test_view_limits();
	TCHECK_DONE();
}

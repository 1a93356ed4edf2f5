/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rd.h - the one bounded reader every dissector reads packet bytes through.
 *
 * A `struct rd` is a view of [p, p+len) with a cursor. Every accessor checks the
 * bytes are there before touching them and advances only on success, so a failed
 * read leaves the cursor where it was (curl's strparse rule). A length field can
 * only narrow a view (rd_sub), never widen it (tcpdump's nd_push_snaplen rule).
 * No dissector does pointer arithmetic on packet bytes outside this file.
 */
#ifndef MMSW_RD_H
#define MMSW_RD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* 16 bytes, so that the SysV x86-64 ABI passes and returns it in two registers:
 * at 24 (size_t len and off) it went through the stack, and a callee's 16-byte
 * load of what the caller had just stored in two 8-byte halves waited for the
 * stores to retire (no store-to-load forwarding across two stores). Views are of
 * frames and capped buffers: rd_make clamps a length past 4 GiB. */
struct rd {
	const uint8_t *p;
	uint32_t len;
	uint32_t off;
};
_Static_assert(sizeof(struct rd) == 16 && offsetof(struct rd, len) == 8 && offsetof(struct rd, off) == 12 &&
		       sizeof(uintptr_t) == 8,
	       "struct rd: passed in two registers, stored as one or two words (rd_store)");

/* A byte view that outlives the reader: a string or blob inside the PDU. Valid only
 * while the buffer the PDU was decoded from is (the callback's duration). */
struct bview {
	const uint8_t *p;
	uint32_t len;
};

static inline struct rd rd_make(const uint8_t *p, size_t len)
{
	struct rd r = { p, p ? (len > UINT32_MAX ? UINT32_MAX : (uint32_t)len) : 0, 0 };
	return r;
}

/* Storing a view so that later loads of it are forwarded from the stores (a
 * load that needs more than one store waits for them to retire; one contained
 * in a single store is forwarded). A plain assignment is several smaller stores,
 * and after a memset the compiler even leaves out the zero cursor's.
 *
 * rd_store: the whole view as one 16-byte store, for a parser's output, which
 * its caller copies whole (a 16-byte load: session_parse's user data, copied
 * by locate() to pass to pres_parse, was a third of locate's samples).
 * rd_store_words: the pointer, then length and cursor as one 8-byte word, for
 * ber_read's TLV, stored for every element and mostly read field by field or
 * passed on in two registers; making the 16-byte word there costs three more
 * instructions per element, and neither way was faster (docs/performance.md). */
static inline uint64_t rd_len_off_word(struct rd v)
{
	const uint32_t pair[2] = { v.len, v.off };
	uint64_t word;
	memcpy(&word, pair, sizeof(word)); /* the pair's own bytes: any byte order */
	return word;
}
static inline void rd_store_words(struct rd *dst, struct rd v)
{
	const uint64_t word = rd_len_off_word(v);
	dst->p = v.p;
	memcpy(&dst->len, &word, sizeof(word));
}
typedef uint64_t rd_word_pair __attribute__((vector_size(16)));
static inline void rd_store(struct rd *dst, struct rd v)
{
	const rd_word_pair whole = { (uint64_t)(uintptr_t)v.p, rd_len_off_word(v) };
	memcpy(dst, &whole, sizeof(whole));
}

static inline size_t rd_left(const struct rd *r)
{
	return r->len - r->off;
}
/* How far the cursor is from the start of the view. */
static inline size_t rd_pos(const struct rd *r)
{
	return r->off;
}
static inline bool rd_empty(const struct rd *r)
{
	return r->off >= r->len;
}
/* An empty reader may have no buffer at all: NULL + 0 is undefined in C. */
static inline const uint8_t *rd_ptr(const struct rd *r)
{
	return r->p ? r->p + r->off : r->p;
}

static inline bool rd_u8(struct rd *r, uint8_t *v)
{
	if (rd_left(r) < 1)
		return false;
	*v = r->p[r->off++];
	return true;
}

static inline bool rd_peek(const struct rd *r, size_t at, uint8_t *v)
{
	if (rd_left(r) <= at)
		return false;
	*v = r->p[r->off + at];
	return true;
}

static inline bool rd_be16(struct rd *r, uint16_t *v)
{
	if (rd_left(r) < 2)
		return false;
	*v = (uint16_t)((r->p[r->off] << 8) | r->p[r->off + 1]);
	r->off += 2;
	return true;
}

static inline bool rd_be32(struct rd *r, uint32_t *v)
{
	if (rd_left(r) < 4)
		return false;
	*v = ((uint32_t)r->p[r->off] << 24) | ((uint32_t)r->p[r->off + 1] << 16) | ((uint32_t)r->p[r->off + 2] << 8) |
		r->p[r->off + 3];
	r->off += 4;
	return true;
}

static inline bool rd_skip(struct rd *r, size_t n)
{
	if (rd_left(r) < n)
		return false;
	r->off += n;
	return true;
}

/* Take the next n bytes as a view. */
static inline bool rd_view(struct rd *r, size_t n, struct bview *out)
{
	if (rd_left(r) < n || n > UINT32_MAX)
		return false;
	out->p = rd_ptr(r);
	out->len = (uint32_t)n;
	r->off += n;
	return true;
}

/* Take the next n bytes as a narrower reader. On failure *sub is an empty
 * reader, never left unset (with ber_read inline the compiler checks that). */
static inline bool rd_sub(struct rd *r, size_t n, struct rd *sub)
{
	if (rd_left(r) < n) {
		*sub = rd_make(NULL, 0);
		return false;
	}
	*sub = rd_make(rd_ptr(r), n);
	r->off += n;
	return true;
}

/* The rest of the view as a reader (consumes it). */
static inline struct rd rd_rest(struct rd *r)
{
	struct rd sub = rd_make(rd_ptr(r), rd_left(r));
	r->off = r->len;
	return sub;
}

static inline struct bview bview_of(const struct rd *r)
{
	struct bview v = { rd_ptr(r), (uint32_t)rd_left(r) };
	return v;
}

static inline bool bview_eq(struct bview v, const char *s)
{
	size_t n = strlen(s);
	return v.len == n && (n == 0 || memcmp(v.p, s, n) == 0);
}

static inline bool bview_eq_bytes(struct bview v, const uint8_t *b, size_t n)
{
	return v.len == n && (n == 0 || memcmp(v.p, b, n) == 0);
}

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json.c - bounded JSON writer; see json.h. */
#include "util/json.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void jw_init(struct jw *w, char *buf, size_t cap)
{
	w->buf = buf;
	w->len = 0;
	w->cap = cap;
	w->overflow = false;
	w->depth = 0;
	w->first[0] = true;
}

static inline void put(struct jw *w, const char *s, size_t n)
{
	if (w->overflow)
		return;
	if (n > w->cap - w->len) {
		w->overflow = true;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static inline void putc1(struct jw *w, char c)
{
	if (w->overflow)
		return;
	if (w->len >= w->cap) {
		w->overflow = true;
		return;
	}
	w->buf[w->len++] = c;
}

/* Room for n more bytes without a check per byte (the common case: a record
 * is far from its cap); the exact, checked paths take over near the cap, so
 * `overflow` is set exactly when the text would not fit, as before. */
static inline bool roomy(const struct jw *w, size_t n)
{
	return !w->overflow && w->cap - w->len >= n;
}

/* A short copy (keys, small values) without a call: overlapping 8-byte moves. */
static inline void copy_short(char *o, const char *s, size_t n)
{
	if (n >= 8) {
		uint64_t x;
		for (size_t i = 0; i + 8 < n; i += 8) {
			memcpy(&x, s + i, 8);
			memcpy(o + i, &x, 8);
		}
		memcpy(&x, s + n - 8, 8);
		memcpy(o + n - 8, &x, 8);
	} else if (n >= 4) {
		uint32_t x, y;
		memcpy(&x, s, 4);
		memcpy(&y, s + n - 4, 4);
		memcpy(o, &x, 4);
		memcpy(o + n - 4, &y, 4);
	} else {
		for (size_t i = 0; i < n; i++)
			o[i] = s[i];
	}
}

/* Separator and key at o (room checked by the caller: klen + 4); returns the end. */
static inline char *member_at(struct jw *w, char *o, const char *key, size_t klen)
{
	if (!w->first[w->depth])
		*o++ = ',';
	w->first[w->depth] = false;
	if (key) {
		*o++ = '"';
		copy_short(o, key, klen);
		o += klen;
		*o++ = '"';
		*o++ = ':';
	}
	return o;
}

/* Separator and key before a member (inlined: it runs for every member). */
static inline __attribute__((always_inline)) void member(struct jw *w, const char *key, size_t klen)
{
	if (roomy(w, klen + 4)) {
		w->len = (size_t)(member_at(w, w->buf + w->len, key, klen) - w->buf);
		return;
	}
	bool comma = !w->first[w->depth];
	w->first[w->depth] = false;
	if (comma)
		putc1(w, ',');
	if (key) {
		putc1(w, '"');
		put(w, key, klen);
		put(w, "\":", 2);
	}
}

static void open(struct jw *w, const char *key, size_t klen, char c)
{
	if (roomy(w, klen + 5)) {
		char *o = member_at(w, w->buf + w->len, key, klen);
		*o++ = c;
		w->len = (size_t)(o - w->buf);
	} else {
		member(w, key, klen);
		putc1(w, c);
	}
	if (w->depth + 1 >= JW_MAX_DEPTH) {
		w->overflow = true;
		return;
	}
	w->first[++w->depth] = true;
}

static void close_(struct jw *w, char c)
{
	if (w->depth > 0)
		w->depth--;
	putc1(w, c);
}

void jw_obj_k(struct jw *w, const char *key, size_t klen)
{
	open(w, key, klen, '{');
}
void jw_obj_end(struct jw *w)
{
	close_(w, '}');
}
void jw_arr_k(struct jw *w, const char *key, size_t klen)
{
	open(w, key, klen, '[');
}
void jw_arr_end(struct jw *w)
{
	close_(w, ']');
}

static const char HEX[] = "0123456789abcdef";
/* Two characters per value: decimal 00..99 and hexadecimal 00..ff. */
static const char DEC2[200] = "00010203040506070809101112131415161718192021222324"
			      "25262728293031323334353637383940414243444546474849"
			      "50515253545556575859606162636465666768697071727374"
			      "75767778798081828384858687888990919293949596979899";
static const char HEX2[512] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
			      "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
			      "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
			      "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
			      "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
			      "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
			      "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
			      "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

/* Length of a valid UTF-8 sequence at p (n bytes available), or 0. */
static size_t utf8_len(const uint8_t *p, size_t n)
{
	uint8_t c = p[0];
	size_t need;
	uint32_t cp;
	if (c < 0xc2)
		return 0;
	if (c < 0xe0) {
		need = 2;
		cp = c & 0x1f;
	} else if (c < 0xf0) {
		need = 3;
		cp = c & 0x0f;
	} else if (c < 0xf5) {
		need = 4;
		cp = c & 0x07;
	} else
		return 0;
	if (need > n)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (need == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return need;
}

/* Bytes that go into a JSON string as they are. */
static const uint8_t PLAIN[256] = {
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
	R16(0), R16(0), /* 0x00-0x1f: control characters */
	1,      1,      0,      1,      1,      1,      1,      1,      1, 1, 1, 1, 1, 1, 1, 1,       /* 0x22 '"' */
	R16(1), R16(1), 1,      1,      1,      1,      1,      1,      1, 1, 1, 1, 1, 1, 0, 1, 1, 1, /* 0x5c '\\' */
	R16(1), 1,      1,      1,      1,      1,      1,      1,      1, 1, 1, 1, 1, 1, 1, 1, 0,    /* 0x7f DEL */
	R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), /* 0x80-0xff: UTF-8 check */
#undef R16
};

static void escaped_slow(struct jw *w, const uint8_t *p, size_t n);

/* Whether any of the 8 bytes in x needs escaping or a UTF-8 check: below 0x20,
 * '"', '\\', DEL, or 0x80 and up. Exact for "any" (the classic SWAR tests can
 * mark a wrong byte only above a byte that truly matches). */
static inline uint64_t special8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	uint64_t quote = x ^ (ones * '"'), bslash = x ^ (ones * '\\'), del = x ^ (ones * 0x7f);
	uint64_t control = (x - ones * 0x20) & ~x;
	quote = (quote - ones) & ~quote;
	bslash = (bslash - ones) & ~bslash;
	del = (del - ones) & ~del;
	return (control | quote | bslash | del | x) & high;
}

static inline uint32_t special4(uint32_t x)
{
	const uint32_t ones = 0x01010101u, high = 0x80808080u;
	uint32_t quote = x ^ (ones * '"'), bslash = x ^ (ones * '\\'), del = x ^ (ones * 0x7f);
	uint32_t control = (x - ones * 0x20) & ~x;
	quote = (quote - ones) & ~quote;
	bslash = (bslash - ones) & ~bslash;
	del = (del - ones) & ~del;
	return (control | quote | bslash | del | x) & high;
}

/* Inlined into jw_str and jw_strn: most values are strings. */
static inline __attribute__((always_inline)) void escaped(struct jw *w, const uint8_t *p, size_t n)
{
	/* Fast path: room for the worst case (every byte as \u00XX), plain bytes
	 * copied eight at a time without per-byte bounds checks. */
	if (w->overflow || n > (SIZE_MAX - 2) / 6 || 6 * n + 2 > w->cap - w->len) {
		escaped_slow(w, p, n);
		return;
	}
	char *o = w->buf + w->len;
	*o++ = '"';
	/* Most strings need no escaping at all: whole words, the last one
	 * overlapping the one before (its bytes were copied as they are). */
	size_t i = 0;
	if (n >= 8) {
		uint64_t x;
		for (; n - i >= 8; i += 8) {
			memcpy(&x, p + i, 8);
			if (special8(x))
				break;
			memcpy(o + i, &x, 8);
		}
		if (i < n && n - i < 8) {
			memcpy(&x, p + n - 8, 8);
			if (!special8(x)) {
				memcpy(o + n - 8, &x, 8);
				i = n;
			}
		}
	} else if (n >= 4) {
		uint32_t a, b;
		memcpy(&a, p, 4);
		memcpy(&b, p + n - 4, 4);
		if (!special4(a) && !special4(b)) {
			memcpy(o, &a, 4);
			memcpy(o + n - 4, &b, 4);
			i = n;
		}
	}
	o += i;
	while (i < n) {
		if (n - i >= 8) {
			uint64_t x;
			memcpy(&x, p + i, 8);
			if (!special8(x)) {
				memcpy(o, &x, 8);
				o += 8;
				i += 8;
				continue;
			}
		}
		uint8_t c = p[i];
		if (PLAIN[c]) {
			*o++ = (char)c;
			i++;
			continue;
		}
		if (c >= 0x80) {
			size_t u = utf8_len(p + i, n - i);
			if (u) {
				memcpy(o, p + i, u);
				o += u;
				i += u;
				continue;
			}
		}
		i++;
		*o++ = '\\';
		switch (c) {
		case '"':
			*o++ = '"';
			break;
		case '\\':
			*o++ = '\\';
			break;
		case '\n':
			*o++ = 'n';
			break;
		case '\r':
			*o++ = 'r';
			break;
		case '\t':
			*o++ = 't';
			break;
		default:
			*o++ = 'u';
			*o++ = '0';
			*o++ = '0';
			*o++ = HEX[c >> 4];
			*o++ = HEX[c & 15];
		}
	}
	*o++ = '"';
	w->len = (size_t)(o - w->buf);
}

static void escaped_slow(struct jw *w, const uint8_t *p, size_t n)
{
	putc1(w, '"');
	size_t run = 0; /* bytes that need no escaping, copied in one go */
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			run++;
			continue;
		}
		put(w, (const char *)p + i - run, run);
		run = 0;
		if (c >= 0x80) {
			size_t u = utf8_len(p + i, n - i);
			if (u) {
				put(w, (const char *)p + i, u);
				i += u - 1;
				continue;
			}
		}
		char e[6];
		switch (c) {
		case '"':
			put(w, "\\\"", 2);
			break;
		case '\\':
			put(w, "\\\\", 2);
			break;
		case '\n':
			put(w, "\\n", 2);
			break;
		case '\r':
			put(w, "\\r", 2);
			break;
		case '\t':
			put(w, "\\t", 2);
			break;
		default:
			e[0] = '\\';
			e[1] = 'u';
			e[2] = '0';
			e[3] = '0';
			e[4] = HEX[c >> 4];
			e[5] = HEX[c & 15];
			put(w, e, 6);
		}
	}
	put(w, (const char *)p + n - run, run);
	putc1(w, '"');
}

void jw_str_k(struct jw *w, const char *key, size_t klen, const char *s)
{
	if (!s) {
		jw_null_k(w, key, klen);
		return;
	}
	member(w, key, klen);
	escaped(w, (const uint8_t *)s, strlen(s));
}

void jw_strn_k(struct jw *w, const char *key, size_t klen, const void *p, size_t n)
{
	member(w, key, klen);
	escaped(w, p, n);
}

/* Decimal digits of v. */
static inline unsigned digits10(uint64_t v)
{
	unsigned n = 1;
	for (;;) {
		if (v < 10)
			return n;
		if (v < 100)
			return n + 1;
		if (v < 1000)
			return n + 2;
		if (v < 10000)
			return n + 3;
		v /= 10000;
		n += 4;
	}
}

/* v in decimal, exactly n digits (n = digits10(v) or more, zero-padded), at out:
 * two digits per step from a table (integers are most of EVE's values). */
static inline void put_digits(char *out, uint64_t v, unsigned n)
{
	char *o = out + n;
	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);
		v /= 100;
		o -= 2;
		memcpy(o, DEC2 + 2 * r, 2);
	}
	if (v >= 10) {
		o -= 2;
		memcpy(o, DEC2 + 2 * v, 2);
	} else {
		*--o = (char)('0' + v);
	}
	while (o > out)
		*--o = '0';
}

static inline size_t fmt_u64(char *out, uint64_t v)
{
	unsigned n = digits10(v);
	put_digits(out, v, n);
	return n;
}

void jw_u64_k(struct jw *w, const char *key, size_t klen, uint64_t v)
{
	if (roomy(w, klen + 4 + 20)) {
		char *o = member_at(w, w->buf + w->len, key, klen);
		w->len = (size_t)(o + fmt_u64(o, v) - w->buf);
		return;
	}
	char b[24];
	member(w, key, klen);
	put(w, b, fmt_u64(b, v));
}

void jw_i64_k(struct jw *w, const char *key, size_t klen, int64_t v)
{
	char b[24];
	size_t n = 0;
	member(w, key, klen);
	if (v < 0) {
		b[n++] = '-';
		n += fmt_u64(b + 1, (uint64_t)0 - (uint64_t)v);
	} else {
		n = fmt_u64(b, (uint64_t)v);
	}
	put(w, b, n);
}

/* A decimal number from its significant digits dig[0..nd) (no trailing zeros)
 * and the decimal exponent e of the first: fixed notation for e in -5..14,
 * scientific ("1.5e-7", "3e20") beyond. */
static size_t layout(char *out, const char *dig, int nd, int e)
{
	char *o = out;
	if (e >= -5 && e < 15) {
		if (e < 0) {
			*o++ = '0';
			*o++ = '.';
			for (int i = -1; i > e; i--)
				*o++ = '0';
			for (int i = 0; i < nd; i++)
				*o++ = dig[i];
		} else {
			for (int i = 0; i <= e; i++)
				*o++ = i < nd ? dig[i] : '0';
			if (nd > e + 1) {
				*o++ = '.';
				for (int i = e + 1; i < nd; i++)
					*o++ = dig[i];
			}
		}
	} else {
		*o++ = dig[0];
		if (nd > 1) {
			*o++ = '.';
			for (int i = 1; i < nd; i++)
				*o++ = dig[i];
		}
		*o++ = 'e';
		if (e < 0) {
			*o++ = '-';
			e = -e;
		}
		o += fmt_u64(o, (uint64_t)e);
	}
	return (size_t)(o - out);
}

/* Nine significant digits without printf: measurement values are the bulk of
 * report output and snprintf("%.9g") was a tenth of the run. Exact integers
 * print as integers; otherwise a decimal mantissa from one multiplication by a
 * power of ten, fixed notation for exponents -5..14, scientific beyond. */
static size_t fmt_double(char *out, double v)
{
	static const double P10[] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
				      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
	char *o = out;
	if (v < 0) {
		*o++ = '-';
		v = -v;
	}
	if (v == 0) {
		*o++ = '0';
		return (size_t)(o - out);
	}
	if (v < 1e15 && v == (double)(uint64_t)v)
		return (size_t)(o - out) + fmt_u64(o, (uint64_t)v);
	int e = (int)floor(log10(v));
	int shift = 8 - e; /* scale so the mantissa has 9 digits */
	double scaled;
	if (shift >= 0)
		scaled = shift <= 22 ? v * P10[shift] : v * pow(10, shift);
	else
		scaled = -shift <= 22 ? v / P10[-shift] : v / pow(10, -shift);
	uint64_t m = (uint64_t)llround(scaled);
	if (m >= 1000000000ull) { /* rounding carried into a tenth digit */
		m = (m + 5) / 10;
		e++;
	} else if (m < 100000000ull) {
		m *= 10;
		e--;
	}
	char dig[10];
	for (int i = 8; i >= 0; i--) {
		dig[i] = (char)('0' + m % 10);
		m /= 10;
	}
	int nd = 9;
	while (nd > 1 && dig[nd - 1] == '0')
		nd--;
	return (size_t)(o - out) + layout(o, dig, nd, e);
}

void jw_double_k(struct jw *w, const char *key, size_t klen, double v)
{
	char b[40];
	if (!isfinite(v)) {
		/* JSON has no NaN or infinity: keep the fact as a string. */
		jw_str_k(w, key, klen, isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
		return;
	}
	member(w, key, klen);
	put(w, b, fmt_double(b, v));
}

/* Powers of ten a double holds exactly. */
static const double EXACT_P10[] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
				    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };

/* v (> 0) rounded to nd significant digits by printf, split into digits and the
 * exponent; the value those digits denote, read back by strtod. */
static double digits_printf(double v, int nd, char *dig, int *e)
{
	char b[40];
	int n = snprintf(b, sizeof(b), "%.*e", nd - 1, v);
	int k = 0;
	for (int i = 0; i < n && b[i] != 'e'; i++)
		if (b[i] >= '0' && b[i] <= '9' && k < nd)
			dig[k++] = b[i];
	const char *x = strchr(b, 'e');
	*e = x ? atoi(x + 1) : 0;
	return strtod(b, NULL);
}

/* v (> 0) rounded to nd (<= 9) significant digits by arithmetic that is exact
 * (one correctly rounded multiplication or division by an exact power of ten);
 * false when the exponent is beyond what that covers. */
static bool digits_exact(double v, int nd, char *dig, int *e, double *back)
{
	for (int pass = 0; pass < 2; pass++) {
		int shift = nd - 1 - *e;
		if (shift > 22 || shift < -22)
			return false;
		double scaled = shift >= 0 ? v * EXACT_P10[shift] : v / EXACT_P10[-shift];
		uint64_t m = (uint64_t)llround(scaled);
		uint64_t lo = (uint64_t)EXACT_P10[nd - 1], hi = lo * 10;
		if (m >= hi || m < lo) { /* log10's floor was one off, or rounding carried */
			*e += m >= hi ? 1 : -1;
			continue;
		}
		*back = shift >= 0 ? (double)m / EXACT_P10[shift] : (double)m * EXACT_P10[-shift];
		for (int i = nd - 1; i >= 0; i--) {
			dig[i] = (char)('0' + m % 10);
			m /= 10;
		}
		return true;
	}
	return false;
}

/* The fewest significant digits (from lo up to hi) that read back as the same
 * value: a float32 read back as a double then narrowed, a double as itself. */
static size_t fmt_roundtrip(char *out, double v, bool single, int lo, int hi)
{
	char *o = out;
	if (v < 0) {
		*o++ = '-';
		v = -v;
	}
	if (v == 0) {
		*o++ = '0';
		return (size_t)(o - out);
	}
	if (v < 1e15 && v == (double)(uint64_t)v)
		return (size_t)(o - out) + fmt_u64(o, (uint64_t)v);
	char dig[20];
	int e = 0, nd = hi;
	for (nd = lo; nd <= hi; nd++) {
		double back;
		e = (int)floor(log10(v));
		if (!single || nd > 9 || !digits_exact(v, nd, dig, &e, &back))
			back = digits_printf(v, nd, dig, &e);
		if (single ? (float)back == (float)v : back == v)
			break;
	}
	if (nd > hi) { /* hi digits always read back; printf's own rounding, to be sure */
		nd = hi;
		digits_printf(v, nd, dig, &e);
	}
	while (nd > 1 && dig[nd - 1] == '0')
		nd--;
	return (size_t)(o - out) + layout(o, dig, nd, e);
}

static bool not_finite(struct jw *w, const char *key, size_t klen, double v)
{
	if (isfinite(v))
		return false;
	jw_str_k(w, key, klen, isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
	return true;
}

void jw_float32_k(struct jw *w, const char *key, size_t klen, float v)
{
	char b[40];
	if (not_finite(w, key, klen, v))
		return;
	member(w, key, klen);
	/* A subnormal has fewer significant bits: it may need fewer than 6 digits. */
	put(w, b, fmt_roundtrip(b, v, true, fabsf(v) < FLT_MIN ? 1 : 6, 9));
}

void jw_float64_k(struct jw *w, const char *key, size_t klen, double v)
{
	char b[40];
	if (not_finite(w, key, klen, v))
		return;
	member(w, key, klen);
	put(w, b, fmt_roundtrip(b, v, false, 9, 17));
}

void jw_bool_k(struct jw *w, const char *key, size_t klen, bool v)
{
	member(w, key, klen);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void jw_null_k(struct jw *w, const char *key, size_t klen)
{
	member(w, key, klen);
	put(w, "null", 4);
}

void jw_hex_k(struct jw *w, const char *key, size_t klen, const void *p, size_t n)
{
	const uint8_t *b = p;
	member(w, key, klen);
	putc1(w, '"');
	if (!w->overflow && 2 * n + 1 <= w->cap - w->len) {
		char *o = w->buf + w->len;
		for (size_t i = 0; i < n; i++, o += 2)
			memcpy(o, HEX2 + 2 * b[i], 2);
		w->len += 2 * n;
	} else {
		w->overflow = true;
	}
	putc1(w, '"');
}

/* The eight bits of a byte as '0'/'1' characters, most significant first, in
 * one 64-bit store: bit i spread to byte i, then byte order reversed. */
static inline uint64_t bit_chars(uint8_t b)
{
	uint64_t x = b;
	x = (x | (x << 28)) & 0x0000000f0000000full;
	x = (x | (x << 14)) & 0x0003000300030003ull;
	x = (x | (x << 7)) & 0x0101010101010101ull;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	return x + 0x3030303030303030ull;
}

void jw_bits_k(struct jw *w, const char *key, size_t klen, const uint8_t *p, uint32_t nbits)
{
	member(w, key, klen);
	putc1(w, '"');
	if (!w->overflow && (size_t)nbits + 1 <= w->cap - w->len) {
		char *o = w->buf + w->len;
		uint32_t i = 0;
		for (; i + 8 <= nbits; i += 8, o += 8) {
			uint64_t c = bit_chars(p[i / 8]);
			memcpy(o, &c, 8);
		}
		if (i < nbits) { /* the first bits of the last byte */
			uint64_t c = bit_chars(p[i / 8]);
			copy_short(o, (const char *)&c, nbits - i);
			o += nbits - i;
		}
		w->len = (size_t)(o - w->buf);
	} else {
		w->overflow = true;
	}
	putc1(w, '"');
}

void jw_raw_k(struct jw *w, const char *key, size_t klen, const char *text, size_t n)
{
	member(w, key, klen);
	put(w, text, n);
}

/* EVE's timestamp form, UTC with microseconds: "2026-12-04T20:37:05.123456Z".
 * The date and time of day are formatted once per second (records come in
 * time order), per thread; the microseconds from the digit-pair table. The
 * text is digits and punctuation only: nothing in it needs escaping. */
void jw_timestamp_k(struct jw *w, const char *key, size_t klen, int64_t ts_us)
{
	static __thread int64_t cached_sec = INT64_MIN;
	static __thread char cached[24];
	static __thread size_t cached_len;
	int64_t sec = ts_us >= 0 ? ts_us / 1000000 : (ts_us - 999999) / 1000000;
	uint32_t usec = (uint32_t)(ts_us - sec * 1000000);
	if (sec != cached_sec) {
		struct tm tm;
		time_t t = (time_t)sec;
		gmtime_r(&t, &tm);
		cached_len = strftime(cached, sizeof(cached), "%Y-%m-%dT%H:%M:%S", &tm);
		cached_sec = sec;
	}
	char s[40];
	memcpy(s, cached, cached_len);
	size_t n = cached_len;
	s[n++] = '.';
	put_digits(s + n, usec, 6);
	n += 6;
	s[n++] = 'Z';
	if (!roomy(w, klen + 4 + n + 2)) {
		jw_strn_k(w, key, klen, s, n);
		return;
	}
	char *o = member_at(w, w->buf + w->len, key, klen);
	*o++ = '"';
	memcpy(o, s, n);
	o += n;
	*o++ = '"';
	w->len = (size_t)(o - w->buf);
}

/* Decimal digits of v, zero-padded to width, at p (no terminator); returns the
 * end. For the time and number forms the JSON values are built from. */
char *jw_digits(char *p, uint64_t v, unsigned width)
{
	unsigned n = digits10(v);
	if (n < width)
		n = width < 20 ? width : 20;
	put_digits(p, v, n);
	return p + n;
}

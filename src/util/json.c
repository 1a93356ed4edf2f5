/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json.c - bounded JSON writer; see json.h. */
#include "util/json.h"

#include <float.h>
#include <math.h>
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

/* Separator and key before a member. */
/* Separator and key before a member. Keys are short program literals: copied
 * in one pass when the buffer has room (the common case), checked otherwise. */
static void member(struct jw *w, const char *key)
{
	bool comma = !w->first[w->depth];
	w->first[w->depth] = false;
	if (!w->overflow && w->cap - w->len >= 72) {
		char *o = w->buf + w->len;
		if (comma)
			*o++ = ',';
		if (key) {
			*o++ = '"';
			size_t i = 0;
			while (key[i] && i < 64)
				*o++ = key[i++];
			if (key[i]) { /* a key over 64 bytes: not ours; take the slow path */
				w->len = (size_t)(o - w->buf);
				put(w, key + i, strlen(key + i));
				put(w, "\":", 2);
				return;
			}
			*o++ = '"';
			*o++ = ':';
		}
		w->len = (size_t)(o - w->buf);
		return;
	}
	if (comma)
		putc1(w, ',');
	if (key) {
		putc1(w, '"');
		put(w, key, strlen(key));
		put(w, "\":", 2);
	}
}

static void open(struct jw *w, const char *key, char c)
{
	member(w, key);
	putc1(w, c);
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

void jw_obj(struct jw *w, const char *key)
{
	open(w, key, '{');
}
void jw_obj_end(struct jw *w)
{
	close_(w, '}');
}
void jw_arr(struct jw *w, const char *key)
{
	open(w, key, '[');
}
void jw_arr_end(struct jw *w)
{
	close_(w, ']');
}

static const char HEX[] = "0123456789abcdef";

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

static void escaped(struct jw *w, const uint8_t *p, size_t n)
{
	/* Fast path: room for the worst case (every byte as \u00XX), and plain
	 * bytes copied without per-byte bounds checks. */
	if (w->overflow || n > (w->cap - w->len) / 6 || w->cap - w->len - 6 * n < 2) {
		escaped_slow(w, p, n);
		return;
	}
	char *o = w->buf + w->len;
	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (PLAIN[c]) {
			*o++ = (char)c;
			continue;
		}
		if (c >= 0x80) {
			size_t u = utf8_len(p + i, n - i);
			if (u) {
				memcpy(o, p + i, u);
				o += u;
				i += u - 1;
				continue;
			}
		}
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

void jw_str(struct jw *w, const char *key, const char *s)
{
	if (!s) {
		jw_null(w, key);
		return;
	}
	member(w, key);
	escaped(w, (const uint8_t *)s, strlen(s));
}

void jw_strn(struct jw *w, const char *key, const void *p, size_t n)
{
	member(w, key);
	escaped(w, p, n);
}

static size_t fmt_u64(char *out, uint64_t v)
{
	char tmp[24];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

void jw_u64(struct jw *w, const char *key, uint64_t v)
{
	char b[24];
	member(w, key);
	put(w, b, fmt_u64(b, v));
}

void jw_i64(struct jw *w, const char *key, int64_t v)
{
	char b[24];
	size_t n = 0;
	member(w, key);
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

void jw_double(struct jw *w, const char *key, double v)
{
	char b[40];
	if (!isfinite(v)) {
		/* JSON has no NaN or infinity: keep the fact as a string. */
		jw_str(w, key, isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
		return;
	}
	member(w, key);
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

static bool not_finite(struct jw *w, const char *key, double v)
{
	if (isfinite(v))
		return false;
	jw_str(w, key, isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
	return true;
}

void jw_float32(struct jw *w, const char *key, float v)
{
	char b[40];
	if (not_finite(w, key, v))
		return;
	member(w, key);
	/* A subnormal has fewer significant bits: it may need fewer than 6 digits. */
	put(w, b, fmt_roundtrip(b, v, true, fabsf(v) < FLT_MIN ? 1 : 6, 9));
}

void jw_float64(struct jw *w, const char *key, double v)
{
	char b[40];
	if (not_finite(w, key, v))
		return;
	member(w, key);
	put(w, b, fmt_roundtrip(b, v, false, 9, 17));
}

void jw_bool(struct jw *w, const char *key, bool v)
{
	member(w, key);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void jw_null(struct jw *w, const char *key)
{
	member(w, key);
	put(w, "null", 4);
}

void jw_hex(struct jw *w, const char *key, const void *p, size_t n)
{
	const uint8_t *b = p;
	member(w, key);
	putc1(w, '"');
	if (!w->overflow && 2 * n + 1 <= w->cap - w->len) {
		for (size_t i = 0; i < n; i++) {
			w->buf[w->len++] = HEX[b[i] >> 4];
			w->buf[w->len++] = HEX[b[i] & 15];
		}
	} else {
		w->overflow = true;
	}
	putc1(w, '"');
}

void jw_bits(struct jw *w, const char *key, const uint8_t *p, uint32_t nbits)
{
	member(w, key);
	putc1(w, '"');
	if (!w->overflow && (size_t)nbits + 1 <= w->cap - w->len) {
		for (uint32_t i = 0; i < nbits; i++)
			w->buf[w->len++] = (p[i / 8] >> (7 - i % 8)) & 1 ? '1' : '0';
	} else {
		w->overflow = true;
	}
	putc1(w, '"');
}

void jw_raw(struct jw *w, const char *key, const char *text, size_t n)
{
	member(w, key);
	put(w, text, n);
}

/* EVE's timestamp form, UTC with microseconds: "2026-12-04T20:37:05.123456Z"
 * (the date part is cached: records come in time order). */
void jw_timestamp(struct jw *w, const char *key, int64_t ts_us)
{
	static int64_t cached_sec = INT64_MIN;
	static char cached[24];
	int64_t sec = ts_us >= 0 ? ts_us / 1000000 : (ts_us - 999999) / 1000000;
	int64_t usec = ts_us - sec * 1000000;
	if (sec != cached_sec) {
		struct tm tm;
		time_t t = (time_t)sec;
		gmtime_r(&t, &tm);
		strftime(cached, sizeof(cached), "%Y-%m-%dT%H:%M:%S", &tm);
		cached_sec = sec;
	}
	char s[40];
	size_t n = strlen(cached);
	memcpy(s, cached, n);
	s[n++] = '.';
	for (int i = 5; i >= 0; i--) {
		s[n + (size_t)i] = (char)('0' + usec % 10);
		usec /= 10;
	}
	n += 6;
	s[n++] = 'Z';
	jw_strn(w, key, s, n);
}

/* Decimal digits of v, zero-padded to width, at p (no terminator); returns the
 * end. For the time and number forms the JSON values are built from. */
char *jw_digits(char *p, uint64_t v, unsigned width)
{
	char tmp[20];
	unsigned n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < sizeof(tmp));
	while (n < width && n < sizeof(tmp))
		tmp[n++] = '0';
	while (n)
		*p++ = tmp[--n];
	return p;
}

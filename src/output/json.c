/* json.c - bounded JSON writer; see json.h. */
#include "json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

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
static void member(struct jw *w, const char *key)
{
	if (!w->first[w->depth])
		putc1(w, ',');
	w->first[w->depth] = false;
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

void jw_obj(struct jw *w, const char *key) { open(w, key, '{'); }
void jw_obj_end(struct jw *w) { close_(w, '}'); }
void jw_arr(struct jw *w, const char *key) { open(w, key, '['); }
void jw_arr_end(struct jw *w) { close_(w, ']'); }

static const char HEX[] = "0123456789abcdef";

/* Length of a valid UTF-8 sequence at p (n bytes available), or 0. */
static size_t utf8_len(const uint8_t *p, size_t n)
{
	uint8_t c = p[0];
	size_t need;
	uint32_t cp;
	if (c < 0xc2)
		return 0;
	if (c < 0xe0) { need = 2; cp = c & 0x1f; }
	else if (c < 0xf0) { need = 3; cp = c & 0x0f; }
	else if (c < 0xf5) { need = 4; cp = c & 0x07; }
	else return 0;
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

static void escaped(struct jw *w, const uint8_t *p, size_t n)
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
		case '"': put(w, "\\\"", 2); break;
		case '\\': put(w, "\\\\", 2); break;
		case '\n': put(w, "\\n", 2); break;
		case '\r': put(w, "\\r", 2); break;
		case '\t': put(w, "\\t", 2); break;
		default:
			e[0] = '\\'; e[1] = 'u'; e[2] = '0'; e[3] = '0';
			e[4] = HEX[c >> 4]; e[5] = HEX[c & 15];
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

void jw_double(struct jw *w, const char *key, double v)
{
	char b[32];
	if (!isfinite(v)) {
		/* JSON has no NaN or infinity: keep the fact as a string. */
		jw_str(w, key, isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
		return;
	}
	member(w, key);
	int n = snprintf(b, sizeof(b), "%.9g", v);
	if (n > 0)
		put(w, b, (size_t)n);
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

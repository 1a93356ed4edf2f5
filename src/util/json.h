/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json.h - a JSON writer into a caller's fixed buffer (never grows, never fails
 * loudly: past the end it sets `overflow` and writes nothing more, so a record is
 * either whole or marked truncated by the caller).
 *
 * Keys are program literals and are not escaped; every value that came off the
 * wire goes through jw_strn(), which escapes control characters, quotes and
 * backslashes and turns bytes that are not valid UTF-8 into \u00XX. */
#ifndef MMSW_JSON_H
#define MMSW_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JW_MAX_DEPTH 64

struct jw {
	char *buf;
	size_t len, cap;
	bool overflow;
	int depth;
	bool first[JW_MAX_DEPTH]; /* no member written yet at this level */
};

void jw_init(struct jw *w, char *buf, size_t cap);
/* Objects and arrays; key is NULL inside arrays and at the top level. */
void jw_obj(struct jw *w, const char *key);
void jw_obj_end(struct jw *w);
void jw_arr(struct jw *w, const char *key);
void jw_arr_end(struct jw *w);
void jw_str(struct jw *w, const char *key, const char *s);
void jw_strn(struct jw *w, const char *key, const void *p, size_t n);
void jw_u64(struct jw *w, const char *key, uint64_t v);
void jw_i64(struct jw *w, const char *key, int64_t v);
void jw_double(struct jw *w, const char *key, double v);
/* An MMS floating-point value in the fewest significant digits that read back as
 * the same value: a float32 (6 to 9 digits) read back and narrowed to float, a
 * double (9 to 17) read back. NaN and infinities as strings, as jw_double. */
void jw_float32(struct jw *w, const char *key, float v);
void jw_float64(struct jw *w, const char *key, double v);
void jw_bool(struct jw *w, const char *key, bool v);
void jw_null(struct jw *w, const char *key);
void jw_hex(struct jw *w, const char *key, const void *p, size_t n);
/* A BIT STRING as a string of '0' and '1'. */
void jw_bits(struct jw *w, const char *key, const uint8_t *p, uint32_t nbits);
/* Already-formatted JSON text (a number or a literal built by the program). */
void jw_raw(struct jw *w, const char *key, const char *text, size_t n);
/* Bytes left before the cap (to bound optional sections). */
static inline size_t jw_room(const struct jw *w)
{
	return w->overflow ? 0 : w->cap - w->len;
}

/* A packet time (microseconds since the epoch) as EVE writes it. */
void jw_timestamp(struct jw *w, const char *key, int64_t ts_us);

/* v in decimal at p, zero-padded to width (at most 20 digits); returns the end. */
char *jw_digits(char *p, uint64_t v, unsigned width);

#endif

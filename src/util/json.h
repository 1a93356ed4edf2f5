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

/* The writers below take each key with its length (the _k functions); the
 * inline wrappers pass strlen of the key, which the compiler works out for the
 * program's literal keys, so no member pays a strlen or a byte-by-byte copy of
 * its key. key NULL (inside arrays, at the top level) has length 0. */
static inline size_t jw_keylen(const char *key)
{
	return key ? __builtin_strlen(key) : 0;
}
void jw_obj_k(struct jw *w, const char *key, size_t klen);
void jw_arr_k(struct jw *w, const char *key, size_t klen);
void jw_str_k(struct jw *w, const char *key, size_t klen, const char *s);
void jw_strn_k(struct jw *w, const char *key, size_t klen, const void *p, size_t n);
void jw_u64_k(struct jw *w, const char *key, size_t klen, uint64_t v);
void jw_i64_k(struct jw *w, const char *key, size_t klen, int64_t v);
void jw_double_k(struct jw *w, const char *key, size_t klen, double v);
void jw_float32_k(struct jw *w, const char *key, size_t klen, float v);
void jw_float64_k(struct jw *w, const char *key, size_t klen, double v);
void jw_bool_k(struct jw *w, const char *key, size_t klen, bool v);
void jw_null_k(struct jw *w, const char *key, size_t klen);
void jw_hex_k(struct jw *w, const char *key, size_t klen, const void *p, size_t n);
void jw_bits_k(struct jw *w, const char *key, size_t klen, const uint8_t *p, uint32_t nbits);
void jw_raw_k(struct jw *w, const char *key, size_t klen, const char *text, size_t n);
void jw_timestamp_k(struct jw *w, const char *key, size_t klen, int64_t ts_us);

/* Objects and arrays; key is NULL inside arrays and at the top level. */
static inline void jw_obj(struct jw *w, const char *key)
{
	jw_obj_k(w, key, jw_keylen(key));
}
void jw_obj_end(struct jw *w);
static inline void jw_arr(struct jw *w, const char *key)
{
	jw_arr_k(w, key, jw_keylen(key));
}
void jw_arr_end(struct jw *w);
static inline void jw_str(struct jw *w, const char *key, const char *s)
{
	jw_str_k(w, key, jw_keylen(key), s);
}
static inline void jw_strn(struct jw *w, const char *key, const void *p, size_t n)
{
	jw_strn_k(w, key, jw_keylen(key), p, n);
}
static inline void jw_u64(struct jw *w, const char *key, uint64_t v)
{
	jw_u64_k(w, key, jw_keylen(key), v);
}
static inline void jw_i64(struct jw *w, const char *key, int64_t v)
{
	jw_i64_k(w, key, jw_keylen(key), v);
}
static inline void jw_double(struct jw *w, const char *key, double v)
{
	jw_double_k(w, key, jw_keylen(key), v);
}
/* An MMS floating-point value in the fewest significant digits that read back as
 * the same value: a float32 (6 to 9 digits) read back and narrowed to float, a
 * double (9 to 17) read back. NaN and infinities as strings, as jw_double. */
static inline void jw_float32(struct jw *w, const char *key, float v)
{
	jw_float32_k(w, key, jw_keylen(key), v);
}
static inline void jw_float64(struct jw *w, const char *key, double v)
{
	jw_float64_k(w, key, jw_keylen(key), v);
}
static inline void jw_bool(struct jw *w, const char *key, bool v)
{
	jw_bool_k(w, key, jw_keylen(key), v);
}
static inline void jw_null(struct jw *w, const char *key)
{
	jw_null_k(w, key, jw_keylen(key));
}
static inline void jw_hex(struct jw *w, const char *key, const void *p, size_t n)
{
	jw_hex_k(w, key, jw_keylen(key), p, n);
}
/* A BIT STRING as a string of '0' and '1'. */
static inline void jw_bits(struct jw *w, const char *key, const uint8_t *p, uint32_t nbits)
{
	jw_bits_k(w, key, jw_keylen(key), p, nbits);
}
/* Already-formatted JSON text (a number or a literal built by the program). */
static inline void jw_raw(struct jw *w, const char *key, const char *text, size_t n)
{
	jw_raw_k(w, key, jw_keylen(key), text, n);
}
/* Bytes left before the cap (to bound optional sections). */
static inline size_t jw_room(const struct jw *w)
{
	return w->overflow ? 0 : w->cap - w->len;
}

/* A packet time (microseconds since the epoch) as EVE writes it. */
static inline void jw_timestamp(struct jw *w, const char *key, int64_t ts_us)
{
	jw_timestamp_k(w, key, jw_keylen(key), ts_us);
}

/* v in decimal at p, zero-padded to width (at most 20 digits); returns the end. */
char *jw_digits(char *p, uint64_t v, unsigned width);

#endif

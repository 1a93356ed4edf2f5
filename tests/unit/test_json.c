/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_json.c - the bounded JSON writer: escaping of hostile bytes, caps, nesting. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tcheck.h"
#include "util/json.h"

static const char *done(struct jw *w)
{
	w->buf[w->len < w->cap ? w->len : w->cap - 1] = 0;
	return w->buf;
}


/* The escaping json.c does, byte by byte, as the reference for its fast paths
 * (the specials the cases below use: quote, backslash, controls, DEL, a lone
 * 0x80/0xff and a valid two-byte "é"). */
static size_t ref_escape(const uint8_t *p, size_t n, char *out)
{
	char *o = out;
	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c == 0xc3 && i + 1 < n && p[i + 1] == 0xa9) {
			*o++ = (char)c;
			*o++ = (char)p[++i];
		} else if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else if (c < 0x20 || c >= 0x7f) {
			o += sprintf(o, "\\u%04x", c);
		} else {
			*o++ = (char)c;
		}
	}
	*o++ = '"';
	return (size_t)(o - out);
}

/* Every length up to 40 with one special byte at every place (and none): the
 * word-at-a-time copy, its overlapping last word, the 4-byte case and the byte
 * loop all agree with the reference; with the cap exactly at the text's end it
 * fits, one byte short it overflows. */
static void escaping_boundaries(void)
{
	static const uint8_t specials[] = { '"', '\\', 0x00, 0x1f, '\n', 0x7f, 0x80, 0xff, 0xc3 };
	uint8_t in[48];
	char want[400], buf[400];
	for (size_t n = 0; n <= 40; n++) {
		for (size_t at = 0; at <= n; at++) {
			for (size_t k = 0; k < sizeof(specials); k++) {
				for (size_t i = 0; i < n; i++)
					in[i] = (uint8_t)('a' + (i * 7) % 26);
				if (at < n) {
					in[at] = specials[k];
					if (specials[k] == 0xc3 && at + 1 < n)
						in[at + 1] = 0xa9;
				}
				size_t wl = ref_escape(in, n, want);
				struct jw w;
				jw_init(&w, buf, sizeof(buf));
				jw_strn(&w, NULL, in, n);
				CHECK(!w.overflow && w.len == wl && memcmp(buf, want, wl) == 0);
				jw_init(&w, buf, wl); /* exactly enough: the checked path */
				jw_strn(&w, NULL, in, n);
				CHECK(!w.overflow && w.len == wl && memcmp(buf, want, wl) == 0);
				jw_init(&w, buf, wl - 1);
				jw_strn(&w, NULL, in, n);
				CHECK(w.overflow);
				if (at == n)
					break; /* no special byte: one case is enough */
			}
		}
	}
	/* keys of every length up to 70 (the short copies, and past 64) */
	char key[80];
	for (size_t n = 1; n <= 70; n++) {
		memset(key, 'k', n);
		key[n] = 0;
		struct jw w;
		jw_init(&w, buf, sizeof(buf));
		jw_obj(&w, NULL);
		jw_u64(&w, key, 7);
		jw_u64(&w, key, 8);
		jw_obj_end(&w);
		int wl = snprintf(want, sizeof(want), "{\"%s\":7,\"%s\":8}", key, key);
		CHECK(!w.overflow && w.len == (size_t)wl && memcmp(buf, want, (size_t)wl) == 0);
	}
}

/* Integers at every digit count and the extremes, against printf; zero-padded
 * digits; bit strings of every length to 24 bits; hex; timestamps. */
static void numbers_bits_times(void)
{
	char buf[400], want[400];
	struct jw w;
	uint64_t v = 0;
	for (int d = 0; d <= 20; d++) {
		uint64_t cases[] = { v, v + 1, v ? v - 1 : 0, v * 3 + 7 };
		for (size_t c = 0; c < 4; c++) {
			jw_init(&w, buf, sizeof(buf));
			jw_u64(&w, NULL, cases[c]);
			int wl = snprintf(want, sizeof(want), "%llu", (unsigned long long)cases[c]);
			CHECK(w.len == (size_t)wl && memcmp(buf, want, (size_t)wl) == 0);
			jw_init(&w, buf, sizeof(buf));
			jw_i64(&w, NULL, -(int64_t)(cases[c] >> 1));
			wl = snprintf(want, sizeof(want), "%lld", -(long long)(cases[c] >> 1));
			CHECK(w.len == (size_t)wl && memcmp(buf, want, (size_t)wl) == 0);
		}
		v = v ? v * 10 : 1;
	}
	jw_init(&w, buf, sizeof(buf));
	jw_u64(&w, NULL, UINT64_MAX);
	CHECK(w.len == 20 && memcmp(buf, "18446744073709551615", 20) == 0);
	jw_init(&w, buf, 19); /* one byte short: overflow, never a partial number */
	jw_u64(&w, NULL, UINT64_MAX);
	CHECK(w.overflow);
	char *e = jw_digits(buf, 5, 6);
	CHECK(e - buf == 6 && memcmp(buf, "000005", 6) == 0);
	e = jw_digits(buf, 123456789, 3);
	CHECK(e - buf == 9 && memcmp(buf, "123456789", 9) == 0);
	e = jw_digits(buf, 0, 0);
	CHECK(e - buf == 1 && buf[0] == '0');
	e = jw_digits(buf, UINT64_MAX, 25); /* at most 20 digits */
	CHECK(e - buf == 20 && memcmp(buf, "18446744073709551615", 20) == 0);

	static const uint8_t bits[] = { 0xa5, 0x0f, 0x81, 0xff };
	for (uint32_t nb = 0; nb <= 24; nb++) {
		char *o = want;
		*o++ = '"';
		for (uint32_t i = 0; i < nb; i++)
			*o++ = (bits[i / 8] >> (7 - i % 8)) & 1 ? '1' : '0';
		*o++ = '"';
		jw_init(&w, buf, sizeof(buf));
		jw_bits(&w, NULL, bits, nb);
		CHECK(!w.overflow && w.len == (size_t)(o - want) && memcmp(buf, want, w.len) == 0);
		jw_init(&w, buf, (size_t)(o - want) - 1);
		jw_bits(&w, NULL, bits, nb);
		CHECK(w.overflow);
	}
	jw_init(&w, buf, sizeof(buf));
	jw_hex(&w, NULL, bits, sizeof(bits));
	CHECK(w.len == 10 && memcmp(buf, "\"a50f81ff\"", 10) == 0);

	static const struct {
		int64_t us;
		const char *text;
	} times[] = {
		{ 0, "\"1970-01-01T00:00:00.000000Z\"" },
		{ -1, "\"1969-12-31T23:59:59.999999Z\"" },
		{ 1764950225123456, "\"2025-12-05T15:57:05.123456Z\"" },
		{ 1764950225000007, "\"2025-12-05T15:57:05.000007Z\"" }, /* same second, cached date */
		{ 1764950226990000, "\"2025-12-05T15:57:06.990000Z\"" },
	};
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		jw_init(&w, buf, sizeof(buf));
		jw_timestamp(&w, NULL, times[i].us);
		CHECK(w.len == strlen(times[i].text) && memcmp(buf, times[i].text, w.len) == 0);
	}
	jw_init(&w, buf, 28); /* one byte short */
	jw_timestamp(&w, NULL, 0);
	CHECK(w.overflow);
}

int main(void)
{
	char buf[256];
	struct jw w;

	jw_init(&w, buf, sizeof(buf) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "a", "x");
	jw_u64(&w, "n", 18446744073709551615ull);
	jw_i64(&w, "m", -9223372036854775807ll - 1);
	jw_arr(&w, "l");
	jw_bool(&w, NULL, true);
	jw_null(&w, NULL);
	jw_double(&w, NULL, 1.5);
	jw_double(&w, NULL, NAN);
	jw_arr_end(&w);
	jw_obj_end(&w);
	CHECK(!w.overflow);
	CHECK_STR(done(&w),
		  "{\"a\":\"x\",\"n\":18446744073709551615,\"m\":-9223372036854775808,"
		  "\"l\":[true,null,1.5,\"nan\"]}");

	/* Markup, quotes, control bytes, invalid UTF-8 and a valid multi-byte char. */
	static const uint8_t hostile[] = { '<',  's',  '>',  '"',  '\\', 0x00, 0x1f,
					   '\n', 0xff, 0xc3, 0xa9, 0xed, 0xa0, 0x80 };
	jw_init(&w, buf, sizeof(buf) - 1);
	jw_strn(&w, NULL, hostile, sizeof(hostile));
	CHECK_STR(done(&w), "\"<s>\\\"\\\\\\u0000\\u001f\\n\\u00ff\xc3\xa9\\u00ed\\u00a0\\u0080\"");

	jw_init(&w, buf, sizeof(buf) - 1);
	static const uint8_t bits[] = { 0x64 };
	jw_bits(&w, NULL, bits, 6);
	CHECK_STR(done(&w), "\"011001\"");
	jw_init(&w, buf, sizeof(buf) - 1);
	jw_hex(&w, NULL, "\x01\xab", 2);
	CHECK_STR(done(&w), "\"01ab\"");

	/* Numbers without printf: exact cases, then 9 significant digits round-trip. */
	static const struct {
		double v;
		const char *s;
	} cases[] = {
		{ 0.1, "0.1" },
		{ -2.5, "-2.5" },
		{ 123456789.0, "123456789" },
		{ 1e20, "1e20" },
		{ 3.14159265, "3.14159265" },
		{ 0.000012345, "0.000012345" },
		{ 1.5e-7, "1.5e-7" },
		{ 0.0, "0" },
		{ 100.25, "100.25" },
		{ 9.99999999e14, "999999999000000" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		jw_init(&w, buf, sizeof(buf) - 1);
		jw_double(&w, NULL, cases[i].v);
		CHECK_STR(done(&w), cases[i].s);
	}
	unsigned long long seed = 12345;
	int bad = 0;
	for (int i = 0; i < 100000; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		double v = (double)(seed >> 11) / (double)(1ull << 53);
		v = (v - 0.5) * pow(10, (int)(seed % 40) - 20);
		jw_init(&w, buf, sizeof(buf) - 1);
		jw_double(&w, NULL, v);
		double back = strtod(done(&w), NULL);
		if (fabs(back - v) > fabs(v) * 1e-8)
			bad++;
	}
	CHECK_EQ(bad, 0);

	/* MMS floating-point: the fewest digits that give back the float32 (or the
	 * double) they came from, never the widened double's noise. */
	static const struct {
		float v;
		const char *s;
	} f32[] = {
		{ 0.1f, "0.1" },
		{ 1.0f / 3.0f, "0.33333334" },
		{ 50.03f, "50.03" },
		{ -0.2f, "-0.2" },
		{ 16777216.0f, "16777216" },
		{ 3.4028235e38f, "3.4028235e38" },
		{ 1e-30f, "1e-30" },
		{ 1.17549435e-38f, "1.1754944e-38" },
		{ 1.4e-45f, "1e-45" },
		{ 0.3f, "0.3" },
		{ 123.456f, "123.456" },
		{ 2.5e-6f, "2.5e-6" },
		{ 2.5e-5f, "0.000025" },
	};
	for (size_t i = 0; i < sizeof(f32) / sizeof(f32[0]); i++) {
		jw_init(&w, buf, sizeof(buf) - 1);
		jw_float32(&w, NULL, f32[i].v);
		CHECK_STR(done(&w), f32[i].s);
	}
	jw_init(&w, buf, sizeof(buf) - 1);
	jw_float64(&w, NULL, 0.1);
	CHECK_STR(done(&w), "0.1");
	jw_init(&w, buf, sizeof(buf) - 1);
	jw_float64(&w, NULL, 1.0 / 3.0);
	CHECK_STR(done(&w), "0.3333333333333333");
	jw_init(&w, buf, sizeof(buf) - 1);
	jw_float32(&w, NULL, NAN);
	CHECK_STR(done(&w), "\"nan\"");
	/* Every float32 pattern class round-trips: random bits, read back and narrowed. */
	int bad32 = 0, bad64 = 0;
	for (int i = 0; i < 200000; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		uint32_t bits32 = (uint32_t)(seed >> 32);
		float f;
		memcpy(&f, &bits32, sizeof(f));
		if (!isfinite(f))
			continue;
		jw_init(&w, buf, sizeof(buf) - 1);
		jw_float32(&w, NULL, f);
		if ((float)strtod(done(&w), NULL) != f)
			bad32++;
		uint64_t bits64 = seed ^ (seed << 17);
		double d;
		memcpy(&d, &bits64, sizeof(d));
		if (!isfinite(d) || i % 8)
			continue;
		jw_init(&w, buf, sizeof(buf) - 1);
		jw_float64(&w, NULL, d);
		if (strtod(done(&w), NULL) != d)
			bad64++;
	}
	CHECK_EQ(bad32, 0);
	CHECK_EQ(bad64, 0);

	/* The cap: nothing past it, overflow flagged. */
	char small[8];
	jw_init(&w, small, sizeof(small));
	jw_str(&w, NULL, "0123456789");
	CHECK(w.overflow);
	CHECK(w.len <= sizeof(small));

	/* Nesting deeper than JW_MAX_DEPTH is an overflow, not a crash. */
	char big[1024];
	jw_init(&w, big, sizeof(big));
	for (int i = 0; i < JW_MAX_DEPTH + 5; i++)
		jw_arr(&w, NULL);
	CHECK(w.overflow);
	escaping_boundaries();
	numbers_bits_times();
	TCHECK_DONE();
}

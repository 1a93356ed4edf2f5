/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_json.c - the bounded JSON writer: escaping of hostile bytes, caps, nesting. */
#include <math.h>
#include <stdlib.h>

#include "tcheck.h"
#include "util/json.h"

static const char *done(struct jw *w)
{
	w->buf[w->len < w->cap ? w->len : w->cap - 1] = 0;
	return w->buf;
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
	TCHECK_DONE();
}

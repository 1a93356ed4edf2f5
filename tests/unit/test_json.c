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
	CHECK_STR(done(&w), "{\"a\":\"x\",\"n\":18446744073709551615,\"m\":-9223372036854775808,"
			    "\"l\":[true,null,1.5,\"nan\"]}");

	/* Markup, quotes, control bytes, invalid UTF-8 and a valid multi-byte char. */
	static const uint8_t hostile[] = { '<', 's', '>', '"', '\\', 0x00, 0x1f, '\n', 0xff, 0xc3, 0xa9, 0xed, 0xa0, 0x80 };
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
	static const struct { double v; const char *s; } cases[] = {
		{ 0.1, "0.1" }, { -2.5, "-2.5" }, { 123456789.0, "123456789" }, { 1e20, "1e20" },
		{ 3.14159265, "3.14159265" }, { 0.000012345, "0.000012345" }, { 1.5e-7, "1.5e-7" },
		{ 0.0, "0" }, { 100.25, "100.25" }, { 9.99999999e14, "999999999000000" },
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

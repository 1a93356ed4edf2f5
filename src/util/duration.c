/* duration.c - durations written for people; see duration.h. */
#include "util/duration.h"

#include <stdio.h>
#include <string.h>

/* v / div with up to three decimals, trailing zeros (and a bare point) dropped. */
static void scaled(char *buf, size_t size, uint64_t v, uint64_t div, const char *unit)
{
	uint64_t whole = v / div;
	/* three decimals of the remainder, rounded half up */
	uint64_t frac = ((v % div) * 1000 + div / 2) / div;
	if (frac >= 1000) {
		whole++;
		frac -= 1000;
	}
	char dec[8] = "";
	if (frac) {
		snprintf(dec, sizeof(dec), ".%03u", (unsigned)frac);
		size_t n = strlen(dec);
		while (n > 1 && dec[n - 1] == '0')
			dec[--n] = 0;
	}
	snprintf(buf, size, "%llu%s %s", (unsigned long long)whole, dec, unit);
}

const char *duration_text(int64_t us, char *buf, size_t size)
{
	if (!buf || !size)
		return "";
	const char *sign = "";
	uint64_t v;
	if (us < 0) {
		sign = "-";
		v = (uint64_t)(-(us + 1)) + 1; /* INT64_MIN too */
	} else {
		v = (uint64_t)us;
	}
	char tmp[DURATION_MAX];
	if (v == 0)
		snprintf(tmp, sizeof(tmp), "0 s");
	else if (v >= 1000000)
		scaled(tmp, sizeof(tmp), v, 1000000, "s");
	else if (v >= 1000)
		scaled(tmp, sizeof(tmp), v, 1000, "ms");
	else
		snprintf(tmp, sizeof(tmp), "%llu µs", (unsigned long long)v);
	snprintf(buf, size, "%s%s", sign, tmp);
	return buf;
}

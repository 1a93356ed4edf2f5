/* SPDX-License-Identifier: GPL-2.0-or-later */
/* duration.c - durations written for people; see duration.h. */
#include "util/duration.h"

#include <stdio.h>
#include <string.h>

/* v / div to three significant digits (never fewer than the whole part),
 * trailing zeros (and a bare point) dropped: 957, 12.5, 2.35, 1. */
static void scaled(char *buf, size_t size, uint64_t v, uint64_t div, const char *unit)
{
	uint64_t whole = v / div;
	unsigned dec = whole >= 100 ? 0 : whole >= 10 ? 1 : 2;
	uint64_t scale = dec == 0 ? 1 : dec == 1 ? 10 : 100;
	/* v * scale / div rounded half up, without overflow for any int64 */
	uint64_t q = whole * scale + ((v % div) * scale + div / 2) / div;
	whole = q / scale;
	unsigned frac = (unsigned)(q % scale);
	char d[8] = "";
	if (frac) {
		snprintf(d, sizeof(d), dec == 1 ? ".%01u" : ".%02u", frac);
		size_t n = strlen(d);
		while (n > 1 && d[n - 1] == '0')
			d[--n] = 0;
	}
	snprintf(buf, size, "%llu%s %s", (unsigned long long)whole, d, unit);
}

/* "2 min 5 s", "3 h", from a count of the smaller unit (60 of them a larger). */
static void minutes(char *buf, size_t size, uint64_t small, const char *big_unit, const char *small_unit)
{
	if (small % 60)
		snprintf(buf, size, "%llu %s %llu %s", (unsigned long long)(small / 60), big_unit,
			 (unsigned long long)(small % 60), small_unit);
	else
		snprintf(buf, size, "%llu %s", (unsigned long long)(small / 60), big_unit);
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
	else if (v >= 7200000000ull) /* hours and minutes: the seconds no longer matter */
		minutes(tmp, sizeof(tmp), v / 60000000, "h", "min");
	else if (v >= 120000000ull) /* minutes and whole seconds */
		minutes(tmp, sizeof(tmp), v / 1000000, "min", "s");
	else if (v >= 999500) /* what rounds to 1000 ms reads 1 s */
		scaled(tmp, sizeof(tmp), v, 1000000, "s");
	else if (v >= 1000)
		scaled(tmp, sizeof(tmp), v, 1000, "ms");
	else
		snprintf(tmp, sizeof(tmp), "%llu µs", (unsigned long long)v);
	snprintf(buf, size, "%s%s", sign, tmp);
	return buf;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kinds.c - the finding kinds table; see kinds.h. */
#include "core/kinds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct finding_kind KINDS[] = {
#define X(name, sev) { #name, sev },
	MMSW_FINDING_KINDS(X)
#undef X
};
#define N_KINDS (sizeof(KINDS) / sizeof(KINDS[0]))

const struct finding_kind *finding_kind_find(const char *name)
{
	for (size_t i = 0; i < N_KINDS; i++)
		if (!strcmp(KINDS[i].name, name))
			return &KINDS[i];
	return NULL;
}

size_t finding_kinds_count(void)
{
	return N_KINDS;
}

const struct finding_kind *finding_kind_at(size_t i)
{
	return i < N_KINDS ? &KINDS[i] : NULL;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void finding_kinds_text(char *buf, size_t size, unsigned width, unsigned indent)
{
	const char *names[N_KINDS];
	for (size_t i = 0; i < N_KINDS; i++)
		names[i] = KINDS[i].name;
	qsort(names, N_KINDS, sizeof(names[0]), by_name);
	size_t used = 0;
	unsigned col = indent;
	if (size)
		buf[0] = 0;
	for (size_t i = 0; i < N_KINDS && used < size; i++) {
		size_t len = strlen(names[i]);
		/* room for ", name" and the ',' that ends the line if the next wraps */
		bool wrap = i > 0 && col + 2 + len + 1 > width;
		int w = snprintf(buf + used, size - used, "%s%*s%s",
				 i == 0         ? ""
					 : wrap ? ",\n"
						: ", ",
				 wrap ? (int)indent : 0, "", names[i]);
		if (w < 0 || (size_t)w >= size - used) {
			buf[used] = 0; /* cut at a whole name */
			return;
		}
		used += (size_t)w;
		col = (wrap ? indent : col + (i ? 2 : 0)) + (unsigned)len;
	}
}

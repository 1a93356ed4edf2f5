/* SPDX-License-Identifier: GPL-2.0-or-later */
/* grow.c - see grow.h. */
#include "util/grow.h"

#include <stdint.h>
#include <stdlib.h>

bool grow_room(void **table, size_t *cap, size_t need, size_t first, size_t max, size_t elem)
{
	if (need < *cap)
		return true;
	if (need >= max || !elem)
		return false;
	size_t n = *cap ? *cap : (first ? first : 1);
	while (n <= need)
		n = n > max / 2 ? max : n * 2;
	if (n > max)
		n = max;
	if (n > SIZE_MAX / elem)
		return false;
	void *p = realloc(*table, n * elem);
	if (!p)
		return false;
	*table = p;
	*cap = n;
	return true;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_grow.c - util/grow: a table doubles from its first size up to its cap,
 * keeps what it held, and says no at the cap without touching the table. */
#include <stdint.h>
#include <stdlib.h>

#include "util/grow.h"
#include "tcheck.h"

static void test_doubling_to_the_cap(void)
{
	int *t = NULL;
	size_t cap = 0;
	/* the sizes a table filled one element at a time goes through */
	size_t seen[8], n_seen = 0;
	for (size_t i = 0; i < 100; i++) {
		CHECK(grow_room((void **)&t, &cap, i, 16, 100, sizeof(*t)));
		if (!n_seen || seen[n_seen - 1] != cap)
			seen[n_seen++] = cap;
		t[i] = (int)i;
	}
	CHECK_EQ(n_seen, 4);
	CHECK_EQ(seen[0], 16);
	CHECK_EQ(seen[1], 32);
	CHECK_EQ(seen[2], 64);
	CHECK_EQ(seen[3], 100); /* the last step stops at the cap */
	int same = 1;
	for (int i = 0; i < 100; i++)
		same &= t[i] == i;
	CHECK(same);
	/* at the cap: no, and the table and its size are left as they were */
	int *before = t;
	CHECK(!grow_room((void **)&t, &cap, 100, 16, 100, sizeof(*t)));
	CHECK(t == before);
	CHECK_EQ(cap, 100);
	/* within what it holds: yes, without a realloc */
	CHECK(grow_room((void **)&t, &cap, 42, 16, 100, sizeof(*t)));
	CHECK(t == before);
	free(t);
}

static void test_limits(void)
{
	void *t = NULL;
	size_t cap = 0;
	/* an element past the cap, a zero cap, a size that would overflow */
	CHECK(!grow_room(&t, &cap, 5, 8, 5, 4));
	CHECK(!grow_room(&t, &cap, 0, 8, 0, 4));
	CHECK(!grow_room(&t, &cap, 0, 8, SIZE_MAX, SIZE_MAX / 2));
	CHECK(t == NULL);
	CHECK_EQ(cap, 0);
	/* a first size above the cap is held to the cap; far ahead of the table,
	 * it grows to fit */
	CHECK(grow_room(&t, &cap, 0, 64, 10, 1));
	CHECK_EQ(cap, 10);
	free(t);
	t = NULL;
	cap = 0;
	CHECK(grow_room(&t, &cap, 40, 4, 1000, 1));
	CHECK_EQ(cap, 64);
	free(t);
}

int main(void)
{
	test_doubling_to_the_cap();
	test_limits();
	TCHECK_DONE();
}

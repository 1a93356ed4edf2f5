/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_heap.c - util/heap: after heap_hugepages_init() the heap has grown by a
 * step and the kernel was asked for huge pages on it (the "hg" flag of the
 * mapping in /proc/self/smaps); a part the heap grows by later is asked for by
 * heap_hugepages_follow(), not before; heap-prefault brings the step in
 * without the test touching it (mincore). Skipped (77) where the malloc is not
 * glibc's (the sanitizer build) or the kernel has no transparent huge pages. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "util/heap.h"
#include "tcheck.h"

#define MIB (1024u * 1024u)

/* 1: the mapping holding addr is advised for huge pages, 0: it is not, -1: no
 * mapping holds it (or smaps cannot be read). */
static int advised(uintptr_t addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -1;
	char line[512];
	bool inside = false;
	int verdict = -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char dash;
		if (sscanf(line, "%lx%c%lx ", &lo, &dash, &hi) == 3 && dash == '-') {
			inside = addr >= lo && addr < hi;
			continue;
		}
		if (inside && !strncmp(line, "VmFlags:", 8)) {
			verdict = strstr(line, " hg") != NULL;
			break;
		}
	}
	fclose(f);
	return verdict;
}

/* Pages of [from, to) not in memory (mincore), -1 when it cannot tell. */
static long absent(uintptr_t from, uintptr_t to)
{
	long page = sysconf(_SC_PAGESIZE);
	from = (from + (uintptr_t)page - 1) & ~(uintptr_t)(page - 1);
	to &= ~(uintptr_t)(page - 1);
	if (to <= from)
		return 0;
	size_t n = (to - from) / (size_t)page;
	unsigned char *v = malloc(n);
	if (!v || mincore((void *)from, to - from, v)) {
		free(v);
		return -1;
	}
	long out = 0;
	for (size_t i = 0; i < n; i++)
		out += !(v[i] & 1);
	free(v);
	return out;
}

/* Does this kernel know MADV_POPULATE_WRITE (Linux 5.14)? */
static bool populate_in_kernel(void)
{
	void *m = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return false;
	bool ok = madvise(m, 1 << 16, MADV_POPULATE_WRITE) == 0;
	munmap(m, 1 << 16);
	return ok;
}

static bool thp_in_kernel(void)
{
	return access("/sys/kernel/mm/transparent_hugepage/enabled", R_OK) == 0;
}

/* heap_regrow_aligned: the kept items moved to a block on the boundary; on
 * overflow nothing changes. Run last: the checks above need a heap nothing has
 * grown yet (and, like them, it is skipped without glibc's malloc or THP). */
static void regrow(void)
{
	struct item {
		char bytes[64];
	} __attribute__((aligned(64)));
	struct item *a = heap_regrow_aligned(NULL, 0, 3, sizeof(*a), _Alignof(struct item));
	CHECK(a != NULL && (uintptr_t)a % 64 == 0);
	if (!a)
		return;
	for (int i = 0; i < 3; i++)
		memset(a[i].bytes, 'a' + i, sizeof(a[i].bytes));
	struct item *b = heap_regrow_aligned(a, 3, 8, sizeof(*b), _Alignof(struct item));
	CHECK(b != NULL && (uintptr_t)b % 64 == 0);
	if (!b)
		return;
	for (int i = 0; i < 3; i++)
		CHECK(b[i].bytes[0] == 'a' + i && b[i].bytes[63] == 'a' + i);
	CHECK(heap_regrow_aligned(b, 3, SIZE_MAX / 32, sizeof(*b), 64) == NULL);
	CHECK(heap_regrow_aligned(b, 9, 8, sizeof(*b), 64) == NULL);
	CHECK(b[2].bytes[0] == 'c'); /* still b's */
	free(b);
}

int main(void)
{
	uintptr_t before = (uintptr_t)sbrk(0);
	if (!heap_hugepages_init()) {
		printf("skip: the malloc is not glibc's\n");
		return 77;
	}
	uintptr_t top = (uintptr_t)sbrk(0);
	if (!thp_in_kernel()) {
		printf("skip: no transparent huge pages in this kernel\n");
		return 77;
	}
	CHECK(top - before >= 8 * MIB); /* grown by a whole step at once */
	CHECK_EQ(advised(top - 1), 1);
	CHECK_EQ(advised(before + 2 * MIB), 1);
	/* what malloc hands out now lies in the advised range */
	char *small = malloc(100);
	CHECK(small != NULL);
	CHECK_EQ(advised((uintptr_t)small), 1);
	CHECK(heap_hugepages_init()); /* a second call changes nothing */
	CHECK_EQ((uintptr_t)sbrk(0), top);

	/* The step init grew is mostly untouched; the first heap_hugepages_follow()
	 * hands it to heap-prefault, which brings its whole 2 MiB pages in without
	 * this thread touching them (where the kernel knows MADV_POPULATE_WRITE and
	 * THP is not "never"). */
	uintptr_t lo2m = (before + 2 * MIB - 1) & ~(uintptr_t)(2 * MIB - 1), hi2m = top & ~(uintptr_t)(2 * MIB - 1);
	if (populate_in_kernel() && heap_thp_mode_allows() && hi2m > lo2m) {
		long missing = absent(lo2m, hi2m);
		CHECK(missing > 0);
		heap_hugepages_follow();
		for (int i = 0; i < 500 && missing != 0; i++) {
			nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
			missing = absent(lo2m, hi2m);
		}
		CHECK_EQ(missing, 0);
		CHECK_EQ((uintptr_t)sbrk(0), top); /* and the heap is where it was */
	} else {
		printf("no MADV_POPULATE_WRITE or THP \"never\": the prefaulting is not checked\n");
	}

	/* Grow the heap past the step with small blocks: the new part is not
	 * advised until heap_hugepages_follow() sees it. */
	enum { BLOCK = 1024, BLOCKS = 48 * 1024 };
	static char *blocks[BLOCKS];
	bool all = true;
	for (int i = 0; i < BLOCKS; i++) {
		blocks[i] = malloc(BLOCK);
		if (blocks[i])
			blocks[i][0] = 1;
		all = all && blocks[i];
	}
	CHECK(all);
	uintptr_t grown = (uintptr_t)sbrk(0);
	CHECK(grown > top);
	CHECK_EQ(advised(grown - 1), 0);
	heap_hugepages_follow();
	CHECK_EQ(advised(grown - 1), 1);
	CHECK_EQ(advised(top - 1), 1);
	heap_hugepages_follow(); /* nothing new: no change */
	CHECK_EQ(advised(grown - 1), 1);
	for (int i = 0; i < BLOCKS; i++)
		free(blocks[i]);
	free(small);
	regrow();
	TCHECK_DONE();
}

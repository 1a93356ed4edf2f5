/* SPDX-License-Identifier: GPL-2.0-or-later */
/* heap.c - see heap.h.
 *
 * glibc grows the main thread's heap with brk, 128 KiB past each request, and
 * its own huge-page setting (GLIBC_TUNABLES=glibc.malloc.hugetlb=1) is read
 * from the environment only, before main(). So: a larger growth step
 * (M_TOP_PAD, which also keeps that much free at the top when glibc trims) and
 * MADV_HUGEPAGE on the heap's range each time it has grown. The kernel maps a
 * huge page only where a whole aligned 2 MiB lies inside the advised range,
 * hence the step: the last, partial 2 MiB of each step stays in small pages.
 * The pipeline calls heap_hugepages_follow() every 64 frames, so a step is
 * advised before those frames have touched much of it.
 * A larger step leaves fewer small pages but holds more memory: 32 MiB added
 * 6.2 MiB to the peak RSS of the 1 GiB benchmark capture, 8 MiB 2.4 MiB.
 * Under churn it holds more: on the storm test (100,000 SYNs, the flow table at
 * its cap) the huge pages cost about 3.5 MiB and the 8 MiB step 1.4 MiB, which
 * left that test 2.5 MiB under its 64 MiB limit (session 9).
 * Measured in docs/performance.md ("Huge pages for the heap").
 *
 * A huge page's first touch costs its fault: 2 MiB cleared by the kernel, and
 * on a VM the host's fault too (about 5 ms each here, 2% of the pipeline
 * thread's samples on the bench capture). So each part the heap grows by is
 * also handed to a thread of its own, heap-prefault, which faults in its whole
 * aligned 2 MiB pages with MADV_POPULATE_WRITE (Linux 5.14): the pages made
 * present and writable, their contents not touched, so it is safe while malloc
 * hands them out. One call per huge page: each holds the address space's lock
 * for reading, and the pipeline's brk and mmap wait for it. Only where huge
 * pages can be had (THP not "never"): small pages gain too little for what it
 * costs, which is memory: the 8 MiB glibc keeps free at the top is made
 * resident too (the storm test's peak RSS +3.8 MiB before the partial pages
 * were left out). Where the call fails as unknown (EINVAL) the thread stops.
 * The thread starts at the first growth the pipeline sees, then blocks. A
 * fork that does not exec must not use heap_hugepages_follow(): the child
 * would have no heap-prefault (and fill_lock as the fork found it). */
#include "util/heap.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/thread.h"

#define HEAP_STEP (8u << 20) /* 4 huge pages */
#define PAGE_4K 4096u
#define PAGE_2M ((uintptr_t)2 << 20)

static uintptr_t advised_to;       /* the heap is advised up to here; 0: not started */
static uintptr_t heap_base;        /* where init's step began */
static bool init_step_handed_over; /* to heap-prefault, by the first follow */

/* What heap-prefault is to fault in: [fill_from, fill_to). */
static pthread_mutex_t fill_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t fill_wake = PTHREAD_COND_INITIALIZER;
static uintptr_t fill_from, fill_to;
static bool filler_started, filler_gone;
static bool prefault_on = true, huge_pages_on;

void heap_prefault_threaded(bool on)
{
	prefault_on = on;
}

static void *filler(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&fill_lock);
	for (;;) {
		while (fill_to <= fill_from)
			pthread_cond_wait(&fill_wake, &fill_lock);
		uintptr_t from = fill_from, to = fill_to;
		fill_from = to;
		pthread_mutex_unlock(&fill_lock);
		/* From the 2 MiB page `from` lies in: its start is heap grown before
		 * (unless it is below the heap), and the page became whole now.
		 * ENOMEM when glibc gave the top back meanwhile: nothing to do there.
		 * EINVAL: the kernel does not know the call (or the mapping cannot
		 * take it): stop. */
		uintptr_t first = from & ~(PAGE_2M - 1);
		if (first < heap_base)
			first += PAGE_2M;
		for (uintptr_t p = first; p + PAGE_2M <= to; p += PAGE_2M)
			if (madvise((void *)p, PAGE_2M, MADV_POPULATE_WRITE) && errno == EINVAL) {
				pthread_mutex_lock(&fill_lock);
				filler_gone = true;
				pthread_mutex_unlock(&fill_lock);
				return NULL;
			}
		pthread_mutex_lock(&fill_lock);
	}
}

/* [from, to) for heap-prefault, started the first time. */
static void prefault(uintptr_t from, uintptr_t to)
{
	pthread_mutex_lock(&fill_lock);
	if (!filler_gone) {
		/* Merged with what waits; from below it after glibc trimmed and
		 * the heap grew again. */
		if (fill_to <= fill_from || from < fill_from)
			fill_from = from;
		fill_to = to;
		if (!filler_started) {
			pthread_t th;
			filler_started = true;
			if (thread_start(&th, filler, NULL, "heap-prefault") == 0)
				pthread_detach(th);
			else
				filler_gone = true;
		}
		pthread_cond_signal(&fill_wake);
	}
	pthread_mutex_unlock(&fill_lock);
}

static void advise(uintptr_t from, uintptr_t to)
{
	from = (from + PAGE_4K - 1) & ~(uintptr_t)(PAGE_4K - 1);
	if (to > from)
		(void)madvise((void *)from, to - from, MADV_HUGEPAGE); /* EINVAL without THP: no harm */
}

bool heap_thp_mode_allows(void)
{
	char mode[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (!f)
		return false;
	bool ok = fgets(mode, sizeof(mode), f) && !strstr(mode, "[never]");
	fclose(f);
	return ok;
}

bool heap_hugepages_init(void)
{
	if (advised_to)
		return true;
	/* 0 from a malloc that does not know the option (ASan's, say) */
	if (!mallopt(M_TOP_PAD, (int)HEAP_STEP))
		return false;
	uintptr_t start = (uintptr_t)sbrk(0);
	if (start == (uintptr_t)-1)
		return false;
	/* Grow the heap now, by a step: small blocks until brk moves (the top
	 * chunk left at startup is at most a few of them), given back at once. */
	void *held[8];
	int n = 0;
	while (n < 8 && (uintptr_t)sbrk(0) == start)
		if (!(held[n++] = malloc(64u << 10)))
			break;
	while (n > 0)
		free(held[--n]);
	advised_to = (uintptr_t)sbrk(0);
	advise(start, advised_to);
	heap_base = start;
	huge_pages_on = heap_thp_mode_allows();
	return true;
}

void heap_hugepages_follow(void)
{
	if (!advised_to)
		return;
	uintptr_t now = (uintptr_t)sbrk(0);
	uintptr_t from = init_step_handed_over ? advised_to : heap_base; /* the first call: init's step too */
	if (now > advised_to)
		advise(advised_to, now);
	if (now > from && prefault_on && huge_pages_on)
		prefault(from, now);
	init_step_handed_over = true;
	advised_to = now;
}

void *heap_regrow_aligned(void *old, size_t kept, size_t n, size_t size, size_t align)
{
	if (!n || size > SIZE_MAX / n || kept > n)
		return NULL;
	void *grown = aligned_alloc(align, n * size);
	if (!grown)
		return NULL;
	if (kept)
		memcpy(grown, old, kept * size);
	free(old);
	return grown;
}

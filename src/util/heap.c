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
 * also handed to a thread of its own, heap-prefault, which faults it in with
 * MADV_POPULATE_WRITE (Linux 5.14): the pages made present and writable, their
 * contents not touched, so it is safe while malloc hands them out. Where the
 * kernel does not know it, the thread finds out once and stops. The thread is
 * started at the first growth the pipeline sees, not before (after a
 * daemon's fork, say), and blocks otherwise. */
#include "util/heap.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/thread.h"

#define HEAP_STEP (8u << 20) /* 4 huge pages */
#define PAGE_4K 4096u

static uintptr_t advised_to; /* the heap is advised up to here; 0: not started */
static uintptr_t heap_start; /* where init's step began, until the first follow */

/* What heap-prefault is to fault in: [fill_from, fill_to). */
static pthread_mutex_t fill_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t fill_wake = PTHREAD_COND_INITIALIZER;
static uintptr_t fill_from, fill_to;
static bool filler_started, filler_gone;
static bool prefault_on = true;

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
		from = (from + PAGE_4K - 1) & ~(uintptr_t)(PAGE_4K - 1);
		/* ENOMEM when glibc gave the top back meanwhile: nothing to do there. */
		if (to > from && madvise((void *)from, to - from, MADV_POPULATE_WRITE) && errno == EINVAL) {
			pthread_mutex_lock(&fill_lock);
			filler_gone = true; /* the kernel does not know it */
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
		if (fill_to <= fill_from)
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
	heap_start = start;
	return true;
}

void heap_hugepages_follow(void)
{
	if (!advised_to)
		return;
	uintptr_t now = (uintptr_t)sbrk(0);
	uintptr_t from = heap_start ? heap_start : advised_to; /* the first call: init's step too */
	if (now > advised_to)
		advise(advised_to, now);
	if (now > from && prefault_on)
		prefault(from, now);
	heap_start = 0;
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

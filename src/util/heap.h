/* SPDX-License-Identifier: GPL-2.0-or-later */
/* heap.h - the main thread's heap on transparent huge pages. The pipeline's
 * state (flows, associations, report streams, RCBs, IEDs, the store's slots)
 * is small objects spread over tens of MiB of heap, touched in the order the
 * IEDs' reports arrive: with 4 KiB pages nearly every touch of another IED's
 * state is also a TLB miss. */
#ifndef MMSW_HEAP_H
#define MMSW_HEAP_H

#include <stdbool.h>
#include <stddef.h>

/* Once, early in main(): lets the heap grow in large steps and asks the kernel
 * for huge pages on it (madvise MADV_HUGEPAGE; nothing happens where the
 * kernel's THP setting is "never" or THP is not built). False when the malloc
 * is not glibc's (a sanitizer's, say): then nothing was changed. */
bool heap_hugepages_init(void);

/* Often (the pipeline: every 64 frames): the same for the part of the heap grown
 * since, which a thread of its own (heap-prefault) then faults in, so that the
 * caller does not pay for each huge page's first touch. Cheap: no system call
 * unless the heap grew. The first call also hands over init's step. */
void heap_hugepages_follow(void);

/* The kernel's transparent huge pages are "always" or "madvise" (what the heap
 * asks for), not "never" nor absent. */
bool heap_thp_mode_allows(void);

/* Whether heap_hugepages_follow() may start heap-prefault (default true; false:
 * --single-threaded, which runs no thread but its own). */
void heap_prefault_threaded(bool on);

/* Room for n items of size bytes starting on an align boundary (a struct laid out
 * by cache line: realloc keeps no alignment above 16), with the first kept items
 * of old moved there and old freed. NULL when out of memory or n * size
 * overflows: old is left as it was. */
void *heap_regrow_aligned(void *old, size_t kept, size_t n, size_t size, size_t align);

#endif

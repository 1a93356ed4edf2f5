/* SPDX-License-Identifier: GPL-2.0-or-later */
/* heap.h - the main thread's heap on transparent huge pages. The pipeline's
 * state (flows, associations, report streams, RCBs, IEDs, the store's slots)
 * is small objects spread over tens of MiB of heap, touched in the order the
 * IEDs' reports arrive: with 4 KiB pages nearly every touch of another IED's
 * state is also a TLB miss. */
#ifndef MMSW_HEAP_H
#define MMSW_HEAP_H

#include <stdbool.h>

/* Once, early in main(): lets the heap grow in large steps and asks the kernel
 * for huge pages on it (madvise MADV_HUGEPAGE; nothing happens where the
 * kernel's THP setting is "never" or THP is not built). False when the malloc
 * is not glibc's (a sanitizer's, say): then nothing was changed. */
bool heap_hugepages_init(void);

/* Often (the pipeline: every 64 frames): the same for the part of the heap grown
 * since. Cheap: no system call unless the heap grew. */
void heap_hugepages_follow(void);

#endif

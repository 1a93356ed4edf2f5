/* SPDX-License-Identifier: GPL-2.0-or-later */
/* defrag.h - IPv4 defragmentation, bounded, on packet time.
 *
 * mmswatch's own, not libnids': libnids 1.26's defragmenter runs its timers on
 * the wall clock (gettimeofday in ip_fragment.c), so offline a fragment set never
 * expires during a run; it has no global memory cap (256 KB per host, any number
 * of hosts); and it over-reads the heap on a tiny fragment with MF set. See README.
 *
 * Limits: MMSW_FRAG_MAX_DATAGRAMS in progress, MMSW_FRAG_MAX_BYTES held,
 * MMSW_FRAG_TIMEOUT_US lifetime. Overlaps: first copy wins (counted). Fragments
 * with MF set that are not a multiple of 8 bytes, or smaller than 8, are dropped. */
#ifndef MMSW_DEFRAG_H
#define MMSW_DEFRAG_H

#include "core/packet.h"

/* Take the fragment in p (p->l3 points at its IPv4 header). When it completes a
 * datagram, point p->l3/p->l3len at the whole datagram (valid until the next
 * call) and return true. */
bool defrag_ipv4(struct pkt *p);
void defrag_expire(int64_t now);
void defrag_free_all(void);

#endif

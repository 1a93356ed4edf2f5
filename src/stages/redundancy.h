/* SPDX-License-Identifier: GPL-2.0-or-later */
/* redundancy.h - PRP/HSR duplicate discard. On a PRP network a SPAN port delivers
 * every frame once per LAN, and on an HSR ring every frame passes once each way:
 * the stages after this one must see each frame once, or TCP would count every
 * second copy as a retransmission. The first copy goes on; a later copy of the
 * same frame is marked (p->red_duplicate) and counted (prp_duplicates,
 * hsr_duplicates), and the pipeline stops it after bus_redundancy().
 *
 * A copy is: the same node (source MAC, PRP or HSR), the same sequence number,
 * the same content (a hash of the payload's first bytes), from the other LAN or
 * lane, within MMSW_REDUNDANCY_WINDOW sequence numbers and
 * MMSW_REDUNDANCY_FORGET_US of packet time. Anything else is a new frame: the
 * standard's rule is never to drop a legitimate frame, and to tolerate an
 * occasional duplicate. Supervision frames are not deduplicated. */
#ifndef MMSW_REDUNDANCY_H
#define MMSW_REDUNDANCY_H

#include "core/packet.h"

/* Mark p->red_duplicate when p (RED_PRP or RED_HSR, after decode_link) is a
 * later copy of a frame already let through. */
void redundancy_check(struct pkt *p);
/* Forget every node (end of the run, tests). */
void redundancy_free(void);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stream_tcp.h - TCP reassembly of mmswatch's own, one `struct tcp_half` per
 * direction. Written because libnids cannot serve a SPAN sensor (see README:
 * no mid-stream pickup, a lost segment stalls the direction forever).
 *
 * - in order data goes straight to the ISO glue (zero copy);
 * - out-of-order segments wait in a bounded queue; overlaps are first-copy-wins and
 *   differing overlap bytes are an event;
 * - a direction whose first packet is not a SYN is picked up mid-stream (the glue
 *   then resynchronises on a TPKT header);
 * - a hole is waited for MMSW_DEFAULT_HOLE_TIMEOUT_US of packet time, or until the
 *   queue hits its cap, then skipped: the glue gets a gap of known size;
 * - at the end of the flow, bytes the peer acknowledged or a FIN proves were sent
 *   but never seen are reported as a gap too (capture loss at the tail). */
#ifndef MMSW_STREAM_TCP_H
#define MMSW_STREAM_TCP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/flow.h"
#include "core/packet.h"

struct flow;
/* Handle the payload of p (already known to belong to f in direction dir). */
void stream_data(struct flow *f, int dir, const struct pkt *p);
/* Note an ACK the other side sent for direction dir. */
void stream_ack(struct flow *f, int dir, uint32_t ack);
/* Skip a hole that has waited past the timeout (or now, when force). */
void stream_check_hole(struct flow *f, int dir, int64_t now, int64_t timeout, bool force);
/* End of the flow: deliver what is queued, report holes and unseen tail bytes. */
void stream_finish(struct flow *f, int dir, const struct pkt_where *at);
/* Free queued segments without delivering them. */
void stream_free(struct tcp_half *h);

#endif

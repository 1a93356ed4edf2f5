/* SPDX-License-Identifier: GPL-2.0-or-later */
/* decode_ip.h - IPv4 (fragments handed to the defragmenter), IPv6 (extension
 * headers walked, bounded) and the TCP header. */
#ifndef MMSW_DECODE_IP_H
#define MMSW_DECODE_IP_H

#include "core/packet.h"

enum ip_result {
	IP_TCP = 0,  /* p's transport fields are set */
	IP_OTHER,    /* not TCP */
	IP_FRAGMENT, /* an IPv4 fragment: taken by the defragmenter */
	IP_INVALID,
	IP_UDP, /* UDP: p's ports and payload are set */
};

/* Decode from p->l3. A reassembled datagram comes back through the same call. */
enum ip_result decode_ip(struct pkt *p);
/* Decode the UDP header at seg[0..len) into p (time sources ride on UDP). */
enum ip_result decode_udp(struct pkt *p, const uint8_t *seg, uint32_t len);
/* Decode the TCP header at seg[0..len) into p. */
enum ip_result decode_tcp(struct pkt *p, const uint8_t *seg, uint32_t len);

#endif

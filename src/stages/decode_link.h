/* SPDX-License-Identifier: GPL-2.0-or-later */
/* decode_link.h - link layers to the network layer: Ethernet with any stack of
 * 802.1Q / 802.1ad / QinQ tags (bounded), Linux SLL and SLL2, raw IPv4/IPv6,
 * BSD loopback (NULL, LOOP). VLAN ids are kept: they are part of the flow key.
 *
 * IEC 62439-3 redundancy is read here too, so later stages see the frame as its
 * node sent it: an HSR tag (EtherType 0x892F, VLAN tags before or inside it) is
 * stepped over; a PRP redundancy control trailer that passes the LSDU size check
 * is cut off the payload; supervision frames (0x88FB) are named. p->red,
 * red_lan, red_net and red_seq say what was found; p->src_mac is the sender's
 * address (Ethernet, and SLL/SLL2 when the address is 6 bytes). Counted:
 * prp_frames_lan_a/b, hsr_frames_lane_a/b, prp/hsr_supervision_frames, and the
 * size-check failures prp_size_mismatch (the frame is then read as an ordinary
 * one) and hsr_size_mismatch (the frame is still decoded). */
#ifndef MMSW_DECODE_LINK_H
#define MMSW_DECODE_LINK_H

#include <stdbool.h>

#include "core/packet.h"

enum link_result {
	LINK_OK = 0, /* p->l3 / p->l3len / p->ethertype set */
	LINK_NOT_IP, /* another protocol (ARP, GOOSE, SV, supervision, ...): p->ethertype says which */
	LINK_TRUNCATED,
	LINK_TOO_DEEP, /* more VLAN tags than MMSW_MAX_VLAN */
	LINK_UNSUPPORTED,
};


/* Is this pcap link type one we decode? */
bool link_supported(int dlt);
const char *link_name(int dlt);
enum link_result decode_link(int dlt, struct pkt *p);
/* Is this EtherType a VLAN tag's TPID, as decode_link takes it (802.1Q, 802.1ad
 * and the older QinQ values)? stages/frame_peek.c follows the same tags. */
bool link_vlan_tpid(uint16_t t);

#endif

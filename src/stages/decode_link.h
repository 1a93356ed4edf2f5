/* decode_link.h - link layers to the network layer: Ethernet with any stack of
 * 802.1Q / 802.1ad / QinQ tags (bounded), Linux SLL and SLL2, raw IPv4/IPv6,
 * BSD loopback (NULL, LOOP). VLAN ids are kept: they are part of the flow key. */
#ifndef MMSW_DECODE_LINK_H
#define MMSW_DECODE_LINK_H

#include <stdbool.h>

#include "core/packet.h"

enum link_result {
	LINK_OK = 0,     /* p->l3 / p->l3len / p->ethertype set */
	LINK_NOT_IP,     /* another protocol (ARP, GOOSE, SV, ...): p->ethertype says which */
	LINK_TRUNCATED,
	LINK_TOO_DEEP,   /* more VLAN tags than MMSW_MAX_VLAN */
	LINK_UNSUPPORTED,
};


/* Is this pcap link type one we decode? */
bool link_supported(int dlt);
const char *link_name(int dlt);
enum link_result decode_link(int dlt, struct pkt *p);

#endif

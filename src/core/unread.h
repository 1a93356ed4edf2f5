/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unread.h - what the sensor saw and could not read. A sensor that is blind and
 * says nothing is the worst failure it can have: when no MMS is decoded, the
 * engineer must learn why. The stages tally, where each thing happens, the frames
 * they had no decoder for: link types, EtherTypes that are neither decoded nor
 * known to be something other than MMS, TCP on ports not configured as MMS ports
 * whose payload looks like TPKT, VLAN stacks deeper than the decoder goes, frames
 * cut short by the snapshot length. They also tally what they did understand
 * (ARP, GOOSE, IP that is not TCP, ...), so that "no MMS here" can say what was
 * there instead. analyze/visibility.c reads the tallies and resets them when MMS
 * is seen: they always cover the time since MMS was last decoded.
 *
 * Every table is capped (UNREAD_*_MAX); what does not fit is still counted
 * (not_kept). Everything runs on the capture thread. */
#ifndef MMSW_UNREAD_H
#define MMSW_UNREAD_H

#include <stdbool.h>
#include <stdint.h>

#include "core/packet.h"

#define UNREAD_LINK_TYPES_MAX 8
#define UNREAD_ETHERTYPES_MAX 32
#define UNREAD_TPKT_PORTS_MAX 32
#define UNREAD_UNDERSTOOD_MAX 48

/* One thing tallied: its key (DLT, EtherType, port, or the index of what was
 * understood), a name when it has one, how many frames, and the first of them. */
struct unread_entry {
	uint32_t key;
	const char *name; /* static text, NULL when none */
	uint64_t frames;
	struct pkt_where first;
};

struct unread_table {
	uint16_t n, max;
	uint16_t hot;      /* the entry tallied last: frames come in runs */
	uint64_t not_kept; /* frames of keys that did not fit */
	struct unread_entry *e;
};

struct unread {
	uint64_t frames; /* every frame since the last reset */
	struct pkt_where first, last;
	/* not understood */
	struct unread_table link_types; /* key: the DLT, name: libpcap's */
	struct unread_table ethertypes; /* key: the EtherType after the VLAN stack */
	struct unread_table tpkt_ports; /* key: the TCP port (the lower of the two) */
	uint64_t vlan_too_deep;         /* more tags than MMSW_MAX_VLAN */
	struct pkt_where vlan_too_deep_first;
	uint64_t cut_short; /* caplen < wire length: the snapshot length cut them */
	struct pkt_where cut_short_first;
	/* understood */
	struct unread_table understood; /* name: what it is (ARP, GOOSE, IP not TCP, ...) */
	uint64_t tcp_mms_port;          /* TCP on an MMS port (most frames: a counter of its own) */
	struct pkt_where tcp_mms_port_first;
	uint64_t encrypted_mms; /* TCP segments of TLS on an MMS port */
	uint64_t mms_elsewhere; /* TCP on an MMS port that --shard left to another process */
};

/* The tallies since the last reset; the stages' per-frame calls below are inline,
 * every other one is not (they are rare). */
extern struct unread g_unread;
static inline const struct unread *unread_get(void)
{
	return &g_unread;
}
/* Start over (MMS was seen; or a new run). */
void unread_reset(void);
/* Anything not understood since the last reset? */
bool unread_any(void);

/* The stages' side, one call per frame where it happens. */
static inline void unread_frame(struct pkt_where at, uint32_t caplen, uint32_t wirelen)
{
	if (!g_unread.frames++)
		g_unread.first = at;
	g_unread.last = at;
	if (caplen < wirelen && !g_unread.cut_short++)
		g_unread.cut_short_first = at;
}
void unread_link_type(int dlt, const char *name, const struct pkt_where *at);
/* A frame that is not IP: tallied as understood when its EtherType is one the
 * sensor knows is not MMS (the table in unread.c), else as not understood. */
void unread_not_ip(uint16_t ethertype, const struct pkt_where *at);
void unread_vlan_too_deep(const struct pkt_where *at);
/* IP that is not TCP (UDP, ICMP, ...): understood, never MMS. */
void unread_ip_not_tcp(const struct pkt_where *at);
/* An IPv4 fragment the defragmenter holds (the datagram, once whole, goes on). */
void unread_ip_fragment(const struct pkt_where *at);
/* A frame too short for its link header, or with an invalid IP or TCP header:
 * broken, not of another protocol; counted (the stats say which) and shown with
 * what was understood, since one damaged frame says nothing about the rest. */
void unread_broken(const struct pkt_where *at);
/* TCP on ports that are not MMS ports, its payload at payload[0..len). */
void unread_tcp_other_port(uint16_t sport, uint16_t dport, const uint8_t *payload, uint32_t len,
			   const struct pkt_where *at);
/* TCP on an MMS port; and a segment of it that belongs to a TLS flow: MMS the
 * sensor cannot read by design (IEC 62351-4), which still counts as MMS seen. */
static inline void unread_tcp_mms_port(const struct pkt_where *at)
{
	if (!g_unread.tcp_mms_port++)
		g_unread.tcp_mms_port_first = *at;
}
static inline void unread_tls_segment(void)
{
	g_unread.encrypted_mms++;
}
/* A frame of an MMS connection that --shard K/N leaves to another process
 * (core/shard.h): MMS is there, and read by that process. */
static inline void unread_mms_elsewhere(void)
{
	g_unread.mms_elsewhere++;
}

/* Is this EtherType one the sensor knows is not MMS? (*name: what it is.) */
bool unread_ethertype_known(uint16_t ethertype, const char **name);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* timesync.h - the time sources of a substation as the wire shows them: an SNTP
 * (NTP) server's replies (RFC 4330/5905, UDP 123) and a PTP Announce (IEC 61588 /
 * IEEE 1588-2008, over Ethernet 0x88F7 or UDP 320), which names the grandmaster.
 * Pure decoding of one message's bytes; the inventory keeps the sources. */
#ifndef MMSW_TIMESYNC_H
#define MMSW_TIMESYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "rd.h"

#define NTP_PORT 123
#define PTP_EVENT_PORT 319
#define PTP_GENERAL_PORT 320
#define ETHERTYPE_PTP 0x88f7

/* An NTP packet sent by a server: mode 4 (server) or 5 (broadcast). */
struct sntp_reply {
	uint8_t leap; /* LI: 3 = clock not synchronized */
	uint8_t version;
	uint8_t mode;
	uint8_t stratum;  /* 1 primary (refid names its source), 0 or 16 unsynchronized */
	uint8_t refid[4]; /* stratum 1: ASCII ("GPS", "PPS"); higher: the upstream server's IPv4 */
};
/* True when the UDP payload is an NTP server or broadcast reply (48 octets at least). */
bool sntp_reply_decode(struct rd payload, struct sntp_reply *out);

/* A PTPv2 Announce: who the grandmaster is and how good it says it is. */
struct ptp_announce {
	uint8_t domain;
	uint8_t sender[8];      /* sourcePortIdentity's clockIdentity */
	uint8_t grandmaster[8]; /* grandmasterIdentity */
	uint8_t priority1, priority2;
	uint8_t clock_class, clock_accuracy;
	uint16_t steps_removed;
	uint8_t time_source; /* 0x20 GPS, 0x40 PTP, 0x50 NTP, 0xA0 internal oscillator, ... */
};
/* True when msg (from the PTP header on) is a PTP version 2 Announce. */
bool ptp_announce_decode(struct rd msg, struct ptp_announce *out);
/* "gps", "ptp", "ntp", "internal_oscillator", ...; NULL for a code not in the table. */
const char *ptp_time_source_name(uint8_t code);

#endif

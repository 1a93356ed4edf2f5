/* SPDX-License-Identifier: GPL-2.0-or-later */
/* timesync.c - SNTP replies and PTP Announce messages; see timesync.h. Every
 * octet is read through the bounded reader; nothing is trusted to be there. */
#include "timesync.h"

#include <string.h>

bool sntp_reply_decode(struct rd payload, struct sntp_reply *out)
{
	uint8_t b0, stratum;
	/* header 48 octets: LI/VN/Mode, stratum, poll, precision, root delay and
	 * dispersion, reference id, then four timestamps */
	if (rd_left(&payload) < 48 || !rd_u8(&payload, &b0) || !rd_u8(&payload, &stratum))
		return false;
	uint8_t mode = b0 & 7, version = (b0 >> 3) & 7;
	if ((mode != 4 && mode != 5) || version < 1 || version > 4)
		return false;
	out->leap = b0 >> 6;
	out->version = version;
	out->mode = mode;
	out->stratum = stratum;
	if (!rd_skip(&payload, 10))
		return false;
	for (int i = 0; i < 4; i++)
		if (!rd_u8(&payload, &out->refid[i]))
			return false;
	return true;
}

/* Octets [at, at + n) of the message into out. */
static bool take(const struct rd *msg, size_t at, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!rd_peek(msg, at + i, &out[i]))
			return false;
	return true;
}

bool ptp_announce_decode(struct rd msg, struct ptp_announce *out)
{
	uint8_t h[64]; /* header 34 octets, Announce body 30 */
	if (!take(&msg, 0, h, sizeof(h)))
		return false;
	uint16_t length = (uint16_t)(h[2] << 8 | h[3]);
	/* messageType 0xB Announce; versionPTP 2 */
	if ((h[0] & 0x0f) != 0x0b || (h[1] & 0x0f) != 2 || length < sizeof(h))
		return false;
	memset(out, 0, sizeof(*out));
	out->domain = h[4];
	memcpy(out->sender, h + 20, 8);
	out->priority1 = h[47];
	out->clock_class = h[48];
	out->clock_accuracy = h[49];
	out->priority2 = h[52];
	memcpy(out->grandmaster, h + 53, 8);
	out->steps_removed = (uint16_t)(h[61] << 8 | h[62]);
	out->time_source = h[63];
	return true;
}

const char *ptp_time_source_name(uint8_t code)
{
	switch (code) {
	case 0x10:
		return "atomic_clock";
	case 0x20:
		return "gps";
	case 0x30:
		return "terrestrial_radio";
	case 0x40:
		return "ptp";
	case 0x50:
		return "ntp";
	case 0x60:
		return "hand_set";
	case 0x90:
		return "other";
	case 0xa0:
		return "internal_oscillator";
	default:
		return NULL;
	}
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mms_data.h - walking MMS Data / AccessResult values (ISO 9506 Data CHOICE).
 * Iteration, not recursion: callers descend into structures one level at a time
 * and carry their own depth, checked against MMSW_BER_MAX_DEPTH. */
#ifndef MMSW_MMS_DATA_H
#define MMSW_MMS_DATA_H

#include "ber.h"

/* Data CHOICE context tags. In an AccessResult, tag 0 is failure (DataAccessError). */
enum mms_data_tag {
	MMS_DATA_ACCESS_FAILURE = 0,
	MMS_DATA_ARRAY = 1,
	MMS_DATA_STRUCTURE = 2,
	MMS_DATA_BOOLEAN = 3,
	MMS_DATA_BIT_STRING = 4,
	MMS_DATA_INTEGER = 5,
	MMS_DATA_UNSIGNED = 6,
	MMS_DATA_FLOAT = 7,
	MMS_DATA_OCTET_STRING = 9,
	MMS_DATA_VISIBLE_STRING = 10,
	MMS_DATA_GENERALIZED_TIME = 11,
	MMS_DATA_BINARY_TIME = 12,
	MMS_DATA_BCD = 13,
	MMS_DATA_BOOLEAN_ARRAY = 14,
	MMS_DATA_OBJ_ID = 15,
	MMS_DATA_MMS_STRING = 16,
	MMS_DATA_UTC_TIME = 17,
};

struct mms_data {
	uint8_t tag; /* enum mms_data_tag; context-specific tag number */
	bool constructed;
	struct rd val; /* contents */
};

/* Take the next Data element from a list's contents. Returns BER_OK and fills d,
 * or the BER status that stopped it; at the end of the list returns BER_OK with
 * *done = true. Elements that are not context-specific are BER_INVALID. */
enum ber_status mms_data_next_slow(struct rd *list, struct mms_data *d, bool *done);
/* The usual element read in place: a one-octet context tag and a short definite
 * length within the avail bytes at p (values are walked several times per report).
 * Its size (2 + length) when it is one, else 0 and d untouched. */
static inline size_t mms_data_short(const uint8_t *p, size_t avail, struct mms_data *d)
{
	if (avail < 2 || (p[0] & 0xc0) != 0x80 || (p[0] & 0x1f) == 0x1f || p[1] >= 0x80 || p[1] > avail - 2)
		return 0;
	d->tag = p[0] & 0x1f;
	d->constructed = (p[0] & 0x20) != 0;
	d->val.p = p + 2;
	d->val.len = p[1];
	d->val.off = 0;
	return 2 + (size_t)p[1];
}
static inline enum ber_status mms_data_next(struct rd *list, struct mms_data *d, bool *done)
{
	size_t n = mms_data_short(rd_ptr(list), rd_left(list), d);
	if (n) {
		*done = false;
		list->off += n;
		return BER_OK;
	}
	return mms_data_next_slow(list, d, done);
}

const char *mms_data_tag_name(uint8_t tag);

/* unsigned: BER wants a leading zero octet before a set top bit; some encoders
 * leave it out and still mean the plain number (at most 8 octets). */
bool mms_data_unsigned(struct rd val, uint64_t *out);
/* floating-point: one exponent-width octet then IEEE 754 single (8) or double (11). */
bool mms_data_float(const struct mms_data *d, double *out);
/* The same when it is the binary32 shape (what IEC 61850 FLOAT32 is): shown with
 * the digits that give back that float, not the double it widens to. */
bool mms_data_float32(const struct mms_data *d, float *out);
/* utc-time: 4 octets seconds, 3 octets fraction of second, 1 octet quality. */
bool mms_data_utc_time(const struct mms_data *d, uint32_t *secs, uint32_t *frac24, uint8_t *quality);
/* The utc-time quality octet (IEC 61850-8-1 TimeQuality): bit 7 (MSB)
 * LeapSecondsKnown, bit 6 ClockFailure, bit 5 ClockNotSynchronized, bits 4..0
 * TimeAccuracy (significant bits of the fraction; 31 unspecified). */
#define MMS_TQ_LEAP_SECONDS_KNOWN 0x80u
#define MMS_TQ_CLOCK_FAILURE 0x40u
#define MMS_TQ_CLOCK_NOT_SYNCHRONIZED 0x20u
#define MMS_TQ_ACCURACY(q) ((unsigned)(q)&0x1fu)
#define MMS_TQ_ACCURACY_UNSPECIFIED 31u
/* binary-time (TimeOfDay): 4 octets ms since midnight, optional 2 octets days since
 * 1984-01-01 (*has_days tells which; *days is 0 without them). */
bool mms_data_binary_time(const struct mms_data *d, uint32_t *ms, bool *has_days, uint16_t *days);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eve_mms.h - the members of the EVE "mms" object for one decoded MMS PDU. */
#ifndef MMSW_EVE_MMS_H
#define MMSW_EVE_MMS_H

#include "core/mms_value.h"
#include "dissectors/mms.h"
#include "dissectors/mms_data.h"
#include "util/json.h"

/* What writing the values ran into (core/mms_value.h's flags). */
enum {
	EVE_MMS_VALUES_CAPPED = MMS_VALUE_CAPPED,
	EVE_MMS_TOO_DEEP = MMS_VALUE_TOO_DEEP,
	EVE_MMS_BAD_DATA = MMS_VALUE_BAD_DATA,
};

/* Write the members of the EVE "mms" object into an object the caller opened.
 * acsi: the ACSI name (for a response, the one of its request) or NULL.
 * value_budget: bytes of JSON the decoded values may take; past it, values stop and
 * "values_truncated": true is written. 0 writes no values at all (values off, or
 * the essentials-only retry of a record that did not fit). Returns EVE_MMS_* flags. */
unsigned eve_mms_fields(struct jw *w, const struct mms_pdu *pdu, const char *acsi, size_t value_budget);

#endif

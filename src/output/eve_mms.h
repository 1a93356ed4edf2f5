/* eve_mms.h - the members of the EVE "mms" object for one decoded MMS PDU. */
#ifndef MMSW_EVE_MMS_H
#define MMSW_EVE_MMS_H

#include "util/json.h"
#include "dissectors/mms.h"
#include "dissectors/mms_data.h"

enum { EVE_MMS_VALUES_CAPPED = 1, EVE_MMS_TOO_DEEP = 2, EVE_MMS_BAD_DATA = 4 };

/* Write the members of the EVE "mms" object into an object the caller opened.
 * acsi: the ACSI name (for a response, the one of its request) or NULL.
 * value_budget: bytes of JSON the decoded values may take; past it, values stop and
 * "values_truncated": true is written. 0 writes no values at all (values off, or
 * the essentials-only retry of a record that did not fit). Returns EVE_MMS_* flags. */
unsigned eve_mms_fields(struct jw *w, const struct mms_pdu *pdu, const char *acsi, size_t value_budget);

/* One Data value (a structure or array with everything in it) in the same JSON
 * shapes, within budget bytes; a value that does not fit is cut short and
 * EVE_MMS_VALUES_CAPPED returned. The audit records (control, write) use it. */
unsigned eve_mms_value(struct jw *w, const struct mms_data *d, size_t budget);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mms_value.h - MMS Data values as JSON, in the one shape every consumer shows
 * them: a structure is [...], an array {"array":[...]}, a bit string
 * {"bits":"..."}, a failure {"failure":"object-access-denied"}, ...
 * (docs/schema/eve.schema.json, "value").
 *
 * Shared because two layers show values: the EVE writer (output/eve_mms.c, the
 * `mms` object's values and results) and the analyzers, whose findings and
 * audit records carry a value as JSON (analyze/control.c: the ctlVal of a failed
 * control, the values a client wrote). */
#ifndef MMSW_MMS_VALUE_H
#define MMSW_MMS_VALUE_H

#include <stdbool.h>
#include <stddef.h>

#include "dissectors/mms_data.h"
#include "util/json.h"

/* What writing values ran into (flags). */
enum {
	MMS_VALUE_CAPPED = 1,   /* the byte budget ran out: values stopped */
	MMS_VALUE_TOO_DEEP = 2, /* nesting past the limits: a too_deep marker instead */
	MMS_VALUE_BAD_DATA = 4, /* bytes that are not valid Data: an invalid marker instead */
};

/* A section of values written under one byte budget. */
struct mms_value_writer {
	struct jw *w;
	size_t start; /* w->len where the budgeted section began */
	size_t budget;
	unsigned flags;
	bool stop; /* budget spent or nesting too deep: no more values */
};

/* Whether est more bytes of JSON fit the budget; if not, values stop. */
static inline bool mms_value_fits(struct mms_value_writer *v, size_t est)
{
	size_t used = v->w->len - v->start;
	if (v->w->overflow || used > v->budget || est > v->budget - used) {
		v->stop = true;
		if (!v->w->overflow)
			v->flags |= MMS_VALUE_CAPPED;
		return false;
	}
	return true;
}

/* Upper bound of a string's JSON size (json.c's escaping). */
size_t mms_value_string_cost(struct rd val);

enum mms_value_list {
	MMS_VALUE_DATA,           /* SEQUENCE OF Data */
	MMS_VALUE_ACCESS_RESULTS, /* SEQUENCE OF AccessResult: failure [0] or a Data */
	MMS_VALUE_WRITE_RESULTS,  /* Write-Response: failure [0] or success [1] NULL */
};

/* A list of Data as a JSON array under key, within v's budget; writing stops
 * (v->stop) when the budget is spent. */
void mms_value_list(struct mms_value_writer *v, const char *key, struct rd list, enum mms_value_list kind);

/* One Data value (a structure or array with everything in it) within budget
 * bytes; a value that does not fit is cut short and MMS_VALUE_CAPPED returned.
 * Returns MMS_VALUE_* flags. */
unsigned mms_value_json(struct jw *w, const struct mms_data *d, size_t budget);

#endif

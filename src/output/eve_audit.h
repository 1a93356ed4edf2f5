/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eve_audit.h - the audit trail in EVE: `control`, `write` and `file` records
 * (docs/schema/eve.schema.json) from the analyzers' REC_CONTROL, REC_WRITE and
 * REC_FILE records (core/record.h). eve_sink's record hook hands them here. */
#ifndef MMSW_EVE_AUDIT_H
#define MMSW_EVE_AUDIT_H

#include "core/record.h"

/* Write one audit record (REC_CONTROL, REC_WRITE or REC_FILE) when EVE is on. */
void eve_audit(const struct record *r);

#endif

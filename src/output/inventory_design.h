/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inventory_design.h - the inventory document's `design` section (--scl): per SCL
 * IED, designed vs seen; per RCB and dataset, designed, seen or both. Formatting
 * only; the model is core/scl.h, the observations core/ied.h. */
#ifndef MMSW_INVENTORY_DESIGN_H
#define MMSW_INVENTORY_DESIGN_H

#include <stddef.h>

#include "core/ied.h"
#include "core/scl.h"
#include "util/json.h"

/* The IEDs the traffic showed at one designed IED's addresses. */
struct design_seen {
	const struct scl_ied *design;
	const struct ied *const *ieds;
	size_t n;
};

/* "hash", "files": the members of the design object before its IEDs. */
void design_header_json(struct jw *w, const struct scl *m);
/* One designed IED: its identity, addresses and what was seen of it. */
void design_ied_json(struct jw *w, const struct design_seen *s);
/* One IED seen at an address the design does not have. */
void design_unknown_json(struct jw *w, const struct ied *d);

#endif

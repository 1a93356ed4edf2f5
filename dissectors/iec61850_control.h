/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iec61850_control.h - the IEC 61850-8-1 control model on the wire: which MMS
 * names are control services (Select is a read of ...$CO$DO$SBO, Operate a write
 * of ...$Oper, ...), what an Oper/SBOw/Cancel structure carries (ctlVal, origin,
 * ctlNum, Test), and the LastApplError an IED sends to say why it refused or
 * ended a control, with the names of its codes (Error, AddCause, orCat).
 *
 * Pure decoding: what a control means for an association (selections, failures,
 * allowlists) is analyze/control.c's business. */
#ifndef MMSW_IEC61850_CONTROL_H
#define MMSW_IEC61850_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mms.h"
#include "mms_data.h"

/* The control service an MMS variable name stands for. */
enum iec_ctl_service {
	IEC_CTL_NONE = 0,
	IEC_CTL_SELECT,            /* a read of ...$CO$DO$SBO */
	IEC_CTL_SELECT_WITH_VALUE, /* a write of ...$CO$DO$SBOw */
	IEC_CTL_OPERATE,           /* a write of ...$CO$DO$Oper (and CommandTermination) */
	IEC_CTL_CANCEL,            /* a write of ...$CO$DO$Cancel */
};

/* The control object and service an MMS name stands for: item
 * "GGIO1$CO$SPCSO1$Oper" in domain "LD" is object "LD/GGIO1.SPCSO1", operate.
 * A name "LN$CF$DO$ctlModel" names the same object (*ctl_model set, IEC_CTL_NONE
 * returned). ref is written only when one of the two matched. */
enum iec_ctl_service iec61850_control_name(const char *domain, const char *item, char *ref, size_t size,
					   bool *ctl_model);
/* The same for a name as decoded (domain-specific names only; wire bytes that are
 * not printable are read as '?'). */
enum iec_ctl_service iec61850_control_objname(const struct mms_objname *o, char *ref, size_t size, bool *ctl_model);

/* What an Oper, SBOw or Cancel structure carries: ctlVal, [operTm],
 * origin {orCat, orIdent}, ctlNum, T, Test, [Check]. A value that is not a
 * structure is taken as the ctlVal alone. */
struct iec_ctl_params {
	bool has_ctl_val;
	struct mms_data ctl_val; /* a view into the structure */
	int64_t or_cat;          /* originator category, -1 absent */
	bool has_ctl_num;
	uint32_t ctl_num;
	bool has_test, test;
};
void iec61850_ctl_params(const struct mms_data *oper, struct iec_ctl_params *out);

/* LastApplError: why the IED refused or ended a control, sent as an
 * informationReport (before the negative answer, or with CommandTermination-). */
struct last_appl_error {
	char cntrl_obj[160]; /* "LD/LN$CO$DO$Oper" as sent ('?' for unprintable bytes) */
	int64_t error;       /* 0 No error, 1 Unknown, 2/3 test not ok */
	int64_t or_cat;      /* originator category, -1 absent */
	bool has_ctl_num;
	uint32_t ctl_num;
	int64_t add_cause; /* AddCause, -1 absent */
};
/* Decode the contents of a LastApplError structure; false when malformed. */
bool iec61850_last_appl_error(const struct rd *contents, struct last_appl_error *out);

/* Names of the codes, NULL when a code is outside the standard's table. */
const char *iec61850_add_cause_name(int64_t add_cause); /* "Object-not-selected" */
const char *iec61850_ctl_error_name(int64_t error);     /* "No error", ... */
const char *iec61850_or_cat_name(int64_t or_cat);       /* "remote-control", ... */

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iec61850.h - the IEC 61850-8-1 view of MMS: references and ACSI services. */
#ifndef MMSW_IEC61850_H
#define MMSW_IEC61850_H

#include "mms.h"

#include <stddef.h>

/* "LD/LN$FC$DO$DA" (domain LD, item LN$FC$DO$DA) as "LD/LN.DO.DA [FC]"; a
 * vmd-specific or aa-specific name is its item. Returns the length written
 * (always NUL-terminated, truncated to size). */
size_t iec61850_ref(const struct mms_objname *o, char *buf, size_t size);

/* The ACSI service a request PDU stands for (GetDataValues, Operate, Report, ...),
 * or NULL. For responses and errors pass the request's ACSI name through instead. */
const char *iec61850_acsi(const struct mms_pdu *pdu);

/* The functional constraint of an item ("ST", "CO", "BR", ...) as a view of the
 * item; empty when the item has none. */
struct bview iec61850_fc(struct bview item);

#endif

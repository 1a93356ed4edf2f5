/* record.h - what analyzers produce besides findings, for the sinks: a report
 * placed in its stream, how an association ended, ... Records travel the bus
 * (core/bus.h) like findings; the sinks (EVE, the store, the summary) consume
 * them and never call into an analyzer. Pointers inside a record are valid only
 * for the duration of the delivery. */
#ifndef MMSW_RECORD_H
#define MMSW_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/flow.h"
#include "core/packet.h"

struct iec_report;
struct inventory_view;

enum record_kind {
	REC_REPORT = 0,     /* an IEC 61850 report decoded and placed in its stream */
	REC_ASSOC_END,      /* how an association ended (the flow is ending) */
	REC_INVENTORY,      /* the run's inventory, finished, at the end of input */
	REC_KIND_COUNT
};

/* REC_REPORT (analyze/reports.c). */
struct report_record {
	const struct iec_report *rep;
	const char *rcb;           /* "LD/LLN0.RP.name", NULL when not known */
	const char *datset;        /* from the report or the RCB, NULL when not known */
	const char *sequence;      /* the SqNum verdict: first, next, wrap, gap, ... */
	uint32_t size;             /* bytes of the MMS PDU */
	uint32_t stream_id;        /* the report stream, unique in the run (from 1) */
};

/* REC_ASSOC_END (analyze/associations.c): delivered while the flow ends. */
struct assoc_end_record {
	const char *how;           /* "released", "aborted by the client", ... */
};

/* REC_INVENTORY (analyze/inventory.c): the inventory model (core/inventory.h),
 * read-only; a sink that wants the document (docs/inventory.md) renders it from
 * this view during the delivery (output/inventory_doc.h). */
struct inventory_record {
	const struct inventory_view *view;
};

struct record {
	uint8_t kind;              /* enum record_kind */
	struct flow *flow;         /* NULL when the record is not about one flow */
	int dir;
	struct pkt_where at;
	union {
		struct report_record report;
		struct assoc_end_record assoc_end;
		struct inventory_record inventory;
	} u;
};

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
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
#include "dissectors/rd.h"

struct iec_report;
struct inventory_view;
struct fact_table;
struct last_appl_error;

enum record_kind {
	REC_REPORT = 0, /* an IEC 61850 report decoded and placed in its stream */
	REC_ASSOC_END,  /* how an association ended (the flow is ending) */
	REC_INVENTORY,  /* the run's inventory, finished, at the end of input */
	REC_CONTROL,    /* a control step (Select, Operate, ...) and its result */
	REC_WRITE,      /* the ordinary items of one write and their results */
	REC_FILE,       /* a file service, or a whole file transfer */
	REC_FACTS,      /* the run's facts for a later drift check (core/facts.h) */
	REC_CLOCK,      /* one window's estimate of an IED's clock offset */
	REC_KIND_COUNT
};

/* REC_REPORT (analyze/reports.c). */
struct report_record {
	const struct iec_report *rep;
	const char *rcb;      /* "LD/LLN0.RP.name", NULL when not known */
	const char *datset;   /* from the report or the RCB, NULL when not known */
	const char *sequence; /* the SqNum verdict: first, next, wrap, gap, ... */
	uint32_t size;        /* bytes of the MMS PDU */
	uint32_t stream_id;   /* the report stream, unique in the run (from 1) */
};

/* REC_ASSOC_END (analyze/associations.c): delivered while the flow ends. */
struct assoc_end_record {
	const char *how; /* "released", "aborted by the client", ... */
};

/* REC_INVENTORY (analyze/inventory.c): the inventory model (core/inventory.h),
 * read-only; a sink that wants the document (docs/inventory.md) renders it from
 * this view during the delivery (output/inventory_doc.h). */
struct inventory_record {
	const struct inventory_view *view;
};

/* REC_FACTS (analyze/drift.c): the run's facts (core/facts.h), read-only; those
 * with a stamp at or above `since` are new or changed since the last record. */
struct facts_record {
	const struct fact_table *facts;
	uint32_t since;
};

/* The audit trail (analyze/control.c): who changed what on which IED, each with
 * the result the IED gave. Results and steps are the analyzer's words
 * ("success", "failure", "unanswered", ...; "operate", "select", ...); codes off
 * the wire stay codes. The answer's frame and time are the record's `at`. */

/* The request an audit record answers. */
struct audit_request {
	uint32_t invoke_id;
	struct pkt_where at; /* its frame and time */
};

/* Why the IED refused one item: a DataAccessError, or the empty reference by
 * which a server refuses a normal-security Select. */
struct audit_failure {
	bool present;
	bool empty_sbo_reference;
	uint32_t data_access_error; /* when not the empty reference */
};

/* A confirmed-error's class and code, as sent. */
struct audit_error {
	bool present;
	uint8_t error_class;
	uint32_t error_code;
};

/* REC_CONTROL: one control step of one control object. */
struct control_record {
	const char *client, *ied;            /* as findings name them: "10.0.0.1", the IED's label */
	const char *object;                  /* "LD/LN.DO" */
	const char *step, *acsi;             /* "operate" and "Operate", "command_termination" ... */
	const struct audit_request *request; /* NULL: the record answers no request seen */
	const char *ctl_val;                 /* JSON (core/mms_value.h); NULL when not kept */
	size_t ctl_val_len;
	bool has_ctl_num, has_test, test;
	uint32_t ctl_num;
	int64_t or_cat;              /* originator category, -1 absent */
	const char *ctl_model;       /* "sbo-with-enhanced-security", ...; NULL not known */
	bool has_selected, selected; /* an Operate of an SBO object: was it selected */
	const char *result;
	struct audit_failure failure;
	struct audit_error error;
	const struct last_appl_error *lae; /* dissectors/iec61850_control.h; NULL none */
	bool unauthorized;                 /* no allowlist rule permits it */
};

/* One ordinary item of a write. */
struct write_item {
	const char *object; /* "LD/LN.DO.DA"; NULL for a dataset's members */
	const char *fc;     /* "ST", "CF", ...; "" none */
	const char *value;  /* JSON (core/mms_value.h); NULL when not kept */
	size_t value_len;
	const char *result;
	struct audit_failure failure;
	bool unauthorized;
};

/* REC_WRITE: the ordinary (non-control) items of one write request. */
struct write_record {
	const char *client, *ied;
	const char *acsi;                    /* "SetDataValues", ...; NULL not known */
	const struct audit_request *request; /* NULL: the record answers no request seen */
	const char *variable_list;           /* SetDataSetValues: the dataset; NULL otherwise */
	const char *result;
	struct audit_error error;
	const struct write_item *items; /* in request order */
	uint16_t n_items;
	uint32_t items_total; /* items in the request when more than were kept, else 0 */
	bool unauthorized;    /* the dataset write, when the list is the object */
};

/* REC_FILE: one file service (directory, delete, obtain, rename, an open that
 * failed), or a whole transfer (fileOpen, fileRead..., fileClose). */
struct file_record {
	const char *client, *ied;
	const char *operation;          /* "get", "directory", "delete", "obtain", "rename" */
	const char *acsi;               /* "GetFile", ...; NULL not known */
	const char *name, *destination; /* NULL when absent */
	bool has_frsm;
	int32_t frsm;
	bool transfer; /* has_size to opened_at are a transfer's */
	bool has_size; /* the size the open answered */
	uint32_t size;
	uint64_t bytes; /* read */
	uint32_t reads;
	struct pkt_where opened_at; /* the fileOpen request; frame 0 when not seen */
	/* The request answered; for a transfer whose open was not seen, the
	 * fileClose. NULL: none. */
	const struct audit_request *request;
	bool has_directory; /* a fileDirectory answer: */
	uint32_t entries;
	struct rd names; /* its DirectoryEntry list, as sent */
	bool has_more_follows, more_follows;
	const char *result;
	struct audit_error error;
};

/* REC_CLOCK (analyze/clock.c): the IED's clock offset over one window of packet
 * time (its high percentile: analyze/clock_estimate.h). */
struct ied;
struct clock_record {
	const struct ied *ied;
	int64_t ts;        /* the window's middle, packet time (us) */
	int64_t offset_us; /* IED time minus capture time */
	uint32_t samples;
};

struct record {
	uint8_t kind;      /* enum record_kind */
	struct flow *flow; /* NULL when the record is not about one flow */
	int dir;
	struct pkt_where at;
	union {
		struct report_record report;
		struct assoc_end_record assoc_end;
		struct inventory_record inventory;
		struct control_record control;
		struct write_record write;
		struct file_record file;
		struct facts_record facts;
		struct clock_record clock;
	} u;
};

/* The bytes of a record of this kind that matter: its header and its own part of
 * the union (what the bus copies when it holds a record back). */
static inline size_t record_size(uint8_t kind)
{
	size_t head = offsetof(struct record, u);
	switch (kind) {
	case REC_REPORT:
		return head + sizeof(struct report_record);
	case REC_ASSOC_END:
		return head + sizeof(struct assoc_end_record);
	case REC_INVENTORY:
		return head + sizeof(struct inventory_record);
	case REC_FACTS:
		return head + sizeof(struct facts_record);
	default:
		return sizeof(struct record);
	}
}

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* analyze.h - the analyzers: subscribers to pipeline events that keep bounded
 * state per association (struct flow_an, hung on the flow) and per IED
 * (analyze/ied.h), and make findings (analyze/finding.h). Thresholds come from
 * the rules (rules.h), never from constants in an analyzer. */
#ifndef MMSW_ANALYZE_H
#define MMSW_ANALYZE_H

#include <stdbool.h>
#include <stdio.h>

#include "core/bus.h"
#include "core/events.h"

struct ied;
struct rstream;

/* What the report analyzer remembers of a request it needs to see answered (RCB
 * writes and reads, dataset directory requests), hung on the request's
 * transaction (core/events.h: struct mms_txn): stages/app_iso.c pairs it with
 * its answer. */
#define AN_MAX_ITEMS 32

enum an_req_kind { AN_REQ_NONE = 0, AN_REQ_RCB_WRITE, AN_REQ_RCB_READ, AN_REQ_NVL_ATTR };

struct an_item {
	uint16_t rcb; /* index into the IED's RCBs */
	uint8_t attr; /* enum rcb_attr, RCB_ATTR_COUNT = the whole RCB */
	uint8_t vtag; /* MMS Data tag of the value written, 0 none */
	bool b;
	uint32_t u;
	uint16_t bits; /* bit-strings, bit i at (1 << i) */
	char *str;     /* RptID / DatSet written (malloc'd) */
};

struct an_request {
	uint8_t kind;        /* enum an_req_kind */
	struct pkt_where at; /* the request's packet */
	uint16_t n_items;
	struct an_item *items;
	char *name; /* AN_REQ_NVL_ATTR: the dataset reference */
};

/* Reports the sensor could not see because of a TCP hole, per direction. */
#define AN_LOSS_REPORTS_KEPT 32
struct an_loss {
	uint64_t bytes, gaps;
	uint32_t n_reports; /* reports known missing inside holes */
	struct {
		uint32_t sqnum;
		char rptid[36];
	} reports[AN_LOSS_REPORTS_KEPT];
};

/* Streams whose RptID key byte the association keeps beside the count. */
#define AN_STREAM_KEYS 6

/* What the analyzers share about one association, in the flow slot of the common
 * analyzer (analyze.c); NULL until an analyzer needs it, freed at the flow's end
 * after every analyzer saw it. An analyzer's own per-association state lives in
 * a flow slot of its own. */
struct flow_an {
	struct ied *ied;
	struct rstream *streams; /* report streams of this association */
	struct an_loss *loss[2]; /* by direction, allocated at the first hole */
	uint16_t n_streams;
	/* The key byte of each first stream's RptID (reports.c: rptid_key), in what
	 * was padding: a report reads only the streams whose byte is its own, not
	 * each stream's lines in turn. */
	uint8_t stream_key[AN_STREAM_KEYS];
	/* ... and the index of each one's RCB (AN_RCB_NONE: none, or past 254), so
	 * that the RCB's line can be asked for before the stream's lines come. */
	uint8_t stream_rcb[AN_STREAM_KEYS];
};
#define AN_RCB_NONE 0xff

extern int an_flow_slot;
static inline struct flow_an *flow_an_of(const struct flow *f)
{
	return (struct flow_an *)f->slot[an_flow_slot];
}
/* The association's shared state, created when first needed (NULL: out of memory). */
struct flow_an *flow_an_get(struct flow *f);
/* A slot for a request awaiting its response (the oldest is dropped when full). */
/* Remember a request on its transaction (replacing what was there); NULL without
 * a transaction or memory. */
struct an_request *an_request_new(struct mms_txn *t, uint8_t kind);
/* The request an answer's transaction carries, NULL when none. */
struct an_request *an_request_of(const struct mms_txn *t);
/* Forget it now (the transaction goes on). */
void an_request_drop(struct mms_txn *t);

/* Capture loss (loss.c): a TCP hole becomes a capture_loss finding (info: the
 * sensor missed bytes, not the IED); analyzers add what they know was inside. */
void loss_gap(struct flow *f, int dir, uint64_t bytes, const struct pkt_where *at);
void loss_reports_unseen(struct flow *f, int dir, const char *rptid, uint32_t first, uint32_t count, uint32_t modulus,
			 const struct pkt_where *at);

/* The analyzers, registered on the bus by pipeline_add_analyzers() in this
 * order: loss, associations, services, control, inventory, reports,
 * redundancy, visibility, cabling, clock, common. */
extern const struct analyzer loss_analyzer;       /* capture loss (loss.c) */
extern const struct analyzer assoc_analyzer;      /* associations.c */
extern const struct analyzer services_analyzer;   /* services.c */
extern const struct analyzer control_analyzer;    /* control.c */
extern const struct analyzer inventory_analyzer;  /* inventory.c */
extern const struct analyzer reports_analyzer;    /* reports.c */
extern const struct analyzer redundancy_analyzer; /* redundancy.c: PRP LANs, HSR rings */
extern const struct analyzer visibility_analyzer; /* visibility.c: no MMS, and why */
extern const struct analyzer cabling_analyzer;    /* cabling.c: PRP LAN vs the interface's declared LAN */
extern const struct analyzer scl_checks_analyzer; /* scl_checks.c: traffic vs the design (--scl only) */
/* Is the address (at that MMS port, 0 any) a ConnectedAP of the SCL IED named? */
bool scl_checks_ied_named(const char *name, uint8_t ipver, const uint8_t *ip, uint16_t port);
extern const struct analyzer common_analyzer; /* analyze.c: shared state, finding timers */
extern const struct analyzer drift_analyzer;  /* drift.c: facts of the run, drift since a baseline */
/* drift.c: its summary line, from a run's counts of drift findings by kind or a
 * --shards job's sums (src/shards_summary.c). */
#define DRIFT_PRINT_COUNTS 8
void drift_print_line(FILE *out, const char *base, const uint64_t *counts);

/* drift.c: collect the run's facts for the store (--db) and/or compare them with
 * a baseline's (NULL: none; the caller owns it until the end of the run), named
 * `name` in findings; a live run also compares values every minute. */
struct fact_table;
void drift_configure(bool collect_facts, const struct fact_table *baseline, const char *name, bool live_run);
extern const struct analyzer clock_analyzer; /* clock.c: IED clocks against the capture's */

struct pkt;

/* Associations: lifecycle, refusals, limits, storms (associations.c). */
void assoc_tcp(struct flow *f, int dir, enum tcp_ev kind, const struct pkt_where *at);
void assoc_event(struct flow *f, int dir, const struct assoc_event *e, const struct pkt_where *at);
void assoc_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at);
void assoc_stream(struct flow *f, int dir, const struct stream_event *e, const struct pkt_where *at);
void assoc_flow_end(struct flow *f, enum flow_end why, const struct pkt_where *at);
void assoc_tick(int64_t now);
void assoc_finish(int64_t now);
void assoc_free(void);

/* Services: request/response pairing, latency, errors (services.c). */
void services_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at);
void services_flow_end(struct flow *f, enum flow_end why, const struct pkt_where *at);
void services_tick(int64_t now);
void services_finish(int64_t now);
void services_free(void);

/* Confirmed-errors and rejects of one IED, tallied by class and code. */
enum svc_tally_what { SVC_TALLY_ERROR = 0, SVC_TALLY_REJECT, SVC_TALLY_CANCEL_ERROR };
struct svc_tally {
	uint8_t what;    /* enum svc_tally_what */
	uint8_t cls;     /* error class, or reject type */
	int16_t service; /* the request's service, -1 unknown */
	int64_t code;
	uint64_t count;
};
/* The IED's tallies (*out stays valid until the next PDU); returns how many. */
size_t services_tallies(const struct ied *d, const struct svc_tally **out);
/* The per-IED latency and error table for the end-of-run summary. */
void services_print(FILE *out);

/* Controls, writes, files, allowlists (control.c). */
void control_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at);
void control_flow_end(struct flow *f, enum flow_end why, const struct pkt_where *at);
void control_tick(int64_t now);
void control_finish(int64_t now);
void control_free(void);

/* Inventory and security posture (inventory.c). */
void inventory_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at);
void inventory_assoc(struct flow *f, int dir, const struct assoc_event *e, const struct pkt_where *at);
void inventory_stream(struct flow *f, int dir, const struct stream_event *e, const struct pkt_where *at);
void inventory_l2(const struct pkt *p);
void inventory_finish(int64_t now);
/* The inventory model as it stands, read-only (core/inventory.h); the document
 * is output/inventory_doc.h's. */
struct inventory_view;
const struct inventory_view *inventory_view(void);
/* The inventory's short block for the end-of-run summary (inventory_print.c),
 * and its headings, which a --shards job's summary prints from the processes'
 * sums (src/shards_summary.c). */
#define INV_PRINT_MAX 16 /* IEDs and streams in the summary block */
void inventory_print(FILE *out);
void inventory_print_head(FILE *out, uint64_t ieds, uint64_t plcs, uint64_t clients, uint64_t goose, uint64_t sv);
void inventory_print_more(FILE *out, uint64_t more);
void inventory_free(void);

/* The report analyzer (reports.c). */
void reports_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at);
void reports_flow_end(struct flow *f, const struct pkt_where *at);
void reports_tick(int64_t now);
void reports_finish(int64_t now);
/* The report reports.c decoded from this InformationReport (valid for the
 * event's delivery; analyzers registered after reports), NULL when the PDU is not
 * a decoded RPT of a known IED. *replay: its EntryID was delivered before. */
struct iec_report;
const struct iec_report *reports_current(const struct mms_event *e, bool *replay);

#endif

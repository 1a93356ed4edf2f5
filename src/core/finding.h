/* SPDX-License-Identifier: GPL-2.0-or-later */
/* finding.h - what an engineer acts on. Every analyzer reports through here.
 *
 * A finding has a stable kind (docs/findings.md), a severity (default per kind,
 * rules may override), first/last seen on packet time, the IED and client, the
 * object (RCB, RptID, data object), a one-line summary, kind-specific details (a
 * JSON object), evidence frames (capped, with the total) and a tshark display
 * filter that selects the evidence frames.
 *
 * Repeats aggregate: the same kind on the same IED and object within the
 * aggregation window is one finding whose count, last_seen and evidence grow.
 * A finding is written (EVE `finding`) the moment it is first committed, and
 * again, marked final, when its window closes with more than it had then. */
#ifndef MMSW_FINDING_H
#define MMSW_FINDING_H

#include <stdbool.h>
#include <stdint.h>

#include "core/flow.h"
#include "core/order.h"
#include "core/packet.h"
#include "core/severity.h"
#include "util/json.h"


#define FINDING_EVIDENCE_MAX 32
#define FINDING_CONTEXT_MAX 8
#define FINDING_OBJECT_MAX 256
#define FINDING_SUMMARY_MAX 512
#define FINDING_DETAILS_MAX 4096

/* One side of a connection, as findings name it. */
struct endpoint {
	uint8_t ipver, n_vlan;
	uint16_t vlan[MMSW_MAX_VLAN];
	uint8_t ip[16];
	uint16_t port;
};

struct finding {
	uint64_t id; /* stable within a run; the store's key */
	const char *kind;
	uint8_t severity;
	int64_t first_seen, last_seen;
	uint64_t count;
	struct endpoint ied;
	bool has_client;
	struct endpoint client;
	uint64_t flow_id; /* the association's flow, 0 when none */
	char object[FINDING_OBJECT_MAX];
	char summary[FINDING_SUMMARY_MAX];
	char details[FINDING_DETAILS_MAX]; /* a JSON object, "{}" when none */
	uint16_t n_evidence;
	uint64_t evidence_total;
	struct pkt_where evidence[FINDING_EVIDENCE_MAX];
	/* frames the finding rests on without being its evidence (the write that set
	 * TrgOps): not in EVE, only in its evidence slice (output/evidence.c) */
	uint16_t n_context;
	struct pkt_where context[FINDING_CONTEXT_MAX];
	/* a list of numbers that grows with the aggregate (e.g. missing SqNums) */
	uint32_t *list;
	uint16_t n_list;
	uint64_t list_total;
	/* bookkeeping */
	bool emitted; /* the first record was written */
	bool dirty;   /* changed since the last record */
	bool kept;    /* a brief was made for the end of the run */
	/* finding.c's index of the open aggregates (kind, IED, object) */
	struct finding *hnext;
	uint32_t hash;
	uint32_t open_pos; /* its place in the open list */
};


/* Endpoints of a flow's IED (server) and client. */
void endpoint_server(const struct flow *f, struct endpoint *e);
void endpoint_client(const struct flow *f, struct endpoint *e);
void endpoint_text(const struct endpoint *e, char *buf, size_t size); /* "10.0.0.1:102" */
/* The address alone ("10.0.0.1", "fe80::1": no port, no brackets): how findings
 * name a client, so repeats from one client aggregate whatever its port. */
void endpoint_ip_text(const struct endpoint *e, char *buf, size_t size);
void flow_client_ip(const struct flow *f, char *buf, size_t size);

/* Open (or find the open aggregate of) a finding of `kind` on this IED and object.
 * The caller fills or updates summary/details, adds evidence, then commits. */
struct finding *finding_open(const char *kind, const struct endpoint *ied, const char *object, int64_t now);
void finding_set_flow(struct finding *f, const struct flow *fl);
/* finding_open on the flow's IED (its server), with the flow set and, for a new
 * aggregate, severity sev (rules may still raise it at commit). */
struct finding *finding_open_on_flow(const char *kind, uint8_t sev, const struct flow *fl, const char *object,
				     int64_t now);
/* Close the details object written with w into fd->details ("{}" if it overflowed). */
void finding_details_end(struct jw *w, struct finding *fd);
void finding_evidence(struct finding *f, const struct pkt_where *at);
/* A frame that set up the state the finding rests on (kept up to
 * FINDING_CONTEXT_MAX; does not mark the finding changed). */
void finding_context(struct finding *f, const struct pkt_where *at);
void finding_summary(struct finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Add a number to the finding's list (kept up to FINDING_LIST_MAX, all counted). */
#define FINDING_LIST_MAX 256
void finding_list_add(struct finding *f, uint32_t v);
/* Record one more occurrence at `now` and publish it (first time at once). */
void finding_commit(struct finding *f, int64_t now);
/* A later occurrence is worse than the first: raise the aggregate's severity. */
void finding_raise(struct finding *f, uint8_t sev);
/* More is known about the same occurrence (details, evidence): no new count. */
void finding_touch(struct finding *f, int64_t now);
/* The same occurrence turns out to be a graver kind (a degraded LAN that went
 * down): the finding takes the new kind and severity (rules overrides apply),
 * keeps its id, count and evidence, and its next record (finding_touch or
 * finding_commit) is published as a first record again, so that sinks acting on
 * a finding's first record (alerts, syslog, the gate) act on the new kind. */
void finding_supersede(struct finding *f, const char *kind, uint8_t sev);

/* Where findings go when made or grown: the bus (core/bus.c sets it). */
void findings_publish_to(void (*fn)(const struct finding *f));

/* Close aggregates whose window has passed (packet time), or all at the end. */
void findings_tick(int64_t now);
void findings_finish(void);
/* Counts by severity for the end-of-run summary and the gate. */
uint64_t findings_count(uint8_t sev);
/* What is kept of every finding for the end-of-run summary (full findings are
 * freed when their aggregate closes: a long run keeps only this much). */
struct finding_brief {
	uint64_t id;
	const char *kind;
	uint8_t severity;
	uint64_t count;
	struct endpoint ied;
	char *summary;
	struct order_key first; /* when it was made (core/order.h): a --shards job's summary sorts by it */
};
/* Visit every finding made in this run (capped at FINDINGS_KEPT_MAX, in order). */
void findings_foreach(void (*fn)(const struct finding_brief *, void *), void *arg);
void findings_free(void);

/* The tshark display filter that selects this finding's evidence frames in the
 * file of its first evidence frame. */
void finding_tshark_filter(const struct finding *f, char *buf, size_t size);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ied.h - what the traffic says about each IED (an MMS server endpoint): its name
 * and identity, logical devices, datasets and their members, report control
 * blocks and their settings, and its associations. Fixed capacity; a full table is
 * a counted limit, never a crash. */
#ifndef MMSW_IED_H
#define MMSW_IED_H

#include "core/finding.h"
#include "core/latency.h"
#include "dissectors/rd.h"

#define IED_MAX 4096
#define IED_MAX_RCBS 256
#define IED_MAX_DATASETS 128
#define IED_MAX_DATASET_MEMBERS 512
#define IED_MAX_LDS 64
#define RCB_ENTRYIDS_KEPT 32
/* Slots analyzers and sinks take at start-up for their per-IED state. */
#define IED_SLOTS 8

/* RCB attributes, in the order clients name them. */
enum rcb_attr {
	RCB_RPTID = 0,
	RCB_RPTENA,
	RCB_RESV,
	RCB_DATSET,
	RCB_CONFREV,
	RCB_OPTFLDS,
	RCB_BUFTM,
	RCB_SQNUM,
	RCB_TRGOPS,
	RCB_INTGPD,
	RCB_GI,
	RCB_PURGEBUF,
	RCB_ENTRYID,
	RCB_TIMEOFENTRY,
	RCB_RESVTMS,
	RCB_OWNER,
	RCB_ATTR_COUNT
};

/* What every report reads or writes of its RCB comes first, in one cache line:
 * with many RCBs, a report's is seldom in cache. The struct is a whole number of
 * lines and the IED's array starts on one (ied_rcb), so that line is one line:
 * in a plain array, an RCB's first 64 bytes spanned two lines for three RCBs of
 * four. */
struct rcb {
	uint64_t reports;
	uint32_t known; /* bit per enum rcb_attr known */
	uint32_t buftm, intgpd;
	bool buffered;  /* $BR$ */
	uint8_t trgops; /* TRG_MASK bits in force */
	bool gi_pending;
	bool reported_since_enable;
	bool coalescing_told; /* buftm_coalescing was said for this RCB */
	/* buffered: EntryIDs delivered lately (to tell a replay from new entries) */
	uint8_t n_entryids, next_entryid;
	uint8_t entryid_tag[RCB_ENTRYIDS_KEPT]; /* each one's octets XOR-folded: found with memchr */
	char ref[160];                          /* MMS form: "LD/LLN0$RP$EventsRCB01" */
	char rptid[66];
	char datset[160];
	bool rptena, resv, gi;
	uint16_t optflds;
	uint32_t confrev, resvtms;
	uint64_t owner_flow; /* the association that enabled it (0 none) */
	uint64_t resv_flow;  /* the association that reserved it */
	uint8_t resv_client[16];
	int64_t enabled_at;
	struct pkt_where enable_at;
	struct pkt_where trgops_req_at, trgops_at; /* the TrgOps write and its answer (frame 0: none) */
	int64_t gi_requested_at;
	struct pkt_where gi_at;
	bool no_report_flagged;
	uint8_t entryids[RCB_ENTRYIDS_KEPT][8];
	uint64_t entryid_flow; /* the association that last wrote EntryID (0 none) */
} __attribute__((aligned(64)));


struct dataset {
	char ref[160]; /* "LD/LLN0$Events" */
	uint16_t n_members;
	char **members; /* MMS names of the members, from GetNVLAttributes */
};

struct scl_ied;

/* What a PDU's analyzers read of its IED comes first: the analyzers' and sinks'
 * slots in line 0, the RCB table and the association counters in line 1 (the
 * struct is allocated on a line, ied_get). The flow stage asks for these two
 * lines with the flow's (flow_table_prefetch); the names after them are read
 * when something is said about the IED. */
struct ied {
	void *slot[IED_SLOTS]; /* analyzers' and sinks' own state (core/bus.h), freed by its owner */
	uint16_t n_rcbs;
	/* No RCB had an owning association at the reports analyzer's last timer
	 * pass, and none was enabled since: its timers skip this IED (a sensor
	 * keeps every IED it ever saw; only those with enabled RCBs have timers). */
	bool rcbs_unowned;
	bool limit_inferred;
	uint16_t n_datasets;
	uint16_t n_lds;
	struct rcb *rcbs;         /* IED_MAX_RCBS */
	struct dataset *datasets; /* IED_MAX_DATASETS */
	/* associations (issue 5 analyzers use these) */
	uint32_t open_assocs, peak_assocs, assocs_total, refused;
	uint32_t limit;              /* from rules, or inferred; 0 unknown */
	struct ied_latency *latency; /* core/latency.h: per service, NULL until an answer was timed */
	char (*lds)[65];             /* grown as logical devices appear (most IEDs have a few) */
	struct endpoint ep;
	char name[64];                /* from rules, else the SCL IED at this address, else the
	                             first logical device seen */
	const struct scl_ied *design; /* the SCL IED whose ConnectedAP has this address
	                             (core/scl.h), NULL when none or no --scl */
	bool name_from_design;        /* name is that SCL IED's (not the rules') */
	char vendor[64], model[64], revision[64];
	struct order_key first; /* when the run first saw it (core/order.h) */
} __attribute__((aligned(64)));

struct ied *ied_get(const struct endpoint *ep, bool create);
/* The IED of a flow's server (created when new), remembered on the flow. */
struct ied *ied_of_flow(struct flow *f);
struct rcb *ied_rcb(struct ied *d, const char *ref, bool create);
struct dataset *ied_dataset(struct ied *d, const char *ref, bool create);
void ied_add_ld(struct ied *d, struct bview name);
void ied_foreach(void (*fn)(struct ied *, void *), void *arg);
size_t ied_count(void);
void ied_free_all(void);
/* The IED's display name: rules name, else "LD@addr:port", else "addr:port". */
const char *ied_label(const struct ied *d, char *buf, size_t size);

/* Latency (core/latency.h). */
/* The index of a confirmed service tag (enum mms_service) or SVC_ANY. */
unsigned latency_index(int service);
/* The IED's histogram for a service tag or SVC_ANY; NULL when that service was
 * never answered (or service is not a tag). */
const struct svc_latency *ied_latency(const struct ied *d, int service);
/* By index (LAT_INDEX_OTHER, LAT_INDEX_ANY, or a tag below LAT_TAGS). */
const struct svc_latency *ied_latency_at(const struct ied *d, unsigned index);
/* The histogram to add to, created when new; NULL when out of memory or past
 * LAT_HIST_MAX (counted). */
struct svc_latency *ied_latency_hist(struct ied *d, unsigned index);
void ied_latency_free(struct ied *d);

#endif

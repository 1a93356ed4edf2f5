/* SPDX-License-Identifier: GPL-2.0-or-later */
/* facts.h - what one run showed of the installation, as facts that two runs can
 * be compared by (issue 14, drift since a baseline): the IEDs (by address: IP,
 * port, VLANs), their clients (by address), the services each client used with
 * each IED, and the values an IED showed of itself (identity, RCB ConfRev,
 * dataset members, RCB settings).
 *
 * A fact is (kind, IED, client, name) -> value. The drift analyzer
 * (analyze/drift.c) collects this run's table; the store keeps it per run
 * (run_facts, docs/database.md) and reads an earlier run's back as the baseline
 * (store/baseline.h). Plain data, so that the analyzer and the store share it
 * without including each other. Bounded: at most `max` facts, the rest counted
 * (stats drift_facts_full), never a crash. */
#ifndef MMSW_FACTS_H
#define MMSW_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/finding.h"

/* The kinds, as the database spells them (fact_kind_name). Presence kinds have
 * an empty value; value kinds compare their value. */
enum fact_kind {
	FACT_IED = 0,  /* presence: the IED spoke MMS */
	FACT_CLIENT,   /* presence: client -> IED */
	FACT_SERVICE,  /* presence: client used this MMS service with the IED */
	FACT_ACSI,     /* presence: client used this ACSI service with the IED */
	FACT_IDENTITY, /* value: vendor, model, revision (Identify); LD/LLN0.NamPlt.swRev ... */
	FACT_CONFREV,  /* value: an RCB's ConfRev (name: the RCB's MMS reference) */
	FACT_DATASET,  /* value: a dataset's members, in order (name: the dataset) */
	FACT_RCB,      /* value: one RCB setting (name: "RCB ref" + " " + attribute) */
	FACT_KIND_COUNT
};

#define FACTS_MAX 65536 /* per run: a large substation has a few thousand */
#define FACT_IED_LEN 80 /* "10.0.0.1|102|100.200", IPv6 included */
#define FACT_CLIENT_LEN 48
#define FACT_NAME_LEN 200
#define FACT_VALUE_MAX 4000 /* a longer value is kept as its length and hash */

struct fact {
	uint8_t kind;   /* enum fact_kind */
	bool flagged;   /* a finding was made about it (the analyzer's) */
	uint32_t stamp; /* table stamp when last added or changed */
	/* The key's three texts share one allocation, sized to them (fixed-size
	 * fields made a fact 344 bytes: 11 MB for a large run, issue 17). ied is
	 * that allocation; client and name point into it. */
	char *ied;          /* shorter than FACT_IED_LEN */
	const char *client; /* shorter than FACT_CLIENT_LEN */
	const char *name;   /* shorter than FACT_NAME_LEN */
	char *value;        /* never NULL once put; "" for presence kinds */
};

struct fact_table {
	struct fact *v;
	size_t n, cap, max;
	uint32_t *slot; /* open addressing: index + 1, 0 empty */
	size_t n_slots;
	uint32_t stamp;   /* raised by whoever hands the table out (drift.c) */
	uint64_t dropped; /* facts not kept: the table was full */
	uint32_t kinds;   /* bit per fact_kind its source could tell (a baseline
				    * from an older schema knows fewer): only those compare */
};

const char *fact_kind_name(enum fact_kind k);
/* The kind of that name, -1 when none. */
int fact_kind_parse(const char *name);

void facts_init(struct fact_table *t, size_t max);
void facts_free(struct fact_table *t);
/* Add the fact, or change its value (value NULL: ""); *changed says whether it is
 * new or its value differs (may be NULL). NULL when the table is full (counted in
 * t->dropped and, for the run's own table, by the caller's stat). */
struct fact *facts_put(struct fact_table *t, enum fact_kind k, const char *ied, const char *client, const char *name,
		       const char *value, bool *changed);
struct fact *facts_find(const struct fact_table *t, enum fact_kind k, const char *ied, const char *client,
			const char *name);

/* An IED's key: "ip|port|vlan", VLANs outer first joined by "." (as the ieds
 * table spells them), "" when untagged. */
void fact_ied_key(const struct endpoint *e, char *buf, size_t size);
/* The endpoint back from a key; false when the key is not one. */
bool fact_ied_endpoint(const char *key, struct endpoint *e);

#endif

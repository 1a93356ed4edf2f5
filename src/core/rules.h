/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rules.h - thresholds, severities, per-IED facts and allowlists, from
 * rules/default.rules and --rules FILE. Documented in docs/rules.md.
 *
 * One directive per line; '#' starts a comment:
 *   set NAME VALUE                 a threshold (durations: 500ms, 10s, 5m, 2h)
 *   severity KIND LEVEL            override a finding kind's severity
 *   ied ADDR[:PORT] [name NAME] [limit N]
 *   allow write|control|associate CLIENT[/PREFIX] [ied ADDR[:PORT]] [object GLOB]
 *     (CLIENT and the ied may be SCL IED names instead, with --scl)
 * A bad file is reported as "file:line: message" and the run exits 2. */
#ifndef MMSW_RULES_H
#define MMSW_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/severity.h"

/* X(id, name, kind, default, description); kind: D duration (us), N number, R ratio */
/* clang-format off */
#define MMSW_THRESHOLDS(X)                                                                      \
	X(FINDING_WINDOW, "finding.window", 'D', 60000000, "repeats of a finding on one object within this time are one finding") \
	X(REPORT_INTG_TOLERANCE, "report.integrity_tolerance", 'R', 500, "an integrity report later than IntgPd x (1 + this) is late") \
	X(REPORT_GI_TIMEOUT, "report.gi_timeout", 'D', 5000000, "a GI report must follow a GI request within this time") \
	X(REPORT_NO_DATA_FACTOR, "report.no_data_factor", 'N', 2, "an enabled RCB with no report within this many IntgPd is silent") \
	X(REPORT_NO_DATA_TIMEOUT, "report.no_data_timeout", 'D', 60000000, "silence allowed after enabling an RCB without IntgPd") \
	X(REPORT_MAX_MEMBERS, "report.max_members", 'N', 200, "a dataset with more members than this is bloated") \
	X(REPORT_MAX_BYTES, "report.max_bytes", 'N', 5000, "a report larger than this many bytes is bloated") \
	X(ASSOC_IDLE, "assoc.idle_timeout", 'D', 600000000, "an association with no PDU for this long is idle") \
	X(STORM_WINDOW, "storm.window", 'D', 10000000, "sliding window for connection-storm rates") \
	X(STORM_MIN_ATTEMPTS, "storm.min_attempts", 'N', 30, "connection attempts per window to one IED that make a storm") \
	X(STORM_MIN_CLIENT_ATTEMPTS, "storm.min_client_attempts", 'N', 30, "attempts per window from one client that make a storm") \
	X(SCAN_MIN_PORTS, "scan.min_ports", 'N', 10, "distinct ports or half-open SYNs from one client that make a scan") \
	X(LATENCY_SLOW, "latency.slow", 'D', 2000000, "a response later than this is slow") \
	X(REQUEST_TIMEOUT, "request.timeout", 'D', 30000000, "a request with no response after this is unanswered") \
	X(SELECT_TIMEOUT, "control.select_timeout", 'D', 30000000, "an SBO select with no operate after this has timed out") \
	X(PRP_LAN_SILENCE, "prp.lan_silence", 'D', 5000000, "a PRP LAN silent this long while the other carries prp.lan_down_frames frames is down") \
	X(PRP_LAN_DOWN_FRAMES, "prp.lan_down_frames", 'N', 10, "frames the other LAN must carry during that silence") \
	X(PRP_DEGRADED_WINDOW, "prp.degraded_window", 'D', 10000000, "PRP frame loss is judged over windows this long") \
	X(PRP_DEGRADED_RATIO, "prp.degraded_ratio", 'R', 50, "a LAN missing this share of the frames (of all nodes or of one) in a window is degraded") \
	X(PRP_DEGRADED_FRAMES, "prp.degraded_frames", 'N', 5, "... and at least this many frames") \
	X(HSR_OPEN_FRAMES, "hsr.open_frames", 'N', 10, "a node's frames arriving this many times in a row on one lane only show an open ring") \
	X(NO_MMS_TIMEOUT, "visibility.no_mms_timeout", 'D', 600000000, "traffic with no MMS for this long is said aloud (capture_not_understood or no_mms_seen)") \
	X(SCL_SILENT_AFTER, "scl.silent_after", 'D', 300000000, "a design IED with an MMS address never heard in a run this long is silent (scl_ied_silent)") \
	X(CLOCK_OFFSET, "clock.offset", 'D', 1000000, "an IED clock further than this from the capture's is offset") \
	X(CLOCK_MIN_SAMPLES, "clock.min_samples", 'N', 20, "server-stamped times an IED must send before its offset is judged") \
	X(CLOCK_QUALITY_MIN, "clock.quality_min", 'N', 3, "distinct times flagged ClockNotSynchronized or ClockFailure that make a finding") \
	X(CLOCK_DRIFT_PPM, "clock.drift_ppm", 'N', 100, "an IED clock drifting faster than this many ppm from the capture's drifts") \
	X(CLOCK_DRIFT_MIN_SPAN, "clock.drift_min_span", 'D', 600000000, "drift is judged only over at least this much packet time")
/* clang-format on */

enum threshold_id {
#define X(id, name, kind, def, desc) THR_##id,
	MMSW_THRESHOLDS(X)
#undef X
		THR_COUNT
};

#define RULES_MAX_IEDS 1024
#define RULES_MAX_ALLOW 1024
#define RULES_MAX_SEVERITY 128

struct rule_ied {
	uint8_t ipver;
	uint8_t ip[16];
	uint16_t port; /* 0: any */
	char name[64];
	uint32_t limit; /* association limit, 0 unknown */
};

enum allow_what { ALLOW_WRITE = 0, ALLOW_CONTROL, ALLOW_ASSOCIATE };

struct rule_allow {
	uint8_t what; /* enum allow_what */
	uint8_t ipver, prefix;
	uint8_t ip[16];
	bool has_ied;
	uint8_t ied_ipver;
	uint8_t ied_ip[16];
	uint16_t ied_port;
	char object[128]; /* glob over the IEC 61850 reference, "" = any */
	/* SCL IED names (--scl) instead of addresses, as indexes into the rules'
	 * names[], -1 none: the client's or the IED's address must be a ConnectedAP
	 * of that IED in the loaded design (matched at use: without a design, or
	 * without that IED, nothing matches). */
	int16_t client_name, ied_name;
};

/* SCL IED names the allow lines use (a few: kept apart so that every allow
 * line does not carry two names' room). */
#define RULES_MAX_NAMES 256

struct rules {
	int64_t thr[THR_COUNT];
	size_t n_sev;
	struct {
		char kind[48];
		uint8_t sev;
	} sev[RULES_MAX_SEVERITY];
	size_t n_ied;
	struct rule_ied ied[RULES_MAX_IEDS];
	size_t n_allow;
	struct rule_allow allow[RULES_MAX_ALLOW];
	bool allow_any[3]; /* an allow list of that kind exists */
	size_t n_names;
	char names[RULES_MAX_NAMES][64];
};

extern struct rules g_rules;

/* Defaults only. */
void rules_defaults(struct rules *r);
/* Load a file on top of r. Returns 0, or -1 with "file:line: message" in err. */
int rules_load(struct rules *r, const char *path, char *err, size_t errsize);
/* The severity of a kind after overrides. */
uint8_t rules_severity(const struct rules *r, const char *kind, uint8_t dflt);
const struct rule_ied *rules_ied(const struct rules *r, uint8_t ipver, const uint8_t *ip, uint16_t port);
/* Is this client allowed to do `what` on the IED (and object, for writes and
 * controls)? True when no allow rule of that kind exists at all. */
bool rules_allowed(const struct rules *r, uint8_t what, uint8_t ipver, const uint8_t *client, const uint8_t *ied,
		   uint16_t ied_port, const char *object);
const char *threshold_name(enum threshold_id id);
/* Does an address (at that MMS port; 0 any) belong to the SCL IED of that name?
 * Set when a design is loaded (analyze/scl_checks.c); NULL: names match nothing.
 * A pointer, not a call into core/scl.h: the design sits above the rules. */
extern bool (*g_rules_ied_named)(const char *name, uint8_t ipver, const uint8_t *ip, uint16_t port);

#endif

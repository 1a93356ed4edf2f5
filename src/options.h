/* SPDX-License-Identifier: GPL-2.0-or-later */
/* options.h - the command line, parsed once into a struct the run reads. */
#ifndef MMSW_OPTIONS_H
#define MMSW_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/inputs.h"
#include "util/limits.h"
#include "web/server.h"

#define MMSW_MAX_EVE_OUTPUTS 8

/* Exit statuses (documented in --help and the README). */
enum {
	EXIT_DONE = 0,        /* finished; warnings allowed */
	EXIT_FAILURE_RUN = 1, /* something failed while running */
	EXIT_USAGE = 2,       /* bad command line or unreadable input */
	EXIT_GATE = 3,        /* reserved: the commissioning gate (--fail-on) */
};

struct options {
	const char **inputs; /* -r arguments: files, directories, globs */
	size_t n_inputs;
	const char *eve_path; /* the first --eve (PATH, "-" or a network output) */
	struct eve_spec {     /* every --eve, in order, with its --eve-types */
		const char *target;
		uint32_t types; /* a mask of 1 << enum eve_type (output/eve_out.h) */
	} eves[MMSW_MAX_EVE_OUTPUTS];
	size_t n_eves;
	const char *sensor_name; /* --sensor-name NAME (NULL: the host name, network outputs only) */
	size_t eve_queue;        /* --eve-queue N: lines per network output */
	int eve_drain_ms;        /* --eve-drain SECONDS at the end of a run */
	uint16_t mms_ports[MMSW_MAX_MMS_PORTS];
	size_t n_mms_ports;
	size_t max_flows;
	int64_t hole_timeout_us;
	uint32_t shard, shards; /* --shard K/N: only shard K of N (core/shard.h); shards 0: all */
	uint32_t spawn_shards;  /* --shards N: this job as N --shard processes (src/shards.h); 0: no */
	bool no_values;         /* --no-values: leave decoded values out of EVE */
	bool quiet;
	bool single_threaded;   /* --single-threaded: every stage on one thread (the reference) */
	bool summary;           /* print the summary on stdout */
	const char *rules_path; /* --rules FILE, loaded on top of the defaults */
	const char **scl_paths; /* --scl FILE, repeatable: the design (SCD, CID, ...) */
	size_t n_scl;
	const char *db_path;           /* --db PATH */
	bool db_pdus;                  /* --db-pdus */
	const char *baseline;          /* --baseline DB[#RUN]: compare with that run (docs/drift.md) */
	const char *inventory_path;    /* --inventory PATH or "-": the inventory JSON at the end */
	const char *evidence_dir;      /* --evidence DIR: a pcap slice per finding */
	uint64_t evidence_disk_kb;     /* --evidence-disk-kb (0: no cap) */
	uint32_t evidence_ring_frames; /* 0: the default */
	uint64_t evidence_ring_kb, evidence_memory_mb;

	/* live capture (-i) and the sensor */
	struct input_iface ifaces[MMSW_MAX_INTERFACES]; /* -i IFACE[/LAN], in order (names malloc'd) */
	size_t n_ifaces;
	const char *filter; /* -f FILTER: replaces the default capture filter */
	int snaplen, buffer_mb;
	bool immediate, no_promisc;
	int64_t duration_s; /* --duration: stop after this many seconds */
	uint64_t count;     /* --count: stop after this many packets */
	int stats_interval_s;
	const char *user; /* -Z USER */
	const char *chroot_dir;
	const char *pidfile;
	const char *config_path; /* --config FILE (read before the command line) */

	/* alerting and the gate */
	int syslog_min; /* --syslog SEVERITY; -1 off */
	const char *syslog_socket;
	const char *alert_exec;
	int alert_min;
	int fail_on; /* --fail-on SEVERITY; -1 off */
	const char *fail_on_kinds;
	bool fail_on_loss; /* --fail-on-loss: bytes lost in capture fail the gate */

	/* the dashboard */
	bool serve; /* --serve [ADDR:]PORT */
	struct web_listen_addr serve_at;
	const char *token_file; /* --token-file PATH */
	bool serve_only;        /* --db and --serve without -r or -i: serve that database */
};

/* Parse argv. Returns -1 to continue; otherwise an exit status (0 after --help or
 * --version, 2 after a usage error, already reported on stderr). */
int options_parse(int argc, char **argv, struct options *o);
/* The same, when argv[1..n_config] came from a --config file: a -i on the command
 * line then replaces the file's interfaces instead of adding to them. */
int options_parse_config(int argc, char **argv, int n_config, struct options *o);
void options_free(struct options *o);
bool options_is_mms_port(const struct options *o, uint16_t port);

#endif

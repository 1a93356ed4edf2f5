/* SPDX-License-Identifier: GPL-2.0-or-later */
/* options.c - command-line parsing; see options.h. --help teaches by example. */
#include "options.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "output/eve_net.h"
#include "output/eve_out.h"
#include "util/limits.h"

static const char USAGE[] =
	"usage: mmswatch -r FILE|DIR|GLOB [-r ...] [options]\n"
	"       mmswatch -i IFACE[/LAN] [-i ...] [options]\n"
	"       mmswatch --db PATH --serve [ADDR:]PORT [--token-file PATH]\n"
	"\n"
	"mmswatch decodes IEC 61850 MMS traffic (ISO 9506 on TCP 102) from captures:\n"
	"every MMS PDU, association and stream event, as EVE JSON lines or a summary.\n"
	"\n"
	"Examples:\n"
	"  mmswatch -r substation.pcap                 summary per IED and association\n"
	"  mmswatch -r substation.pcap --eve out.json  one JSON line per PDU and event\n"
	"  mmswatch -r 'span-*.pcap' --eve -           a rotated set as one capture\n"
	"  mmswatch -r /captures/bay3/ --eve -         every capture in a directory\n"
	"  mmswatch -r tls.pcap --mms-port 3782        also decode MMS ports other than 102\n"
	"  mmswatch -r f.pcap --eve - | jq 'select(.event_type==\"mms\") | .mms.service'\n"
	"  mmswatch -i eth1 -Z mmswatch --eve /var/log/mmswatch/eve.json --db /var/lib/mmswatch/db\n"
	"                                              a sensor on a SPAN port\n"
	"  mmswatch -i eth1/A -i eth2/B --eve /var/log/mmswatch/eve.json\n"
	"                                              a PRP sensor: one interface per LAN, merged\n"
	"  mmswatch -i eth1 --duration 600 --fail-on high\n"
	"                                              a commissioning load test: exit 3 on findings\n"
	"  mmswatch -r f.pcap --db run.db --serve 8080 store, then browse http://127.0.0.1:8080/\n"
	"  mmswatch --db run.db --serve 8080           browse an existing database\n"
	"  mmswatch -i eth1 --db /var/lib/mmswatch/db --serve 192.0.2.10:8443 --token-file /etc/mmswatch/token\n"
	"                                              a sensor's dashboard for the whole LAN\n"
	"\n"
	"Input:\n"
	"  -r, --read PATH        pcap or pcapng file, directory, or quoted glob; may repeat.\n"
	"                         Several files are read as one capture, ordered by their\n"
	"                         first packet's time; flows carry on across files.\n"
	"      --mms-port PORT    also treat TCP PORT as MMS (repeatable; 102 is always on)\n"
	"  -i, --interface IFACE[/LAN]\n"
	"                         capture live from IFACE (needs CAP_NET_RAW and CAP_NET_ADMIN);\n"
	"                         repeatable (up to 8): packets are merged in time order.\n"
	"                         /A or /B declares the PRP LAN the interface is cabled to:\n"
	"                         a PRP frame carrying the other LAN's id is a finding\n"
	"  -f, --filter FILTER    capture filter replacing the default (MMS ports, IPv4\n"
	"                         fragments, GOOSE/SV, HSR, PRP/HSR supervision; with and\n"
	"                         without VLAN tags; PRP frames pass as the IP they carry)\n"
	"      --snaplen N        bytes kept per packet (default 65535)\n"
	"      --buffer-size MB   kernel capture buffer (default 64)\n"
	"      --immediate        deliver packets at once (lower latency, more CPU)\n"
	"      --no-promisc       do not put the interface in promiscuous mode\n"
	"      --duration SECONDS stop after this long (live)\n"
	"      --count N          stop after N packets\n"
	"      --stats-interval S capture statistics every S seconds (default 60)\n"
	"\n"
	"Output:\n"
	"      --eve PATH         EVE JSON lines to PATH ('-' for stdout): event types mms,\n"
	"                         association, stream, report, finding, control, write,\n"
	"                         file, stats (an offline run rewrites PATH, a live run\n"
	"                         or a --shard process appends to it)\n"
	"      --eve unix-dgram:PATH | unix-stream:PATH | redis://HOST[:PORT]/KEY[?OPTS]\n"
	"                         EVE to a Unix socket or to Redis (a stream by default;\n"
	"                         ?mode=list or ?mode=publish for Logstash/Vector; more in\n"
	"                         docs/fleet.md). --eve may repeat: up to 8 outputs\n"
	"      --eve-types T,T    the event types of the --eve that follows (e.g.\n"
	"                         finding,association,stats); with one --eve, anywhere\n"
	"      --sensor-name NAME a \"sensor\" member in every EVE record and metric (default:\n"
	"                         the host name, on network outputs and metrics only)\n"
	"      --eve-queue N      lines a network output holds while its peer is slow or\n"
	"                         away (default 10000; past it lines are dropped and counted)\n"
	"      --eve-drain S      at the end, wait at most S seconds for network outputs to\n"
	"                         send what they hold (default 10; what is left is counted)\n"
	"      --no-values        leave decoded MMS data values out of EVE records\n"
	"      --summary          print the summary even when --eve writes to stdout\n"
	"      --db PATH          store findings, associations, IEDs, RCBs and statistics in\n"
	"                         a SQLite database (created or migrated; one row per run)\n"
	"      --db-pdus          also store every MMS PDU (bounded: the oldest go first)\n"
	"      --baseline DB[#RUN] compare this run with a run of an earlier --db database\n"
	"                         (its latest finished run, or run RUN), opened read-only:\n"
	"                         new/missing IEDs, new clients and services, changed\n"
	"                         identity, ConfRev, datasets, RCB settings (drift_* findings)\n"
	"      --inventory PATH   at the end, write the inventory as one JSON document to PATH\n"
	"                         ('-' for stdout): IEDs, identity, LDs, LNs, datasets, RCBs,\n"
	"                         clients, services, TLS, GOOSE/SV streams (docs/inventory.md)\n"
	"      --evidence DIR     a pcap per finding with evidence frames, readable alone\n"
	"                         (DIR/<time>-<id>-<kind>.pcap; passwords overwritten)\n"
	"      --evidence-disk-kb N  cap on the slices in DIR (default 1048576; 0 none):\n"
	"                         past it no new slice is written there (counted)\n"
	"      --evidence-ring-frames N, --evidence-ring-kb N  recent frames kept per flow\n"
	"                         (default 4096 frames, 4096 KiB)\n"
	"      --evidence-memory-mb N  memory of all frames kept for slices, headers\n"
	"                         included (default 256)\n"
	"  -q, --quiet            no summary, no progress messages (errors still shown)\n"
	"      --single-threaded  run every stage on one thread: the reference the\n"
	"                         determinism test compares against\n"
	"\n"
	"Dashboard:\n"
	"      --serve [ADDR:]PORT\n"
	"                         serve the web dashboard and its JSON API (/api/v1/) from the\n"
	"                         --db database, read-only, while the run goes on and after it\n"
	"                         until SIGINT/SIGTERM. ADDR defaults to 127.0.0.1; an IPv6\n"
	"                         address goes in brackets: [::1]:8080. Without -r or -i,\n"
	"                         serves an existing database\n"
	"      --token-file PATH  every request needs the token in PATH (one line, 16-256\n"
	"                         characters): 'Authorization: Bearer TOKEN', or open\n"
	"                         /login?token=TOKEN once in a browser. Required to listen on\n"
	"                         any address other than loopback\n"
	"\n"
	"Sensor:\n"
	"  -Z, --user USER        drop privileges to USER right after opening the capture\n"
	"      --chroot DIR       chroot to DIR before dropping privileges (-Z, -i only)\n"
	"      --pidfile PATH     write the process id to PATH\n"
	"      --config FILE      options from FILE ('eve /var/log/mmswatch/eve.json' per line,\n"
	"                         the long option names); the command line wins\n"
	"      --syslog SEVERITY  findings at or above SEVERITY as RFC 5424 messages\n"
	"      --syslog-socket P  the local syslog socket (default /dev/log)\n"
	"      --alert-exec CMD   run CMD (with /bin/sh) per finding, the finding JSON on stdin\n"
	"      --alert-min SEV    the lowest severity that runs --alert-exec (default medium)\n"
	"      --fail-on SEVERITY exit 3 when a finding at or above SEVERITY occurred\n"
	"      --fail-on-kind K,K exit 3 when a finding of one of these kinds occurred\n"
	"      --fail-on-loss     exit 3 when the capture lost bytes (TCP gaps) or packets\n"
	"  Signals: SIGTERM/SIGINT stop cleanly (exit 0, or 3 for the gate); SIGHUP\n"
	"  reloads --rules (a bad file keeps the old rules) and reopens the EVE file.\n"
	"  Severities: info, low, medium, high, critical.\n"
	"\n"
	"Analysis:\n"
	"      --rules FILE       thresholds, severities, IED limits and allowlists, on top\n"
	"                         of the defaults (see rules/default.rules, docs/rules.md)\n"
	"      --scl FILE         the substation's design (IEC 61850-6 SCD, CID, ICD, IID,\n"
	"                         SED), repeatable: IEDs, report members and RCBs named from\n"
	"                         it; a CID wins over an SCD for its IED\n"
	"\n"
	"Scale:\n"
	"      --shard K/N        analyse only shard K of N (0 <= K < N <= 256): the MMS\n"
	"                         connections of the IEDs whose address hashes to K; shard 0\n"
	"                         also takes all that is not an MMS connection. N processes\n"
	"                         given 0/N .. N-1/N share a capture or a port by IED; they\n"
	"                         may share --db and --eve (docs/threads.md, \"Sharding by IED\")\n"
	"      --shards N         run this job as N --shard K/N processes (2 <= N <= 256):\n"
	"                         one database and EVE file, one summary and --inventory\n"
	"                         document (a single run's), the worst of their exit statuses\n"
	"\n"
	"Limits (packet time, never wall time):\n"
	"      --max-flows N      flow table size (default 65536); idle flows go first\n"
	"      --hole-timeout MS  wait this long for a missing TCP segment before it is\n"
	"                         reported as capture loss (default 1000)\n"
	"\n"
	"  -h, --help             this help\n"
	"  -V, --version          version\n"
	"\n"
	"Exit status: 0 done (warnings allowed), 1 failure while running, 2 usage error or\n"
	"unreadable input, 3 the commissioning gate (--fail-on, --fail-on-kind,\n"
	"--fail-on-loss) failed.\n";

enum {
	OPT_EVE = 256,
	OPT_MMS_PORT,
	OPT_MAX_FLOWS,
	OPT_HOLE_TIMEOUT,
	OPT_NO_VALUES,
	OPT_SUMMARY,
	OPT_RULES,
	OPT_DB,
	OPT_DB_PDUS,
	OPT_BASELINE,
	OPT_SNAPLEN,
	OPT_BUFFER,
	OPT_IMMEDIATE,
	OPT_NO_PROMISC,
	OPT_DURATION,
	OPT_COUNT,
	OPT_STATS_INTERVAL,
	OPT_CHROOT,
	OPT_PIDFILE,
	OPT_CONFIG,
	OPT_SYSLOG,
	OPT_SYSLOG_SOCKET,
	OPT_ALERT_EXEC,
	OPT_ALERT_MIN,
	OPT_FAIL_ON,
	OPT_FAIL_ON_KIND,
	OPT_INVENTORY,
	OPT_SERVE,
	OPT_TOKEN_FILE,
	OPT_FAIL_ON_LOSS,
	OPT_SCL,
	OPT_EVIDENCE,
	OPT_EVIDENCE_DISK_KB,
	OPT_EVIDENCE_RING_FRAMES,
	OPT_EVIDENCE_RING_KB,
	OPT_EVIDENCE_MEMORY_MB,
	OPT_EVE_TYPES,
	OPT_SENSOR_NAME,
	OPT_EVE_QUEUE,
	OPT_EVE_DRAIN,
	OPT_SINGLE_THREADED,
	OPT_SHARD,
	OPT_SHARDS
};

static const struct option LONG[] = {
	{ "read", required_argument, NULL, 'r' },
	{ "eve", required_argument, NULL, OPT_EVE },
	{ "eve-types", required_argument, NULL, OPT_EVE_TYPES },
	{ "sensor-name", required_argument, NULL, OPT_SENSOR_NAME },
	{ "eve-queue", required_argument, NULL, OPT_EVE_QUEUE },
	{ "eve-drain", required_argument, NULL, OPT_EVE_DRAIN },
	{ "mms-port", required_argument, NULL, OPT_MMS_PORT },
	{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
	{ "hole-timeout", required_argument, NULL, OPT_HOLE_TIMEOUT },
	{ "no-values", no_argument, NULL, OPT_NO_VALUES },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "scl", required_argument, NULL, OPT_SCL },
	{ "db", required_argument, NULL, OPT_DB },
	{ "db-pdus", no_argument, NULL, OPT_DB_PDUS },
	{ "baseline", required_argument, NULL, OPT_BASELINE },
	{ "inventory", required_argument, NULL, OPT_INVENTORY },
	{ "evidence", required_argument, NULL, OPT_EVIDENCE },
	{ "evidence-disk-kb", required_argument, NULL, OPT_EVIDENCE_DISK_KB },
	{ "evidence-ring-frames", required_argument, NULL, OPT_EVIDENCE_RING_FRAMES },
	{ "evidence-ring-kb", required_argument, NULL, OPT_EVIDENCE_RING_KB },
	{ "evidence-memory-mb", required_argument, NULL, OPT_EVIDENCE_MEMORY_MB },
	{ "interface", required_argument, NULL, 'i' },
	{ "filter", required_argument, NULL, 'f' },
	{ "snaplen", required_argument, NULL, OPT_SNAPLEN },
	{ "buffer-size", required_argument, NULL, OPT_BUFFER },
	{ "immediate", no_argument, NULL, OPT_IMMEDIATE },
	{ "no-promisc", no_argument, NULL, OPT_NO_PROMISC },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "stats-interval", required_argument, NULL, OPT_STATS_INTERVAL },
	{ "user", required_argument, NULL, 'Z' },
	{ "chroot", required_argument, NULL, OPT_CHROOT },
	{ "pidfile", required_argument, NULL, OPT_PIDFILE },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "syslog", required_argument, NULL, OPT_SYSLOG },
	{ "syslog-socket", required_argument, NULL, OPT_SYSLOG_SOCKET },
	{ "alert-exec", required_argument, NULL, OPT_ALERT_EXEC },
	{ "alert-min", required_argument, NULL, OPT_ALERT_MIN },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "fail-on-kind", required_argument, NULL, OPT_FAIL_ON_KIND },
	{ "fail-on-loss", no_argument, NULL, OPT_FAIL_ON_LOSS },
	{ "serve", required_argument, NULL, OPT_SERVE },
	{ "token-file", required_argument, NULL, OPT_TOKEN_FILE },
	{ "single-threaded", no_argument, NULL, OPT_SINGLE_THREADED },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "shards", required_argument, NULL, OPT_SHARDS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "mmswatch: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'mmswatch --help' for examples.\n");
	return EXIT_USAGE;
}

/* A whole decimal number in [min, max]. */
static bool parse_num(const char *s, long long min, long long max, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* --shard K/N: digits, a slash, digits; 0 <= K < N, 2 <= N <= MMSW_SHARDS_MAX. */
static bool parse_shard(const char *s, uint32_t *k, uint32_t *n)
{
	uint32_t v[2] = { 0, 0 };
	for (int i = 0; i < 2; i++) {
		const char *start = s;
		for (; *s >= '0' && *s <= '9'; s++) {
			v[i] = v[i] * 10 + (uint32_t)(*s - '0');
			if (v[i] > MMSW_SHARDS_MAX)
				return false;
		}
		if (s == start || *s != (i == 0 ? '/' : '\0'))
			return false;
		s++;
	}
	if (v[1] < 2 || v[0] >= v[1])
		return false;
	*k = v[0];
	*n = v[1];
	return true;
}

/* A severity name to its rank (0 info .. 4 critical), -1 when unknown. */
static int severity_arg(const char *s)
{
	static const char *const names[] = { "info", "low", "medium", "high", "critical" };
	for (int i = 0; i < 5; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

static bool parse_port(const char *s, uint16_t *port)
{
	long v = 0;
	size_t n = 0;
	for (; s[n]; n++) {
		if (s[n] < '0' || s[n] > '9' || n >= 5)
			return false;
		v = v * 10 + (s[n] - '0');
	}
	if (!n || v < 1 || v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

/* --serve "[ADDR:]PORT" or "[IPV6]:PORT": 0, or -1 with the reason in err. */
static int serve_address(const char *arg, struct web_listen_addr *out, char *err, size_t errsize)
{
	char addr[64];
	const char *port;
	memset(out, 0, sizeof(*out));
	if (arg[0] == '[') {
		const char *close = strchr(arg, ']');
		if (!close || close[1] != ':' || (size_t)(close - arg - 1) >= sizeof(addr)) {
			snprintf(err, errsize, "--serve: '%s' is not [IPV6]:PORT (e.g. [::1]:8080)", arg);
			return -1;
		}
		memcpy(addr, arg + 1, (size_t)(close - arg - 1));
		addr[close - arg - 1] = 0;
		port = close + 2;
	} else {
		const char *colon = strrchr(arg, ':');
		if (colon && strchr(arg, ':') != colon) {
			snprintf(err, errsize,
				 "--serve: '%s': an IPv6 address goes in brackets: [ADDR]:PORT, e.g. [::1]:8080", arg);
			return -1;
		}
		if (colon) {
			if ((size_t)(colon - arg) >= sizeof(addr)) {
				snprintf(err, errsize, "--serve: '%s': address too long", arg);
				return -1;
			}
			memcpy(addr, arg, (size_t)(colon - arg));
			addr[colon - arg] = 0;
			port = colon + 1;
		} else {
			snprintf(addr, sizeof(addr), "127.0.0.1");
			port = arg;
		}
	}
	if (!strcmp(addr, "localhost"))
		snprintf(addr, sizeof(addr), "127.0.0.1");
	if (!parse_port(port, &out->port)) {
		snprintf(err, errsize, "--serve: '%s' has no TCP port (1-65535): use [ADDR:]PORT", arg);
		return -1;
	}
	struct in_addr a4;
	struct in6_addr a6;
	if (inet_pton(AF_INET, addr, &a4) == 1) {
		out->loopback = (ntohl(a4.s_addr) >> 24) == 127;
		inet_ntop(AF_INET, &a4, out->addr, sizeof(out->addr));
	} else if (inet_pton(AF_INET6, addr, &a6) == 1) {
		out->ipv6 = true;
		out->loopback = IN6_IS_ADDR_LOOPBACK(&a6) || (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
		inet_ntop(AF_INET6, &a6, out->addr, sizeof(out->addr));
	} else {
		snprintf(err, errsize, "--serve: '%s' is not a numeric IPv4 or IPv6 address", addr);
		return -1;
	}
	return 0;
}

/* -i IFACE or IFACE/LAN. The LAN follows a '/', which no Linux interface name can
 * hold (the kernel refuses '/', ':' and white space in names; ':' is taken by
 * libpcap's own devices, e.g. nflog:5): so a name means today what it always
 * meant, and anything with a '/' is this syntax or an error. 0, or -1 with the
 * reason in err. */
static int iface_arg(struct options *o, const char *arg, char *err, size_t errsize)
{
	const char *slash = strchr(arg, '/');
	size_t len = slash ? (size_t)(slash - arg) : strlen(arg);
	uint8_t lan = 0;
	if (slash) {
		const char *l = slash + 1;
		if ((l[0] == 'A' || l[0] == 'a') && !l[1]) {
			lan = INPUT_LAN_A;
		} else if ((l[0] == 'B' || l[0] == 'b') && !l[1]) {
			lan = INPUT_LAN_B;
		} else {
			snprintf(err, errsize,
				 "-i '%s': after the '/' comes the PRP LAN the interface is cabled to, "
				 "A or B (e.g. -i eth1/A -i eth2/B)",
				 arg);
			return -1;
		}
	}
	if (!len) {
		snprintf(err, errsize, "-i '%s': no interface name (e.g. -i eth1, or -i eth1/A)", arg);
		return -1;
	}
	for (size_t i = 0; i < o->n_ifaces; i++)
		if (strlen(o->ifaces[i].name) == len && !strncmp(o->ifaces[i].name, arg, len)) {
			snprintf(err, errsize, "-i '%s': interface %.*s is already given", arg, (int)len, arg);
			return -1;
		}
	if (o->n_ifaces >= MMSW_MAX_INTERFACES) {
		snprintf(err, errsize, "-i '%s': at most %d interfaces", arg, MMSW_MAX_INTERFACES);
		return -1;
	}
	char *name = strndup(arg, len);
	if (!name) {
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	o->ifaces[o->n_ifaces].name = name;
	o->ifaces[o->n_ifaces].lan = lan;
	o->n_ifaces++;
	return 0;
}

static void ifaces_clear(struct options *o)
{
	for (size_t i = 0; i < o->n_ifaces; i++)
		free((char *)o->ifaces[i].name);
	o->n_ifaces = 0;
}

bool options_is_mms_port(const struct options *o, uint16_t port)
{
	for (size_t i = 0; i < o->n_mms_ports; i++)
		if (o->mms_ports[i] == port)
			return true;
	return false;
}

int options_parse(int argc, char **argv, struct options *o)
{
	return options_parse_config(argc, argv, 0, o);
}

int options_parse_config(int argc, char **argv, int n_config, struct options *o)
{
	long long v;
	uint32_t pending_types = 0; /* --eve-types waiting for its --eve */
	const char *pending_types_arg = NULL;
	bool summary_forced = false;
	bool evidence_tuned = false; /* --evidence-disk-kb given (its default is not 0) */
	bool ifaces_from_cmdline = false;
	bool eves_from_cmdline = false;
	memset(o, 0, sizeof(*o));
	o->mms_ports[o->n_mms_ports++] = 102;
	o->syslog_min = o->fail_on = -1;
	o->alert_min = 2; /* medium */
	o->stats_interval_s = 60;
	o->syslog_socket = "/dev/log";
	o->max_flows = MMSW_DEFAULT_MAX_FLOWS;
	o->evidence_disk_kb = 1024 * 1024;
	o->hole_timeout_us = MMSW_DEFAULT_HOLE_TIMEOUT_US;
	o->eve_queue = EVE_NET_QUEUE_DEFAULT;
	o->eve_drain_ms = 10000;
	o->inputs = calloc((size_t)argc + 1, sizeof(*o->inputs));
	o->scl_paths = calloc((size_t)argc + 1, sizeof(*o->scl_paths));
	if (!o->inputs || !o->scl_paths)
		return EXIT_FAILURE_RUN;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":r:qhVi:f:Z:", LONG, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->inputs[o->n_inputs++] = optarg;
			break;
		case OPT_EVE:
			/* The command line's outputs replace the config file's (as -i). */
			if (optind > 1 + n_config && !eves_from_cmdline) {
				o->n_eves = 0;
				o->eve_path = NULL;
				eves_from_cmdline = true;
			}
			if (o->n_eves >= MMSW_MAX_EVE_OUTPUTS)
				return usage_error("--eve %s: at most 8 EVE outputs", optarg);
			if (!*optarg)
				return usage_error(
					"%s",
					"--eve: an empty target (a file, '-', unix-dgram:PATH, unix-stream:PATH or redis://HOST/KEY)");
			for (size_t i = 0; i < o->n_eves; i++)
				if (!strcmp(o->eves[i].target, optarg))
					return usage_error("--eve %s: given twice", optarg);
			if (!o->eve_path)
				o->eve_path = optarg;
			o->eves[o->n_eves].target = optarg;
			o->eves[o->n_eves].types = pending_types ? pending_types : EVE_TYPES_ALL;
			o->n_eves++;
			pending_types = 0;
			break;
		case OPT_EVE_TYPES: {
			char err[300];
			if (pending_types)
				return usage_error(
					"--eve-types %s: two --eve-types in a row (each applies to the --eve that follows it)",
					optarg);
			if (!(pending_types = eve_types_parse(optarg, err, sizeof(err))))
				return usage_error("%s", err);
			pending_types_arg = optarg;
			break;
		}
		case OPT_SENSOR_NAME:
			if (!*optarg || strlen(optarg) > 128)
				return usage_error("--sensor-name '%s': a name of 1 to 128 characters", optarg);
			o->sensor_name = optarg;
			break;
		case OPT_EVE_QUEUE:
			if (!parse_num(optarg, 1, 10000000, &v))
				return usage_error("--eve-queue: '%s' is not a number of lines from 1 to 10000000",
						   optarg);
			o->eve_queue = (size_t)v;
			break;
		case OPT_EVE_DRAIN:
			if (!parse_num(optarg, 0, 3600, &v))
				return usage_error("--eve-drain: '%s' is not a number of seconds (0-3600)", optarg);
			o->eve_drain_ms = (int)v * 1000;
			break;
		case OPT_MMS_PORT:
			if (!parse_num(optarg, 1, 65535, &v))
				return usage_error("--mms-port: '%s' is not a TCP port (1-65535)", optarg);
			if (!options_is_mms_port(o, (uint16_t)v)) {
				if (o->n_mms_ports >= MMSW_MAX_MMS_PORTS)
					return usage_error("--mms-port: at most 16 ports (got '%s')", optarg);
				o->mms_ports[o->n_mms_ports++] = (uint16_t)v;
			}
			break;
		case OPT_MAX_FLOWS:
			if (!parse_num(optarg, 16, 16 * 1024 * 1024, &v))
				return usage_error("--max-flows: '%s' is not a number from 16 to 16777216", optarg);
			o->max_flows = (size_t)v;
			break;
		case OPT_SHARD:
			if (!parse_shard(optarg, &o->shard, &o->shards))
				return usage_error(
					"--shard: '%s' is not K/N with 0 <= K < N and 2 <= N <= 256 (e.g. 0/4)",
					optarg);
			break;
		case OPT_SHARDS:
			if (!parse_num(optarg, 2, MMSW_SHARDS_MAX, &v))
				return usage_error("--shards: '%s' is not a number from 2 to 256", optarg);
			o->spawn_shards = (uint32_t)v;
			break;
		case OPT_HOLE_TIMEOUT:
			if (!parse_num(optarg, 0, 3600 * 1000, &v))
				return usage_error("--hole-timeout: '%s' is not a number of milliseconds (0-3600000)",
						   optarg);
			o->hole_timeout_us = v * 1000;
			break;
		case OPT_NO_VALUES:
			o->no_values = true;
			break;
		case OPT_SINGLE_THREADED:
			o->single_threaded = true;
			break;
		case OPT_SUMMARY:
			summary_forced = true;
			break;
		case OPT_RULES:
			o->rules_path = optarg;
			break;
		case OPT_SCL:
			o->scl_paths[o->n_scl++] = optarg;
			break;
		case OPT_DB:
			o->db_path = optarg;
			break;
		case OPT_DB_PDUS:
			o->db_pdus = true;
			break;
		case OPT_BASELINE:
			o->baseline = optarg;
			break;
		case OPT_INVENTORY:
			o->inventory_path = optarg;
			break;
		case OPT_EVIDENCE:
			o->evidence_dir = optarg;
			break;
		case OPT_EVIDENCE_DISK_KB:
			if (!parse_num(optarg, 0, 1LL << 40, &v))
				return usage_error("--evidence-disk-kb: '%s' is not a number of KiB (0: no cap)",
						   optarg);
			o->evidence_disk_kb = (uint64_t)v;
			evidence_tuned = true;
			break;
		case OPT_EVIDENCE_RING_FRAMES:
			if (!parse_num(optarg, 1, 1 << 24, &v))
				return usage_error("--evidence-ring-frames: '%s' is not a number from 1 to 16777216",
						   optarg);
			o->evidence_ring_frames = (uint32_t)v;
			break;
		case OPT_EVIDENCE_RING_KB:
			if (!parse_num(optarg, 1, 1 << 24, &v))
				return usage_error("--evidence-ring-kb: '%s' is not a number of KiB from 1 to 16777216",
						   optarg);
			o->evidence_ring_kb = (uint64_t)v;
			break;
		case OPT_EVIDENCE_MEMORY_MB:
			if (!parse_num(optarg, 1, 1 << 20, &v))
				return usage_error(
					"--evidence-memory-mb: '%s' is not a number of MiB from 1 to 1048576", optarg);
			o->evidence_memory_mb = (uint64_t)v;
			break;
		case 'i': {
			/* The command line's interfaces replace the config file's. */
			if (optind > 1 + n_config && !ifaces_from_cmdline) {
				ifaces_clear(o);
				ifaces_from_cmdline = true;
			}
			char err[300];
			if (iface_arg(o, optarg, err, sizeof(err)) != 0)
				return usage_error("%s", err);
			break;
		}
		case 'f':
			o->filter = optarg;
			break;
		case OPT_SNAPLEN:
			if (!parse_num(optarg, 64, 262144, &v))
				return usage_error("--snaplen: '%s' is not a number from 64 to 262144", optarg);
			o->snaplen = (int)v;
			break;
		case OPT_BUFFER:
			if (!parse_num(optarg, 1, 4096, &v))
				return usage_error("--buffer-size: '%s' is not a number of megabytes (1-4096)", optarg);
			o->buffer_mb = (int)v;
			break;
		case OPT_IMMEDIATE:
			o->immediate = true;
			break;
		case OPT_NO_PROMISC:
			o->no_promisc = true;
			break;
		case OPT_DURATION:
			if (!parse_num(optarg, 1, 365LL * 86400, &v))
				return usage_error("--duration: '%s' is not a number of seconds", optarg);
			o->duration_s = v;
			break;
		case OPT_COUNT:
			if (!parse_num(optarg, 1, 1LL << 62, &v))
				return usage_error("--count: '%s' is not a number of packets", optarg);
			o->count = (uint64_t)v;
			break;
		case OPT_STATS_INTERVAL:
			if (!parse_num(optarg, 1, 86400, &v))
				return usage_error("--stats-interval: '%s' is not a number of seconds", optarg);
			o->stats_interval_s = (int)v;
			break;
		case 'Z':
			o->user = optarg;
			break;
		case OPT_CHROOT:
			o->chroot_dir = optarg;
			break;
		case OPT_PIDFILE:
			o->pidfile = optarg;
			break;
		case OPT_CONFIG:
			o->config_path = optarg; /* read by main before parsing (see options_with_config) */
			break;
		case OPT_SYSLOG:
			if ((o->syslog_min = severity_arg(optarg)) < 0)
				return usage_error(
					"--syslog: '%s' is not a severity (info, low, medium, high, critical)", optarg);
			break;
		case OPT_SYSLOG_SOCKET:
			o->syslog_socket = optarg;
			break;
		case OPT_ALERT_EXEC:
			o->alert_exec = optarg;
			break;
		case OPT_ALERT_MIN:
			if ((o->alert_min = severity_arg(optarg)) < 0)
				return usage_error(
					"--alert-min: '%s' is not a severity (info, low, medium, high, critical)",
					optarg);
			break;
		case OPT_FAIL_ON:
			if ((o->fail_on = severity_arg(optarg)) < 0)
				return usage_error(
					"--fail-on: '%s' is not a severity (info, low, medium, high, critical)",
					optarg);
			break;
		case OPT_FAIL_ON_KIND:
			o->fail_on_kinds = optarg;
			break;
		case OPT_FAIL_ON_LOSS:
			o->fail_on_loss = true;
			break;
		case OPT_SERVE: {
			char err[200];
			if (serve_address(optarg, &o->serve_at, err, sizeof(err)) != 0)
				return usage_error("%s", err);
			o->serve = true;
			break;
		}
		case OPT_TOKEN_FILE:
			o->token_file = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			fputs(USAGE, stdout);
			return EXIT_DONE;
		case 'V':
			printf("mmswatch %s\n", PACKAGE_VERSION);
			return EXIT_DONE;
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s' (input files go after -r)", argv[optind]);
	if (pending_types) {
		/* With one --eve, --eve-types may come after it: there is no doubt
		 * which output it means. */
		if (o->n_eves == 1 && o->eves[0].types == EVE_TYPES_ALL)
			o->eves[0].types = pending_types;
		else
			return usage_error("--eve-types %s applies to the --eve that follows it, and none does",
					   pending_types_arg);
	}
	if (o->serve && !o->db_path)
		return usage_error("%s", "--serve needs --db PATH: the dashboard shows what the database holds");
	if (o->token_file && !o->serve)
		return usage_error("%s", "--token-file goes with --serve");
	if (o->serve && !o->serve_at.loopback && !o->token_file)
		return usage_error("--serve %s listens beyond this machine: give --token-file FILE (a secret of at "
				   "least 16 characters, e.g. 'head -c 24 /dev/urandom | base64 > FILE'), or listen "
				   "on 127.0.0.1",
				   o->serve_at.addr);
	o->serve_only = o->serve && o->n_inputs == 0 && !o->n_ifaces;
	if (o->n_inputs == 0 && !o->n_ifaces && !o->serve_only)
		return usage_error(
			"%s",
			"no input: give a capture with -r FILE or an interface with -i IFACE (or serve a database: --db PATH --serve PORT)");
	if (o->n_inputs && o->n_ifaces)
		return usage_error("%s", "-r and -i cannot be used together: read files or capture live");
	if (o->db_pdus && !o->db_path)
		return usage_error("%s", "--db-pdus needs --db PATH");
	if (o->baseline && o->serve_only)
		return usage_error("%s",
				   "--baseline compares a run with it: give -r FILE or -i IFACE (the dashboard's "
				   "Changes page compares two runs of the --db database)");
	if (!o->evidence_dir &&
	    (evidence_tuned || o->evidence_ring_frames || o->evidence_ring_kb || o->evidence_memory_mb))
		return usage_error(
			"%s", "--evidence-disk-kb, --evidence-ring-* and --evidence-memory-mb go with --evidence DIR");
	bool eve_stdout = false;
	for (size_t i = 0; i < o->n_eves; i++)
		eve_stdout |= strcmp(o->eves[i].target, "-") == 0;
	bool inventory_stdout = o->inventory_path && strcmp(o->inventory_path, "-") == 0;
	if (eve_stdout && inventory_stdout)
		return usage_error("%s", "--eve - and --inventory - cannot both write to stdout");
	/* --shards N: what N processes cannot share, said before any of them runs */
	if (o->spawn_shards && o->shards)
		return usage_error("%s", "--shards N runs the N --shard K/N processes itself: give one or the other");
	if (o->spawn_shards && o->serve)
		return usage_error("%s",
				   "--shards: the dashboard serves the database once the run is done: "
				   "run mmswatch --db PATH --serve PORT then");
	if (o->spawn_shards && (eve_stdout || inventory_stdout || o->pidfile))
		return usage_error("%s",
				   "--shards: --eve -, --inventory - and --pidfile cannot be shared by N processes");
	/* --chroot: entered with the privilege drop, after the capture is open
	 * (live) but before the files are read (offline, each file is opened as
	 * the run reaches it) */
	if (o->chroot_dir && !o->user)
		return usage_error("%s",
				   "--chroot DIR needs -Z USER: the chroot is entered when privileges are dropped");
	if (o->chroot_dir && o->n_inputs)
		return usage_error("%s",
				   "--chroot: the files of -r are opened one by one as the run reaches them, "
				   "inside the chroot, where their paths would not be found: use --chroot with -i");
	if (o->spawn_shards && o->chroot_dir && o->inventory_path)
		return usage_error("%s",
				   "--shards with --chroot: each process writes its part of --inventory "
				   "inside the chroot, where this one cannot gather them: not supported");
	o->summary = summary_forced || (!o->quiet && !eve_stdout && !inventory_stdout);
	return -1;
}

void options_free(struct options *o)
{
	ifaces_clear(o);
	free(o->inputs);
	o->inputs = NULL;
	free(o->scl_paths);
	o->scl_paths = NULL;
}

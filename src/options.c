/* options.c - command-line parsing; see options.h. --help teaches by example. */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "limits.h"

static const char USAGE[] =
"usage: mmswatch -r FILE|DIR|GLOB [-r ...] [options]\n"
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
"\n"
"Input:\n"
"  -r, --read PATH        pcap or pcapng file, directory, or quoted glob; may repeat.\n"
"                         Several files are read as one capture, ordered by their\n"
"                         first packet's time; flows carry on across files.\n"
"      --mms-port PORT    also treat TCP PORT as MMS (repeatable; 102 is always on)\n"
"\n"
"Output:\n"
"      --eve PATH         EVE JSON lines to PATH ('-' for stdout): event types mms,\n"
"                         association, stream, stats\n"
"      --no-values        leave decoded MMS data values out of EVE records\n"
"      --summary          print the summary even when --eve writes to stdout\n"
"      --db PATH          store findings, associations, IEDs, RCBs and statistics in\n"
"                         a SQLite database (created or migrated; one row per run)\n"
"      --db-pdus          also store every MMS PDU (bounded: the oldest go first)\n"
"  -q, --quiet            no summary, no progress messages (errors still shown)\n"
"\n"
"Analysis:\n"
"      --rules FILE       thresholds, severities, IED limits and allowlists, on top\n"
"                         of the defaults (see rules/default.rules, docs/rules.md)\n"
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
"unreadable input, 3 reserved for the commissioning gate (--fail-on).\n";

enum { OPT_EVE = 256, OPT_MMS_PORT, OPT_MAX_FLOWS, OPT_HOLE_TIMEOUT, OPT_NO_VALUES, OPT_SUMMARY,
       OPT_RULES, OPT_DB, OPT_DB_PDUS };

static const struct option LONG[] = {
	{ "read", required_argument, NULL, 'r' },
	{ "eve", required_argument, NULL, OPT_EVE },
	{ "mms-port", required_argument, NULL, OPT_MMS_PORT },
	{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
	{ "hole-timeout", required_argument, NULL, OPT_HOLE_TIMEOUT },
	{ "no-values", no_argument, NULL, OPT_NO_VALUES },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "db", required_argument, NULL, OPT_DB },
	{ "db-pdus", no_argument, NULL, OPT_DB_PDUS },
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

bool options_is_mms_port(const struct options *o, uint16_t port)
{
	for (size_t i = 0; i < o->n_mms_ports; i++)
		if (o->mms_ports[i] == port)
			return true;
	return false;
}

int options_parse(int argc, char **argv, struct options *o)
{
	long long v;
	bool summary_forced = false;
	memset(o, 0, sizeof(*o));
	o->mms_ports[o->n_mms_ports++] = 102;
	o->max_flows = MMSW_DEFAULT_MAX_FLOWS;
	o->hole_timeout_us = MMSW_DEFAULT_HOLE_TIMEOUT_US;
	o->inputs = calloc((size_t)argc + 1, sizeof(*o->inputs));
	if (!o->inputs)
		return EXIT_FAILURE_RUN;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":r:qhV", LONG, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->inputs[o->n_inputs++] = optarg;
			break;
		case OPT_EVE:
			o->eve_path = optarg;
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
		case OPT_HOLE_TIMEOUT:
			if (!parse_num(optarg, 0, 3600 * 1000, &v))
				return usage_error("--hole-timeout: '%s' is not a number of milliseconds (0-3600000)", optarg);
			o->hole_timeout_us = v * 1000;
			break;
		case OPT_NO_VALUES:
			o->no_values = true;
			break;
		case OPT_SUMMARY:
			summary_forced = true;
			break;
		case OPT_RULES:
			o->rules_path = optarg;
			break;
		case OPT_DB:
			o->db_path = optarg;
			break;
		case OPT_DB_PDUS:
			o->db_pdus = true;
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
	if (o->n_inputs == 0)
		return usage_error("%s", "no input: give a capture with -r FILE");
	if (o->db_pdus && !o->db_path)
		return usage_error("%s", "--db-pdus needs --db PATH");
	o->summary = summary_forced || (!o->quiet && !(o->eve_path && strcmp(o->eve_path, "-") == 0));
	return -1;
}

void options_free(struct options *o)
{
	free(o->inputs);
	o->inputs = NULL;
}

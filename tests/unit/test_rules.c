/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_rules.c - the rules file: every directive, units, file:line errors on bad
 * input, allowlist matching, and that rules/default.rules equals the defaults. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tcheck.h"
#include "core/rules.h"
#include "core/scl.h"
#include "analyze/analyze.h"

static char path[64];

static int load(struct rules *r, const char *text, char *err, size_t n)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	rules_defaults(r);
	return rules_load(r, path, err, n);
}

static void good(void)
{
	static struct rules r;
	char err[256] = "";
	CHECK_EQ(load(&r,
		      "# a comment\n\nset storm.window 30s   # trailing\nset report.integrity_tolerance 0.25\n"
		      "set report.max_members 50\nseverity scan high\n"
		      "ied 10.1.1.21:102 name \"Bay 1 protection\" limit 6\n"
		      "allow control 10.1.1.0/24 object \"*/CSWI*\"\nallow associate 10.1.1.5\n",
		      err, sizeof(err)),
		 0);
	CHECK_STR(err, "");
	CHECK_EQ(r.thr[THR_STORM_WINDOW], 30000000);
	CHECK_EQ(r.thr[THR_REPORT_INTG_TOLERANCE], 250);
	CHECK_EQ(r.thr[THR_REPORT_MAX_MEMBERS], 50);
	CHECK_EQ(rules_severity(&r, "scan", 1), 3);
	CHECK_EQ(rules_severity(&r, "other", 1), 1);
	uint8_t ied[16] = { 10, 1, 1, 21 }, cli[16] = { 10, 1, 1, 7 }, far[16] = { 10, 2, 0, 1 };
	const struct rule_ied *d = rules_ied(&r, 4, ied, 102);
	CHECK(d != NULL);
	if (d) {
		CHECK_STR(d->name, "Bay 1 protection");
		CHECK_EQ(d->limit, 6);
	}
	CHECK(rules_ied(&r, 4, ied, 103) == NULL);
	CHECK(rules_allowed(&r, ALLOW_CONTROL, 4, cli, ied, 102, "LD0/CSWI1.Pos"));
	CHECK(!rules_allowed(&r, ALLOW_CONTROL, 4, cli, ied, 102, "LD0/XCBR1.Pos"));
	CHECK(!rules_allowed(&r, ALLOW_CONTROL, 4, far, ied, 102, "LD0/CSWI1.Pos"));
	CHECK(!rules_allowed(&r, ALLOW_ASSOCIATE, 4, cli, ied, 102, NULL));
	CHECK(rules_allowed(&r, ALLOW_WRITE, 4, far, ied, 102, "anything")); /* no write list: allowed */
}

/* Allowlists naming SCL IEDs (tests/scl/data/example_server.scd: simpleIO at
 * 127.0.0.1:102, HMI1 at 192.0.2.50), matched against the loaded design. */
static void named(void)
{
	static struct rules r;
	char err[256] = "", p[512];
	uint8_t hmi[16] = { 192, 0, 2, 50 }, other[16] = { 192, 0, 2, 51 }, ied[16] = { 127, 0, 0, 1 };
	CHECK_EQ(load(&r, "allow associate HMI1\nallow control HMI1 ied simpleIO object \"*/GGIO1.SPCSO*\"\n", err,
		      sizeof(err)),
		 0);
	CHECK_STR(err, "");
	/* without a design, a name matches nothing */
	CHECK(!rules_allowed(&r, ALLOW_ASSOCIATE, 4, hmi, ied, 102, NULL));
	snprintf(p, sizeof(p), "%s/tests/scl/data/example_server.scd",
		 getenv("MMSW_SRCDIR") ? getenv("MMSW_SRCDIR") : ".");
	const char *paths[] = { p };
	struct scl *m = scl_load(paths, 1, err, sizeof(err));
	CHECK(m != NULL);
	if (!m)
		return;
	g_scl = m;
	CHECK(!rules_allowed(&r, ALLOW_ASSOCIATE, 4, hmi, ied, 102, NULL)); /* no resolver yet */
	g_rules_ied_named = scl_checks_ied_named;                           /* what the design checks set at start */
	CHECK(rules_allowed(&r, ALLOW_ASSOCIATE, 4, hmi, ied, 102, NULL));
	CHECK(!rules_allowed(&r, ALLOW_ASSOCIATE, 4, other, ied, 102, NULL));
	CHECK(rules_allowed(&r, ALLOW_CONTROL, 4, hmi, ied, 102, "simpleIOGenericIO/GGIO1.SPCSO1"));
	CHECK(!rules_allowed(&r, ALLOW_CONTROL, 4, hmi, ied, 8102,
			     "simpleIOGenericIO/GGIO1.SPCSO1")); /* not its MMS port */
	CHECK(!rules_allowed(&r, ALLOW_CONTROL, 4, hmi, other, 102,
			     "simpleIOGenericIO/GGIO1.SPCSO1")); /* not simpleIO */
	CHECK(!rules_allowed(&r, ALLOW_CONTROL, 4, other, ied, 102, "simpleIOGenericIO/GGIO1.SPCSO1"));
	/* a name the design lacks matches nothing */
	CHECK_EQ(load(&r, "allow associate NOSUCHIED\n", err, sizeof(err)), 0);
	CHECK(!rules_allowed(&r, ALLOW_ASSOCIATE, 4, hmi, ied, 102, NULL));
	g_rules_ied_named = NULL;
	g_scl = NULL;
	scl_free(m);
}

static void bad(const char *text, const char *want)
{
	static struct rules r;
	char err[256] = "";
	CHECK_EQ(load(&r, text, err, sizeof(err)), -1);
	if (!strstr(err, want)) {
		tcheck_failures++;
		fprintf(stderr, "%s:%d: wanted '%s' in '%s'\n", __FILE__, __LINE__, want, err);
	}
	tcheck_checks++;
}

int main(void)
{
	snprintf(path, sizeof(path), "/tmp/mmsw-rules-%d", (int)getpid());
	good();
	named();
	bad("allow associate 10.0.0.x\n", "nor an SCL IED name");
	bad("allow write 10.0.0.1 ied 9bad\n", "nor an SCL IED name");
	bad("set storm.window 10\n", ":1: storm.window: '10' is not a duration");
	bad("\n\nset no.such 1\n", ":3: unknown setting 'no.such'");
	bad("severity scan loud\n", ":1: 'loud' is not a severity");
	/* a misspelt kind would override nothing, silently (core/kinds.h) */
	bad("# ok\nseverity scna high\n", ":2: 'scna' is not a finding kind");
	bad("ied 10.1.1.300 limit 3\n", "is not an address");
	bad("ied 10.1.1.3 limit 0\n", "limit: '0'");
	bad("allow everything 10.0.0.1\n", "allow what?");
	bad("allow associate 10.0.0.1 object x\n", "does not apply");
	bad("frobnicate\n", "unknown directive 'frobnicate'");
	bad("ied 10.0.0.1 name \"open\n", "unterminated quoted string");
	char longline[2100];
	memset(longline, 'a', sizeof(longline) - 2);
	longline[sizeof(longline) - 2] = '\n';
	longline[sizeof(longline) - 1] = 0;
	bad(longline, "line too long");
	static struct rules r;
	char err[256];
	CHECK_EQ(rules_load(&r, "/nonexistent/rules", err, sizeof(err)), -1);
	/* The shipped default file states exactly the compiled defaults. */
	static struct rules def, file;
	rules_defaults(&def);
	rules_defaults(&file);
	char p[512];
	snprintf(p, sizeof(p), "%s/rules/default.rules", getenv("MMSW_SRCDIR") ? getenv("MMSW_SRCDIR") : ".");
	CHECK_EQ(rules_load(&file, p, err, sizeof(err)), 0);
	for (int i = 0; i < THR_COUNT; i++)
		CHECK_EQ(file.thr[i], def.thr[i]);
	unlink(path);
	TCHECK_DONE();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_finding_index.c - finding_open's index of the open aggregates
 * (core/finding.c): the same (kind, IED, object) finds the same aggregate, any
 * difference in one of the three does not, a kind changed by finding_supersede
 * is found under its new kind, and of two open aggregates that share a key the
 * first opened is found (what the scan it replaced found). */
#include <stdint.h>
#include <string.h>

#include "tcheck.h"

#include "core/finding.h"
#include "core/rules.h"

static struct endpoint ied(uint8_t last, uint16_t port)
{
	struct endpoint e;
	memset(&e, 0, sizeof(e));
	e.ipver = 4;
	e.ip[0] = 10;
	e.ip[3] = last;
	e.port = port;
	return e;
}

int main(void)
{
	rules_defaults(&g_rules);
	struct endpoint a = ied(1, 102), b = ied(2, 102), a2 = ied(1, 103);
	int64_t t = 1000000;
	struct finding *f = finding_open("rcb_gap", &a, "LD/LLN0$BR$brcb01", t);
	CHECK(f);
	f->count = 1;
	/* the same key, a copy of the kind's text: the same aggregate */
	char kind[] = "rcb_gap";
	CHECK(finding_open(kind, &a, "LD/LLN0$BR$brcb01", t + 1) == f);
	/* each part of the key counts */
	struct finding *g = finding_open("rcb_gap", &b, "LD/LLN0$BR$brcb01", t);
	struct finding *h = finding_open("rcb_gap", &a2, "LD/LLN0$BR$brcb01", t);
	struct finding *i = finding_open("rcb_gap", &a, "LD/LLN0$BR$brcb02", t);
	struct finding *j = finding_open("sqnum_gap", &a, "LD/LLN0$BR$brcb01", t);
	CHECK(g && h && i && j && g != f && h != f && i != f && j != f && g != h && i != j);
	CHECK(finding_open("rcb_gap", &a, NULL, t) != f);
	CHECK(finding_open("rcb_gap", &a, "", t) == finding_open("rcb_gap", &a, NULL, t));
	/* superseded: found under the new kind, and the first opened of the two
	 * now sharing it wins */
	finding_supersede(j, "rcb_gap", SEV_LOW);
	CHECK(finding_open("rcb_gap", &a, "LD/LLN0$BR$brcb01", t + 2) == f);
	CHECK(finding_open("sqnum_gap", &a, "LD/LLN0$BR$brcb01", t + 2) != j);
	/* past the window the old aggregate closes and a new one starts */
	struct finding *k = finding_open("rcb_gap", &b, "LD/LLN0$BR$brcb01", t + g_rules.thr[THR_FINDING_WINDOW] + 10);
	CHECK(k && k->first_seen == t + g_rules.thr[THR_FINDING_WINDOW] + 10);
	findings_finish();
	findings_free();
	TCHECK_DONE();
}

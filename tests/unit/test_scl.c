/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_scl.c - the SCL model from tests/scl/data/small.scd: look-ups by address,
 * name and MMS domain, the MMS names and display names of FCDAs (leaf, whole DO,
 * structured DA, SDO, another LDevice), RCB instances (indexed, max, unindexed),
 * ReportSettings, ClientLN, GSE addresses; an SCD and a CID disagreeing about one
 * IED; and in-memory errors with their names and lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "tcheck.h"
#include "core/scl.h"
#include "dissectors/iec61850_report.h"

static char small_path[512];

static void names(const struct scl *m)
{
	CHECK_EQ(scl_ied_count(m), 2);
	CHECK_EQ(scl_file_count(m), 1);
	CHECK_EQ(scl_file_at(m, 0)->edition, SCL_ED_2_1);
	CHECK_EQ(scl_file_at(m, 0)->kind, SCL_FILE_SCD);
	CHECK_EQ(strlen(scl_design_hash(m)), 64);

	const struct scl_ied *d = scl_ied_by_name(m, "BAY1");
	CHECK(d != NULL);
	if (!d)
		return;
	CHECK_STR(d->desc, "Bay 1 protection");
	CHECK_STR(d->manufacturer, "ACME");
	CHECK_STR(d->config_version, "1.0");
	CHECK(!d->is_template);
	CHECK_EQ(d->report_settings[SCL_RS_CBNAME], SCL_SET_CONF);
	CHECK_EQ(d->report_settings[SCL_RS_RPTID], SCL_SET_DYN);
	CHECK_EQ(d->report_settings[SCL_RS_OWNER], SCL_SET_FIX); /* left out: Fix */
	CHECK_EQ(scl_ied_by_name(m, "BAY2")->report_settings[SCL_RS_TRGOPS], SCL_SET_ABSENT);
	CHECK(scl_ied_by_name(m, "NOPE") == NULL);

	/* addresses: the leading zeros of "192.168.001.010" are read as decimal */
	const struct scl_access_addr *a = scl_addr_by_text(m, "192.168.1.10", 102);
	CHECK(a && a->ied == d);
	CHECK(scl_addr_by_text(m, "192.168.1.10", 0) == a);
	CHECK(scl_addr_by_text(m, "192.168.1.10", 8102) == NULL);
	struct in_addr in;
	inet_pton(AF_INET, "192.168.1.11", &in);
	CHECK(scl_addr_by_ipv4(m, in, 8102) && scl_addr_by_ipv4(m, in, 8102)->ied == scl_ied_by_name(m, "BAY2"));
	CHECK(scl_addr_by_ipv4(m, in, 102) == NULL);
	struct endpoint ep = { .ipver = 4, .port = 102 };
	memcpy(ep.ip, "\xc0\xa8\x01\x0a", 4);
	CHECK(scl_addr_by_endpoint(m, &ep) == a);
	if (a) {
		CHECK_STR(a->subnetwork, "StationBus");
		CHECK_STR(a->ap_name, "AP1");
		CHECK_EQ(a->psel.len, 4);
		CHECK_EQ(a->psel.b[3], 1);
		CHECK_EQ(a->ssel.len, 2);
		CHECK_EQ(a->tsel.len, 2);
		CHECK_STR(a->ap_title, "1 3 9999 33");
		CHECK_EQ(a->n_ap_title_arcs, 4);
		CHECK_EQ(a->ap_title_arcs[2], 9999);
		CHECK(a->has_ae_qualifier && a->ae_qualifier == 33);
		CHECK_EQ(a->n_l2, 1);
		CHECK_EQ(a->l2[0].appid, 0x3001);
		CHECK_EQ(a->l2[0].vlan_id, 10);
		CHECK_EQ(a->l2[0].vlan_priority, 4);
		CHECK_EQ(a->l2[0].mac[5], 0x10);
	}

	/* domains: IED name + inst, or ldName */
	const struct scl_ldevice *prot = scl_ld_by_domain(m, "BAY1PROT");
	CHECK(prot && prot->ied == d && !strcmp(prot->inst, "PROT"));
	const struct scl_ldevice *meas = scl_ld_by_domain(m, "BAY1_Meas");
	CHECK(meas && !strcmp(meas->inst, "MEAS"));
	CHECK(scl_ld_by_domain(m, "BAY1MEAS") == NULL);
	CHECK(scl_ld_by_inst(d, "MEAS") == meas);
	if (!prot || !meas)
		return;
	CHECK_EQ(prot->n_lns, 3);
	CHECK_STR(prot->lns[0].name, "LLN0");
	CHECK_STR(prot->lns[2].name, "Q0XCBR1");
	CHECK(scl_ln_by_name(prot, "GGIO1") == &prot->lns[1]);
	/* the vendor element in another namespace, with an LN inside, added nothing */
	CHECK_EQ(d->n_lds, 2);

	/* datasets and their members */
	const struct scl_dataset *ds = scl_dataset_by_ref(m, "BAY1PROT", "LLN0$Events");
	CHECK(ds != NULL);
	CHECK(scl_dataset_by_ref(m, NULL, "BAY1PROT/LLN0$Events") == ds);
	CHECK(scl_dataset_by_ref(m, NULL, "BAY1PROT/GGIO1$Meas") != NULL);
	CHECK(scl_dataset_by_ref(m, NULL, "BAY1PROT/LLN0$Meas") == NULL);
	if (!ds)
		return;
	CHECK_STR(ds->ref, "BAY1PROT/LLN0$Events");
	CHECK_EQ(ds->n_fcdas, 5);
	const struct scl_fcda *f = ds->fcdas;
	CHECK_STR(f[0].item, "GGIO1$MX$AnIn1$mag$f");
	CHECK_STR(f[0].display, "GGIO1.AnIn1.mag.f [MX]");
	CHECK_STR(f[0].domain, "BAY1PROT");
	CHECK(f[0].resolved && !f[0].structured);
	CHECK_STR(f[0].btype, "FLOAT32");
	CHECK_STR(f[1].item, "GGIO1$ST$Ind1");
	CHECK_STR(f[1].display, "GGIO1.Ind1 [ST]");
	CHECK(f[1].resolved && f[1].structured);
	CHECK_STR(f[2].item, "Q0XCBR1$ST$Pos$stVal");
	CHECK_STR(f[2].btype, "Dbpos");
	CHECK(f[3].resolved && f[3].structured); /* mag is a Struct */
	CHECK_STR(f[4].item, "MMXU1$MX$A$phsA$cVal$mag$f");
	CHECK_STR(f[4].display, "MEAS/MMXU1.A.phsA.cVal.mag.f [MX]");
	CHECK_STR(f[4].domain, "BAY1_Meas");
	CHECK(f[4].resolved && !f[4].structured);

	/* the leaves of the whole DO Ind1 with fc ST: stVal, q, t (not d, fc DC) */
	CHECK_EQ(scl_fcda_leaves(&f[1], NULL, NULL, 100), 3);
	CHECK_EQ(scl_fcda_leaves(&f[1], NULL, NULL, 2), 2);
	CHECK_EQ(scl_fcda_leaves(&f[0], NULL, NULL, 100), 1);

	struct scl_attr_info ai;
	CHECK(scl_resolve(&prot->lns[1], "Ind1", "stVal", &ai));
	CHECK_STR(ai.fc, "ST");
	CHECK_EQ(ai.trgops, TRG_MASK(TRG_DCHG));
	CHECK(scl_resolve(&prot->lns[1], "Ind1", NULL, &ai) && ai.structured);
	CHECK_STR(ai.cdc, "SPS");
	CHECK(!scl_resolve(&prot->lns[1], "Ind9", "stVal", &ai));

	/* RCBs: indexed 01..05, the bare name refused (max 5) */
	struct scl_rcb_match rm;
	const struct scl_rcb *r = scl_rcb_by_ref(m, "BAY1PROT", "LLN0$BR$EventsRCB03", &rm);
	CHECK(r && rm.instance == 3);
	if (r) {
		CHECK(r->buffered && r->indexed && !r->indexed_given);
		CHECK_EQ(r->max, 5);
		CHECK_EQ(r->conf_rev, 3);
		CHECK_EQ(r->buf_time, 50);
		CHECK_EQ(r->intg_pd, 5000);
		CHECK_STR(r->rpt_id, "BAY1/Events");
		CHECK_EQ(r->trgops,
			 TRG_MASK(TRG_DCHG) | TRG_MASK(TRG_QCHG) | TRG_MASK(TRG_INTEGRITY) | TRG_MASK(TRG_GI));
		CHECK(r->optflds & (1u << OPT_SEQ_NUM));
		CHECK(r->optflds & (1u << OPT_CONF_REV));
		CHECK(!(r->optflds & (1u << OPT_DATA_REF)));
		CHECK(r->optflds & (1u << OPT_BUFFER_OVERFLOW)); /* Ed2 default */
		CHECK(r->dataset == ds);
		CHECK_EQ(r->n_clients, 1);
		CHECK_STR(r->clients[0].ied_name, "SCADA");
		CHECK(r->clients[0].ied == NULL);
		char buf[64];
		CHECK_STR(scl_rcb_instance_item(r, 5, buf, sizeof(buf)), "LLN0$BR$EventsRCB05");
	}
	CHECK(scl_rcb_by_ref(m, NULL, "BAY1PROT/LLN0$BR$EventsRCB05", NULL) == r);
	CHECK(scl_rcb_by_ref(m, NULL, "BAY1PROT/LLN0$BR$EventsRCB06", &rm) == NULL);
	CHECK(rm.beyond_max == r);
	CHECK(scl_rcb_by_ref(m, NULL, "BAY1PROT/LLN0$BR$EventsRCB", &rm) == NULL);
	CHECK(rm.beyond_max == r);
	CHECK(scl_rcb_by_ref(m, NULL, "BAY1PROT/LLN0$RP$EventsRCB01", &rm) == NULL); /* not RP */
	CHECK(rm.beyond_max == NULL);
	/* unindexed, in a GGIO: only the bare name */
	const struct scl_rcb *u = scl_rcb_by_ref(m, NULL, "BAY1PROT/GGIO1$RP$urcbMeas", &rm);
	CHECK(u && rm.instance == 0 && !u->indexed);
	CHECK(u && u->dataset && !strcmp(u->dataset->name, "Meas"));
	CHECK(scl_rcb_by_ref(m, NULL, "BAY1PROT/GGIO1$RP$urcbMeas01", NULL) == NULL);
	/* max 1 (RptEnabled absent), indexed not written: both names */
	CHECK(scl_rcb_by_ref(m, NULL, "BAY1_Meas/LLN0$BR$brcb", &rm) && rm.instance == 0);
	CHECK(scl_rcb_by_ref(m, NULL, "BAY1_Meas/LLN0$BR$brcb01", &rm) && rm.instance == 1);
	CHECK(scl_rcb_by_ref(m, NULL, "BAY1_Meas/LLN0$BR$brcb02", NULL) == NULL);

	/* the dataset a report carries: by DatSet, by rptID, by RCB reference */
	CHECK(scl_report_dataset(m, NULL, "BAY1PROT/LLN0$Events", "x") == ds);
	CHECK(scl_report_dataset(m, d, NULL, "BAY1/Events") == ds);
	CHECK(scl_report_dataset(m, NULL, NULL, "BAY1/Events") == NULL);
	CHECK(scl_report_dataset(m, d, "", "BAY1PROT/GGIO1$RP$urcbMeas") == u->dataset);
	CHECK(scl_report_dataset(m, d, NULL, "nothing") == NULL);

	/* GOOSE */
	CHECK_EQ(prot->n_cbs, 1);
	const struct scl_cb *cb = &prot->cbs[0];
	CHECK_STR(cb->ref, "BAY1PROT/LLN0$GO$gcbTrip");
	CHECK_STR(cb->app_id, "BAY1_TRIP");
	CHECK_EQ(cb->conf_rev, 2);
	CHECK(cb->dataset == ds);
	CHECK(cb->addr && cb->addr->appid == 0x3001);
}

static void small(void)
{
	char err[512] = "";
	const char *paths[] = { small_path };
	struct scl *m = scl_load(paths, 1, err, sizeof(err));
	CHECK(m != NULL);
	if (!m) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	names(m);
	scl_free(m);
}

static void expect_error(const char *text, enum scl_error e, const char *prefix)
{
	char err[512] = "";
	struct scl *m = scl_load_memory("bad.scd", text, strlen(text), err, sizeof(err));
	CHECK(m == NULL);
	scl_free(m);
	CHECK_EQ(scl_last_error(), e);
	if (strncmp(err, prefix, strlen(prefix)))
		fprintf(stderr, "expected \"%s...\", got \"%s\"\n", prefix, err);
	CHECK(!strncmp(err, prefix, strlen(prefix)));
}

static void errors(void)
{
	expect_error("<?xml version=\"1.0\"?>\n<html/>\n", SCL_ERR_NOT_SCL, "bad.scd:2: not an SCL file");
	expect_error("<SCL xmlns=\"http://www.iec.ch/61850/2003/SCL\">\n<IED name=\"A\">\n", SCL_ERR_XML, "bad.scd:");
	expect_error(
		"<!DOCTYPE SCL [<!ENTITY a \"aaaa\">]>\n<SCL xmlns=\"http://www.iec.ch/61850/2003/SCL\">&a;</SCL>\n",
		SCL_ERR_DOCTYPE, "bad.scd:"); /* the DTD node has no line of its own */
	expect_error("not xml at all", SCL_ERR_XML, "bad.scd:1: not well-formed XML");
	expect_error("<SCL xmlns=\"http://www.iec.ch/61850/2003/SCL\">\n<Communication><SubNetwork name=\"s\">"
		     "<ConnectedAP iedName=\"X\" apName=\"A\"><Address>\n<P type=\"IP\">10.0.0.300</P>"
		     "</Address></ConnectedAP></SubNetwork></Communication></SCL>\n",
		     SCL_ERR_BAD_VALUE, "bad.scd:3: IP \"10.0.0.300\"");
	CHECK_STR(scl_error_name(SCL_ERR_DEPTH), "depth_limit");
}

/* An SCD and a CID of one IED that disagree: the CID's IED is used, wherever it
 * stands on the command line. */
static void scd_and_cid(void)
{
	char scd[64], cid[64];
	snprintf(scd, sizeof(scd), "/tmp/test_scl_%d.scd", (int)getpid());
	snprintf(cid, sizeof(cid), "/tmp/test_scl_%d.cid", (int)getpid());
	FILE *f = fopen(scd, "w");
	fputs("<SCL xmlns=\"http://www.iec.ch/61850/2003/SCL\"><Communication><SubNetwork name=\"N\">"
	      "<ConnectedAP iedName=\"IED1\" apName=\"S1\"><Address><P type=\"IP\">10.0.0.1</P></Address></ConnectedAP>"
	      "</SubNetwork></Communication>"
	      "<IED name=\"IED1\" configVersion=\"1\"><AccessPoint name=\"S1\"><Server><LDevice inst=\"LD0\">"
	      "<LN0 lnClass=\"LLN0\" lnType=\"T\"/></LDevice></Server></AccessPoint></IED></SCL>\n",
	      f);
	fclose(f);
	f = fopen(cid, "w");
	fputs("<SCL xmlns=\"http://www.iec.ch/61850/2003/SCL\">"
	      "<IED name=\"IED1\" configVersion=\"2\"><AccessPoint name=\"S1\"><Server><LDevice inst=\"LD1\">"
	      "<LN0 lnClass=\"LLN0\" lnType=\"T\"/></LDevice></Server></AccessPoint></IED>"
	      "<IED name=\"TEMPLATE\"/></SCL>\n",
	      f);
	fclose(f);
	for (int order = 0; order < 2; order++) {
		const char *paths[2] = { order ? cid : scd, order ? scd : cid };
		char err[256];
		struct scl *m = scl_load(paths, 2, err, sizeof(err));
		CHECK(m != NULL);
		if (!m)
			continue;
		CHECK_EQ(scl_ied_count(m), 1); /* TEMPLATE is not listed */
		const struct scl_ied *d = scl_ied_by_name(m, "IED1");
		CHECK(d && !strcmp(d->config_version, "2") && d->file->kind == SCL_FILE_CID);
		CHECK(scl_ld_by_domain(m, "IED1LD1") != NULL);
		CHECK(scl_ld_by_domain(m, "IED1LD0") == NULL);
		/* the address comes from the SCD, the only file that has one */
		CHECK(scl_addr_by_text(m, "10.0.0.1", 102) && scl_addr_by_text(m, "10.0.0.1", 102)->ied == d);
		scl_free(m);
	}
	unlink(scd);
	unlink(cid);
}

int main(void)
{
	const char *s = getenv("srcdir");
	snprintf(small_path, sizeof(small_path), "%s/tests/scl/data/small.scd", s ? s : ".");
	small();
	errors();
	scd_and_cid();
	TCHECK_DONE();
}

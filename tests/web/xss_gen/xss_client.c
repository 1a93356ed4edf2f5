/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xss_client.c - an ordinary IEC 61850 client session against xss_server that
 * also sends hostile strings of its own: Identify, enable both RCBs (with GI),
 * write a hostile DatSet (refused), try to enable an RCB whose name is markup
 * (refused), receive reports for a few seconds, disable, conclude.
 *
 *   xss_client PORT SECONDS */
#include "iec61850_client.h"
#include "hal_thread.h"
#include <stdio.h>
#include <stdlib.h>
#include "hostile.h"

static void on_report(void *arg, ClientReport report)
{
	(void)arg;
	printf("report rptid=%s seq=%d\n", ClientReport_getRptId(report), (int)ClientReport_getSeqNum(report));
}

static void enable(IedConnection con, const char *ref, bool buffered)
{
	IedClientError err;
	ClientReportControlBlock rcb = IedConnection_getRCBValues(con, &err, ref, NULL);
	if (err != IED_ERROR_OK || !rcb) {
		printf("getRCBValues %s: error %d\n", ref, err);
		return;
	}
	IedConnection_installReportHandler(con, ref, ClientReportControlBlock_getRptId(rcb), on_report, NULL);
	if (!buffered)
		ClientReportControlBlock_setResv(rcb, true);
	ClientReportControlBlock_setRptEna(rcb, true);
	IedConnection_setRCBValues(con, &err, rcb, RCB_ELEMENT_RPT_ENA | (buffered ? 0 : RCB_ELEMENT_RESV), true);
	printf("enable %s: %d\n", ref, err);
	ClientReportControlBlock_setGI(rcb, true);
	IedConnection_setRCBValues(con, &err, rcb, RCB_ELEMENT_GI, true);
	printf("GI %s: %d\n", ref, err);
	ClientReportControlBlock_destroy(rcb);
}

static void disable(IedConnection con, const char *ref)
{
	IedClientError err;
	ClientReportControlBlock rcb = ClientReportControlBlock_create(ref);
	ClientReportControlBlock_setRptEna(rcb, false);
	IedConnection_setRCBValues(con, &err, rcb, RCB_ELEMENT_RPT_ENA, true);
	printf("disable %s: %d\n", ref, err);
	ClientReportControlBlock_destroy(rcb);
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 102;
	int seconds = argc > 2 ? atoi(argv[2]) : 8;
	IedClientError err;
	IedConnection con = IedConnection_create();
	IedConnection_connect(con, &err, "127.0.0.1", port);
	if (err != IED_ERROR_OK) {
		fprintf(stderr, "xss_client: connect failed (%d)\n", err);
		return 1;
	}

	MmsError merr;
	MmsServerIdentity *id = MmsConnection_identify(IedConnection_getMmsConnection(con), &merr);
	if (id) {
		printf("identify: %s | %s | %s\n", id->vendorName, id->modelName, id->revision);
		MmsServerIdentity_destroy(id);
	}

	enable(con, "XSSLD0/LLN0.RP.EventsRCB01", false);
	enable(con, "XSSLD0/LLN0.BR.Measurements01", true);

	/* a hostile DatSet written while the URCB is enabled: refused */
	ClientReportControlBlock rcb = ClientReportControlBlock_create("XSSLD0/LLN0.RP.EventsRCB01");
	ClientReportControlBlock_setDataSetReference(rcb, HOSTILE_DATSET);
	IedConnection_setRCBValues(con, &err, rcb, RCB_ELEMENT_DATSET, true);
	printf("write DatSet: %d\n", err);
	ClientReportControlBlock_destroy(rcb);

	/* an RCB whose name is markup: no such object */
	rcb = ClientReportControlBlock_create(HOSTILE_RCB);
	ClientReportControlBlock_setRptEna(rcb, true);
	IedConnection_setRCBValues(con, &err, rcb, RCB_ELEMENT_RPT_ENA, true);
	printf("enable hostile RCB: %d\n", err);
	ClientReportControlBlock_destroy(rcb);

	Thread_sleep(seconds * 1000);
	disable(con, "XSSLD0/LLN0.RP.EventsRCB01");
	disable(con, "XSSLD0/LLN0.BR.Measurements01");
	IedConnection_release(con, &err);
	IedConnection_destroy(con);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xss_server.c - a libiec61850 IED whose free strings are hostile markup: the
 * RptIDs of its two RCBs and its Identify vendor, model and revision (domain
 * XSSLD0: IED name XSS, logical device LD0). Object names
 * must be MMS identifiers, so those stay plain (XSSLD0, LLN0, GGIO1).
 *
 *   xss_server PORT SECONDS
 *
 * listens on 127.0.0.1:PORT and changes GGIO1.Ind1..Ind4 every 700 ms, so the
 * URCB sends data-change reports and the BRCB (TrgOps integrity and GI only)
 * lets them pass silently between integrity reports. */
#include "iec61850_server.h"
#include "hal_thread.h"
#include <stdio.h>
#include <stdlib.h>
#include "hostile.h"

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 102;
	int seconds = argc > 2 ? atoi(argv[2]) : 20;

	IedModel *model = IedModel_create("XSS");
	LogicalDevice *ld = LogicalDevice_create("LD0", model);
	LogicalNode *lln0 = LogicalNode_create("LLN0", ld);
	CDC_ENS_create("Mod", (ModelNode *)lln0, 0);
	CDC_ENS_create("Health", (ModelNode *)lln0, 0);
	LogicalNode *ggio1 = LogicalNode_create("GGIO1", ld);
	DataAttribute *stVal[4];
	char name[16];
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof name, "Ind%d", i + 1);
		DataObject *dobj = CDC_SPS_create(name, (ModelNode *)ggio1, 0);
		stVal[i] = (DataAttribute *)ModelNode_getChild((ModelNode *)dobj, "stVal");
	}
	DataSet *events = DataSet_create("Events", lln0);
	DataSet *meas = DataSet_create("Measurements", lln0);
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof name, "GGIO1$ST$Ind%d", i + 1);
		DataSetEntry_create(events, name, -1, NULL);
		DataSetEntry_create(meas, name, -1, NULL);
	}
	uint8_t opts = RPT_OPT_SEQ_NUM | RPT_OPT_TIME_STAMP | RPT_OPT_REASON_FOR_INCLUSION | RPT_OPT_DATA_SET |
		RPT_OPT_CONF_REV | RPT_OPT_BUFFER_OVERFLOW | RPT_OPT_ENTRY_ID;
	ReportControlBlock_create("EventsRCB01", lln0, HOSTILE_RPTID_URCB, false, "Events", 1,
				  TRG_OPT_DATA_CHANGED | TRG_OPT_INTEGRITY | TRG_OPT_GI, opts, 0, 2000);
	ReportControlBlock_create("Measurements01", lln0, HOSTILE_RPTID_BRCB, true, "Measurements", 1,
				  TRG_OPT_INTEGRITY | TRG_OPT_GI, opts, 0, 1000);

	IedServer server = IedServer_create(model);
	IedServer_setServerIdentity(server, HOSTILE_VENDOR, HOSTILE_MODEL, HOSTILE_REVISION);
	IedServer_setLocalIpAddress(server, "127.0.0.1");
	IedServer_start(server, port);
	if (!IedServer_isRunning(server)) {
		fprintf(stderr, "xss_server: cannot listen on 127.0.0.1:%d\n", port);
		return 1;
	}
	for (int t = 0; t < seconds * 1000 / 700; t++) {
		Thread_sleep(700);
		IedServer_lockDataModel(server);
		IedServer_updateBooleanAttributeValue(server, stVal[t % 4], (t / 4) % 2 == 0);
		IedServer_unlockDataModel(server);
	}
	IedServer_stop(server);
	IedServer_destroy(server);
	IedModel_destroy(model);
	return 0;
}

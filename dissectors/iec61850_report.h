/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iec61850_report.h - an IEC 61850 report carried in an MMS InformationReport
 * (IEC 61850-8-1: variableListName "RPT", then RptID, OptFlds and what OptFlds
 * says is present). Pure decoding over views into the PDU; the report analyzer
 * (src/analyze/reports.c) does the judging. */
#ifndef MMSW_IEC61850_REPORT_H
#define MMSW_IEC61850_REPORT_H

#include "mms.h"
#include "mms_data.h"

/* OptFlds bit positions (bit 0 = MSB of the first octet). */
enum optflds_bit {
	OPT_SEQ_NUM = 1,
	OPT_TIME_STAMP = 2,
	OPT_REASON = 3,
	OPT_DATA_SET = 4,
	OPT_DATA_REF = 5,
	OPT_BUFFER_OVERFLOW = 6,
	OPT_ENTRY_ID = 7,
	OPT_CONF_REV = 8,
	OPT_SEGMENTATION = 9,
};

/* TrgOps and ReasonCode bit positions. */
enum trg_bit { TRG_DCHG = 1, TRG_QCHG = 2, TRG_DUPD = 3, TRG_INTEGRITY = 4, TRG_GI = 5 };
#define TRG_MASK(b) (1u << (b))

/* Members decoded per report; a larger dataset is counted, not stored. */
#define MMSW_REPORT_MAX_MEMBERS 512

struct iec_report_member {
	uint16_t index;   /* position in the dataset (from the inclusion bit string) */
	uint8_t reasons;  /* TRG_MASK bits, 0 when no ReasonCode */
	struct bview ref; /* data reference, empty unless OptFlds data-reference */
	struct mms_data value;
};

struct iec_report {
	struct bview rptid;
	uint16_t optflds; /* bit i of OptFlds at (1 << i) */
	bool has_sqnum, has_time, has_datset, has_bufovfl, has_entryid, has_confrev, has_segment;
	uint32_t sqnum;
	struct mms_data time; /* binary-time */
	struct bview datset;
	bool bufovfl;
	struct bview entryid;
	uint32_t confrev;
	uint32_t subsqnum;
	bool more_segments;
	uint32_t n_dataset;  /* bits in the inclusion bit string = dataset size */
	uint32_t n_included; /* members in this report */
	uint16_t n_members;  /* members stored (<= MMSW_REPORT_MAX_MEMBERS) */
	uint8_t reasons_all; /* union of all members' reasons */
	struct iec_report_member members[MMSW_REPORT_MAX_MEMBERS];
};

enum iec_report_status {
	REPORT_OK = 0,
	REPORT_NOT_A_REPORT, /* an InformationReport, but not "RPT" */
	REPORT_MALFORMED,    /* RPT, but the fields do not follow OptFlds */
};

/* Is this PDU an informationReport named "RPT"? Inline: several analyzers ask
 * it of every PDU, and a build without link-time optimisation paid a call for
 * each (0.5% of the sensor's instructions). "RPT" is compared in place. */
static inline bool iec_report_is_rpt(const struct mms_pdu *pdu)
{
	const struct bview *n = &pdu->list_name.item;
	return pdu->type == MMS_UNCONFIRMED && pdu->service == MMS_USVC_INFORMATION_REPORT && pdu->has_list_name &&
		pdu->list_name.scope == MMS_SCOPE_VMD && n->len == 3 && n->p[0] == 'R' && n->p[1] == 'P' &&
		n->p[2] == 'T' && pdu->has_data;
}
enum iec_report_status iec_report_decode(const struct mms_pdu *pdu, struct iec_report *out);
/* "dchg,qchg,dupd,intg,gi" for a TRG_MASK set, into buf. */
const char *iec_trg_text(uint8_t mask, char *buf, size_t size);
/* "sequence-number,report-time-stamp,..." for an OptFlds bit set (bit i at 1 << i,
 * the names docs/inventory.md uses), into buf. */
const char *iec_optflds_text(uint16_t bits, char *buf, size_t size);
/* One bit's name ("dchg", "sequence-number"), NULL for a reserved or unknown bit. */
const char *iec_trg_name(unsigned bit);
const char *iec_optfld_name(unsigned bit);
/* A TrgOps / ReasonCode bit string to a TRG_MASK set. */
uint8_t iec_trg_mask(struct bview bits, uint32_t nbits);

#endif

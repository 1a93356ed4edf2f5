/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_decode_ahead.c - what the reader thread decodes ahead (stages/decode_ahead.c)
 * is what decoding the same bytes in place gives: every frame of every bundled
 * capture, decoded ahead from one buffer for a copy in another, then taken back
 * and compared with mms_decode and iec_report_decode run on the copy (the COTP
 * user data with tpkt_header and cotp_parse, the presentation data value with
 * session_parse and pres_parse). The first
 * buffer is wiped before the comparison, so a pointer left pointing into it
 * fails. Also: only exactly the stored bytes are taken, once, and a record that
 * does not fit is not written. */
#include <pcap/pcap.h>
#include <string.h>

#include "dissectors/cotp.h"
#include "dissectors/pres.h"
#include "dissectors/session.h"
#include "dissectors/tpkt.h"
#include "stages/decode_ahead.h"
#include "stages/decode_ip.h"
#include "stages/decode_link.h"
#include "stages/flow_hash.h"
#include "tcheck.h"
#include "tpcap.h"

static struct decode_ahead_scratch scratch;
static uint8_t stored[64 * 1024];
static struct mms_pdu ref_pdu, got_pdu;
static struct iec_report ref_rep;

static bool same_rd(struct rd a, struct rd b)
{
	return a.p == b.p && a.len == b.len && a.off == b.off;
}

static bool same_view(struct bview a, struct bview b)
{
	return a.p == b.p && a.len == b.len;
}

/* Field by field where padding may differ (the members); byte by byte for the
 * PDU, both sides starting from zeroed memory. */
static void compare(const struct iec_report *got, enum iec_report_status got_st, enum iec_report_status ref_st)
{
	size_t objs_at = offsetof(struct mms_pdu, objs);
	size_t tail_at = objs_at + sizeof(ref_pdu.objs);
	CHECK(memcmp(&got_pdu, &ref_pdu, objs_at) == 0);
	for (uint16_t i = 0; i < ref_pdu.n_objs; i++) {
		CHECK_EQ(got_pdu.objs[i].scope, ref_pdu.objs[i].scope);
		CHECK(same_view(got_pdu.objs[i].domain, ref_pdu.objs[i].domain));
		CHECK(same_view(got_pdu.objs[i].item, ref_pdu.objs[i].item));
	}
	CHECK(memcmp((uint8_t *)&got_pdu + tail_at, (uint8_t *)&ref_pdu + tail_at, sizeof(ref_pdu) - tail_at) == 0);
	CHECK_EQ(got_st, ref_st);
	if (ref_st == REPORT_NOT_A_REPORT) {
		CHECK(got == NULL);
		return;
	}
	CHECK(got != NULL);
	if (!got)
		return;
	CHECK(same_view(got->rptid, ref_rep.rptid));
	CHECK_EQ(got->optflds, ref_rep.optflds);
	CHECK_EQ(got->has_sqnum, ref_rep.has_sqnum);
	CHECK_EQ(got->sqnum, ref_rep.sqnum);
	CHECK_EQ(got->has_time, ref_rep.has_time);
	CHECK(same_rd(got->time.val, ref_rep.time.val));
	CHECK(same_view(got->datset, ref_rep.datset));
	CHECK(same_view(got->entryid, ref_rep.entryid));
	CHECK_EQ(got->confrev, ref_rep.confrev);
	CHECK_EQ(got->n_dataset, ref_rep.n_dataset);
	CHECK_EQ(got->n_included, ref_rep.n_included);
	CHECK_EQ(got->reasons_all, ref_rep.reasons_all);
	CHECK_EQ(got->n_members, ref_rep.n_members);
	for (uint16_t k = 0; k < ref_rep.n_members && k < got->n_members; k++) {
		const struct iec_report_member *a = &got->members[k], *b = &ref_rep.members[k];
		CHECK_EQ(a->index, b->index);
		CHECK_EQ(a->reasons, b->reasons);
		CHECK(same_view(a->ref, b->ref));
		CHECK_EQ(a->value.tag, b->value.tag);
		CHECK_EQ(a->value.constructed, b->value.constructed);
		CHECK(same_rd(a->value.val, b->value.val));
	}
}

/* One frame: decoded ahead from a first buffer for a second; returns whether
 * anything was stored. */
static bool one_frame(int dlt, const uint8_t *data, uint32_t caplen)
{
	static uint8_t first[256 * 1024], copy[256 * 1024];
	if (caplen > sizeof(first))
		return false;
	memcpy(first, data, caplen);
	memcpy(copy, data, caplen);
	size_t n = decode_ahead_frame(&scratch, dlt, first, copy, caplen, stored, sizeof(stored));
	if (!n)
		return false;
	/* the flow hash the pipeline's flow_get computes for the frame, after the
	 * link and IP stages (what flow_soon prefetches with) */
	struct pkt p = { .dlt = dlt, .data = copy, .caplen = caplen, .wirelen = caplen };
	CHECK(decode_link(dlt, &p) == LINK_OK && p.red == RED_NONE && decode_ip(&p) == IP_TCP);
	CHECK_EQ(decode_ahead_flow_hash(stored), flow_hash_of(&p));
	memset(first, 0xa5, caplen);
	struct decode_ahead_ranges g;
	decode_ahead_ranges(stored, &g);
	uint32_t off = g.mms_off, len = g.mms_len, tsdu_off = g.tsdu_off, tsdu_len = g.tsdu_len;
	CHECK(off < caplen && len <= caplen - off);
	CHECK(g.tpkt_off < tsdu_off && g.tpkt_len <= caplen - g.tpkt_off &&
	      tsdu_off + tsdu_len == g.tpkt_off + g.tpkt_len);
	CHECK(tsdu_off < off && tsdu_len <= caplen - tsdu_off && off + len <= tsdu_off + tsdu_len);
	if (!(off < caplen && len <= caplen - off && tsdu_off < caplen && tsdu_len <= caplen - tsdu_off &&
	      g.tpkt_off < caplen && g.tpkt_len <= caplen - g.tpkt_off && g.tpkt_len > TPKT_HDR_LEN))
		return true;
	/* what tpkt_header and cotp_parse give for the copy's TPKT, as the
	 * pipeline calls them: the user data decode_ahead_take_tpkt hands back */
	uint16_t total;
	struct cotp_tpdu cotp;
	CHECK_EQ(tpkt_header(rd_make(copy + g.tpkt_off, g.tpkt_len), &total), TPKT_OK);
	CHECK_EQ(total, g.tpkt_len);
	CHECK_EQ(cotp_parse(rd_make(copy + g.tpkt_off + TPKT_HDR_LEN, g.tpkt_len - TPKT_HDR_LEN), &cotp), COTP_OK);
	CHECK(cotp.type == COTP_DT && cotp.eot);
	struct rd user;
	decode_ahead_current(copy, stored);
	CHECK(!decode_ahead_take_tpkt(copy + g.tpkt_off, g.tpkt_len - 1, &user));
	CHECK(!decode_ahead_take_tpkt(first + g.tpkt_off, g.tpkt_len, &user));
	CHECK(decode_ahead_take_tpkt(copy + g.tpkt_off, g.tpkt_len, &user));
	CHECK(same_rd(user, cotp.user));
	decode_ahead_current(NULL, NULL);
	/* what the session and presentation parsers give for the copy's COTP user
	 * data: the value decode_ahead_take_pdv hands back */
	struct rd tsdu = rd_make(copy + tsdu_off, tsdu_len);
	struct session_tsdu ses;
	static struct pres_ppdu pp;
	CHECK_EQ(session_parse(tsdu, &ses), SES_OK);
	CHECK(ses.n == 1 && ses.spdu[0].si == SES_DT && ses.spdu[0].has_user);
	CHECK_EQ(pres_parse(ses.spdu[0].user, PPDU_DATA, &pp), PRES_OK);
	CHECK_EQ(pp.n_pdv, 1);
	struct pres_pdv pdv;
	decode_ahead_current(copy, stored);
	CHECK(!decode_ahead_take_pdv(rd_make(copy + tsdu_off, tsdu_len - 1), &pdv));
	CHECK(!decode_ahead_take_pdv(rd_make(first + tsdu_off, tsdu_len), &pdv));
	struct rd tsdu_moved = { copy, tsdu_off + tsdu_len, tsdu_off };
	CHECK(!decode_ahead_take_pdv(tsdu_moved, &pdv));
	memset(&pdv, 0x5a, sizeof(pdv));
	CHECK(decode_ahead_take_pdv(tsdu, &pdv));
	CHECK_EQ(pdv.has_ctx, pp.pdv[0].has_ctx);
	CHECK_EQ(pdv.ctx, pp.pdv[0].ctx);
	CHECK_EQ(pdv.encoding, pp.pdv[0].encoding);
	CHECK(same_rd(pdv.data, pp.pdv[0].data));
	CHECK(same_rd(pdv.data, rd_make(copy + off, len)));
	decode_ahead_current(NULL, NULL);
	/* what decoding the copy in place gives */
	struct rd r = rd_make(copy + off, len);
	memset(&ref_pdu, 0, sizeof(ref_pdu));
	enum mms_status ref_st = mms_decode(r, &ref_pdu);
	enum iec_report_status ref_rst = iec_report_decode(&ref_pdu, &ref_rep);

	/* a reader of other bytes gets nothing */
	enum mms_status st;
	enum iec_report_status rst;
	const struct iec_report *rep;
	decode_ahead_current(copy, stored);
	CHECK(!decode_ahead_take(rd_make(copy + off, len - 1), &got_pdu, &st, &rep, &rst));
	CHECK(!decode_ahead_take(rd_make(first + off, len), &got_pdu, &st, &rep, &rst));
	struct rd moved = { copy, off + len, off }; /* the same bytes through another view */
	CHECK(!decode_ahead_take(moved, &got_pdu, &st, &rep, &rst));
	memset(&got_pdu, 0, sizeof(got_pdu));
	CHECK(decode_ahead_take(r, &got_pdu, &st, &rep, &rst));
	CHECK_EQ(st, ref_st);
	compare(rep, rst, ref_rst);
	/* once per frame */
	CHECK(!decode_ahead_take(r, &got_pdu, &st, &rep, &rst));
	decode_ahead_current(NULL, NULL);
	/* too little room: nothing written */
	CHECK_EQ(decode_ahead_frame(&scratch, dlt, copy, copy, caplen, stored, n - 1), 0);
	CHECK_EQ(decode_ahead_frame(&scratch, dlt, copy, copy, caplen, stored, n), n);
	return true;
}

struct counts {
	unsigned long ahead, reporting; /* decoded ahead: in all, in clean_reporting.pcap */
};

static void each_frame(void *ctx, const char *path, int dlt, const struct pcap_pkthdr *h, const u_char *d)
{
	struct counts *c = ctx;
	bool taken = one_frame(dlt, d, h->caplen);
	c->ahead += taken;
	if (strstr(path, "/clean_reporting.pcap"))
		c->reporting += taken;
}

int main(void)
{
	struct counts c = { 0, 0 };
	unsigned long frames = tpcap_each_frame(each_frame, &c);
	unsigned long ahead = c.ahead, reporting = c.reporting;
	/* Not vacuous: the reporting capture's 488 PDUs are nearly all plain. */
	CHECK(reporting >= 400);
	printf("%lu frames, %lu decoded ahead\n", frames, ahead);
	TCHECK_DONE();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_decode_ahead.c - the reader thread's decoding ahead (stages/decode_ahead.c)
 * on a hostile Ethernet frame, and a differential check: what the pipeline takes
 * back must be what mms_decode and iec_report_decode give on the frame's copy,
 * and what the TPKT, COTP, session and presentation parsers give for the layers
 * under it (abort otherwise, so the fuzzer reports it). */
#include <stdlib.h>
#include <string.h>

#include "dissectors/cotp.h"
#include "dissectors/pres.h"
#include "dissectors/session.h"
#include "dissectors/tpkt.h"
#include "stages/decode_ahead.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static bool same_view(struct bview a, struct bview b)
{
	return a.p == b.p && a.len == b.len;
}

static bool same_rd(struct rd a, struct rd b)
{
	return a.p == b.p && a.len == b.len && a.off == b.off;
}

/* The layers under the PDU: what the pipeline takes for the TPKT and for the
 * COTP user data must be what tpkt_header, cotp_parse, session_parse and
 * pres_parse give on the copy, called as the pipeline calls them. */
static void check_layers(const uint8_t *copy, const struct decode_ahead_ranges *g, const void *out)
{
	static struct session_tsdu ses;
	static struct pres_ppdu pp;
	uint16_t total;
	struct cotp_tpdu cotp;
	struct rd user;
	struct pres_pdv pdv;
	if (tpkt_header(rd_make(copy + g->tpkt_off, g->tpkt_len), &total) != TPKT_OK || total != g->tpkt_len ||
	    cotp_parse(rd_make(copy + g->tpkt_off + TPKT_HDR_LEN, g->tpkt_len - TPKT_HDR_LEN), &cotp) != COTP_OK ||
	    cotp.type != COTP_DT || !cotp.eot)
		abort();
	decode_ahead_current(copy, out);
	if (!decode_ahead_take_tpkt(copy + g->tpkt_off, g->tpkt_len, &user) || !same_rd(user, cotp.user))
		abort();
	if (session_parse(user, &ses) != SES_OK || ses.n != 1 || ses.spdu[0].si != SES_DT || !ses.spdu[0].has_user ||
	    pres_parse(ses.spdu[0].user, PPDU_DATA, &pp) != PRES_OK || pp.n_pdv != 1)
		abort();
	if (!decode_ahead_take_pdv(user, &pdv) || pdv.has_ctx != pp.pdv[0].has_ctx || pdv.ctx != pp.pdv[0].ctx ||
	    pdv.encoding != pp.pdv[0].encoding || !same_rd(pdv.data, pp.pdv[0].data) ||
	    !same_rd(pdv.data, rd_make(copy + g->mms_off, g->mms_len)))
		abort();
	decode_ahead_current(NULL, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static struct decode_ahead_scratch s;
	static uint8_t out[40 * 1024];
	static struct mms_pdu ref, got;
	static struct iec_report ref_rep;
	if (n > 65535)
		return 0;
	uint8_t *copy = malloc(n ? n : 1);
	if (!copy)
		return 0;
	memcpy(copy, d, n);
	size_t k = decode_ahead_frame(&s, 1 /* DLT_EN10MB */, d, copy, (uint32_t)n, out, sizeof(out));
	if (k) {
		struct decode_ahead_ranges g;
		decode_ahead_ranges(out, &g);
		uint32_t off = g.mms_off, len = g.mms_len;
		if (off > n || len > n - off || g.tsdu_off > n || g.tsdu_len > n - g.tsdu_off || g.tpkt_off > n ||
		    g.tpkt_len > n - g.tpkt_off || g.tpkt_len <= TPKT_HDR_LEN)
			abort();
		struct rd r = rd_make(copy + off, len);
		check_layers(copy, &g, out);
		enum mms_status ref_st = mms_decode(r, &ref);
		enum iec_report_status ref_rst = iec_report_decode(&ref, &ref_rep);
		enum mms_status st;
		enum iec_report_status rst;
		const struct iec_report *rep;
		decode_ahead_current(copy, out);
		if (!decode_ahead_take(r, &got, &st, &rep, &rst))
			abort();
		decode_ahead_current(NULL, NULL);
		if (st != ref_st || rst != ref_rst || got.type != ref.type || got.service != ref.service ||
		    got.defect != ref.defect || got.n_objs != ref.n_objs || got.n_data != ref.n_data ||
		    !same_rd(got.data, ref.data) || !same_view(got.list_name.item, ref.list_name.item))
			abort();
		for (uint16_t i = 0; i < ref.n_objs; i++)
			if (!same_view(got.objs[i].domain, ref.objs[i].domain) ||
			    !same_view(got.objs[i].item, ref.objs[i].item))
				abort();
		if ((rep != NULL) != (ref_rst != REPORT_NOT_A_REPORT))
			abort();
		if (rep) {
			if (rep->n_members != ref_rep.n_members || !same_view(rep->rptid, ref_rep.rptid) ||
			    !same_view(rep->datset, ref_rep.datset) || !same_rd(rep->time.val, ref_rep.time.val))
				abort();
			for (uint16_t i = 0; i < rep->n_members; i++)
				if (rep->members[i].index != ref_rep.members[i].index ||
				    !same_view(rep->members[i].ref, ref_rep.members[i].ref) ||
				    !same_rd(rep->members[i].value.val, ref_rep.members[i].value.val))
					abort();
		}
	}
	free(copy);
	return 0;
}

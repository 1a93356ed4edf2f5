/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_decode_ahead.c - the reader thread's decoding ahead (stages/decode_ahead.c)
 * on a hostile Ethernet frame, and a differential check: what the pipeline takes
 * back must be what mms_decode and iec_report_decode give on the frame's copy
 * (abort otherwise, so the fuzzer reports it). */
#include <stdlib.h>
#include <string.h>

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
		uint32_t off, len;
		decode_ahead_range(out, &off, &len);
		if (off > n || len > n - off)
			abort();
		struct rd r = rd_make(copy + off, len);
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

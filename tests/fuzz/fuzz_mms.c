/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_mms.c - MMS PDUs: decode, the IEC 61850 view of every name, an analyzer-style
 * walk of the Data list, and the EVE object with a small and a large value budget
 * (into stack buffers, as the EVE writer does). */
#include "dissectors/iec61850.h"
#include "dissectors/mms.h"
#include "dissectors/mms_data.h"
#include "output/eve_mms.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

/* Every decoder a consumer may call on one Data element. */
static void touch(const struct mms_data *v)
{
	double x;
	uint32_t a, b;
	uint8_t q;
	bool days;
	uint16_t nd;
	(void)mms_data_float(v, &x);
	(void)mms_data_utc_time(v, &a, &b, &q);
	(void)mms_data_binary_time(v, &a, &days, &nd);
	(void)mms_data_tag_name(v->tag);
}

/* A record the writer did not mark overflowed must be whole: brackets balanced
 * and matched outside strings, strings closed. */
static void check_json(const struct jw *w)
{
	char open[JW_MAX_DEPTH + 1];
	int depth = 0;
	bool in_str = false;
	if (w->overflow)
		return;
	for (size_t i = 0; i < w->len; i++) {
		char c = w->buf[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			else if ((unsigned char)c < 0x20)
				__builtin_trap();
			continue;
		}
		if (c == '"') {
			in_str = true;
		} else if (c == '{' || c == '[') {
			if (depth > JW_MAX_DEPTH)
				__builtin_trap();
			open[depth++] = c;
		} else if (c == '}' || c == ']') {
			if (depth == 0 || open[--depth] != (c == '}' ? '{' : '['))
				__builtin_trap();
		}
	}
	if (depth != 0 || in_str || w->depth != 0)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct mms_pdu pdu;
	char ref[64];
	char out[16384];
	struct jw w;
	if (mms_decode(rd_make(d, n), &pdu) == MMS_NOT_MMS)
		return 0;
	const char *acsi = iec61850_acsi(&pdu);
	for (unsigned i = 0; i < pdu.n_objs; i++) {
		(void)iec61850_ref(&pdu.objs[i], ref, sizeof(ref));
		(void)iec61850_fc(pdu.objs[i].item);
	}
	if (pdu.has_list_name)
		(void)iec61850_ref(&pdu.list_name, ref, sizeof(ref));

	/* Walk the values with an explicit stack, as analyzers do. */
	struct rd stack[MMSW_BER_MAX_DEPTH];
	int top = 0;
	stack[0] = pdu.data;
	while (pdu.has_data && top >= 0) {
		struct mms_data v;
		bool done;
		if (mms_data_next(&stack[top], &v, &done) != BER_OK || done) {
			top--;
			continue;
		}
		touch(&v);
		if (v.constructed && top + 1 < MMSW_BER_MAX_DEPTH)
			stack[++top] = v.val;
	}

	/* EVE with a budget that caps often, then one that rarely does. */
	jw_init(&w, out, 2048);
	jw_obj(&w, NULL);
	(void)eve_mms_fields(&w, &pdu, acsi, 512);
	jw_obj_end(&w);
	check_json(&w);
	jw_init(&w, out, sizeof(out));
	jw_obj(&w, NULL);
	(void)eve_mms_fields(&w, &pdu, acsi, sizeof(out));
	jw_obj_end(&w);
	check_json(&w);
	for (unsigned t = 0; t <= MMS_PDU_TYPE_COUNT; t++)
		(void)mms_service_name((uint8_t)t, pdu.service);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_ber.c - BER TLV reading: walk every element, descending into constructed
 * ones with an explicit stack bounded like the real decoders. */
#include "dissectors/ber.h"
#include "dissectors/limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct rd stack[MMSW_BER_MAX_DEPTH];
	int top = 0;
	stack[0] = rd_make(d, n);
	while (top >= 0) {
		struct ber_tlv t;
		if (rd_empty(&stack[top]) || ber_read(&stack[top], &t) != BER_OK) {
			top--;
			continue;
		}
		uint32_t u;
		int64_t i;
		bool b;
		struct bview bits;
		uint32_t nb;
		char oid[64];
		(void)ber_uint32(t.val, &u);
		(void)ber_int64(t.val, &i);
		(void)ber_bool(t.val, &b);
		if (ber_bitstring(t.val, &bits, &nb))
			(void)ber_bit(bits, nb, nb / 2);
		(void)ber_oid_text(t.val, oid, sizeof(oid));
		if (t.constructed && top + 1 < MMSW_BER_MAX_DEPTH)
			stack[++top] = t.val;
	}
	return 0;
}

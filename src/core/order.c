/* SPDX-License-Identifier: GPL-2.0-or-later */
/* order.c - the run's order of work as a key; see order.h. */
#include "core/order.h"

#include <stddef.h>

static const struct pkt_where *frame_at;
static uint64_t phase, flow_sub = ORDER_FRAME_OWN;

void order_follow(const struct pkt_where *at)
{
	frame_at = at;
	phase = ORDER_FRAMES;
	flow_sub = ORDER_FRAME_OWN;
}

void order_phase(enum order_phase p, unsigned list)
{
	phase = (uint64_t)p + (p == ORDER_END_FLOWS ? list : 0);
}

void order_flow_ending(int64_t last_ts)
{
	/* signed packet time to an unsigned key that sorts the same way */
	flow_sub = (uint64_t)last_ts ^ (UINT64_C(1) << 63);
}

void order_flow_ended(void)
{
	flow_sub = ORDER_FRAME_OWN;
}

struct order_key order_now(void)
{
	struct order_key key = { { phase, 0, 0, flow_sub } };
	if (phase == ORDER_FRAMES && frame_at) {
		key.k[1] = frame_at->file_idx;
		key.k[2] = frame_at->frame;
	}
	return key;
}

int order_cmp(const struct order_key *a, const struct order_key *b)
{
	for (size_t i = 0; i < 4; i++)
		if (a->k[i] != b->k[i])
			return a->k[i] < b->k[i] ? -1 : 1;
	return 0;
}

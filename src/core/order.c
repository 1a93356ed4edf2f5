/* SPDX-License-Identifier: GPL-2.0-or-later */
/* order.c - the run's order of work as a key; see order.h. */
#include "core/order.h"

#include <stddef.h>

#define STEP_SHIFT 60                       /* k[3]: the step above, the place below */
#define PLACE_MAX ((UINT64_C(1) << 56) - 1) /* a flow's time within its list */

static const struct pkt_where *frame_at;
static uint64_t phase, sub = (uint64_t)ORDER_STEP_OWN << STEP_SHIFT;

void order_follow(const struct pkt_where *at)
{
	frame_at = at;
	phase = ORDER_FRAMES;
	sub = (uint64_t)ORDER_STEP_OWN << STEP_SHIFT;
}

void order_phase(enum order_phase p, unsigned list)
{
	phase = (uint64_t)p + (p == ORDER_END_FLOWS ? list : 0);
	sub = 0;
}

void order_step(enum order_step step, uint64_t place)
{
	sub = phase == ORDER_FRAMES ? (uint64_t)step << STEP_SHIFT | (place & ((UINT64_C(1) << STEP_SHIFT) - 1))
				    : place;
}

uint64_t order_flow_place(unsigned list, int64_t last_ts, int most_recent_first)
{
	/* packet time (microseconds, signed) to 56 bits that sort the same way */
	int64_t biased = last_ts + (int64_t)(PLACE_MAX / 2);
	uint64_t t = biased < 0 ? 0 : (uint64_t)biased > PLACE_MAX ? PLACE_MAX : (uint64_t)biased;
	return (uint64_t)(list & 1) << 56 | (most_recent_first ? PLACE_MAX - t : t);
}

void order_flow_ending(unsigned list, int64_t last_ts)
{
	order_step(ORDER_STEP_EXPIRE, order_flow_place(list, last_ts, 0));
}

struct order_key order_now(void)
{
	struct order_key key = { { phase, 0, 0, sub } };
	if (phase == ORDER_FRAMES && frame_at) {
		key.k[1] = frame_at->file_idx;
		key.k[2] = frame_at->frame;
	}
	return key;
}

struct order_key order_of_frame(const struct pkt_where *at)
{
	struct order_key key = { { ORDER_FRAMES, at->file_idx, at->frame, (uint64_t)ORDER_STEP_OWN << STEP_SHIFT } };
	return key;
}

int order_cmp(const struct order_key *a, const struct order_key *b)
{
	for (size_t i = 0; i < 4; i++)
		if (a->k[i] != b->k[i])
			return a->k[i] < b->k[i] ? -1 : 1;
	return 0;
}

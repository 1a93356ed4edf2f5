/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sysclock.h - is this machine's clock synchronized? A live sensor stamps every
 * packet with it, and every IED clock offset is measured against that stamp. */
#ifndef MMSW_SYSCLOCK_H
#define MMSW_SYSCLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct sysclock {
	bool synchronized;    /* the kernel's clock status has no STA_UNSYNC */
	int64_t max_error_us; /* the kernel's maximum error estimate */
	int64_t est_error_us; /* and its estimated error */
};

/* The kernel's view (ntp_adjtime, read only); false when it cannot be asked. */
bool sysclock_status(struct sysclock *out);

#endif

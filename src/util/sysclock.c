/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sysclock.c - the kernel's clock discipline status; see sysclock.h. An NTP or
 * PTP daemon (chrony, ntpd, ptp4l with phc2sys) clears STA_UNSYNC while it
 * disciplines the clock; with none, the kernel keeps it set. */
#include "util/sysclock.h"

#include <string.h>
#include <sys/timex.h>

bool sysclock_status(struct sysclock *out)
{
	struct timex tx;
	memset(&tx, 0, sizeof(tx)); /* modes 0: read, change nothing */
	int state = ntp_adjtime(&tx);
	if (state < 0)
		return false;
	out->synchronized = state != TIME_ERROR && !(tx.status & STA_UNSYNC);
	out->max_error_us = tx.maxerror;
	out->est_error_us = tx.esterror;
	return true;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* alert.h - --alert-exec CMD: a command per finding at or above a severity, with
 * the finding as JSON on its stdin, in a child process that can never stall
 * capture (non-blocking pipe, a cap on children running at once, a rate limit;
 * what is skipped is counted and said at the end). */
#ifndef MMSW_ALERT_H
#define MMSW_ALERT_H

#include <stdint.h>

#include "core/bus.h"

struct finding;

#define ALERT_MAX_CHILDREN 8
#define ALERT_MAX_PER_MINUTE 60

void alert_init(const char *cmd, uint8_t min_severity);
void alert_finding(const struct finding *f);
/* Reap finished children (call often; never blocks). */
void alert_reap(void);
/* Wait a bounded time for children at exit; report what was skipped. */
void alert_finish(void);

extern const struct sink alert_sink;

#endif

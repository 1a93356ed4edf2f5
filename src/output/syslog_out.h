/* SPDX-License-Identifier: GPL-2.0-or-later */
/* syslog_out.h - findings at or above a severity as RFC 5424 messages on a local
 * datagram socket (/dev/log by default: journald and rsyslog take them). */
#ifndef MMSW_SYSLOG_OUT_H
#define MMSW_SYSLOG_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "core/bus.h"

struct finding;

/* 0, or -1 with err (socket unusable). */
int syslog_out_open(const char *socket_path, uint8_t min_severity, char *err, size_t errsize);
void syslog_out_finding(const struct finding *f);
void syslog_out_close(void);
/* Format one message (for tests): returns its length. */
int syslog_out_format(const struct finding *f, char *buf, size_t size);

extern const struct sink syslog_out_sink;

#endif

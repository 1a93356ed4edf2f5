/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.h - messages for people, on stderr. Under systemd (JOURNAL_STREAM set) each
 * line carries a <N> syslog priority prefix that journald understands. */
#ifndef MMSW_LOG_H
#define MMSW_LOG_H

void log_init(void);
void log_set_quiet(int quiet);
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* severity.h - how urgent a finding is: the levels, and their names in EVE, the
 * rules file and the command line (--fail-on, --syslog-min, --alert-min). */
#ifndef MMSW_SEVERITY_H
#define MMSW_SEVERITY_H

#include <stdint.h>

enum severity { SEV_INFO = 0, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL, SEV_COUNT };

const char *severity_name(uint8_t sev);
/* Parse "info", "low", ...; returns SEV_COUNT when unknown. */
uint8_t severity_parse(const char *s);

#endif

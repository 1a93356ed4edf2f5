/* SPDX-License-Identifier: GPL-2.0-or-later */
/* severity.c - severity names; see severity.h. */
#include "core/severity.h"

#include <string.h>

const char *severity_name(uint8_t sev)
{
	static const char *const names[SEV_COUNT] = { "info", "low", "medium", "high", "critical" };
	return sev < SEV_COUNT ? names[sev] : "unknown";
}

uint8_t severity_parse(const char *s)
{
	for (uint8_t i = 0; i < SEV_COUNT; i++)
		if (!strcmp(s, severity_name(i)))
			return i;
	return SEV_COUNT;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eve_out.c - event-type selections and the sensor tail; see eve_out.h. */
#include "output/eve_out.h"

#include <stdio.h>
#include <string.h>

#include "util/json.h"

static const char *const TYPE_NAMES[EVE_T_COUNT] = {
	"mms", "association", "stream", "report", "finding", "control", "write", "file", "stats",
};

int eve_type_of(const char *name)
{
	for (int i = 0; i < EVE_T_COUNT; i++)
		if (!strcmp(name, TYPE_NAMES[i]))
			return i;
	return -1;
}

uint32_t eve_types_parse(const char *list, char *err, size_t errsize)
{
	uint32_t mask = 0;
	const char *p = list;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char name[32];
		if (len == 0 || len >= sizeof(name)) {
			snprintf(err, errsize, "--eve-types '%s': an empty or too long type name", list);
			return 0;
		}
		memcpy(name, p, len);
		name[len] = 0;
		int t = eve_type_of(name);
		if (t < 0) {
			snprintf(err, errsize,
				 "--eve-types '%s': unknown event type '%s' (known: mms, association, "
				 "stream, report, finding, control, write, file, stats)",
				 list, name);
			return 0;
		}
		mask |= 1u << t;
		p += len + (comma ? 1 : 0);
		if (comma && !*p) {
			snprintf(err, errsize, "--eve-types '%s': a trailing comma", list);
			return 0;
		}
	}
	if (!mask)
		snprintf(err, errsize, "--eve-types: an empty list (e.g. --eve-types finding,association,stats)");
	return mask;
}

void eve_out_set_sensor(struct eve_out *o, const char *sensor)
{
	if (!sensor) {
		memcpy(o->tail, "}\n", 3);
		o->tail_len = 2;
		return;
	}
	/* The member as the writer would put it (escaped), then the brace. */
	struct jw w;
	char text[sizeof(o->tail)];
	jw_init(&w, text, sizeof(text) - 3);
	w.first[0] = false; /* after the record's last member */
	jw_str(&w, "sensor", sensor);
	if (w.overflow) { /* a name too long for a tail: left out rather than cut */
		eve_out_set_sensor(o, NULL);
		return;
	}
	memcpy(o->tail, text, w.len);
	memcpy(o->tail + w.len, "}\n", 3);
	o->tail_len = w.len + 2;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* evidence.c - the slice of the finding being delivered; see evidence.h. */
#include "core/evidence.h"

#include <stdio.h>
#include <string.h>

#include "core/finding.h"

bool g_evidence_enabled;
uint64_t g_evidence_count[EVC_COUNT];

static const char *const counter_names[EVC_COUNT] = {
#define X(name) #name,
	EVIDENCE_COUNTERS(X)
#undef X
};

const char *evidence_counter_name(enum evidence_counter c)
{
	return c < EVC_COUNT ? counter_names[c] : "?";
}

static struct evidence_slice current;
static bool has_current;

void evidence_slice_set(const struct evidence_slice *s)
{
	has_current = s != NULL;
	if (s)
		current = *s;
}

const struct evidence_slice *evidence_slice_of(const struct finding *f)
{
	return has_current && f && current.finding_id == f->id ? &current : NULL;
}

void evidence_details(const struct finding *f, char *buf, size_t size)
{
	const struct evidence_slice *s = evidence_slice_of(f);
	size_t n = strlen(f->details);
	if (!s || !s->redacted || n < 2 || f->details[n - 1] != '}') {
		snprintf(buf, size, "%s", f->details);
		return;
	}
	/* "{}" gains the member alone, "{...}" gains it after a comma. */
	snprintf(buf, size, "%.*s%s\"evidence_redacted\":\"acse_authentication_value\"}", (int)(n - 1), f->details,
		 n > 2 ? "," : "");
	if (strlen(buf) + 1 >= size)
		snprintf(buf, size, "%s", f->details); /* too long to say: the details as they were */
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* loss.c - capture loss: bytes the sensor never saw. A TCP hole is not an IED
 * fault; it becomes one info-level capture_loss finding per direction, which
 * names the reports known to have been inside the hole, so that no report
 * analyzer calls them a sequence gap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "core/finding.h"
#include "core/ied.h"
#include "util/json.h"

static void direction_text(const struct flow *f, int dir, char *buf, size_t size)
{
	struct endpoint a, b;
	char ta[80], tb[80];
	if (dir == 0) {
		endpoint_client(f, &a);
		endpoint_server(f, &b);
	} else {
		endpoint_server(f, &a);
		endpoint_client(f, &b);
	}
	endpoint_text(&a, ta, sizeof(ta));
	endpoint_text(&b, tb, sizeof(tb));
	snprintf(buf, size, "%s -> %s", ta, tb);
}

/* Rebuild the finding's details from what the flow has gathered. */
static void loss_details(struct finding *fd, const struct an_loss *l, const char *direction)
{
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "direction", direction);
	jw_u64(&w, "bytes", l->bytes);
	jw_u64(&w, "holes", l->gaps);
	jw_arr(&w, "reports_not_seen");
	uint32_t kept = l->n_reports < AN_LOSS_REPORTS_KEPT ? l->n_reports : AN_LOSS_REPORTS_KEPT;
	for (uint32_t i = 0; i < kept; i++) {
		jw_obj(&w, NULL);
		jw_str(&w, "rptid", l->reports[i].rptid);
		jw_u64(&w, "sqnum", l->reports[i].sqnum);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	if (l->n_reports > kept)
		jw_u64(&w, "reports_not_seen_total", l->n_reports);
	jw_obj_end(&w);
	if (w.overflow)
		strcpy(fd->details, "{}");
	else
		fd->details[w.len] = 0;
}

static void update(struct flow *f, int dir, struct an_loss *l, const struct pkt_where *at, bool new_hole)
{
	char direction[200];
	direction_text(f, dir, direction, sizeof(direction));
	struct endpoint ied;
	endpoint_server(f, &ied);
	struct finding *fd = finding_open("capture_loss", &ied, direction, at->ts_us);
	if (!fd)
		return;
	fd->severity = SEV_INFO;
	finding_set_flow(fd, f);
	finding_evidence(fd, at);
	loss_details(fd, l, direction);
	if (l->n_reports)
		finding_summary(fd,
				"The sensor missed %llu byte%s (%llu hole%s) from %s; %u report%s sent by the IED "
				"%s inside %s. This is capture loss, not an IED fault.",
				(unsigned long long)l->bytes, l->bytes == 1 ? "" : "s", (unsigned long long)l->gaps,
				l->gaps == 1 ? "" : "s", direction, l->n_reports, l->n_reports == 1 ? "" : "s",
				l->n_reports == 1 ? "was" : "were", l->gaps == 1 ? "it" : "them");
	else
		finding_summary(fd,
				"The sensor missed %llu byte%s (%llu hole%s) from %s: capture loss, not an IED "
				"fault; findings on this stream may be incomplete.",
				(unsigned long long)l->bytes, l->bytes == 1 ? "" : "s", (unsigned long long)l->gaps,
				l->gaps == 1 ? "" : "s", direction);
	if (new_hole)
		finding_commit(fd, at->ts_us);
	else
		finding_touch(fd, at->ts_us);
}

static struct an_loss *loss_of(struct flow *f, int dir)
{
	struct flow_an *a = flow_an_get(f);
	if (!a)
		return NULL;
	if (!a->loss[dir])
		a->loss[dir] = calloc(1, sizeof(*a->loss[dir]));
	return a->loss[dir];
}

void loss_gap(struct flow *f, int dir, uint64_t bytes, const struct pkt_where *at)
{
	struct an_loss *l = loss_of(f, dir);
	if (!l)
		return;
	l->bytes += bytes;
	l->gaps++;
	update(f, dir, l, at, true);
}

void loss_reports_unseen(struct flow *f, int dir, const char *rptid, uint32_t first, uint32_t count, uint32_t modulus,
			 const struct pkt_where *at)
{
	struct an_loss *l = loss_of(f, dir);
	if (!l)
		return;
	for (uint32_t i = 0; i < count; i++) {
		if (l->n_reports < AN_LOSS_REPORTS_KEPT) {
			uint32_t sq = first + i;
			l->reports[l->n_reports].sqnum = modulus ? sq % modulus : sq;
			snprintf(l->reports[l->n_reports].rptid, sizeof(l->reports[0].rptid), "%s", rptid);
		}
		l->n_reports++;
	}
	update(f, dir, l, at, false);
}

static void loss_stream(struct flow *f, int dir, const struct stream_event *e, const struct pkt_where *at)
{
	if (e->kind == STREAM_EV_GAP)
		loss_gap(f, dir, e->bytes, at);
}

const struct analyzer loss_analyzer = {
	.name = "loss",
	.stream = loss_stream,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* summary.h - the readable end-of-run summary on stdout: per IED and per
 * association, PDUs by service, and what happened to the streams. Tables are
 * capped; what does not fit is counted, not dropped silently. */
#ifndef MMSW_SUMMARY_H
#define MMSW_SUMMARY_H

#include <stdio.h>

#include "core/bus.h"
#include "core/events.h"
#include "core/inputs.h"

void summary_init(const struct input_set *files);
void summary_stream(struct flow *f, int dir, const struct stream_event *e, const struct pkt_where *at);
void summary_assoc(struct flow *f, int dir, const struct assoc_event *e, const struct pkt_where *at);
void summary_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at);
void summary_tcp(struct flow *f, int dir, enum tcp_ev kind, const struct pkt_where *at);
void summary_flow_end(struct flow *f, enum flow_end why, const struct pkt_where *at);
/* The summary: the sink's own tables, the analyzers' blocks (bus_print), the
 * findings and the limits hit. */
void summary_print(FILE *out);
extern const struct sink summary_sink;
void summary_free(void);

#endif

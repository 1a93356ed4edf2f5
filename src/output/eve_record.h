/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eve_record.h - inside output/ only: how an EVE writer other than eve.c (the
 * audit trail, eve_audit.c) makes a record with the common header. Nothing
 * outside output/ writes EVE: analyzers hand records to the bus (core/record.h)
 * and eve_sink renders them. */
#ifndef MMSW_EVE_RECORD_H
#define MMSW_EVE_RECORD_H

#include <stdbool.h>

#include "core/flow.h"
#include "core/packet.h"

struct jw;

/* Whether EVE is being written at all (eve_open had a path). */
bool eve_enabled(void);
/* A record with the common header (timestamp, flow_id, pcap_cnt, event_type,
 * addresses, ...), then the caller's object(s), then eve_record_end: false when
 * the record was too big and nothing was written. Only when eve_enabled(). */
void eve_record_begin(struct jw *w, struct flow *f, int dir, const struct pkt_where *at, const char *event_type);
bool eve_record_end(struct jw *w);

#endif

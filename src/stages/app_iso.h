/* SPDX-License-Identifier: GPL-2.0-or-later */
/* app_iso.h - the glue between a TCP byte stream and the ISO/MMS dissectors:
 * TPKT framing (and resynchronisation after a pickup or a gap), COTP DT
 * reassembly to EOT, then session -> presentation -> ACSE | MMS, learning which
 * presentation context carries which (from the CP, or from the content when the
 * association began before the capture). */
#ifndef MMSW_APP_ISO_H
#define MMSW_APP_ISO_H

#include <stdbool.h>
#include <stdint.h>

#include "core/packet.h"

struct flow;


/* Called by the TCP reassembly, in stream order. */
void app_data(struct flow *f, int dir, const uint8_t *d, uint32_t len, const struct pkt_where *at);
void app_gap(struct flow *f, int dir, uint32_t bytes, uint32_t seq, const struct pkt_where *at);
void app_pickup(struct flow *f, int dir, const struct pkt_where *at);
struct mms_pdu;
/* A decoded MMS PDU on the flow: paired with its request (or opened as one) and
 * delivered to the bus. handle_mms() calls it for every PDU it decodes; unit tests
 * of the analyzers call it with PDUs made by hand. */
void app_mms_pdu(struct flow *f, int dir, const struct mms_pdu *pdu, uint32_t size, bool bare, bool in_acse,
		 const struct pkt_where *at);
/* The flow is going away: free ISO state. */
void app_flow_free(struct flow *f);


#endif

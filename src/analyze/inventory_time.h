/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inventory_time.h - time sources on the wire (SNTP servers, PTP grandmasters)
 * for the inventory analyzer (inventory.c), which owns the hooks. */
#ifndef MMSW_INVENTORY_TIME_H
#define MMSW_INVENTORY_TIME_H

#include <stddef.h>

struct pkt;
struct inv_time_source;

void inventory_time_udp(const struct pkt *p); /* SNTP replies, PTP over UDP */
void inventory_time_l2(const struct pkt *p);  /* PTP over Ethernet (0x88F7) */
const struct inv_time_source *inventory_time_sources(size_t *n);
void inventory_time_free(void);

#endif

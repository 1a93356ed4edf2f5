/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inventory.c - readings of the inventory model that more than one reader needs
 * (the analyzer's findings and summary block, the document); see inventory.h. */
#include "core/inventory.h"

#include <stdio.h>
#include <string.h>

#define KNOWN(r, a) ((r)->known & (1u << (a)))

void inv_mac_text(const uint8_t *m, char *buf, size_t size)
{
	snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

void inv_client_address(const struct inv_client *c, char *buf, size_t size)
{
	struct endpoint e;
	memset(&e, 0, sizeof(e));
	e.ipver = c->ipver;
	memcpy(e.ip, c->ip, 16);
	endpoint_ip_text(&e, buf, size);
}

void inv_vlan_ids(const struct inv_vlan_key *k, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = 0;
	for (uint8_t i = 0; i < k->n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%u", i ? "." : "", k->v[i]);
}

void inv_vlan_text(const struct inv_vlan_key *k, char *buf, size_t size)
{
	char ids[48];
	inv_vlan_ids(k, ids, sizeof(ids));
	if (k->n)
		snprintf(buf, size, "VLAN %s", ids);
	else
		snprintf(buf, size, "the untagged segment");
}

bool inv_rcb_only_dataset(const struct ied *d, uint16_t r)
{
	const struct rcb *rc = &d->rcbs[r];
	if (!KNOWN(rc, RCB_DATSET) || !rc->datset[0])
		return false;
	for (uint16_t i = 0; i < d->n_datasets; i++)
		if (!strcmp(d->datasets[i].ref, rc->datset))
			return false;
	for (uint16_t q = 0; q < r; q++)
		if (KNOWN(&d->rcbs[q], RCB_DATSET) && !strcmp(d->rcbs[q].datset, rc->datset))
			return false;
	return true;
}

unsigned inv_dataset_count(const struct ied *d)
{
	unsigned n = d->n_datasets;
	for (uint16_t r = 0; r < d->n_rcbs; r++)
		n += inv_rcb_only_dataset(d, r);
	return n;
}

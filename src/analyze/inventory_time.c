/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inventory_time.c - the time sources the wire shows, for the inventory: SNTP
 * servers by their replies, PTP grandmasters by the Announce messages naming
 * them. Every IED clock offset (clock.c) is only as good as these, and a site
 * usually has one or two: a short table searched in order. */
#include <stdlib.h>
#include <string.h>

#include "analyze/inventory_time.h"
#include "core/inventory.h"
#include "core/packet.h"
#include "dissectors/timesync.h"
#include "util/stats.h"

static struct inv_time_source *sources; /* INV_MAX_TIME_SOURCES, at the first one */
static size_t n_sources;

static void vlan_key(const struct pkt *p, struct inv_vlan_key *k)
{
	/* as the inventory's segments: VID 0 (priority tags) dropped */
	memset(k, 0, sizeof(*k));
	for (uint8_t i = 0; i < p->n_vlan && i < MMSW_MAX_VLAN; i++)
		if (p->vlan[i])
			k->v[k->n++] = p->vlan[i];
}

static struct inv_time_source *source_new(const struct pkt *p, uint8_t protocol)
{
	if (!sources && !(sources = calloc(INV_MAX_TIME_SOURCES, sizeof(*sources))))
		return NULL;
	if (n_sources >= INV_MAX_TIME_SOURCES) {
		stat_inc(STAT_inventory_full);
		return NULL;
	}
	struct inv_time_source *s = &sources[n_sources++];
	s->protocol = protocol;
	s->first_seen = p->at.ts_us;
	s->first = p->at;
	if (p->src_mac) {
		s->has_mac = true;
		memcpy(s->mac, p->src_mac, 6);
	}
	vlan_key(p, &s->key);
	return s;
}

static void sntp(const struct pkt *p)
{
	struct sntp_reply r;
	if (p->sport != NTP_PORT || !sntp_reply_decode(rd_make(p->payload, p->plen), &r))
		return;
	struct inv_time_source *s = NULL;
	for (size_t i = 0; i < n_sources && !s; i++)
		if (sources[i].protocol == INV_TIME_SNTP && sources[i].ipver == p->ipver &&
		    !memcmp(sources[i].ip, p->src, 16))
			s = &sources[i];
	if (!s && (s = source_new(p, INV_TIME_SNTP))) {
		s->over_udp = true;
		s->ipver = p->ipver;
		memcpy(s->ip, p->src, 16);
	}
	if (!s)
		return;
	s->version = r.version;
	s->leap = r.leap;
	s->stratum = r.stratum;
	memcpy(s->refid, r.refid, 4);
	s->messages++;
	s->last_seen = p->at.ts_us;
}

static void ptp(const struct pkt *p, const uint8_t *msg, uint32_t len, bool udp)
{
	struct ptp_announce a;
	if (!ptp_announce_decode(rd_make(msg, len), &a))
		return;
	struct inv_time_source *s = NULL;
	for (size_t i = 0; i < n_sources && !s; i++)
		if (sources[i].protocol == INV_TIME_PTP && sources[i].domain == a.domain &&
		    !memcmp(sources[i].grandmaster, a.grandmaster, 8))
			s = &sources[i];
	if (!s && (s = source_new(p, INV_TIME_PTP))) {
		s->domain = a.domain;
		memcpy(s->grandmaster, a.grandmaster, 8);
		s->over_udp = udp;
		if (udp) {
			s->ipver = p->ipver;
			memcpy(s->ip, p->src, 16);
		}
	}
	if (!s)
		return;
	memcpy(s->sender, a.sender, 8);
	s->priority1 = a.priority1;
	s->priority2 = a.priority2;
	s->clock_class = a.clock_class;
	s->clock_accuracy = a.clock_accuracy;
	s->time_source = a.time_source;
	s->steps_removed = a.steps_removed;
	s->messages++;
	s->last_seen = p->at.ts_us;
}

void inventory_time_udp(const struct pkt *p)
{
	if (p->sport == NTP_PORT)
		sntp(p);
	else if (p->dport == PTP_EVENT_PORT || p->dport == PTP_GENERAL_PORT)
		ptp(p, p->payload, p->plen, true);
}

void inventory_time_l2(const struct pkt *p)
{
	if (p->ethertype == ETHERTYPE_PTP && p->l3)
		ptp(p, p->l3, p->l3len, false);
}

const struct inv_time_source *inventory_time_sources(size_t *n)
{
	*n = n_sources;
	return sources;
}

void inventory_time_free(void)
{
	free(sources);
	sources = NULL;
	n_sources = 0;
}

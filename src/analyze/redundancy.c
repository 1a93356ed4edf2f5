/* SPDX-License-Identifier: GPL-2.0-or-later */
/* redundancy.c - the health of redundant station buses (IEC 62439-3). PRP sends
 * every frame on two independent LANs and HSR both ways round a ring, so either
 * can lose a LAN, a link or a ring segment and go on working: nothing in the MMS
 * traffic shows it, and the next fault is an outage. This analyzer watches the
 * copies the link stage hands over (the bus's redundancy hook, duplicates
 * included) and says when one LAN stops delivering (prp_lan_down), when it loses
 * frames the other carried (prp_lan_degraded), and when a node's frames come
 * round an HSR ring one way only (hsr_ring_open).
 *
 * It pairs the copies itself, per source node and sequence number: the link
 * stage's duplicate flag says a copy was seen before, not on which LAN, and a
 * LAN's health is exactly that. A frame waits RED_PAIR_WAIT_US for its other
 * copy; one that never comes was missed by one LAN. Frames without a trailer
 * or tag (singly attached nodes) never arrive here and do not count.
 *
 * Never cry wolf: a LAN never seen is not judged (the sensor may be on one LAN
 * only); frames before a LAN's first frame, or within the pairing wait of the
 * capture's end, are not counted as lost; a single missing copy is below any
 * threshold; a LAN that goes quiet right after losing frames is not called
 * degraded until it delivers again (it may be going down, and down supersedes
 * degraded: one episode of one LAN is one finding). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/analyze.h"
#include "core/finding.h"
#include "core/inventory.h"
#include "core/packet.h"
#include "core/rules.h"
#include "util/fnv.h"
#include "util/json.h"
#include "util/stats.h"
#include "util/duration.h"

#define RED_NODES_MAX 256    /* source nodes followed; more are counted, not paired */
#define RED_NODE_BUCKETS 512 /* hash buckets (a power of two, > RED_NODES_MAX) */
#define RED_PAIR_RING 256    /* frames per node awaiting their other copy (power of two) */
/* A copy later than this after the first is not waited for: the standard's
 * duplicate discard forgets an entry after 400 ms (EntryForgetTime). */
#define RED_PAIR_WAIT_US 500000
/* A sequence number seen again on a node within this is the same frame (a late
 * or repeated copy), not the next turn of the 16-bit counter. */
#define RED_SAME_FRAME_US 2000000
#define RED_HSR_NETS 8      /* the path's net id: 3 bits */
#define RED_EVIDENCE_KEPT 8 /* frames kept to show a loss, per LAN */
#define RED_DETAIL_NODES 16 /* nodes named in a finding's details */
#define RED_PRINT_NODES 16  /* nodes in the summary block */

enum { LAN_A = 0, LAN_B = 1 };
enum { FAMILY_PRP = 0, FAMILY_HSR = 1 };
enum episode { EP_NONE = 0, EP_DEGRADED, EP_DOWN };
enum pair_state { PAIR_FREE = 0, PAIR_WAITING, PAIR_DONE };

static const char *const LAN_NAME[2] = { "A", "B" };

/* One frame of one node and the LANs its copies came on so far. */
struct pair {
	struct pkt_where first; /* its first copy */
	uint16_t seq;
	uint8_t lans;  /* bit i: a copy came on LAN (lane) i */
	uint8_t state; /* enum pair_state */
	bool supervision;
};

/* A sender of PRP or HSR frames (a doubly attached node, or a RedBox for the
 * singly attached nodes behind it), by source MAC. */
struct node {
	uint8_t mac[6];
	uint8_t family;         /* FAMILY_PRP or FAMILY_HSR */
	uint8_t net;            /* HSR: the net id of its latest frame */
	uint64_t supervision;   /* supervision frames it sent (all copies) */
	uint64_t both, only[2]; /* frames judged: on both, on LAN i only */
	/* PRP: frames in the current window (and the episode), per LAN judged */
	uint32_t win_seen[2], win_lost[2];
	uint64_t ep_seen[2], ep_lost[2];
	/* HSR: consecutive judged frames on one lane only */
	uint32_t run[2];
	int8_t one_lane;            /* -1, or the only lane its frames arrive on now */
	int64_t last_both;          /* first-copy time of its latest frame on both lanes, 0 none */
	struct pkt_where run_start; /* the first frame of the current one-lane run */
	/* HSR: its part in the ring's current (or last) open episode */
	int8_t ep_lane;       /* -1: not part of it */
	uint64_t ep_frames;   /* frames on that lane only */
	int64_t ep_last_both; /* last_both when it went one-lane */
	struct pair *ring;    /* RED_PAIR_RING frames awaiting their other copy */
};

/* One PRP LAN. */
struct lan {
	uint64_t copies; /* frames received on it, supervision and duplicates too */
	int64_t last_seen;
	struct pkt_where last_at;     /* its latest frame */
	uint64_t other_since;         /* frames the other LAN carried since its latest frame */
	struct pkt_where other_first; /* the first of those */
	int64_t judge_from;           /* frames sent before this are not judged lost on it */
	/* frames judged in the current window (several, when a judgement waits) */
	uint64_t win_seen, win_lost;
	int64_t last_loss; /* first-copy time of the latest frame it missed */
	struct pkt_where loss_at[RED_EVIDENCE_KEPT];
	uint8_t n_loss_at;
	/* the episode (one finding) */
	uint8_t episode; /* enum episode */
	uint64_t ep_seen, ep_lost;
	int64_t down_since;  /* its last frame before it went down */
	uint64_t down_other; /* frames the other LAN carried while it was down */
};

/* One HSR ring, by net id. */
struct ring {
	uint64_t copies[2]; /* per lane */
	int64_t last_seen[2];
	bool open; /* some node's frames arrive on one lane only */
};

static struct node *nodes;
static uint32_t n_nodes;
static uint16_t bucket[RED_NODE_BUCKETS]; /* node index + 1, 0 empty */
static struct lan prp[2];
static struct ring hsr[RED_HSR_NETS];
static int64_t win_start;
static bool seen_any;
static uint64_t prp_supervision, hsr_supervision, lan_unknown, no_mac, repeats;
static const struct endpoint no_endpoint; /* a network, not an IED */

/* ---- nodes ---------------------------------------------------------------------- */

static uint32_t mac_hash(const uint8_t *m, uint8_t family)
{
	return fnv1a32(FNV1A32_INIT ^ family, m, 6);
}

static struct node *node_get(const uint8_t *mac, uint8_t family)
{
	uint32_t h = mac_hash(mac, family);
	for (uint32_t i = 0; i < RED_NODE_BUCKETS; i++) {
		uint32_t b = (h + i) & (RED_NODE_BUCKETS - 1);
		if (!bucket[b]) {
			if (n_nodes >= RED_NODES_MAX) {
				stat_inc(STAT_redundancy_table_full);
				return NULL;
			}
			if (!nodes) {
				nodes = calloc(RED_NODES_MAX, sizeof(*nodes));
				if (!nodes)
					return NULL;
			}
			struct node *n = &nodes[n_nodes];
			memcpy(n->mac, mac, 6);
			n->family = family;
			n->one_lane = -1;
			n->ep_lane = -1;
			bucket[b] = (uint16_t)++n_nodes;
			return n;
		}
		struct node *n = &nodes[bucket[b] - 1];
		if (n->family == family && !memcmp(n->mac, mac, 6))
			return n;
	}
	stat_inc(STAT_redundancy_table_full);
	return NULL;
}

static void mac_text(const struct node *n, char *buf, size_t size)
{
	inv_mac_text(n->mac, buf, size);
}

/* Packet time as EVE writes it: 2026-11-28T16:36:44.042220Z. */
static void iso_time(int64_t ts_us, char *buf, size_t size)
{
	time_t t = (time_t)(ts_us / 1000000);
	struct tm tm;
	char s[24];
	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%06lldZ", s, (long long)(ts_us % 1000000));
}

/* ---- findings ------------------------------------------------------------------- */

static void lan_object(int x, char *buf, size_t size)
{
	snprintf(buf, size, "PRP LAN %s", LAN_NAME[x]);
}

/* Nodes that lost frames on LAN x in the episode, most first (at most RED_DETAIL_NODES). */
static size_t worst_nodes(int x, uint32_t *idx)
{
	size_t n = 0;
	for (uint32_t i = 0; i < n_nodes; i++) {
		if (nodes[i].family != FAMILY_PRP || !nodes[i].ep_lost[x])
			continue;
		size_t at = n < RED_DETAIL_NODES ? n++ : RED_DETAIL_NODES;
		if (at == RED_DETAIL_NODES) {
			if (nodes[i].ep_lost[x] <= nodes[idx[RED_DETAIL_NODES - 1]].ep_lost[x])
				continue;
			at = RED_DETAIL_NODES - 1;
		}
		while (at > 0 && nodes[idx[at - 1]].ep_lost[x] < nodes[i].ep_lost[x]) {
			idx[at] = idx[at - 1];
			at--;
		}
		idx[at] = i;
	}
	return n;
}

static void degraded_details(struct finding *fd, int x, int64_t recovered)
{
	const struct lan *l = &prp[x];
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "lan", LAN_NAME[x]);
	jw_u64(&w, "frames_only_on_other_lan", l->ep_lost);
	jw_u64(&w, "frames_on_both", l->ep_seen - l->ep_lost);
	jw_double(&w, "loss_ratio", l->ep_seen ? (double)l->ep_lost / (double)l->ep_seen : 0.0);
	uint32_t idx[RED_DETAIL_NODES];
	size_t n = worst_nodes(x, idx);
	jw_arr(&w, "nodes");
	for (size_t i = 0; i < n; i++) {
		const struct node *nd = &nodes[idx[i]];
		char mac[24];
		mac_text(nd, mac, sizeof(mac));
		jw_obj(&w, NULL);
		jw_str(&w, "mac", mac);
		jw_u64(&w, "frames_only_on_other_lan", nd->ep_lost[x]);
		jw_u64(&w, "frames", nd->ep_seen[x]);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	if (recovered)
		jw_timestamp(&w, "recovered", recovered);
	finding_details_end(&w, fd);
	finding_summary(fd,
			"PRP LAN %s missed %llu of %llu frames (%.1f%%) that LAN %s carried%s: the network runs "
			"with less redundancy than it shows (a failing link, port or switch on LAN %s).",
			LAN_NAME[x], (unsigned long long)l->ep_lost, (unsigned long long)l->ep_seen,
			l->ep_seen ? 100.0 * (double)l->ep_lost / (double)l->ep_seen : 0.0, LAN_NAME[1 - x],
			n == 1 ? ", all from one node" : "", LAN_NAME[x]);
}

static void down_details(struct finding *fd, int x, const struct pkt_where *back)
{
	const struct lan *l = &prp[x];
	uint64_t other = l->down_other;
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "lan", LAN_NAME[x]);
	jw_timestamp(&w, "since", l->down_since);
	jw_u64(&w, "frames_only_on_other_lan", other);
	if (l->ep_lost)
		jw_u64(&w, "frames_missed_before", l->ep_lost);
	if (back) {
		jw_timestamp(&w, "back", back->ts_us);
		jw_double(&w, "down_seconds", (double)(back->ts_us - l->down_since) / 1e6);
	}
	finding_details_end(&w, fd);
	char since[40];
	iso_time(l->down_since, since, sizeof(since));
	if (back)
		finding_summary(fd,
				"PRP LAN %s delivered nothing from %s for %s while LAN %s carried %llu frames, "
				"then came back: the network ran without redundancy meanwhile.",
				LAN_NAME[x], since, DURATION(back->ts_us - l->down_since), LAN_NAME[1 - x],
				(unsigned long long)other);
	else
		finding_summary(fd,
				"PRP LAN %s has delivered nothing since %s while LAN %s carried %llu frames: LAN %s "
				"is down (a cut cable, a dead switch, or a port the sensor lost) and the network runs "
				"without redundancy.",
				LAN_NAME[x], since, LAN_NAME[1 - x], (unsigned long long)other, LAN_NAME[x]);
}

static void reset_window(int x)
{
	prp[x].win_seen = prp[x].win_lost = 0;
	prp[x].n_loss_at = 0;
	for (uint32_t i = 0; i < n_nodes; i++)
		nodes[i].win_seen[x] = nodes[i].win_lost[x] = 0;
}

static void reset_episode(int x)
{
	prp[x].ep_seen = prp[x].ep_lost = 0;
	for (uint32_t i = 0; i < n_nodes; i++)
		nodes[i].ep_seen[x] = nodes[i].ep_lost[x] = 0;
}

/* LAN x stopped delivering while the other went on. */
static void lan_down(int x, int64_t now)
{
	struct lan *l = &prp[x];
	char obj[32];
	lan_object(x, obj, sizeof(obj));
	l->down_since = l->last_seen;
	l->down_other = l->other_since;
	struct finding *fd;
	bool superseded = l->episode == EP_DEGRADED;
	if (superseded) {
		/* The losses were the start of this: one episode, one finding. */
		fd = finding_open("prp_lan_degraded", &no_endpoint, obj, now);
		finding_supersede(fd, "prp_lan_down", SEV_HIGH);
	} else {
		reset_episode(x);
		fd = finding_open("prp_lan_down", &no_endpoint, obj, now);
		if (fd && !fd->count)
			fd->severity = SEV_HIGH;
	}
	l->episode = EP_DOWN;
	reset_window(x);
	if (!fd)
		return;
	finding_evidence(fd, &l->last_at);
	finding_evidence(fd, &l->other_first);
	down_details(fd, x, NULL);
	if (superseded)
		finding_touch(fd, now);
	else
		finding_commit(fd, now);
}

/* LAN x delivers again after it was down. */
static void lan_back(int x, const struct pkt *p)
{
	struct lan *l = &prp[x];
	char obj[32];
	lan_object(x, obj, sizeof(obj));
	l->down_other = l->other_since;
	struct finding *fd = finding_open("prp_lan_down", &no_endpoint, obj, p->at.ts_us);
	if (fd) {
		if (!fd->count)
			fd->severity = SEV_HIGH;
		finding_evidence(fd, &p->at);
		down_details(fd, x, &p->at);
		finding_touch(fd, p->at.ts_us);
	}
	l->episode = EP_NONE;
	reset_episode(x);
	reset_window(x);
	l->judge_from = p->at.ts_us; /* what it missed while down belongs to that episode */
}

/* Still down: the count of frames it missed grows, the finding stays open. */
static void lan_still_down(int x, int64_t now)
{
	struct lan *l = &prp[x];
	l->down_other = l->other_since;
	char obj[32];
	lan_object(x, obj, sizeof(obj));
	struct finding *fd = finding_open("prp_lan_down", &no_endpoint, obj, now);
	if (!fd)
		return;
	if (!fd->count) {
		/* its aggregate was closed early (a full table): say it again */
		fd->severity = SEV_HIGH;
		finding_evidence(fd, &l->last_at);
	}
	down_details(fd, x, NULL);
	finding_touch(fd, now);
}

/* Down: silent while the other LAN carried frames for the silence and more.
 * The silence is measured on the other LAN's frames, not on the clock: a
 * capture whose PRP traffic stops on both LANs (or the capture's end) is not a
 * LAN down. */
static void check_down(int x)
{
	const struct lan *l = &prp[x], *o = &prp[1 - x];
	if (l->episode == EP_DOWN || !l->copies)
		return;
	if (o->last_seen - l->last_seen >= g_rules.thr[THR_PRP_LAN_SILENCE] &&
	    l->other_since >= (uint64_t)g_rules.thr[THR_PRP_LAN_DOWN_FRAMES])
		lan_down(x, o->last_seen);
}

static bool lossy(uint64_t lost, uint64_t seen)
{
	return lost >= (uint64_t)g_rules.thr[THR_PRP_DEGRADED_FRAMES] && seen &&
		lost * 1000 >= (uint64_t)g_rules.thr[THR_PRP_DEGRADED_RATIO] * seen;
}

/* The window of LAN x ends: did it lose frames the other carried, in total or
 * for one node? At the end of the capture (`final`), a LAN that went quiet
 * right after losing frames is left unjudged: too short a silence for down, and
 * nothing shows it was only degraded. */
static void judge_window(int x, int64_t now, bool final)
{
	struct lan *l = &prp[x];
	if (!l->copies || l->episode == EP_DOWN) {
		reset_window(x);
		return;
	}
	/* Quiet since its latest loss: it may be going down. Wait and see. */
	if (l->win_lost && l->last_seen < l->last_loss) {
		if (final)
			reset_window(x);
		return;
	}
	bool bad = lossy(l->win_lost, l->win_seen);
	for (uint32_t i = 0; i < n_nodes && !bad; i++)
		bad = nodes[i].family == FAMILY_PRP && lossy(nodes[i].win_lost[x], nodes[i].win_seen[x]);
	char obj[32];
	lan_object(x, obj, sizeof(obj));
	if (bad) {
		bool fresh = l->episode != EP_DEGRADED;
		if (fresh)
			reset_episode(x);
		l->ep_seen += l->win_seen;
		l->ep_lost += l->win_lost;
		for (uint32_t i = 0; i < n_nodes; i++) {
			nodes[i].ep_seen[x] += nodes[i].win_seen[x];
			nodes[i].ep_lost[x] += nodes[i].win_lost[x];
		}
		l->episode = EP_DEGRADED;
		struct finding *fd = finding_open("prp_lan_degraded", &no_endpoint, obj, now);
		if (fd) {
			if (!fd->count)
				fd->severity = SEV_MEDIUM;
			for (uint8_t i = 0; i < l->n_loss_at; i++)
				finding_evidence(fd, &l->loss_at[i]);
			degraded_details(fd, x, 0);
			if (fresh)
				finding_commit(fd, now);
			else
				finding_touch(fd, now);
		}
	} else if (l->episode == EP_DEGRADED && l->win_seen) {
		/* A window of frames without the loss: the episode is over. */
		struct finding *fd = finding_open("prp_lan_degraded", &no_endpoint, obj, now);
		if (fd && fd->count) {
			degraded_details(fd, x, now);
			finding_touch(fd, now);
		}
		l->episode = EP_NONE;
	}
	reset_window(x);
}

/* ---- HSR rings ------------------------------------------------------------------ */

static void ring_details(struct finding *fd, uint8_t net, int64_t closed)
{
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_u64(&w, "net", net);
	int64_t since = 0;
	bool never_both = false;
	uint32_t in_episode = 0, now_open = 0, lanes[2] = { 0, 0 };
	jw_arr(&w, "nodes");
	for (uint32_t i = 0; i < n_nodes; i++) {
		const struct node *n = &nodes[i];
		if (n->family != FAMILY_HSR || n->net != net || n->ep_lane < 0)
			continue;
		in_episode++;
		if (n->one_lane >= 0) {
			now_open++;
			lanes[n->one_lane]++;
		}
		if (!n->ep_last_both)
			never_both = true;
		else if (n->ep_last_both > since)
			since = n->ep_last_both;
		if (in_episode > RED_DETAIL_NODES)
			continue;
		char mac[24];
		mac_text(n, mac, sizeof(mac));
		jw_obj(&w, NULL);
		jw_str(&w, "mac", mac);
		jw_str(&w, "lane", LAN_NAME[n->ep_lane]);
		jw_u64(&w, "frames_one_lane", n->ep_frames);
		if (n->ep_last_both)
			jw_timestamp(&w, "last_on_both_lanes", n->ep_last_both);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_u64(&w, "nodes_one_lane", now_open);
	if (since)
		jw_timestamp(&w, "since", since);
	jw_bool(&w, "seen_on_both_lanes", !never_both);
	if (closed)
		jw_timestamp(&w, "closed", closed);
	finding_details_end(&w, fd);
	if (closed)
		finding_summary(fd,
				"HSR ring (net %u): frames from %u node%s came one way round only, then on both "
				"lanes again: the ring was open for a while and ran without redundancy.",
				net, in_episode, in_episode == 1 ? "" : "s");
	else if (never_both)
		finding_summary(fd,
				"HSR ring (net %u): frames from %u node%s arrive on one lane only (%u on lane A, %u "
				"on lane B) and were never seen on both: the ring is open, or the sensor sees only one "
				"ring port (it must see both).",
				net, now_open, now_open == 1 ? "" : "s", lanes[0], lanes[1]);
	else
		finding_summary(fd,
				"HSR ring (net %u): frames from %u node%s arrive on one lane only (%u on lane A, %u "
				"on lane B): the ring is open (a cut link or a dead node) and runs without redundancy.",
				net, now_open, now_open == 1 ? "" : "s", lanes[0], lanes[1]);
}

/* The count of one-lane nodes on a ring changed (or time passed, `touch`). */
static void ring_update(uint8_t net, int64_t now, const struct pkt_where *at, bool touch)
{
	struct ring *r = &hsr[net];
	uint32_t open = 0;
	for (uint32_t i = 0; i < n_nodes; i++)
		if (nodes[i].family == FAMILY_HSR && nodes[i].net == net && nodes[i].one_lane >= 0)
			open++;
	if (!r->open && !open)
		return;
	char obj[32];
	snprintf(obj, sizeof(obj), "HSR net %u", net);
	struct finding *fd = finding_open("hsr_ring_open", &no_endpoint, obj, now);
	if (!fd)
		return;
	if (!fd->count)
		fd->severity = SEV_HIGH;
	if (at)
		finding_evidence(fd, at);
	bool opened = !r->open;
	r->open = open > 0;
	ring_details(fd, net, r->open ? 0 : now);
	if (opened)
		finding_commit(fd, now);
	else if (touch || at)
		finding_touch(fd, now);
}

/* ---- pairing -------------------------------------------------------------------- */

static void count_prp(struct node *n, const struct pair *pr, int x, bool lost)
{
	struct lan *l = &prp[x];
	if (!l->copies || pr->first.ts_us < l->judge_from || l->episode == EP_DOWN)
		return; /* not seen yet, or the frame is from a down episode */
	l->win_seen++;
	n->win_seen[x]++;
	if (!lost)
		return;
	l->win_lost++;
	n->win_lost[x]++;
	if (pr->first.ts_us > l->last_loss)
		l->last_loss = pr->first.ts_us;
	if (l->n_loss_at < RED_EVIDENCE_KEPT)
		l->loss_at[l->n_loss_at++] = pr->first;
}

static void judge_hsr(struct node *n, const struct pair *pr, int carried)
{
	if (carried < 0) {
		n->run[0] = n->run[1] = 0;
		n->last_both = pr->first.ts_us;
		if (n->one_lane >= 0) {
			n->one_lane = -1;
			ring_update(n->net, pr->first.ts_us, &pr->first, false);
		}
		return;
	}
	n->run[1 - carried] = 0;
	if (n->run[carried]++ == 0)
		n->run_start = pr->first;
	if (n->one_lane >= 0) {
		n->ep_frames++;
		return;
	}
	if (n->run[carried] >= (uint64_t)g_rules.thr[THR_HSR_OPEN_FRAMES]) {
		if (!hsr[n->net].open) /* a new episode of this ring: forget the last one's nodes */
			for (uint32_t i = 0; i < n_nodes; i++)
				if (nodes[i].family == FAMILY_HSR && nodes[i].net == n->net)
					nodes[i].ep_lane = -1;
		n->one_lane = (int8_t)carried;
		n->ep_lane = (int8_t)carried;
		n->ep_frames = n->run[carried];
		n->ep_last_both = n->last_both;
		ring_update(n->net, pr->first.ts_us, &n->run_start, false);
	}
}

/* A frame's copies are all in (or the wait is over): on both, or on one only. */
static void resolve(struct node *n, struct pair *pr)
{
	pr->state = PAIR_DONE;
	int carried = pr->lans == 3 ? -1 : pr->lans == 1 ? 0 : 1;
	if (carried < 0)
		n->both++;
	else
		n->only[carried]++;
	if (n->family == FAMILY_HSR) {
		judge_hsr(n, pr, carried);
		return;
	}
	for (int x = 0; x < 2; x++)
		count_prp(n, pr, x, carried == 1 - x);
}

/* Frames whose wait is over by `now`; at the end of the capture (`final`),
 * the ones still waiting are dropped: their other copy may be after the end. */
static void resolve_aged(int64_t now, bool final)
{
	for (uint32_t i = 0; i < n_nodes; i++) {
		struct node *n = &nodes[i];
		if (!n->ring)
			continue;
		for (uint32_t k = 0; k < RED_PAIR_RING; k++) {
			struct pair *pr = &n->ring[k];
			if (pr->state != PAIR_WAITING)
				continue;
			if (now - pr->first.ts_us >= RED_PAIR_WAIT_US)
				resolve(n, pr);
			else if (final)
				pr->state = PAIR_DONE;
		}
	}
}

static void pair_copy(struct node *n, const struct pkt *p, int lan, bool supervision)
{
	if (!n->ring) {
		n->ring = calloc(RED_PAIR_RING, sizeof(*n->ring));
		if (!n->ring) {
			stat_inc(STAT_redundancy_table_full);
			return;
		}
	}
	struct pair *pr = &n->ring[p->red_seq & (RED_PAIR_RING - 1)];
	int64_t now = p->at.ts_us;
	uint8_t bit = (uint8_t)(1u << lan);
	if (pr->state != PAIR_FREE && pr->seq == p->red_seq && pr->supervision == supervision &&
	    now - pr->first.ts_us < RED_SAME_FRAME_US) {
		if (pr->lans & bit) {
			repeats++; /* the same LAN again: a port mirrored twice, not redundancy */
			return;
		}
		pr->lans |= bit;
		if (pr->state == PAIR_WAITING && pr->lans == 3)
			resolve(n, pr);
		return; /* a copy after the wait: judged already */
	}
	if (pr->state == PAIR_WAITING) {
		if (now - pr->first.ts_us >= RED_PAIR_WAIT_US)
			resolve(n, pr);
		else
			stat_inc(STAT_redundancy_table_full); /* no room to wait for its copy: not judged */
	}
	pr->first = p->at;
	pr->seq = p->red_seq;
	pr->lans = bit;
	pr->state = PAIR_WAITING;
	pr->supervision = supervision;
}

/* ---- the hooks ------------------------------------------------------------------ */

static void prp_lan_frame(int x, const struct pkt *p)
{
	struct lan *l = &prp[x], *o = &prp[1 - x];
	int64_t now = p->at.ts_us;
	if (l->episode == EP_DOWN)
		lan_back(x, p);
	if (!l->copies++)
		l->judge_from = now;
	l->last_seen = now;
	l->last_at = p->at;
	l->other_since = 0;
	if (o->copies && o->other_since++ == 0)
		o->other_first = p->at;
	check_down(1 - x);
}

static void redundancy_frame(const struct pkt *p)
{
	bool is_prp = p->red == RED_PRP || p->red == RED_PRP_SUPERVISION;
	bool supervision = p->red == RED_PRP_SUPERVISION || p->red == RED_HSR_SUPERVISION;
	if (p->red == RED_NONE || p->red > RED_HSR_SUPERVISION)
		return;
	if (!seen_any) {
		seen_any = true;
		win_start = p->at.ts_us;
	}
	if (supervision && is_prp)
		prp_supervision++;
	else if (supervision)
		hsr_supervision++;
	int lan = -1;
	if (is_prp)
		lan = p->red_lan == 0xA ? LAN_A : p->red_lan == 0xB ? LAN_B : -1;
	else
		lan = p->red_lan <= 1 ? p->red_lan : -1;
	uint8_t net = p->red_net & (RED_HSR_NETS - 1);
	struct node *n = NULL;
	if (p->src_mac)
		n = node_get(p->src_mac, is_prp ? FAMILY_PRP : FAMILY_HSR);
	else
		no_mac++;
	if (n && supervision)
		n->supervision++;
	if (lan < 0) {
		/* a supervision frame without a trailer says who is there, not which LAN */
		if (!supervision)
			lan_unknown++;
		return;
	}
	if (is_prp)
		prp_lan_frame(lan, p);
	else {
		hsr[net].copies[lan]++;
		hsr[net].last_seen[lan] = p->at.ts_us;
	}
	if (!n)
		return;
	if (!is_prp)
		n->net = net;
	pair_copy(n, p, lan, supervision);
}

static void redundancy_tick(int64_t now)
{
	if (!seen_any)
		return;
	resolve_aged(now, false);
	for (int x = 0; x < 2; x++) {
		check_down(x);
		if (prp[x].episode == EP_DOWN)
			lan_still_down(x, now);
	}
	for (uint8_t net = 0; net < RED_HSR_NETS; net++)
		if (hsr[net].open)
			ring_update(net, now, NULL, true);
	if (now - win_start >= g_rules.thr[THR_PRP_DEGRADED_WINDOW]) {
		judge_window(LAN_A, now, false);
		judge_window(LAN_B, now, false);
		win_start = now;
	}
}

static void redundancy_finish(int64_t now)
{
	if (!seen_any)
		return;
	resolve_aged(now, true);
	for (int x = 0; x < 2; x++) {
		check_down(x);
		if (prp[x].episode == EP_DOWN)
			lan_still_down(x, now);
	}
	judge_window(LAN_A, now, true);
	judge_window(LAN_B, now, true);
}

/* ---- the summary block ---------------------------------------------------------- */

static const char *episode_text(uint8_t e)
{
	return e == EP_DOWN ? "down" : e == EP_DEGRADED ? "degraded" : "ok";
}

static void redundancy_print(FILE *out)
{
	if (!seen_any)
		return; /* nothing to say: the block is left out */
	fprintf(out, "Redundancy (PRP/HSR):\n");
	char last[40];
	if (prp[0].copies || prp[1].copies || prp_supervision) {
		for (int x = 0; x < 2; x++) {
			if (!prp[x].copies) {
				fprintf(out, "  PRP LAN %s: never seen\n", LAN_NAME[x]);
				continue;
			}
			iso_time(prp[x].last_seen, last, sizeof(last));
			fprintf(out, "  PRP LAN %s: %llu frame%s, last %s, %s\n", LAN_NAME[x],
				(unsigned long long)prp[x].copies, prp[x].copies == 1 ? "" : "s", last,
				episode_text(prp[x].episode));
		}
		fprintf(out, "  PRP supervision frames: %llu\n", (unsigned long long)prp_supervision);
	}
	for (uint8_t net = 0; net < RED_HSR_NETS; net++) {
		const struct ring *r = &hsr[net];
		if (!r->copies[0] && !r->copies[1])
			continue;
		for (int x = 0; x < 2; x++) {
			if (!r->copies[x]) {
				fprintf(out, "  HSR net %u lane %s: never seen\n", net, LAN_NAME[x]);
				continue;
			}
			iso_time(r->last_seen[x], last, sizeof(last));
			fprintf(out, "  HSR net %u lane %s: %llu frame%s, last %s\n", net, LAN_NAME[x],
				(unsigned long long)r->copies[x], r->copies[x] == 1 ? "" : "s", last);
		}
		fprintf(out, "  HSR net %u: ring %s\n", net, r->open ? "open" : "closed");
	}
	if (hsr_supervision)
		fprintf(out, "  HSR supervision frames: %llu\n", (unsigned long long)hsr_supervision);
	if (lan_unknown || no_mac || repeats)
		fprintf(out,
			"  not judged: %llu with an unknown LAN id, %llu without a source MAC; %llu copies repeated "
			"on one LAN\n",
			(unsigned long long)lan_unknown, (unsigned long long)no_mac, (unsigned long long)repeats);
	fprintf(out, "  nodes: %u (frames: on both LANs, only on A, only on B; supervision)\n", n_nodes);
	for (uint32_t i = 0; i < n_nodes && i < RED_PRINT_NODES; i++) {
		const struct node *n = &nodes[i];
		char mac[24];
		mac_text(n, mac, sizeof(mac));
		fprintf(out, "    %s %s %llu %llu %llu; %llu%s\n", mac, n->family == FAMILY_PRP ? "PRP" : "HSR",
			(unsigned long long)n->both, (unsigned long long)n->only[0], (unsigned long long)n->only[1],
			(unsigned long long)n->supervision,
			n->family == FAMILY_HSR && n->one_lane >= 0
				? (n->one_lane ? " (lane B only)" : " (lane A only)")
				: "");
	}
	if (n_nodes > RED_PRINT_NODES)
		fprintf(out, "    ... and %u more\n", n_nodes - RED_PRINT_NODES);
}

static void redundancy_free(void)
{
	for (uint32_t i = 0; i < n_nodes; i++)
		free(nodes[i].ring);
	free(nodes);
	nodes = NULL;
	n_nodes = 0;
	memset(bucket, 0, sizeof(bucket));
	memset(prp, 0, sizeof(prp));
	memset(hsr, 0, sizeof(hsr));
	win_start = 0;
	seen_any = false;
	prp_supervision = hsr_supervision = lan_unknown = no_mac = repeats = 0;
}

const struct analyzer redundancy_analyzer = {
	.name = "redundancy",
	.redundancy = redundancy_frame,
	.tick = redundancy_tick,
	.finish = redundancy_finish,
	.print = redundancy_print,
	.free = redundancy_free,
	.print_rank = 3,
};

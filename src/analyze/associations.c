/* SPDX-License-Identifier: GPL-2.0-or-later */
/* associations.c - the association analyzer: each association's lifecycle from
 * TCP to release (who, when, negotiated parameters, how it ended), refusals with
 * the layer that refused, concurrent associations per IED against its limit
 * (from the rules, or inferred from the first refusal, never guessed), and
 * connection storms, retry oscillation, half-open SYNs and scans.
 *
 * Refusals that are silent at the OSI layers (the IED accepts TCP and closes it
 * after the COTP CR or the AARQ, as libiec61850 and some relays do) are told
 * apart from authentication failures by whether the AARQ carried a credential. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "core/finding.h"
#include "core/ied.h"
#include "core/rules.h"
#include "dissectors/acse.h"
#include "dissectors/cotp.h"
#include "dissectors/iec61850_report.h"
#include "dissectors/mms.h"
#include "dissectors/pres.h"
#include "dissectors/session.h"
#include "util/json.h"
#include "util/duration.h"

enum phase {
	PH_SYN = 0,   /* SYN seen */
	PH_TCP,       /* TCP up, nothing ISO yet */
	PH_COTP_CR,   /* COTP CR sent */
	PH_COTP_CC,   /* COTP CC received */
	PH_AARQ,      /* AARQ (+ initiate) sent */
	PH_UP,        /* AARE accepted / initiate response: the association is up */
	PH_RELEASING, /* conclude or RLRQ sent */
	PH_RELEASED,  /* conclude response / RLRE */
	PH_REFUSED,
	PH_ABORTED,
};

/* What every PDU of the association reads or writes comes first, in its first
 * 64 bytes (one or two cache lines, as malloc aligns it; it was spread over
 * four): with hundreds of IEDs a PDU's track is seldom in cache, and each line
 * is a miss. */
struct assoc_track {
	uint8_t phase;
	bool syn, synack, established, counted_open, closed_count, counted_up, any_iso, non_mms, auth_sent,
		idle_flagged, abort_was_up;
	/* A session AB carrying user data: the ACSE ABRT (or presentation abort)
	 * inside it names the abort, once; the AB alone names it only if nothing
	 * inside does (told at the next event of the association). Its frame waits
	 * in abort_at (flows are many: no field of its own). */
	bool ab_pending;
	int8_t ab_dir;
	int8_t closer; /* direction of the first FIN/RST, -1 none */
	bool closer_rst;
	int64_t last_pdu_ts;
	struct pkt_where last_at;
	uint64_t reports;
	struct assoc_track *prev, *next; /* all live tracks, for the idle timer */
	struct flow *flow;
	struct finding *abort_finding; /* to rename a session abort once its ACSE ABRT is seen */
	struct pkt_where abort_at;
	struct pkt_where close_at;
};

/* This analyzer's per-association state: its slot on the flow (core/bus.h). */
static int assoc_slot;
static int ia_ied_slot; /* the IED's struct ied_assoc */
#define assoc_slot_of(f) ((struct assoc_track *)(f)->slot[assoc_slot])
static void assoc_init(void)
{
	assoc_slot = bus_flow_slot("associations");
	ia_ied_slot = bus_ied_slot("associations");
}

/* ---- per-IED windows: storms -------------------------------------------- */

#define WIN_SECS 64 /* per-second buckets kept; storm.window must fit */
#define STORM_CLIENTS 16

enum { C_ATTEMPT = 0, C_INITIATE, C_ASSOC, C_ABORT, C_REJECT, C_SHORT, C_NO_MMS, C_HALF_OPEN, C_COUNT };
static const char *const C_NAMES[C_COUNT] = { "attempts", "initiates",   "associations", "aborts",
					      "rejects",  "short_lived", "without_mms",  "half_open" };

struct window {
	int64_t sec[WIN_SECS];
	int64_t first_attempt_us[WIN_SECS]; /* packet time of the second's first attempt */
	uint32_t n[WIN_SECS][C_COUNT];
};

struct storm {
	bool active;
	int64_t start, last;
	uint64_t totals[C_COUNT];
	uint32_t peak_rate;
	uint8_t n_clients;
	struct {
		uint8_t ip[16];
		uint32_t attempts;
	} clients[STORM_CLIENTS];
	uint32_t more_clients;
	uint64_t before_detection; /* attempts in the window before the threshold was crossed:
				    * counted, but not per client (the window keeps no clients) */
	struct pkt_where first_at, last_at;
};

/* Analyzer state per IED, in a side table keyed by the IED pointer. */
struct ied_assoc {
	struct ied *ied;
	struct window win;
	struct storm storm;
	uint32_t open, peak;  /* TCP connections held (including attempts) */
	uint32_t up, peak_up; /* associations up (what the limit is about) */
};

#define IED_ASSOC_MAX IED_MAX
static struct ied_assoc *ied_tab[IED_ASSOC_MAX];
static size_t n_ied_tab;
static struct assoc_track *live;

/* Client->IED pairs for retry oscillation and scans. */
#define PAIRS_MAX 4096
#define PAIR_STARTS 8
struct pair {
	struct ied *ied;
	uint8_t ipver, ip[16];
	uint8_t n_short;
	int64_t short_starts[PAIR_STARTS];
	bool oscillation_flagged;
	uint32_t half_open;
	uint16_t ports[64];
	uint8_t n_ports;
	int64_t half_open_first;
	bool scan_flagged;
};
static struct pair *pairs;
static size_t n_pairs;

static struct ied_assoc *ia_of(struct ied *d)
{
	if (!d)
		return NULL;
	/* kept in the IED's slot: a scan of ied_tab on every event grew with the
	 * IEDs (issue 17); ied_tab stays for the tick's and finish's walk */
	struct ied_assoc *known = d->slot[ia_ied_slot];
	if (known)
		return known;
	if (n_ied_tab >= IED_ASSOC_MAX)
		return NULL;
	struct ied_assoc *a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->ied = d;
	d->slot[ia_ied_slot] = a;
	ied_tab[n_ied_tab++] = a;
	return a;
}

static struct pair *pair_of(struct ied *d, const struct flow *f)
{
	const uint8_t *ip = f->key.ip[f->client];
	for (size_t i = 0; i < n_pairs; i++)
		if (pairs[i].ied == d && pairs[i].ipver == f->key.ipver && !memcmp(pairs[i].ip, ip, 16))
			return &pairs[i];
	if (n_pairs >= PAIRS_MAX)
		return NULL;
	if (!pairs && !(pairs = calloc(PAIRS_MAX, sizeof(*pairs))))
		return NULL;
	struct pair *p = &pairs[n_pairs++];
	memset(p, 0, sizeof(*p));
	p->ied = d;
	p->ipver = f->key.ipver;
	memcpy(p->ip, ip, 16);
	return p;
}

static int64_t window_secs(void)
{
	int64_t w = g_rules.thr[THR_STORM_WINDOW] / 1000000;
	return w < 1 ? 1 : w > WIN_SECS - 1 ? WIN_SECS - 1 : w;
}

/* Bucket of a second; packet times before 1970 (hostile files) stay in range. */
static int slot_of(int64_t sec)
{
	return (int)(((sec % WIN_SECS) + WIN_SECS) % WIN_SECS);
}

static void win_add(struct window *w, int64_t ts, int c)
{
	int64_t sec = ts / 1000000;
	int i = slot_of(sec);
	if (w->sec[i] != sec) {
		w->sec[i] = sec;
		memset(w->n[i], 0, sizeof(w->n[i]));
	}
	if (c == C_ATTEMPT && !w->n[i][c])
		w->first_attempt_us[i] = ts;
	w->n[i][c]++;
}

static uint64_t win_sum(const struct window *w, int64_t ts, int c)
{
	int64_t now = ts / 1000000, span = window_secs();
	uint64_t s = 0;
	for (int i = 0; i < WIN_SECS; i++)
		if (w->sec[i] > now - span && w->sec[i] <= now)
			s += w->n[i][c];
	return s;
}

static uint32_t win_rate(const struct window *w, int64_t ts)
{
	int i = slot_of(ts / 1000000);
	return w->sec[i] == ts / 1000000 ? w->n[i][C_ATTEMPT] : 0;
}

/* ---- findings ------------------------------------------------------------- */

static struct finding *flow_finding(const char *kind, uint8_t sev, struct flow *f, const char *object,
				    const struct pkt_where *at)
{
	struct finding *fd = finding_open_on_flow(kind, sev, f, object, at->ts_us);
	finding_evidence(fd, at);
	return fd;
}


/* The storm's finding: looked up, never held (aggregates are freed when they
 * close). */
static struct finding *storm_finding(struct ied_assoc *ia, int64_t now)
{
	struct finding *fd = finding_open("connection_storm", &ia->ied->ep, "", now);
	if (fd && !fd->count)
		fd->severity = SEV_HIGH;
	return fd;
}

static void storm_details(struct ied_assoc *ia, struct finding *fd)
{
	struct storm *s = &ia->storm;
	if (!fd)
		return;
	struct jw w;
	char ip[64];
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_double(&w, "window_s", (double)(s->last - s->start) / 1e6);
	for (int c = 0; c < C_COUNT; c++)
		jw_u64(&w, C_NAMES[c], s->totals[c]);
	jw_u64(&w, "peak_attempts_per_s", s->peak_rate);
	jw_u64(&w, "threshold", (uint64_t)g_rules.thr[THR_STORM_MIN_ATTEMPTS]);
	jw_u64(&w, "threshold_window_s", (uint64_t)window_secs());
	jw_u64(&w, "attempts_before_detection", s->before_detection);
	jw_arr(&w, "clients"); /* attempts per client from the detection on */
	for (unsigned i = 0; i < s->n_clients; i++) {
		struct endpoint e;
		memset(&e, 0, sizeof(e));
		e.ipver = ia->ied->ep.ipver;
		memcpy(e.ip, s->clients[i].ip, 16);
		endpoint_ip_text(&e, ip, sizeof(ip));
		jw_obj(&w, NULL);
		jw_str(&w, "ip", ip);
		jw_u64(&w, "attempts", s->clients[i].attempts);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	if (s->more_clients)
		jw_u64(&w, "more_clients", s->more_clients);
	finding_details_end(&w, fd);
	char ied[96];
	endpoint_text(&ia->ied->ep, ied, sizeof(ied));
	finding_summary(fd,
			"Connection storm on %s: %llu connection attempts in %s (%llu MMS associations, "
			"%llu without MMS, %llu half-open, %llu aborted, %llu rejected), peak %u/s from %u client%s.",
			ied, (unsigned long long)s->totals[C_ATTEMPT], DURATION(s->last - s->start),
			(unsigned long long)s->totals[C_ASSOC], (unsigned long long)s->totals[C_NO_MMS],
			(unsigned long long)s->totals[C_HALF_OPEN], (unsigned long long)s->totals[C_ABORT],
			(unsigned long long)s->totals[C_REJECT], s->peak_rate, s->n_clients + s->more_clients,
			s->n_clients + s->more_clients == 1 ? "" : "s");
}

/* Storms going on now: the once-a-second check for their end walks the IEDs
 * only when there is one (a sensor keeps every IED it ever saw). */
static size_t storms_active;

/* Count an event for the IED's storm window; start or grow a storm. */
static void storm_count(struct ied *d, const struct flow *f, int c, const struct pkt_where *at)
{
	struct ied_assoc *ia = ia_of(d);
	if (!ia)
		return;
	win_add(&ia->win, at->ts_us, c);
	struct storm *s = &ia->storm;
	if (s->active) {
		s->totals[c]++;
		if (c == C_ATTEMPT) {
			s->last = at->ts_us;
			s->last_at = *at;
			uint32_t r = win_rate(&ia->win, at->ts_us);
			if (r > s->peak_rate)
				s->peak_rate = r;
		}
	} else if (c == C_ATTEMPT &&
		   win_sum(&ia->win, at->ts_us, C_ATTEMPT) >= (uint64_t)g_rules.thr[THR_STORM_MIN_ATTEMPTS]) {
		/* The window crossed the threshold: a storm began at its first attempt. */
		memset(s, 0, sizeof(*s));
		s->active = true;
		storms_active++;
		for (int k = 0; k < C_COUNT; k++)
			s->totals[k] = win_sum(&ia->win, at->ts_us, k);
		int64_t span = window_secs();
		s->start = at->ts_us;
		for (int i = 0; i < WIN_SECS; i++)
			if (ia->win.sec[i] > at->ts_us / 1000000 - span && ia->win.n[i][C_ATTEMPT] &&
			    ia->win.first_attempt_us[i] < s->start)
				s->start = ia->win.first_attempt_us[i];
		s->last = at->ts_us;
		s->first_at = *at;
		s->last_at = *at;
		s->peak_rate = win_rate(&ia->win, at->ts_us);
		s->before_detection = s->totals[C_ATTEMPT] ? s->totals[C_ATTEMPT] - 1 : 0;
		/* The storm is dated from its first attempt, as its window_s is measured. */
		struct finding *fd = storm_finding(ia, at->ts_us);
		if (fd && !fd->count && s->start < fd->first_seen)
			fd->first_seen = s->start;
		finding_evidence(fd, at);
	}
	if (s->active && c == C_ATTEMPT && f) {
		const uint8_t *ip = f->key.ip[f->client];
		unsigned i;
		for (i = 0; i < s->n_clients; i++)
			if (!memcmp(s->clients[i].ip, ip, 16))
				break;
		if (i < s->n_clients)
			s->clients[i].attempts++;
		else if (s->n_clients < STORM_CLIENTS) {
			memcpy(s->clients[s->n_clients].ip, ip, 16);
			s->clients[s->n_clients++].attempts = 1;
		} else
			s->more_clients++;
	}
	if (s->active) {
		struct finding *fd = storm_finding(ia, at->ts_us);
		if (fd) {
			bool first = !fd->count;
			storm_details(ia, fd);
			if (first)
				finding_commit(fd, at->ts_us);
			else
				finding_touch(fd, at->ts_us);
		}
	}
}

static void storm_close_if_over(struct ied_assoc *ia, int64_t now, bool final)
{
	struct storm *s = &ia->storm;
	if (!s->active || (!final && now - s->last <= g_rules.thr[THR_STORM_WINDOW]))
		return;
	struct finding *fd = storm_finding(ia, s->last);
	if (fd && fd->count) {
		finding_evidence(fd, &s->last_at);
		storm_details(ia, fd);
		finding_touch(fd, s->last);
	}
	memset(s, 0, sizeof(*s));
	storms_active--;
}

/* ---- lifecycle ------------------------------------------------------------ */

static struct assoc_track *track_of(struct flow *f)
{
	struct flow_an *a = flow_an_get(f);
	if (!a)
		return NULL;
	if (!f->slot[assoc_slot]) {
		struct assoc_track *t = calloc(1, sizeof(*t));
		if (!t)
			return NULL;
		t->flow = f;
		t->closer = -1;
		t->phase = PH_TCP;
		t->next = live;
		if (live)
			live->prev = t;
		live = t;
		f->slot[assoc_slot] = t;
	}
	return f->slot[assoc_slot];
}

/* The association no longer holds one of the IED's slots. */
static void close_count(struct flow *f, struct assoc_track *t)
{
	struct ied_assoc *ia = flow_an_of(f) ? ia_of(flow_an_of(f)->ied) : NULL;
	if (!ia || !t->counted_open || t->closed_count)
		return;
	t->closed_count = true;
	ia->open--;
	if (t->counted_up)
		ia->up--;
	flow_an_of(f)->ied->open_assocs = ia->up;
}

static void open_count(struct flow *f, struct assoc_track *t)
{
	struct ied_assoc *ia = ia_of(flow_an_of(f)->ied);
	if (!ia || t->counted_open)
		return;
	t->counted_open = true;
	ia->open++;
	if (ia->open > ia->peak)
		ia->peak = ia->open;
	flow_an_of(f)->ied->assocs_total++;
}

/* The association is up; with a known limit, reaching it is a finding. */
static void went_up(struct flow *f, struct assoc_track *t, const struct pkt_where *at)
{
	if (t->phase >= PH_UP)
		return;
	t->phase = PH_UP;
	struct ied *d = flow_an_of(f)->ied;
	storm_count(d, f, C_ASSOC, at);
	struct ied_assoc *ia = ia_of(d);
	if (ia && !t->counted_up && !t->closed_count) {
		t->counted_up = true;
		ia->up++;
		if (ia->up > ia->peak_up)
			ia->peak_up = ia->up;
		d->open_assocs = ia->up;
		d->peak_assocs = ia->peak_up;
	}
	if (ia && d->limit && ia->up >= d->limit) {
		char ied[128];
		ied_label(d, ied, sizeof(ied));
		struct finding *fd = flow_finding("association_limit_reached", SEV_MEDIUM, f, "", at);
		if (fd) {
			struct jw w;
			jw_init(&w, fd->details, sizeof(fd->details) - 1);
			jw_obj(&w, NULL);
			jw_u64(&w, "limit", d->limit);
			jw_bool(&w, "limit_inferred", d->limit_inferred);
			jw_u64(&w, "open", ia->up);
			jw_u64(&w, "peak_concurrent", ia->peak_up);
			finding_details_end(&w, fd);
			const char *src = d->limit_inferred ? "inferred from a refusal" : "from the rules";
			if (ia->up == d->limit)
				finding_summary(
					fd,
					"%s now carries %u association%s, its limit of %u (%s): the next client "
					"will be turned away.",
					ied, ia->up, ia->up == 1 ? "" : "s", d->limit, src);
			else
				finding_summary(fd,
						"%s now carries %u associations, more than its limit of %u (%s): the "
						"IED accepts more than that limit says.",
						ied, ia->up, d->limit, src);
			finding_commit(fd, at->ts_us);
		}
	}
}

static void refused(struct flow *f, struct assoc_track *t, const char *layer, const char *reason, bool limit_signal,
		    const struct pkt_where *at)
{
	if (t->phase == PH_REFUSED)
		return;
	t->phase = PH_REFUSED;
	struct ied *d = flow_an_of(f)->ied;
	struct ied_assoc *ia = ia_of(d);
	storm_count(d, f, C_REJECT, at);
	d->refused++;
	/* The others open when this one was turned away (it may itself be counted). */
	uint32_t others = ia ? ia->up - (t->counted_up && !t->closed_count ? 1 : 0) : 0;
	char ied[128], client[96];
	ied_label(d, ied, sizeof(ied));
	flow_client_ip(f, client, sizeof(client));
	struct jw w;
	if (limit_signal && others > 0) {
		if (!d->limit) {
			/* The number open when the IED starts turning new ones away is its
			 * real limit. */
			d->limit = others;
			d->limit_inferred = true;
		}
		struct finding *fd = flow_finding("association_refused_at_limit", SEV_HIGH, f, "", at);
		if (fd) {
			finding_evidence(fd, &f->first);
			jw_init(&w, fd->details, sizeof(fd->details) - 1);
			jw_obj(&w, NULL);
			jw_u64(&w, "limit", d->limit);
			jw_bool(&w, "limit_inferred", d->limit_inferred);
			jw_u64(&w, "open_at_refusal", others);
			jw_u64(&w, "peak_concurrent", ia ? ia->peak_up : 0);
			jw_u64(&w, "refused_attempts", fd->count + 1);
			jw_str(&w, "layer", layer);
			jw_str(&w, "reason", reason);
			finding_details_end(&w, fd);
			if (d->limit_inferred || others == d->limit)
				finding_summary(fd,
						"%s turned away a new association from %s while %u %s open (%s): its "
						"association limit is %u%s. Clients beyond it cannot connect.",
						ied, client, others, others == 1 ? "was" : "were", reason, d->limit,
						d->limit_inferred ? " (inferred from this refusal)" : "");
			else
				finding_summary(
					fd,
					"%s turned away a new association from %s while %u %s open (%s): the "
					"rules give its association limit as %u, the IED turned this client away at %u. "
					"Clients beyond it cannot connect.",
					ied, client, others, others == 1 ? "was" : "were", reason, d->limit, others);
			finding_commit(fd, at->ts_us);
		}
		return;
	}
	struct finding *fd = flow_finding("association_rejected", SEV_MEDIUM, f, client, at);
	if (!fd)
		return;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "layer", layer);
	jw_str(&w, "reason", reason);
	jw_bool(&w, "authentication_sent", t->auth_sent);
	jw_u64(&w, "open_at_refusal", others);
	finding_details_end(&w, fd);
	finding_summary(fd, "%s refused an association from %s at the %s layer: %s.", ied, client, layer, reason);
	finding_commit(fd, at->ts_us);
}

static void abort_flush(struct flow *f, struct assoc_track *t);

void assoc_tcp(struct flow *f, int dir, enum tcp_ev kind, const struct pkt_where *at)
{
	struct assoc_track *t = track_of(f);
	if (!t)
		return;
	abort_flush(f, t);
	switch (kind) {
	case TCP_EV_SYN:
		t->syn = true;
		t->phase = PH_SYN;
		storm_count(flow_an_of(f)->ied, f, C_ATTEMPT, at);
		break;
	case TCP_EV_SYNACK:
		t->synack = true;
		break;
	case TCP_EV_ESTABLISHED:
		t->established = true;
		if (t->phase == PH_SYN)
			t->phase = PH_TCP;
		open_count(f, t);
		break;
	case TCP_EV_FIN:
	case TCP_EV_RST:
		if (t->closer < 0) {
			t->closer = (int8_t)dir;
			t->closer_rst = kind == TCP_EV_RST;
			t->close_at = *at;
		}
		if (dir == 1 && t->established && t->phase < PH_UP && t->phase != PH_REFUSED &&
		    t->phase != PH_ABORTED && !t->non_mms && !(t->phase == PH_TCP && f->pkts[0] > 2 && !t->any_iso)) {
			/* Accepted at TCP, then closed by the IED before it answered: a
			 * refusal, judged now, while the other associations are as they
			 * were when the IED decided. Before any ISO answer it is the
			 * accept-and-close that servers use at their association limit;
			 * after the AARQ it may be authentication: never a limit then. */
			if (t->phase <= PH_COTP_CR)
				refused(f, t, "cotp",
					"the IED closed the connection after accepting it, without a "
					"COTP CC",
					true, at);
			else if (t->phase <= PH_COTP_CC)
				refused(f, t, "session",
					"the IED closed the connection after the COTP CC, before the "
					"AARQ",
					false, at);
			else
				refused(f, t, "acse",
					t->auth_sent
						? "the IED closed the connection after an AARQ with a password, without an AARE "
						  "(authentication refused)"
						: "the IED closed the connection after the AARQ, without an AARE (authentication or "
						  "association parameters refused)",
					false, at);
		}
		/* Whoever closes first ends the association: its slot is free. */
		close_count(f, t);
		break;
	}
}

static const char *cotp_dr_reason(uint8_t r)
{
	switch (r) {
	case 0:
		return "reason not specified";
	case 1:
		return "congestion at TSAP";
	case 2:
		return "session entity not attached to TSAP";
	case 3:
		return "address unknown";
	case 128:
		return "normal disconnect";
	case 129:
		return "remote transport entity congestion";
	case 130:
		return "connection negotiation failed";
	case 131:
		return "duplicate source reference";
	case 132:
		return "mismatched references";
	case 133:
		return "protocol error";
	case 135:
		return "reference overflow";
	case 136:
		return "connection request refused";
	case 138:
		return "header or parameter length invalid";
	}
	return "unknown reason";
}

static void abort_details(struct finding *fd, const struct flow *f, const struct assoc_track *t, int dir,
			  const char *how, bool was_up)
{
	char client[96], ied[128];
	flow_client_ip(f, client, sizeof(client));
	ied_label(flow_an_of(f)->ied, ied, sizeof(ied));
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "how", how);
	jw_str(&w, "by", dir == 0 ? "client" : "ied");
	jw_bool(&w, "was_established", was_up);
	jw_u64(&w, "reports_received", t->reports);
	finding_details_end(&w, fd);
	finding_summary(fd, "The association between %s and %s was aborted by the %s (%s)%s.", client, ied,
			dir == 0 ? "client" : "IED", how, t->reports ? " while reports were flowing" : "");
}

/* An abort. By the IED it is a fault (medium); by a client while reports
 * flowed it cuts a subscription (low); by a client on an idle association it is
 * how several client libraries hang up (info). */
static void aborted(struct flow *f, int dir, struct assoc_track *t, const char *how, const struct pkt_where *at)
{
	if (t->phase == PH_REFUSED)
		return;
	if (t->phase == PH_ABORTED) {
		/* The session AB came first; its ACSE ABRT names it better. */
		if (t->abort_finding && t->abort_at.frame == at->frame && t->abort_at.file_idx == at->file_idx) {
			abort_details(t->abort_finding, f, t, dir, how, t->abort_was_up);
			finding_touch(t->abort_finding, at->ts_us);
		}
		return;
	}
	bool was_up = t->phase >= PH_UP;
	t->phase = PH_ABORTED;
	storm_count(flow_an_of(f)->ied, f, C_ABORT, at);
	char client[96];
	flow_client_ip(f, client, sizeof(client));
	uint8_t sev = dir == 1 ? SEV_MEDIUM : t->reports ? SEV_LOW : SEV_INFO;
	struct finding *fd = flow_finding("association_aborted", sev, f, client, at);
	if (!fd)
		return;
	finding_raise(fd, sev);
	abort_details(fd, f, t, dir, how, was_up);
	finding_commit(fd, at->ts_us);
	t->abort_finding = fd;
	t->abort_at = *at;
	t->abort_was_up = was_up;
}

/* ABRT, session AB and ARU/ARP arrive as association events; handled here so
 * both the ACSE and the session variant count once. */
static bool is_abort(const struct assoc_event *e)
{
	return (e->kind == ASSOC_EV_ACSE && e->acse->type == ACSE_ABRT) ||
		(e->kind == ASSOC_EV_SESSION && e->spdu->si == SES_AB) || e->kind == ASSOC_EV_PRES_ABORT;
}

/* A session AB whose contents never named it: it is the abort's name after all. */
static void abort_flush(struct flow *f, struct assoc_track *t)
{
	if (!t || !t->ab_pending)
		return;
	t->ab_pending = false;
	struct pkt_where at = t->abort_at;
	aborted(f, t->ab_dir, t, "session abort (AB)", &at);
}

static void abort_check(struct flow *f, int dir, const struct assoc_event *e, const struct pkt_where *at)
{
	struct assoc_track *t = assoc_slot_of(f);
	if (t && t->ab_pending && (t->abort_at.frame != at->frame || t->abort_at.file_idx != at->file_idx))
		abort_flush(f, t);
	if (!is_abort(e) || !t)
		return;
	if (e->kind == ASSOC_EV_SESSION && e->spdu->has_user && rd_left(&e->spdu->user) > 0 && t->phase != PH_ABORTED &&
	    t->phase != PH_REFUSED) {
		t->ab_pending = true;
		t->ab_dir = (int8_t)dir;
		t->abort_at = *at;
		return;
	}
	if (e->kind != ASSOC_EV_SESSION)
		t->ab_pending = false; /* named by what the AB carried */
	const char *how = e->kind == ASSOC_EV_ACSE
		? (e->acse->has_abort_source && e->acse->abort_source == 1 ? "ACSE abort by the service provider"
									   : "ACSE abort (A-ABORT)")
		: e->kind == ASSOC_EV_SESSION ? "session abort (AB)"
					      : "presentation abort";
	aborted(f, dir, assoc_slot_of(f), how, at);
}

void assoc_event(struct flow *f, int dir, const struct assoc_event *e, const struct pkt_where *at)
{
	struct assoc_track *t = track_of(f);
	if (!t)
		return;
	char why[128];
	t->any_iso = true;
	if (!t->counted_open)
		open_count(f, t);
	abort_check(f, dir, e, at);
	switch (e->kind) {
	case ASSOC_EV_COTP:
		if (e->cotp->type == COTP_CR && t->phase < PH_COTP_CR) {
			t->phase = PH_COTP_CR;
		} else if (e->cotp->type == COTP_CC && t->phase < PH_COTP_CC) {
			t->phase = PH_COTP_CC;
		} else if (e->cotp->type == COTP_DR && dir == 1 && t->phase < PH_UP) {
			snprintf(why, sizeof(why), "COTP disconnect request, reason %u (%s)", e->cotp->reason,
				 cotp_dr_reason(e->cotp->reason));
			refused(f, t, "cotp", why, t->phase < PH_AARQ, at);
		}
		break;
	case ASSOC_EV_SESSION:
		if (e->spdu->si == SES_RF && t->phase < PH_UP) {
			snprintf(why, sizeof(why), "session refuse (RF), reason %u", e->spdu->reason);
			refused(f, t, "session", why, false, at);
		}
		break;
	case ASSOC_EV_PRES_REFUSE:
		if (t->phase < PH_UP) {
			snprintf(why, sizeof(why), "presentation connect refused (CPR), provider reason %u",
				 e->ppdu->provider_reason);
			refused(f, t, "presentation", why, false, at);
		}
		break;
	case ASSOC_EV_PRES_ABORT:
		break;
	case ASSOC_EV_ACSE: {
		const struct acse_apdu *a = e->acse;
		if (a->type == ACSE_AARQ) {
			if (t->phase < PH_AARQ) {
				t->phase = PH_AARQ;
				storm_count(flow_an_of(f)->ied, f, C_INITIATE, at);
			}
			t->auth_sent = a->auth_value_present;
		} else if (a->type == ACSE_AARE) {
			if (a->has_result && a->result != 0) {
				snprintf(why, sizeof(why), "AARE %s, diagnostic %s", acse_result_name(a->result),
					 acse_diagnostic_name(a->diag_source, a->diagnostic));
				refused(f, t, "acse", why, false, at);
			} else if (t->phase < PH_UP) {
				went_up(f, t, at);
			}
		} else if (a->type == ACSE_RLRQ) {
			if (t->phase == PH_UP)
				t->phase = PH_RELEASING;
		} else if (a->type == ACSE_RLRE) {
			t->phase = PH_RELEASED;
		}
		break;
	}
	}
}

void assoc_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at)
{
	struct assoc_track *t = track_of(f);
	if (!t)
		return;
	const struct mms_pdu *p = e->pdu;
	abort_flush(f, t);
	t->any_iso = true;
	if (!t->counted_open)
		open_count(f, t);
	t->last_pdu_ts = at->ts_us;
	t->last_at = *at;
	t->idle_flagged = false;
	switch (p->type) {
	case MMS_INITIATE_REQUEST:
		if (t->phase < PH_AARQ)
			t->phase = PH_AARQ;
		break;
	case MMS_INITIATE_RESPONSE:
		if (t->phase < PH_UP)
			went_up(f, t, at);
		break;
	case MMS_INITIATE_ERROR: {
		char why[128];
		snprintf(why, sizeof(why), "MMS initiate-error, class %s", mms_error_class_name(p->error.error_class));
		refused(f, t, "mms", why, false, at);
		break;
	}
	case MMS_CONFIRMED_RESPONSE:
	case MMS_CONFIRMED_ERROR:
		/* The IED answered a confirmed request after the AARQ while the accept
		 * itself could not be read (a malformed event said so): the
		 * association was accepted. A refusal needs a refusal seen. */
		if (dir == 1 && e->txn && t->phase == PH_AARQ)
			went_up(f, t, at);
		else if (t->phase < PH_UP && (f->midstream || t->phase <= PH_COTP_CC))
			went_up(f, t, at);
		break;
	case MMS_CONCLUDE_REQUEST:
		if (t->phase == PH_UP)
			t->phase = PH_RELEASING;
		break;
	case MMS_CONCLUDE_RESPONSE:
		t->phase = PH_RELEASED;
		break;
	case MMS_UNCONFIRMED:
		if (iec_report_is_rpt(p))
			t->reports++;
		/* fall through */
	default:
		/* Data-phase traffic on a connection we never saw set up (mid-stream
		 * pickup, or a stack with no AARQ): it is up. */
		if (t->phase < PH_UP && p->type != MMS_INITIATE_REQUEST && (f->midstream || t->phase <= PH_COTP_CC))
			went_up(f, t, at);
		break;
	}
}

void assoc_stream(struct flow *f, int dir, const struct stream_event *e, const struct pkt_where *at)
{
	(void)dir;
	(void)at;
	if (e->kind != STREAM_EV_PROTOCOL || !assoc_slot_of(f))
		return;
	assoc_slot_of(f)->non_mms = true;
}

static void half_open(struct flow *f, const struct pkt_where *at)
{
	struct ied *d = flow_an_of(f)->ied;
	storm_count(d, f, C_HALF_OPEN, at);
	char ied[128];
	ied_label(d, ied, sizeof(ied));
	struct finding *fd = finding_open("half_open_connection", &d->ep, "", at->ts_us);
	if (fd) {
		fd->severity = SEV_INFO;
		finding_evidence(fd, &f->first);
		struct jw w;
		jw_init(&w, fd->details, sizeof(fd->details) - 1);
		jw_obj(&w, NULL);
		jw_u64(&w, "count", fd->count + 1);
		finding_details_end(&w, fd);
		finding_summary(fd,
				"%llu TCP connection%s to %s never completed the handshake (SYN without the "
				"final ACK).",
				(unsigned long long)(fd->count + 1), fd->count ? "s" : "", ied);
		finding_commit(fd, at->ts_us);
	}
	/* Many half-open attempts from one client on many source ports: a SYN scan. */
	struct pair *p = pair_of(d, f);
	if (!p)
		return;
	if (!p->half_open || at->ts_us - p->half_open_first > g_rules.thr[THR_STORM_WINDOW] * 6) {
		p->half_open = 0;
		p->n_ports = 0;
		p->half_open_first = at->ts_us;
	}
	p->half_open++;
	uint16_t port = f->key.port[f->client];
	bool known = false;
	for (unsigned i = 0; i < p->n_ports; i++)
		known |= p->ports[i] == port;
	if (!known && p->n_ports < 64)
		p->ports[p->n_ports++] = port;
	if (p->n_ports >= g_rules.thr[THR_SCAN_MIN_PORTS]) {
		char client[96];
		flow_client_ip(f, client, sizeof(client));
		struct finding *sf = finding_open("scan", &d->ep, client, at->ts_us);
		if (sf) {
			if (!sf->count)
				sf->severity = SEV_MEDIUM;
			finding_evidence(sf, &f->first);
			struct jw w;
			jw_init(&w, sf->details, sizeof(sf->details) - 1);
			jw_obj(&w, NULL);
			jw_str(&w, "client", client);
			jw_u64(&w, "half_open", p->half_open);
			jw_u64(&w, "source_ports", p->n_ports);
			finding_details_end(&w, sf);
			finding_summary(sf,
					"%s probed %s with %u half-open connection%s from %u source port%s "
					"(SYN scan signature).",
					client, ied, p->half_open, p->half_open == 1 ? "" : "s", p->n_ports,
					p->n_ports == 1 ? "" : "s");
			if (!p->scan_flagged)
				finding_commit(sf, at->ts_us);
			else
				finding_touch(sf, at->ts_us);
			p->scan_flagged = true;
		}
	}
}

static void retry_check(struct flow *f, const struct pkt_where *at)
{
	struct pair *p = pair_of(flow_an_of(f)->ied, f);
	if (!p)
		return;
	if (p->n_short == PAIR_STARTS) {
		memmove(p->short_starts, p->short_starts + 1, sizeof(p->short_starts[0]) * (PAIR_STARTS - 1));
		p->n_short--;
	}
	p->short_starts[p->n_short++] = f->first_ts;
	if (p->n_short < 5)
		return;
	/* Regular cycle: the intervals between the last starts agree within 25%. */
	int64_t mn = INT64_MAX, mx = 0, sum = 0;
	for (unsigned i = 1; i < p->n_short; i++) {
		int64_t d = p->short_starts[i] - p->short_starts[i - 1];
		mn = d < mn ? d : mn;
		mx = d > mx ? d : mx;
		sum += d;
	}
	int64_t period = sum / (p->n_short - 1);
	if (period < 200000 || mx > mn + mn / 4)
		return;
	char client[96], ied[128];
	flow_client_ip(f, client, sizeof(client));
	ied_label(flow_an_of(f)->ied, ied, sizeof(ied));
	struct finding *fd = flow_finding("retry_oscillation", SEV_MEDIUM, f, client, at);
	if (!fd)
		return;
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "client", client);
	jw_double(&w, "period_s", (double)period / 1e6);
	jw_u64(&w, "cycles", p->n_short);
	finding_details_end(&w, fd);
	finding_summary(fd,
			"%s connects to %s and the association fails every %s, again and again: a client "
			"retrying in a fixed cycle.",
			client, ied, DURATION(period));
	if (!p->oscillation_flagged)
		finding_commit(fd, at->ts_us);
	else
		finding_touch(fd, at->ts_us);
	p->oscillation_flagged = true;
}

static void lost(struct flow *f, struct assoc_track *t, enum flow_end why, const struct pkt_where *at)
{
	char client[96], ied[128];
	flow_client_ip(f, client, sizeof(client));
	ied_label(flow_an_of(f)->ied, ied, sizeof(ied));
	const char *by = t->closer == 1 ? "the IED" : "the client";
	bool reporting = t->reports > 0;
	/* A client that simply closes TCP on an idle association is sloppy, not a
	 * fault; losing one that carries reports, or the IED dropping it, is. */
	bool serious = reporting || t->closer == 1;
	struct finding *fd = flow_finding(serious ? "association_lost" : "association_closed_without_release",
					  serious ? SEV_MEDIUM : SEV_INFO, f, serious ? client : "", at);
	if (!fd)
		return;
	if (t->close_at.frame)
		finding_evidence(fd, &t->close_at);
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "ended_by",
	       t->closer < 0           ? (why == FLOW_END_TIMEOUT ? "timeout" : flow_end_name(why))
		       : t->closer_rst ? "tcp_rst"
				       : "tcp_fin");
	jw_str(&w, "closed_by", t->closer == 1 ? "ied" : t->closer == 0 ? "client" : "unknown");
	jw_u64(&w, "reports_received", t->reports);
	finding_details_end(&w, fd);
	/* Who closed is said only when the close was seen. */
	if (serious && t->closer < 0)
		finding_summary(
			fd,
			"The association between %s and %s ended without Conclude or abort, and no TCP "
			"close was seen (%s)%s.",
			client, ied, flow_end_name(why),
			reporting ? " while reports were enabled (an IED restart or a client crash looks like this)"
				  : "");
	else if (serious)
		finding_summary(
			fd, "The association between %s and %s ended without Conclude or abort: TCP %s by %s%s.",
			client, ied, t->closer_rst ? "reset" : "closed", by,
			reporting ? " while reports were enabled (an IED restart or a client crash looks like this)"
				  : "");
	else if (t->closer < 0)
		finding_summary(fd,
				"%llu association%s with %s ended without a Conclude and without a TCP close seen "
				"(last: %s, %s); no reports were flowing.",
				(unsigned long long)(fd->count + 1), fd->count ? "s" : "", ied, client,
				flow_end_name(why));
	else
		finding_summary(fd,
				"%llu association%s with %s ended by the client closing TCP without a Conclude "
				"(last: %s, TCP %s); no reports were flowing.",
				(unsigned long long)(fd->count + 1), fd->count ? "s" : "", ied, client,
				t->closer_rst ? "reset" : "close");
	finding_commit(fd, at->ts_us);
}

void assoc_flow_end(struct flow *f, enum flow_end why, const struct pkt_where *at)
{
	struct assoc_track *t = assoc_slot_of(f);
	if (!t)
		return;
	abort_flush(f, t);
	struct ied *d = flow_an_of(f)->ied;
	struct ied_assoc *ia = ia_of(d);
	const struct pkt_where *end_at = t->close_at.frame ? &t->close_at : at;
	bool by_ied = t->closer == 1;
	const char *end = NULL;
	if (why == FLOW_END_CAPTURE_END && t->phase != PH_REFUSED && t->phase != PH_ABORTED &&
	    t->phase != PH_RELEASED && t->closer < 0) {
		end = t->phase >= PH_UP ? "open at end of capture" : "incomplete at end of capture";
	} else if (t->syn && !t->established && !t->any_iso) {
		half_open(f, end_at);
		end = t->synack ? "half-open (SYN-ACK not acknowledged)" : "half-open (no SYN-ACK)";
	} else if (t->non_mms) {
		end = "not MMS";
	} else if (!t->any_iso) {
		storm_count(d, f, C_NO_MMS, end_at);
		struct finding *fd = finding_open("connection_without_mms", &d->ep, "", end_at->ts_us);
		if (fd) {
			fd->severity = SEV_INFO;
			finding_evidence(fd, &f->first);
			char ied[128];
			ied_label(d, ied, sizeof(ied));
			struct jw w;
			jw_init(&w, fd->details, sizeof(fd->details) - 1);
			jw_obj(&w, NULL);
			jw_u64(&w, "count", fd->count + 1);
			finding_details_end(&w, fd);
			finding_summary(fd,
					"%llu TCP connection%s to %s opened and closed without any COTP or MMS (port "
					"checks, health probes, or clients giving up).",
					(unsigned long long)(fd->count + 1), fd->count ? "s" : "", ied);
			finding_commit(fd, end_at->ts_us);
		}
		end = "TCP only, no MMS";
	} else if (t->phase == PH_REFUSED) {
		end = "refused";
	} else if (t->phase == PH_ABORTED) {
		end = "aborted";
	} else if (t->phase == PH_RELEASED) {
		end = "released";
	} else if (t->phase == PH_RELEASING) {
		/* Conclude (or RLRQ) asked, its answer never seen: say what was seen. */
		end = t->closer == 0     ? "release requested, then closed by the client"
			: t->closer == 1 ? "release requested, then closed by the IED"
					 : "release requested, no answer seen";
	} else if (t->phase < PH_UP && by_ied) {
		/* Accepted at TCP, then closed by the IED before answering: a refusal. */
		if (t->phase <= PH_COTP_CR)
			refused(f, t, "cotp", "the IED closed the connection after the COTP CR, without a CC", true,
				end_at);
		else if (t->phase <= PH_COTP_CC)
			refused(f, t, "session", "the IED closed the connection after the COTP CC, before the AARQ",
				true, end_at);
		else
			/* After the AARQ it may be authentication or parameters, not the
			 * limit: never infer a limit from it. */
			refused(f, t, "acse",
				t->auth_sent ? "the IED closed the connection after an AARQ with a password, "
					       "without an AARE (authentication refused)"
					     : "the IED closed the connection after the AARQ, without an AARE "
					       "(authentication or association parameters refused)",
				false, end_at);
		end = "refused";
	} else if (t->phase < PH_UP) {
		/* Who closed is said only when the close was seen. */
		end = t->closer == 0 ? "abandoned by the client before the association was up"
				     : "ended before the association was up (no close seen)";
	} else if (t->phase == PH_UP) {
		lost(f, t, why, end_at);
		end = t->reports || by_ied ? "lost (no Conclude)"
			: t->closer >= 0   ? "closed without Conclude"
					   : "ended without Conclude (no close seen)";
	}
	/* Short-lived failures feed the storm counters and the retry detector. */
	if ((t->phase == PH_REFUSED || t->phase == PH_ABORTED) && end_at->ts_us - f->first_ts < 5000000) {
		storm_count(d, f, C_SHORT, end_at);
		retry_check(f, end_at);
	}
	close_count(f, t);
	(void)ia;
	if (end) {
		/* How it ended, for the summary's and the store's association rows. */
		struct record rec = { .kind = REC_ASSOC_END, .flow = f, .at = *at };
		rec.u.assoc_end.how = end;
		bus_record(&rec);
	}
	if (t->prev)
		t->prev->next = t->next;
	else
		live = t->next;
	if (t->next)
		t->next->prev = t->prev;
	free(t);
	f->slot[assoc_slot] = NULL;
}

void assoc_tick(int64_t now)
{
	for (size_t i = 0; storms_active && i < n_ied_tab; i++)
		storm_close_if_over(ied_tab[i], now, false);
	for (struct assoc_track *t = live; t; t = t->next) {
		if (t->phase != PH_UP || t->idle_flagged || !t->last_pdu_ts ||
		    now - t->last_pdu_ts < g_rules.thr[THR_ASSOC_IDLE])
			continue;
		t->idle_flagged = true;
		struct flow *f = t->flow;
		char client[96], ied[128];
		flow_client_ip(f, client, sizeof(client));
		ied_label(flow_an_of(f)->ied, ied, sizeof(ied));
		struct finding *fd = flow_finding("association_idle", SEV_LOW, f, client, &t->last_at);
		if (fd) {
			finding_summary(fd,
					"The association between %s and %s has carried nothing for %s: it holds "
					"one of the IED's few association slots.",
					client, ied, DURATION(now - t->last_pdu_ts));
			finding_commit(fd, now);
		}
	}
}

void assoc_finish(int64_t now)
{
	for (size_t i = 0; i < n_ied_tab; i++)
		storm_close_if_over(ied_tab[i], now, true);
}

void assoc_free(void)
{
	for (size_t i = 0; i < n_ied_tab; i++) {
		ied_tab[i]->ied->slot[ia_ied_slot] = NULL;
		free(ied_tab[i]);
	}
	n_ied_tab = 0;
	storms_active = 0;
	free(pairs);
	pairs = NULL;
	n_pairs = 0;
	live = NULL;
}

const struct analyzer assoc_analyzer = {
	.name = "associations",
	.init = assoc_init,
	.tcp = assoc_tcp,
	.stream = assoc_stream,
	.assoc = assoc_event,
	.mms = assoc_mms,
	.flow_end = assoc_flow_end,
	.tick = assoc_tick,
	.finish = assoc_finish,
	.free = assoc_free,
};

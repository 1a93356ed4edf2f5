/* SPDX-License-Identifier: GPL-2.0-or-later */
/* clock.c - IED clock health: each IED's offset from the capture's clock, its
 * spread and drift, and what its TimeQuality says.
 *
 * Only times the server stamps count: the TimeOfEntry of a report, and the `t`
 * (UtcTime) values of reported data and of read responses. Never what a client
 * writes (an Operate's T travels client to server), never a CommandTermination
 * or LastApplError (their Oper carries the client's T: only "RPT" reports
 * count), never a read of a control object (its T is the client's too).
 *
 * Stamps sent late by design are kept out: a replay of entries already
 * delivered (reports.c tells), the `t` of members reported for GI or integrity
 * or with no ReasonCode (old values), and in read responses every `t` but one
 * that changed since the previous read of the same variable (a status read again
 * and again keeps its old stamp; a first read says nothing of its age). What is
 * left can still be late (BufTm bundling, transit, a backlog sent after a
 * reconnect, a polling period), which only makes a sample smaller: the estimate
 * is a high percentile per window, then the median of the windows
 * (clock_estimate.h). TimeQuality counts on every distinct stamp. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "analyze/clock_estimate.h"
#include "core/finding.h"
#include "core/ied.h"
#include "core/rules.h"
#include "dissectors/iec61850_report.h"
#include "dissectors/mms.h"
#include "util/grow.h"
#include "util/json.h"
#include "util/stats.h"

#define CLOCK_IEDS_MAX 1024         /* IEDs whose clock is followed; more: clock_table_full */
#define CLOCK_SEEN 64               /* recent distinct UtcTime values per IED */
#define CLOCK_JUDGE_US 3600000000ll /* a long (live) run is judged every hour too */
#define CLOCK_FLAGGED_EVIDENCE 4
#define CLOCK_READS 256 /* stamps remembered per IED from reads, by variable */
/* Days from 1970-01-01 to 1984-01-01, where TimeOfDay's days count from. */
#define DAYS_1970_TO_1984 5113

struct clock_read {
	uint64_t key, stamp;
};

/* What every stamp and sample touches comes first, in three cache lines (the
 * struct is aligned to a line): a report's stamps used to touch four or five
 * lines of it, spread over the struct (cachegrind, docs/performance.md). */
struct clock_ied {
	_Alignas(64) uint64_t *seen; /* CLOCK_SEEN, direct-mapped: raw UtcTime + 1 */
	uint64_t stamped;            /* distinct server-stamped UtcTimes (of them: unsync, failure below) */
	uint64_t samples;            /* offsets taken */
	int64_t last_ts;
	struct pkt_where last_at;
	/* The arrays below are allocated when first needed and grown up to their
	 * caps (an IED that reports without stamps, or for a short while, must not
	 * cost the 18 kB of a full reservoir: issue 17, per-IED memory). Their
	 * contents are exactly what fixed arrays of the cap would hold. */
	int64_t *res_v; /* res_cap of CLOCK_RESERVOIR */
	struct clock_reservoir res;
	/* the open window */
	int64_t win_start, win_len, win_first, win_last;
	int64_t *win_v; /* win_cap of CLOCK_WINDOW_SAMPLES */
	struct clock_reservoir win_res;
	uint16_t res_cap, win_cap, points_cap;
	uint16_t n_points;
	/* The rest: once per IED, per window or per judgement. */
	struct ied *ied;
	int64_t first_ts;
	struct pkt_where first_at;
	struct clock_point *points; /* points_cap of CLOCK_POINTS_MAX */
	struct clock_read *reads;   /* CLOCK_READS, last stamp per read variable (only an IED that is read) */
	uint64_t unsync, failure;   /* stamps whose TimeQuality says not synchronized, clock failure */
	uint8_t n_unsync_at, n_failure_at;
	struct pkt_where unsync_at[CLOCK_FLAGGED_EVIDENCE], failure_at[CLOCK_FLAGGED_EVIDENCE];
	bool flagged_offset, flagged_unsync, flagged_failure, flagged_drift;
};

static int ied_slot, txn_slot;
static struct clock_ied *clk[CLOCK_IEDS_MAX];
static size_t n_clk;
static bool capture_flagged;
static int64_t next_judge;

/* Room for element `need` in an array grown by doubling from 8 up to `max`
 * elements (util/grow.h; the caps are 16-bit here, to keep the struct's hot
 * lines short); false, and counted when memory is short. */
static bool room_for(void **arr, uint16_t *cap, size_t need, size_t max, size_t elem)
{
	size_t n = *cap;
	if (!grow_room(arr, &n, need, 8, max, elem)) {
		if (need < max)
			stat_inc(STAT_clock_table_full);
		return false;
	}
	*cap = (uint16_t)n;
	return true;
}

static struct clock_ied *clock_of(struct ied *d)
{
	struct clock_ied *c = d->slot[ied_slot];
	if (c)
		return c;
	/* aligned_alloc: the struct's lines (its size is a multiple of them) */
	if (n_clk == CLOCK_IEDS_MAX || !(c = aligned_alloc(_Alignof(struct clock_ied), sizeof(*c)))) {
		stat_inc(STAT_clock_table_full);
		return NULL;
	}
	memset(c, 0, sizeof(*c));
	c->ied = d;
	c->win_len = CLOCK_WINDOW_US;
	d->slot[ied_slot] = c;
	clk[n_clk++] = c;
	return c;
}

/* ---- windows: one point per window, for drift and the dashboard ---------------- */

static void window_close(struct clock_ied *c)
{
	if (!c->win_res.n)
		return;
	if (c->n_points == CLOCK_POINTS_MAX) {
		/* a long run: halve the resolution rather than forget its beginning */
		c->n_points = (uint16_t)clock_points_merge(c->points, c->n_points);
		/* Packet time is bounded (util/ptime.h) and a window closes only
		 * after its length has passed, so a run stops doubling long before
		 * the overflow; the end of the run closes one window without that
		 * condition, and a harness that ends many runs on one state (the
		 * fuzzer did) could double on. Saturate rather than overflow. */
		if (c->win_len <= INT64_MAX / 2)
			c->win_len *= 2;
		stat_inc(STAT_clock_points_merged);
	}
	if (!room_for((void **)&c->points, &c->points_cap, c->n_points, CLOCK_POINTS_MAX, sizeof(*c->points))) {
		memset(&c->win_res, 0, sizeof(c->win_res));
		return;
	}
	struct clock_point *p = &c->points[c->n_points++];
	p->ts = c->win_first + (c->win_last - c->win_first) / 2;
	p->offset = clock_percentile(c->win_v, c->win_res.n, CLOCK_PERCENTILE);
	p->samples = (uint32_t)(c->win_res.seen > UINT32_MAX ? UINT32_MAX : c->win_res.seen);
	memset(&c->win_res, 0, sizeof(c->win_res));
	/* the store keeps the points for the IED page's plot */
	struct record rec;
	memset(&rec, 0, sizeof(rec));
	rec.kind = REC_CLOCK;
	rec.at = c->last_at;
	rec.u.clock.ied = c->ied;
	rec.u.clock.ts = p->ts;
	rec.u.clock.offset_us = p->offset;
	rec.u.clock.samples = p->samples;
	bus_record(&rec);
}

static void add_sample(struct clock_ied *c, int64_t ied_us, const struct pkt_where *at)
{
	int64_t off = ied_us - at->ts_us;
	/* room first: a slot handed out must be written */
	if ((c->res.n < CLOCK_RESERVOIR &&
	     !room_for((void **)&c->res_v, &c->res_cap, c->res.n, CLOCK_RESERVOIR, sizeof(*c->res_v))) ||
	    (c->win_res.n < CLOCK_WINDOW_SAMPLES &&
	     !room_for((void **)&c->win_v, &c->win_cap, c->win_res.n, CLOCK_WINDOW_SAMPLES, sizeof(*c->win_v))))
		return;
	stat_inc(STAT_clock_samples);
	if (!c->samples) {
		c->first_ts = at->ts_us;
		c->first_at = *at;
	}
	c->samples++;
	c->last_ts = at->ts_us;
	c->last_at = *at;
	int i = clock_reservoir_slot(&c->res, CLOCK_RESERVOIR);
	if (i >= 0)
		c->res_v[i] = off;
	else
		stat_inc(STAT_clock_samples_sampled_out);
	if (c->win_res.n && at->ts_us - c->win_start >= c->win_len)
		window_close(c);
	if (!c->win_res.n) {
		c->win_start = c->win_first = at->ts_us;
	}
	c->win_last = at->ts_us;
	i = clock_reservoir_slot(&c->win_res, CLOCK_WINDOW_SAMPLES);
	if (i >= 0)
		c->win_v[i] = off;
}

/* ---- what the IED stamped ------------------------------------------------------- */

/* Where a UtcTime came from decides whether it reads the IED's clock now. */
struct stamp_ctx {
	struct clock_ied *c;
	const struct pkt_where *at;
	bool fresh;        /* a report member included for a change: stamped just now */
	bool read;         /* a read response: fresh only if it changed since the last read */
	uint64_t read_key; /* the read's variables (hash), with the stamp's ordinal mixed in */
	uint32_t ordinal;
};

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

/* A UtcTime value the IED stamped. */
static void utc_time(struct stamp_ctx *s, const struct mms_data *d)
{
	struct clock_ied *c = s->c;
	uint32_t secs, frac;
	uint8_t q;
	uint32_t ordinal = s->ordinal++;
	if (!mms_data_utc_time(d, &secs, &frac, &q))
		return;
	if (!secs && !frac)
		return; /* never stamped */
	if (!c->seen && !(c->seen = calloc(CLOCK_SEEN, sizeof(*c->seen)))) {
		stat_inc(STAT_clock_table_full);
		return;
	}
	uint64_t raw = ((uint64_t)secs << 32 | (uint64_t)frac << 8 | q) + 1;
	bool fresh = s->fresh;
	if (s->read) {
		/* A status read again keeps its old stamp, and the first read of any
		 * value says nothing of when it was stamped: only a stamp that changed
		 * since the previous read of the same variable was made since then. */
		uint64_t key = mix(s->read_key + ordinal) | 1;
		if (!c->reads && !(c->reads = calloc(CLOCK_READS, sizeof(*c->reads)))) {
			stat_inc(STAT_clock_table_full);
			return;
		}
		struct clock_read *r = &c->reads[key % CLOCK_READS];
		fresh = r->key == key && r->stamp != raw;
		r->key = key;
		r->stamp = raw;
	}
	uint64_t *slot = &c->seen[mix(raw) % CLOCK_SEEN];
	if (*slot == raw)
		return; /* the same stamp again: an old value, not a new reading of the clock */
	*slot = raw;
	c->stamped++;
	if (q & MMS_TQ_CLOCK_NOT_SYNCHRONIZED) {
		if (c->n_unsync_at < CLOCK_FLAGGED_EVIDENCE)
			c->unsync_at[c->n_unsync_at++] = *s->at;
		c->unsync++;
	}
	if (q & MMS_TQ_CLOCK_FAILURE) {
		if (c->n_failure_at < CLOCK_FLAGGED_EVIDENCE)
			c->failure_at[c->n_failure_at++] = *s->at;
		c->failure++;
	}
	if (fresh)
		add_sample(c, (int64_t)secs * 1000000 + (int64_t)(((uint64_t)frac * 1000000u) >> 24), s->at);
}

/* Every UtcTime inside one value (a structure walked level by level). */
static void utc_times_in(struct stamp_ctx *s, const struct mms_data *top)
{
	if (top->tag == MMS_DATA_UTC_TIME && !top->constructed) {
		utc_time(s, top);
		return;
	}
	if (!top->constructed || (top->tag != MMS_DATA_STRUCTURE && top->tag != MMS_DATA_ARRAY))
		return;
	struct rd stack[MMSW_BER_MAX_DEPTH];
	unsigned depth = 0;
	stack[0] = top->val;
	for (;;) {
		struct mms_data d;
		bool done = false;
		if (mms_data_next(&stack[depth], &d, &done) != BER_OK || done) {
			if (!depth)
				return;
			depth--;
			continue;
		}
		if (d.tag == MMS_DATA_UTC_TIME && !d.constructed)
			utc_time(s, &d);
		else if (d.constructed && (d.tag == MMS_DATA_STRUCTURE || d.tag == MMS_DATA_ARRAY) &&
			 depth + 1 < MMSW_BER_MAX_DEPTH)
			stack[++depth] = d.val;
	}
}

static void report_times(struct clock_ied *c, const struct iec_report *rep, bool replay, const struct pkt_where *at)
{
	if (replay)
		return; /* delivered before: its stamps are as old as the first delivery */
	uint32_t ms;
	bool has_days;
	uint16_t days;
	/* TimeOfEntry: when the entry was made. Zero is a stack that does not set it. */
	if (rep->has_time && mms_data_binary_time(&rep->time, &ms, &has_days, &days) && has_days && (days || ms) &&
	    ms < 86400000u)
		add_sample(c, ((int64_t)(DAYS_1970_TO_1984 + days) * 86400000 + ms) * 1000, at);
	const uint8_t live = TRG_MASK(TRG_DCHG) | TRG_MASK(TRG_QCHG) | TRG_MASK(TRG_DUPD);
	for (uint16_t i = 0; i < rep->n_members; i++) {
		const struct iec_report_member *m = &rep->members[i];
		/* a member included for a change was stamped just now; one included for
		 * GI or integrity, or with no ReasonCode, carries its last change's stamp
		 * (its TimeQuality still counts) */
		struct stamp_ctx s = { .c = c, .at = at, .fresh = (m->reasons & live) != 0 };
		utc_times_in(&s, &m->value);
	}
}

static uint64_t fnv(uint64_t h, const struct bview *v)
{
	for (size_t k = 0; k < v->len; k++)
		h = (h ^ v->p[k]) * 1099511628211ull;
	return (h ^ '/') * 1099511628211ull;
}

/* The read's variables as one number (the key its answers' stamps are
 * remembered by); 1 marks a read of a control object (FC CO: Oper, SBOw and
 * Cancel carry the client's T), whose answer is never used. */
static uintptr_t read_mark(const struct mms_pdu *p)
{
	if (p->n_objs < p->n_objs_total)
		return 1; /* names not kept: do not guess */
	uint64_t h = 1469598103934665603ull;
	for (uint16_t i = 0; i < p->n_objs; i++) {
		const struct bview *it = &p->objs[i].item;
		for (size_t k = 0; k + 3 <= it->len; k++)
			if (it->p[k] == '$' && it->p[k + 1] == 'C' && it->p[k + 2] == 'O' &&
			    (k + 3 == it->len || it->p[k + 3] == '$'))
				return 1;
		h = fnv(fnv(h, &p->objs[i].domain), it);
	}
	if (p->has_list_name) /* a dataset read (GetDataSetValues) */
		h = fnv(fnv(h, &p->list_name.domain), &p->list_name.item);
	return (uintptr_t)(h | 2);
}

static void read_times(struct clock_ied *c, const struct mms_pdu *p, uintptr_t mark, const struct pkt_where *at)
{
	struct stamp_ctx s = { .c = c, .at = at, .read = true, .read_key = (uint64_t)mark };
	struct rd list = p->data;
	for (;;) {
		struct mms_data d;
		bool done = false;
		if (mms_data_next(&list, &d, &done) != BER_OK || done)
			return;
		if (d.tag != MMS_DATA_ACCESS_FAILURE)
			utc_times_in(&s, &d);
	}
}

static void txn_release(struct mms_txn *t, void *state)
{
	(void)t;
	(void)state; /* a mark, not memory */
}

/* A report: the IED's clock state, as far as what each sample touches. */
static void clock_mms_soon(const struct flow *f, int dir, const struct mms_event *e)
{
	if (dir != 1 || !e->report || e->report_status != REPORT_OK || !f->ied)
		return;
	const char *c = f->ied->slot[ied_slot];
	if (!c)
		return;
	for (size_t at = 0; at < offsetof(struct clock_ied, ied); at += 64)
		__builtin_prefetch(c + at, 1);
}

static void clock_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at)
{
	const struct mms_pdu *p = e->pdu;
	if (p->defect)
		return;
	if (dir == 0) {
		/* what the read names, for its answer (a control object's: not used) */
		if (p->type == MMS_CONFIRMED_REQUEST && p->service == MMS_SVC_READ && e->txn)
			e->txn->slot[txn_slot] = (void *)read_mark(p);
		return;
	}
	bool replay;
	const struct iec_report *rep = NULL;
	if (p->type == MMS_UNCONFIRMED && p->service == MMS_USVC_INFORMATION_REPORT)
		rep = reports_current(e, &replay);
	uintptr_t mark = e->txn ? (uintptr_t)e->txn->slot[txn_slot] : 0;
	bool read = p->type == MMS_CONFIRMED_RESPONSE && p->service == MMS_SVC_READ && p->has_data && mark > 1;
	if (!rep && !read)
		return;
	struct ied *d = ied_of_flow(f);
	struct clock_ied *c = d ? clock_of(d) : NULL;
	if (!c)
		return;
	if (rep)
		report_times(c, rep, replay, at);
	else
		read_times(c, p, mark, at);
}

/* ---- judging -------------------------------------------------------------------- */

struct estimate {
	struct clock_ied *c;
	int64_t offset, spread;
};

static bool estimate(struct clock_ied *c, struct estimate *out)
{
	if (c->samples < (uint64_t)g_rules.thr[THR_CLOCK_MIN_SAMPLES] || !c->res.n)
		return false;
	static int64_t v[CLOCK_RESERVOIR];
	memcpy(v, c->res_v, c->res.n * sizeof(v[0]));
	out->c = c;
	clock_sort(v, c->res.n);
	int64_t high = clock_rank(v, c->res.n, CLOCK_PERCENTILE);
	out->spread = high - clock_rank(v, c->res.n, CLOCK_PERCENTILE_LOW);
	out->offset = high;
	if (c->n_points >= 3) {
		/* Each window counts once, however many samples it held: a burst of
		 * stale stamps (a BRCB backlog sent after a reconnect, a GI of old
		 * values) weighs as the moment it lasted, not as its number. */
		static int64_t w[CLOCK_POINTS_MAX];
		for (uint16_t i = 0; i < c->n_points; i++)
			w[i] = c->points[i].offset;
		out->offset = clock_percentile(w, c->n_points, 500);
	}
	return true;
}

static void details_common(struct jw *w, const struct estimate *e)
{
	jw_double(w, "offset_s", (double)e->offset / 1e6);
	jw_u64(w, "samples", e->c->samples);
	jw_double(w, "spread_s", (double)e->spread / 1e6);
}

static struct finding *open_on_ied(const char *kind, uint8_t sev, struct clock_ied *c)
{
	struct finding *fd = finding_open(kind, &c->ied->ep, "", c->first_ts);
	if (fd && !fd->count)
		fd->severity = sev;
	return fd;
}

static void offset_finding(const struct estimate *e, int64_t now)
{
	struct clock_ied *c = e->c;
	struct finding *fd = open_on_ied("ied_clock_offset", SEV_MEDIUM, c);
	if (!fd)
		return;
	c->flagged_offset = true;
	finding_evidence(fd, &c->first_at);
	finding_evidence(fd, &c->last_at);
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	details_common(&w, e);
	jw_double(&w, "threshold_s", (double)g_rules.thr[THR_CLOCK_OFFSET] / 1e6);
	finding_details_end(&w, fd);
	char name[128];
	ied_label(c->ied, name, sizeof(name));
	finding_summary(fd,
			"%s: the IED's clock is %+.3f s from the capture's (%llu server-stamped times, "
			"spread %.3f s); event timestamps from it are that far off. Check its SNTP/PTP source.",
			name, (double)e->offset / 1e6, (unsigned long long)c->samples, (double)e->spread / 1e6);
	finding_commit(fd, now);
}

static void capture_finding(const struct estimate *es, size_t n, int64_t now)
{
	struct endpoint none;
	memset(&none, 0, sizeof(none));
	int64_t first = es[0].c->first_ts;
	for (size_t i = 1; i < n; i++)
		if (es[i].c->first_ts < first)
			first = es[i].c->first_ts;
	struct finding *fd = finding_open("capture_clock_offset", &none, "", first);
	if (!fd)
		return;
	if (!fd->count)
		fd->severity = SEV_LOW;
	capture_flagged = true;
	static int64_t v[CLOCK_IEDS_MAX];
	uint64_t samples = 0;
	for (size_t i = 0; i < n; i++) {
		v[i] = es[i].offset;
		samples += es[i].c->samples;
	}
	clock_sort(v, n);
	int64_t lo = v[0], hi = v[n - 1], mid = clock_rank(v, n, 500);
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_double(&w, "offset_s", (double)mid / 1e6);
	jw_u64(&w, "samples", samples);
	jw_double(&w, "spread_s", (double)(hi - lo) / 1e6);
	jw_u64(&w, "ieds", n);
	finding_details_end(&w, fd);
	finding_summary(fd,
			"Every IED (%zu) is %+.3f s from the capture's clock: the sensor's own clock is the "
			"likelier culprit. Check its time synchronization before blaming the IEDs.",
			n, (double)mid / 1e6);
	finding_commit(fd, now);
}

static void quality_finding(struct clock_ied *c, bool failure, int64_t now)
{
	const char *kind = failure ? "ied_clock_failure" : "ied_clock_unsynchronized";
	struct finding *fd = open_on_ied(kind, failure ? SEV_HIGH : SEV_MEDIUM, c);
	if (!fd)
		return;
	if (failure)
		c->flagged_failure = true;
	else
		c->flagged_unsync = true;
	uint8_t n = failure ? c->n_failure_at : c->n_unsync_at;
	for (uint8_t i = 0; i < n; i++)
		finding_evidence(fd, failure ? &c->failure_at[i] : &c->unsync_at[i]);
	uint64_t flagged = failure ? c->failure : c->unsync;
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_u64(&w, "flagged", flagged);
	jw_u64(&w, "stamped", c->stamped);
	finding_details_end(&w, fd);
	char name[128];
	ied_label(c->ied, name, sizeof(name));
	if (failure)
		finding_summary(fd,
				"%s: %llu of %llu distinct timestamps the IED sent carry TimeQuality "
				"ClockFailure: its clock is not reliable.",
				name, (unsigned long long)flagged, (unsigned long long)c->stamped);
	else
		finding_summary(fd,
				"%s: %llu of %llu distinct timestamps the IED sent carry TimeQuality "
				"ClockNotSynchronized: its time source (SNTP/PTP) is not reached or not configured.",
				name, (unsigned long long)flagged, (unsigned long long)c->stamped);
	finding_commit(fd, now);
}

static void drift_finding(struct clock_ied *c, double ppm, const struct estimate *e, int64_t now)
{
	struct finding *fd = open_on_ied("ied_clock_drift", SEV_LOW, c);
	if (!fd)
		return;
	c->flagged_drift = true;
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_double(&w, "drift_ppm", ppm);
	jw_double(&w, "span_s", (double)(c->last_ts - c->first_ts) / 1e6);
	details_common(&w, e);
	finding_details_end(&w, fd);
	char name[128];
	ied_label(c->ied, name, sizeof(name));
	finding_summary(fd,
			"%s: the IED's clock drifts %+.1f ppm from the capture's over %.0f s: it is not "
			"being disciplined by a time source.",
			name, ppm, (double)(c->last_ts - c->first_ts) / 1e6);
	finding_commit(fd, now);
}

static void judge(int64_t now)
{
	int64_t thr = g_rules.thr[THR_CLOCK_OFFSET];
	static struct estimate es[CLOCK_IEDS_MAX];
	size_t n = 0, off = 0;
	for (size_t i = 0; i < n_clk; i++) {
		struct clock_ied *c = clk[i];
		if ((uint64_t)g_rules.thr[THR_CLOCK_QUALITY_MIN] <= c->failure && !c->flagged_failure)
			quality_finding(c, true, now);
		if ((uint64_t)g_rules.thr[THR_CLOCK_QUALITY_MIN] <= c->unsync && !c->flagged_unsync)
			quality_finding(c, false, now);
		if (!estimate(c, &es[n]))
			continue;
		if (llabs(es[n].offset) > thr)
			off++;
		n++;
	}
	/* Every IED off by the same amount: the sensor's clock, not theirs. One IED
	 * alone cannot tell the two apart, and is named. */
	if (n >= 2 && off == n) {
		int64_t lo = es[0].offset, hi = es[0].offset;
		for (size_t i = 1; i < n; i++) {
			if (es[i].offset < lo)
				lo = es[i].offset;
			if (es[i].offset > hi)
				hi = es[i].offset;
		}
		if (hi - lo <= thr) {
			if (!capture_flagged)
				capture_finding(es, n, now);
			return;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct clock_ied *c = es[i].c;
		if (llabs(es[i].offset) > thr && !c->flagged_offset)
			offset_finding(&es[i], now);
		double ppm;
		if (!c->flagged_drift && c->last_ts - c->first_ts >= g_rules.thr[THR_CLOCK_DRIFT_MIN_SPAN] &&
		    clock_drift_ppm(c->points, c->n_points, &ppm) &&
		    (ppm > (double)g_rules.thr[THR_CLOCK_DRIFT_PPM] || -ppm > (double)g_rules.thr[THR_CLOCK_DRIFT_PPM]))
			drift_finding(c, ppm, &es[i], now);
	}
}

/* ---- the analyzer ---------------------------------------------------------------- */

static void clock_init(void)
{
	ied_slot = bus_ied_slot("clock");
	txn_slot = bus_txn_slot("clock", txn_release);
}

static void clock_tick(int64_t now)
{
	for (size_t i = 0; i < n_clk; i++) {
		struct clock_ied *c = clk[i];
		if (c->win_res.n && now - c->win_start >= c->win_len)
			window_close(c);
	}
	if (!next_judge)
		next_judge = now + CLOCK_JUDGE_US;
	else if (now >= next_judge) {
		next_judge = now + CLOCK_JUDGE_US;
		judge(now);
	}
}

static void clock_finish(int64_t now)
{
	for (size_t i = 0; i < n_clk; i++)
		window_close(clk[i]);
	judge(now);
}

static void clock_free(void)
{
	for (size_t i = 0; i < n_clk; i++) {
		clk[i]->ied->slot[ied_slot] = NULL;
		free(clk[i]->res_v);
		free(clk[i]->win_v);
		free(clk[i]->points);
		free(clk[i]->seen);
		free(clk[i]->reads);
		free(clk[i]);
	}
	n_clk = 0;
	capture_flagged = false;
	next_judge = 0;
}

const struct analyzer clock_analyzer = {
	.name = "clock",
	.init = clock_init,
	.mms = clock_mms,
	.mms_soon = clock_mms_soon,
	.tick = clock_tick,
	.finish = clock_finish,
	.free = clock_free,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* visibility.c - a sensor that cannot read what it is given says so.
 *
 * mmswatch decodes MMS over TCP on the configured ports. Given a capture it has no
 * decoder for (an unknown link type or EtherType, MMS on a port nobody
 * configured), it used to decode nothing, print "0 findings" and pass any gate:
 * the worst failure a sensor can have. This analyzer watches for MMS and, when a
 * run (or, on a live sensor, `visibility.no_mms_timeout` of traffic) brings none,
 * says why from the tallies the stages keep (core/unread.h):
 *  - capture_not_understood (medium): frames were not understood; the details and
 *    one line on stderr name them with counts (link types, EtherTypes in hex, TCP
 *    ports whose payload looks like TPKT, ...), and a gate at medium fails;
 *  - no_mms_seen (info): every frame was of a kind the sensor reads, none MMS (only
 *    ARP, GOOSE, other TCP, ...); the details say what was there.
 * TLS on an MMS port counts as MMS seen: it is MMS the sensor cannot read by
 * design (IEC 62351-4), and the inventory says so.
 *
 * One silence is one finding: found on a tick once it has lasted the threshold,
 * kept current on every tick (counts, evidence) and at the end, and over when
 * MMS is seen again. Offline and live behave alike (packet time). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "analyze/analyze.h"
#include "core/finding.h"
#include "core/rules.h"
#include "core/unread.h"
#include "util/json.h"
#include "util/log.h"
#include "util/stats.h"
#include "util/duration.h"

/* Entries of each list written in a finding's details and summary (the tallies
 * hold more; the rest is counted). */
#define VIS_DETAILS_LIST_MAX 16
#define VIS_SUMMARY_LIST_MAX 4

/* Layers of the ISO stack on an MMS port that did not decode, by name. */
#define VIS_LAYERS_MAX 8

struct name_count {
	const char *name; /* static text */
	uint64_t n;
};

static struct {
	bool mms_ever;        /* an MMS PDU (or TLS on an MMS port) in the run */
	bool mms_lately;      /* ... since the last tick */
	uint64_t mms_pdus;    /* the mms_pdus counter when last looked at */
	const char *reported; /* the kind of this silence's finding, NULL none */
	bool closed;          /* ... and its aggregate closed: it was said */
	/* flows on MMS ports whose bytes did not decode, since MMS was last seen */
	uint64_t undecoded;
	struct pkt_where undecoded_first;
	uint16_t n_layers;
	struct name_count layers[VIS_LAYERS_MAX];
	/* other protocols found on MMS ports (S7comm): understood, not MMS */
	uint16_t n_protos;
	struct name_count protos[VIS_LAYERS_MAX];
} v;

static const char *const TCP_MMS = "TCP on MMS ports";

static bool anything_unread(void)
{
	return unread_any() || v.undecoded;
}

/* MMS was seen: the silence, if any, is over, and the tallies start again. Found
 * on the next tick, from the mms_pdus counter, not at every PDU: the tallies
 * then cover the time since the last second that held MMS, and a PDU costs
 * nothing here. */
static void mms_seen(void)
{
	v.mms_lately = false;
	v.mms_ever = true;
	v.reported = NULL;
	v.closed = false;
	v.undecoded = 0;
	v.n_layers = v.n_protos = 0;
	unread_reset();
}


/* Count under a name (static text) in a small list; past its cap, not named. */
static void count_name(uint16_t *n, struct name_count *list, const char *name)
{
	for (uint16_t i = 0; i < *n; i++)
		if (!strcmp(list[i].name, name)) {
			list[i].n++;
			return;
		}
	if (*n < VIS_LAYERS_MAX) {
		list[*n].name = name;
		list[(*n)++].n = 1;
	}
}

static void undecoded(const char *layer, const struct pkt_where *at)
{
	if (!v.undecoded++)
		v.undecoded_first = *at;
	count_name(&v.n_layers, v.layers, layer);
}

static void vis_stream(struct flow *f, int dir, const struct stream_event *e, const struct pkt_where *at)
{
	(void)f;
	(void)dir;
	if (e->kind == STREAM_EV_PROTOCOL && e->proto) {
		if (!strcmp(e->proto, "tls"))
			v.mms_lately = true;
		else if (!strcmp(e->proto, "not-iso"))
			undecoded("not-iso", at);
		else
			count_name(&v.n_protos, v.protos, e->proto);
	} else if (e->kind == STREAM_EV_MALFORMED && e->layer) {
		undecoded(e->layer, at);
	}
}

/* ---- the words ----------------------------------------------------------- */

struct text {
	char *buf;
	size_t len, cap;
};

static void say(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct text *t, const char *fmt, ...)
{
	if (t->len + 1 >= t->cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (w > 0)
		t->len = (size_t)w < t->cap - t->len ? t->len + (size_t)w : t->cap - 1;
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}


/* Items of a list in the sentence, "a, b and N more". */
struct items {
	struct text *t;
	unsigned n;
};

static void item(struct items *it, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void item(struct items *it, const char *fmt, ...)
{
	if (it->n++ >= VIS_SUMMARY_LIST_MAX)
		return;
	say(it->t, "%s", it->n > 1 ? ", " : "");
	if (it->t->len + 1 >= it->t->cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(it->t->buf + it->t->len, it->t->cap - it->t->len, fmt, ap);
	va_end(ap);
	if (w > 0)
		it->t->len = (size_t)w < it->t->cap - it->t->len ? it->t->len + (size_t)w : it->t->cap - 1;
}

static void items_end(struct items *it)
{
	if (it->n > VIS_SUMMARY_LIST_MAX)
		say(it->t, " and %u more", it->n - VIS_SUMMARY_LIST_MAX);
}

/* The sentence that opens both findings: how much traffic and for how long. */
static void opening(struct text *t, const struct unread *u, int64_t now)
{
	if (v.mms_ever) {
		say(t, "no MMS PDU decoded for %s (%llu frame%s since the last one)", DURATION(now - u->first.ts_us),
		    (unsigned long long)u->frames, plural(u->frames));
	} else {
		say(t, "no MMS PDU decoded in %llu frame%s", (unsigned long long)u->frames, plural(u->frames));
	}
}

static void not_understood_sentence(struct text *t, const struct unread *u, int64_t now)
{
	opening(t, u, now);
	say(t, "; the sensor could not read ");
	struct items it = { t, 0 };
	const struct unread_table *tb = &u->ethertypes;
	for (uint16_t i = 0; i < tb->n; i++)
		item(&it, "EtherType 0x%04x (%llu frame%s)", tb->e[i].key, (unsigned long long)tb->e[i].frames,
		     plural(tb->e[i].frames));
	tb = &u->tpkt_ports;
	for (uint16_t i = 0; i < tb->n; i++)
		item(&it, "TPKT on TCP port %u (%llu segment%s; not an MMS port: --mms-port %u)", tb->e[i].key,
		     (unsigned long long)tb->e[i].frames, plural(tb->e[i].frames), tb->e[i].key);
	tb = &u->link_types;
	for (uint16_t i = 0; i < tb->n; i++)
		item(&it, "link type %s (%u, %llu frame%s)", tb->e[i].name ? tb->e[i].name : "unknown", tb->e[i].key,
		     (unsigned long long)tb->e[i].frames, plural(tb->e[i].frames));
	if (u->vlan_too_deep)
		item(&it, "more than %d VLAN tags (%llu frame%s)", MMSW_MAX_VLAN, (unsigned long long)u->vlan_too_deep,
		     plural(u->vlan_too_deep));
	if (u->cut_short)
		item(&it, "frames cut short by the capture's snapshot length (%llu)", (unsigned long long)u->cut_short);
	if (v.undecoded) {
		char layers[128];
		struct text lt = { layers, 0, sizeof(layers) };
		layers[0] = 0;
		for (uint16_t i = 0; i < v.n_layers; i++)
			say(&lt, "%s%s %llu", i ? ", " : "", v.layers[i].name, (unsigned long long)v.layers[i].n);
		item(&it, "bytes on MMS ports that did not decode (%s)", layers);
	}
	uint64_t more = u->ethertypes.not_kept + u->tpkt_ports.not_kept + u->link_types.not_kept;
	if (more)
		item(&it, "%llu more frame%s of kinds past the tally's cap", (unsigned long long)more, plural(more));
	items_end(&it);
}

static void understood_sentence(struct text *t, const struct unread *u, int64_t now)
{
	opening(t, u, now);
	say(t, ", all of kinds the sensor reads: ");
	struct items it = { t, 0 };
	if (u->tcp_mms_port)
		item(&it, "%s (%llu frame%s)", TCP_MMS, (unsigned long long)u->tcp_mms_port, plural(u->tcp_mms_port));
	for (uint16_t i = 0; i < u->understood.n; i++)
		item(&it, "%s (%llu frame%s)", u->understood.e[i].name, (unsigned long long)u->understood.e[i].frames,
		     plural(u->understood.e[i].frames));
	items_end(&it);
	if (v.n_protos) {
		say(t, "; on MMS ports: ");
		for (uint16_t i = 0; i < v.n_protos; i++)
			say(t, "%s%s (%llu flow%s)", i ? ", " : "", v.protos[i].name, (unsigned long long)v.protos[i].n,
			    plural(v.protos[i].n));
	}
}

/* ---- the details ----------------------------------------------------------- */

static void list_understood(struct jw *w, const struct unread *u)
{
	jw_arr(w, "understood");
	if (u->tcp_mms_port) {
		jw_obj(w, NULL);
		jw_str(w, "what", TCP_MMS);
		jw_u64(w, "frames", u->tcp_mms_port);
		jw_obj_end(w);
	}
	for (uint16_t i = 0; i < u->understood.n && i < VIS_DETAILS_LIST_MAX; i++) {
		jw_obj(w, NULL);
		jw_str(w, "what", u->understood.e[i].name);
		jw_u64(w, "frames", u->understood.e[i].frames);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void not_understood_details(struct jw *w, const struct unread *u)
{
	char hex[8];
	jw_arr(w, "ethertypes");
	for (uint16_t i = 0; i < u->ethertypes.n && i < VIS_DETAILS_LIST_MAX; i++) {
		jw_obj(w, NULL);
		snprintf(hex, sizeof(hex), "0x%04x", u->ethertypes.e[i].key);
		jw_str(w, "ethertype", hex);
		jw_u64(w, "frames", u->ethertypes.e[i].frames);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_arr(w, "tpkt_ports");
	for (uint16_t i = 0; i < u->tpkt_ports.n && i < VIS_DETAILS_LIST_MAX; i++) {
		jw_obj(w, NULL);
		jw_u64(w, "port", u->tpkt_ports.e[i].key);
		jw_u64(w, "segments", u->tpkt_ports.e[i].frames);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_arr(w, "link_types");
	for (uint16_t i = 0; i < u->link_types.n && i < VIS_DETAILS_LIST_MAX; i++) {
		jw_obj(w, NULL);
		jw_u64(w, "dlt", u->link_types.e[i].key);
		jw_str(w, "name", u->link_types.e[i].name ? u->link_types.e[i].name : "unknown");
		jw_u64(w, "frames", u->link_types.e[i].frames);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_u64(w, "vlan_too_deep", u->vlan_too_deep);
	jw_u64(w, "cut_short", u->cut_short);
	jw_obj(w, "mms_port_not_decoded");
	for (uint16_t i = 0; i < v.n_layers; i++)
		jw_u64(w, v.layers[i].name, v.layers[i].n);
	jw_obj_end(w);
	/* entries past the details' lists and keys past the tallies' caps */
	uint64_t more = u->ethertypes.not_kept + u->tpkt_ports.not_kept + u->link_types.not_kept;
	const struct unread_table *lists[] = { &u->ethertypes, &u->tpkt_ports, &u->link_types };
	for (size_t l = 0; l < 3; l++)
		for (uint16_t i = VIS_DETAILS_LIST_MAX; i < lists[l]->n; i++)
			more += lists[l]->e[i].frames;
	jw_u64(w, "frames_not_listed", more);
}

/* Evidence: the first frame of everything not understood (or, when all was
 * understood, of everything seen), then the latest frame. */
static void evidence(struct finding *fd, const struct unread *u, bool unread)
{
	if (unread) {
		const struct unread_table *lists[] = { &u->ethertypes, &u->tpkt_ports, &u->link_types };
		for (size_t l = 0; l < 3; l++)
			for (uint16_t i = 0; i < lists[l]->n; i++)
				finding_evidence(fd, &lists[l]->e[i].first);
		if (u->vlan_too_deep)
			finding_evidence(fd, &u->vlan_too_deep_first);
		if (u->cut_short)
			finding_evidence(fd, &u->cut_short_first);
		if (v.undecoded)
			finding_evidence(fd, &v.undecoded_first);
	} else {
		if (u->tcp_mms_port)
			finding_evidence(fd, &u->tcp_mms_port_first);
		for (uint16_t i = 0; i < u->understood.n; i++)
			finding_evidence(fd, &u->understood.e[i].first);
	}
	finding_evidence(fd, &u->last);
}

/* ---- the verdict ----------------------------------------------------------- */

/* Make the finding of this silence (and say it on stderr), or bring it up to
 * date: its summary, details and evidence always describe the whole silence. */
static void judge(int64_t now)
{
	const struct unread *u = unread_get();
	bool unread = anything_unread();
	const char *kind = unread ? "capture_not_understood" : "no_mms_seen";
	/* Escalation: a silence found understood that later holds unread frames gets
	 * its capture_not_understood; the reverse cannot happen (tallies only grow). */
	bool fresh = v.reported != kind;
	if (!fresh && v.closed)
		return;
	struct endpoint none;
	memset(&none, 0, sizeof(none));
	struct finding *fd = finding_open(kind, &none, "", fresh ? u->first.ts_us : now);
	if (!fd)
		return;
	if (!fresh && !fd->count) {
		/* this silence's finding closed (no frame for a whole window): it was
		 * said; the empty aggregate just opened is never published */
		v.closed = true;
		return;
	}
	if (fresh)
		fd->severity = unread ? SEV_MEDIUM : SEV_INFO;
	char sentence[FINDING_SUMMARY_MAX];
	struct text t = { sentence, 0, sizeof(sentence) };
	if (unread)
		not_understood_sentence(&t, u, now);
	else
		understood_sentence(&t, u, now);
	say(&t, ".");
	finding_summary(fd, "%c%s", sentence[0] >= 'a' && sentence[0] <= 'z' ? sentence[0] - 'a' + 'A' : sentence[0],
			sentence + 1);
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_u64(&w, "frames", u->frames);
	if (unread)
		not_understood_details(&w, u);
	list_understood(&w, u);
	if (v.mms_ever)
		jw_bool(&w, "mms_seen_before", true);
	finding_details_end(&w, fd);
	fd->n_evidence = 0; /* the latest frame moves on: the list is made again */
	fd->evidence_total = 0;
	evidence(fd, u, unread);
	if (!fresh) {
		finding_touch(fd, now);
		return;
	}
	finding_commit(fd, now);
	v.reported = kind;
	v.closed = false;
	/* People running the sensor read stderr first: one line, the same sentence. */
	if (t.len && sentence[t.len - 1] == '.')
		sentence[t.len - 1] = 0;
	if (unread)
		log_warn("%s [capture_not_understood]", sentence);
	else
		log_info("%s [no_mms_seen]", sentence);
}

static bool silent_long_enough(int64_t now)
{
	const struct unread *u = unread_get();
	return u->frames && now - u->first.ts_us >= g_rules.thr[THR_NO_MMS_TIMEOUT];
}

/* MMS since the last look: a PDU decoded, a TLS flow found, TLS bytes, or (with
 * --shard) frames of MMS connections another shard reads: each shard then sees
 * a silence only when the whole capture has one, and says it once, in the shard
 * that holds the frames (shard 0 for what is not MMS). */
static void look_for_mms(void)
{
	if (g_stats[STAT_mms_pdus] != v.mms_pdus) {
		v.mms_pdus = g_stats[STAT_mms_pdus];
		v.mms_lately = true;
	}
	if (v.mms_lately || unread_get()->encrypted_mms || unread_get()->mms_elsewhere)
		mms_seen();
}

static void vis_tick(int64_t now)
{
	look_for_mms();
	if (v.reported || silent_long_enough(now))
		judge(now);
}

static void vis_finish(int64_t now)
{
	look_for_mms();
	/* At the end of input a run that never saw MMS is judged whatever its length;
	 * one that did, only for a silence that lasted the threshold. */
	if (v.reported || (unread_get()->frames && !v.mms_ever) || silent_long_enough(now))
		judge(now);
}

/* A run starts with nothing seen (and so does every test's bus). */
static void vis_free(void)
{
	memset(&v, 0, sizeof(v));
	v.mms_pdus = g_stats[STAT_mms_pdus];
	unread_reset();
}

const struct analyzer visibility_analyzer = {
	.name = "visibility",
	.init = vis_free,
	.stream = vis_stream,
	.tick = vis_tick,
	.finish = vis_finish,
	.free = vis_free,
};

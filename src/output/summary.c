/* SPDX-License-Identifier: GPL-2.0-or-later */
/* summary.c - the end-of-run summary; see summary.h. */
#include "output/summary.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bus.h"
#include "core/finding.h"
#include "core/order.h"
#include "core/shard.h"
#include "core/summary_parts.h"
#include "dissectors/acse.h"
#include "dissectors/iec61850_report.h"
#include "dissectors/mms.h"
#include "util/grow.h"
#include "util/stats.h"

#define MAX_IEDS 4096
#define MAX_ASSOCS 20000
#define MAX_SERVICE 128 /* confirmed service tags kept apart; above are "other" */

struct ied {
	uint8_t ipver, n_vlan;
	uint16_t vlan[MMSW_MAX_VLAN];
	uint8_t ip[16];
	uint16_t port;
	uint64_t pdus, bytes, assocs, malformed;
	uint64_t by_type[MMS_PDU_TYPE_COUNT];
	uint64_t requests[MAX_SERVICE + 1];
	uint64_t unconfirmed[4];
	struct order_key first; /* when the run first saw it (core/order.h) */
};

struct assoc_row {
	uint64_t flow_id;
	uint32_t ied; /* index into ieds */
	uint8_t ipver;
	uint8_t client_ip[16];
	uint16_t client_port;
	int64_t start, end;
	uint64_t pdus[2], reports, errors;
	uint64_t gap_bytes;
	uint8_t proto;
	bool midstream, ended, concluded, aborted, rejected;
	uint8_t end_why;
	const char *assoc_end;
	struct order_key first;
};

static const struct input_set *inputs;
/* Both tables grow by doubling up to their caps (util/grow.h): allocated whole
 * (4 and 3 MB), every run paid for zeroing them, and a fuzz input was mostly
 * that. Out of memory counts as a full table. */
static struct ied *ieds;
static size_t n_ieds, cap_ieds, ieds_dropped;
static struct assoc_row *rows;
static size_t n_rows, cap_rows, rows_dropped;

/* A flow's row: 1-based index into rows (UINT32_MAX: the table was full), kept in
 * the summary's flow slot. */
static int row_slot;
static uint32_t row_index(const struct flow *f)
{
	return (uint32_t)(uintptr_t)f->slot[row_slot];
}
static void row_index_set(struct flow *f, uint32_t i)
{
	f->slot[row_slot] = (void *)(uintptr_t)i;
}

void summary_init(const struct input_set *files)
{
	inputs = files;
}

void summary_free(void)
{
	free(ieds);
	free(rows);
	ieds = NULL;
	rows = NULL;
	n_ieds = n_rows = cap_ieds = cap_rows = 0;
}

static uint32_t ied_of(const struct flow *f)
{
	int srv = 1 - f->client;
	for (size_t i = 0; i < n_ieds; i++) {
		struct ied *d = &ieds[i];
		if (d->port == f->key.port[srv] && d->ipver == f->key.ipver && d->n_vlan == f->key.n_vlan &&
		    !memcmp(d->vlan, f->key.vlan, sizeof(d->vlan)) && !memcmp(d->ip, f->key.ip[srv], 16))
			return (uint32_t)i;
	}
	if (!grow_room((void **)&ieds, &cap_ieds, n_ieds, 16, MAX_IEDS, sizeof(*ieds))) {
		ieds_dropped++;
		return UINT32_MAX;
	}
	struct ied *d = &ieds[n_ieds];
	memset(d, 0, sizeof(*d));
	d->ipver = f->key.ipver;
	d->n_vlan = f->key.n_vlan;
	memcpy(d->vlan, f->key.vlan, sizeof(d->vlan));
	memcpy(d->ip, f->key.ip[srv], 16);
	d->port = f->key.port[srv];
	d->first = order_now();
	return (uint32_t)n_ieds++;
}

/* The association row of a flow, created when it first carries ISO traffic. */
static struct assoc_row *row_of(struct flow *f)
{
	uint32_t i = row_index(f);
	if (i)
		return i <= n_rows ? &rows[i - 1] : NULL;
	if (!grow_room((void **)&rows, &cap_rows, n_rows, 16, MAX_ASSOCS, sizeof(*rows))) {
		rows_dropped++;
		row_index_set(f, UINT32_MAX);
		return NULL;
	}
	uint32_t ied = ied_of(f);
	if (ied == UINT32_MAX)
		return NULL;
	struct assoc_row *r = &rows[n_rows++];
	memset(r, 0, sizeof(*r));
	r->flow_id = f->id;
	r->ied = ied;
	r->ipver = f->key.ipver;
	memcpy(r->client_ip, f->key.ip[f->client], 16);
	r->client_port = f->key.port[f->client];
	r->start = f->first_ts;
	r->end = f->last_ts;
	r->first = order_now();
	ieds[ied].assocs++;
	row_index_set(f, (uint32_t)n_rows);
	return r;
}

void summary_stream(struct flow *f, int dir, const struct stream_event *e, const struct pkt_where *at)
{
	(void)dir;
	(void)at;
	if (e->kind != STREAM_EV_GAP && e->kind != STREAM_EV_PICKUP)
		return;
	struct assoc_row *r = row_of(f);
	if (!r)
		return;
	if (e->kind == STREAM_EV_GAP)
		r->gap_bytes += e->bytes;
	else
		r->midstream = true;
}

void summary_assoc(struct flow *f, int dir, const struct assoc_event *e, const struct pkt_where *at)
{
	(void)dir;
	(void)at;
	struct assoc_row *r = row_of(f);
	if (!r || e->kind != ASSOC_EV_ACSE)
		return;
	if (e->acse->type == ACSE_ABRT)
		r->aborted = true;
	if (e->acse->type == ACSE_AARE && e->acse->has_result && e->acse->result != 0)
		r->rejected = true;
}

void summary_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at)
{
	struct assoc_row *r = row_of(f);
	if (!r)
		return;
	const struct mms_pdu *p = e->pdu;
	struct ied *d = &ieds[r->ied];
	r->pdus[dir]++;
	r->end = at->ts_us;
	d->pdus++;
	d->bytes += e->size;
	if (p->defect)
		d->malformed++;
	d->by_type[p->type]++;
	if (p->type == MMS_CONFIRMED_REQUEST && p->service >= 0)
		d->requests[p->service < MAX_SERVICE ? p->service : MAX_SERVICE]++;
	if (p->type == MMS_UNCONFIRMED && p->service >= 0) {
		d->unconfirmed[p->service < 3 ? p->service : 3]++;
		if (iec_report_is_rpt(p))
			r->reports++;
	}
	if (p->type == MMS_CONFIRMED_ERROR || p->type == MMS_REJECT || p->type == MMS_INITIATE_ERROR)
		r->errors++;
	if (p->type == MMS_CONCLUDE_RESPONSE)
		r->concluded = true;
}

void summary_tcp(struct flow *f, int dir, enum tcp_ev kind, const struct pkt_where *at)
{
	(void)f;
	(void)dir;
	(void)kind;
	(void)at;
}

void summary_flow_end(struct flow *f, enum flow_end why, const struct pkt_where *at)
{
	uint32_t i = row_index(f);
	if (!i || i > n_rows)
		return;
	struct assoc_row *r = &rows[i - 1];
	r->ended = true;
	r->end_why = (uint8_t)why;
	r->end = f->last_ts > r->end ? f->last_ts : r->end;
	r->proto = app_proto_of(f);
	(void)at;
}

static void ts_text(int64_t us, char *buf, size_t size)
{
	time_t t = (time_t)(us / 1000000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
}

static void addr_text(uint8_t ipver, const uint8_t *ip, uint16_t port, char *buf, size_t size)
{
	char a[64];
	struct flow tmp;
	memset(&tmp.key, 0, sizeof(tmp.key));
	tmp.key.ipver = ipver;
	memcpy(tmp.key.ip[0], ip, 16);
	flow_addr_text(&tmp, 0, a, sizeof(a));
	snprintf(buf, size, ipver == 6 ? "[%s]:%u" : "%s:%u", a, port);
}

static const char *end_text(const struct assoc_row *r)
{
	if (!r->ended)
		return "open";
	if (r->assoc_end)
		return r->assoc_end;
	if (r->rejected)
		return "rejected";
	if (r->aborted)
		return "aborted";
	if (r->concluded)
		return "concluded";
	return flow_end_name((enum flow_end)r->end_why);
}

/* ---- the headings: a single run's numbers, or a --shards job's sums ------------- */

void summary_print_head(FILE *out, const struct summary_totals *t)
{
	if (!t->live)
		fprintf(out, "mmswatch: %llu packet%s in %llu file%s, ", (unsigned long long)t->packets,
			t->packets == 1 ? "" : "s", (unsigned long long)t->files, t->files == 1 ? "" : "s");
	else
		fprintf(out, "mmswatch: %llu packet%s captured live, ", (unsigned long long)t->packets,
			t->packets == 1 ? "" : "s");
	char plcs[32] = "";
	if (t->plcs)
		snprintf(plcs, sizeof(plcs), "%llu PLC%s, ", (unsigned long long)t->plcs, t->plcs == 1 ? "" : "s");
	fprintf(out, "%llu IED%s, %s%llu connection%s, %llu MMS PDU%s\n", (unsigned long long)t->ieds,
		t->ieds == 1 ? "" : "s", plcs, (unsigned long long)t->connections, t->connections == 1 ? "" : "s",
		(unsigned long long)t->mms_pdus, t->mms_pdus == 1 ? "" : "s");
}

void summary_print_rows_head(FILE *out, const struct summary_totals *t)
{
	if (t->connections)
		fprintf(out, "\n%-4s %-22s %-22s %-19s %9s %7s %7s %8s  %s\n", "#", "client", "IED", "start (UTC)",
			"seconds", "PDUs", "reports", "lost B", "end");
}

void summary_print_rows_more(FILE *out, uint64_t more)
{
	fprintf(out, "... %llu more connections (see --eve for all)\n", (unsigned long long)more);
}

void summary_print_streams(FILE *out, const struct summary_totals *t)
{
	if (t->rows_dropped || t->ieds_dropped)
		fprintf(out, "(summary tables full: %llu connections and %llu IEDs not listed)\n",
			(unsigned long long)t->rows_dropped, (unsigned long long)t->ieds_dropped);
	fprintf(out,
		"\nstreams: %llu gap%s (%llu byte%s lost in capture), %llu mid-stream pickup%s, %llu MMS PDU%s malformed\n",
		(unsigned long long)t->gaps, t->gaps == 1 ? "" : "s", (unsigned long long)t->gap_bytes,
		t->gap_bytes == 1 ? "" : "s", (unsigned long long)t->pickups, t->pickups == 1 ? "" : "s",
		(unsigned long long)t->malformed, t->malformed == 1 ? "" : "s");
}

void summary_print_findings_head(FILE *out, const struct summary_totals *t)
{
	uint64_t total = 0;
	for (int s = 0; s < SEV_COUNT; s++)
		total += t->findings[s];
	fprintf(out, "\nfindings: %llu (critical %llu, high %llu, medium %llu, low %llu, info %llu)\n",
		(unsigned long long)total, (unsigned long long)t->findings[SEV_CRITICAL],
		(unsigned long long)t->findings[SEV_HIGH], (unsigned long long)t->findings[SEV_MEDIUM],
		(unsigned long long)t->findings[SEV_LOW], (unsigned long long)t->findings[SEV_INFO]);
}

void summary_print_findings_more(FILE *out, uint64_t more)
{
	fprintf(out, "  ... %llu more (see --eve)\n", (unsigned long long)more);
}

void summary_print_limits(FILE *out, const struct summary_totals *t)
{
	bool lim = false;
	for (int i = 0; i < STAT_COUNT; i++)
		if (stat_is_limit((enum stat_id)i) && t->limits[i]) {
			fprintf(out, "%s%s %llu", lim ? ", " : "limits hit: ", stat_name((enum stat_id)i),
				(unsigned long long)t->limits[i]);
			lim = true;
		}
	if (lim)
		fputc('\n', out);
}

/* ---- this run's parts ----------------------------------------------------------- */

struct find_ctx {
	FILE *out;
	uint8_t sev;
	unsigned shown;
};

static void print_finding(const struct finding_brief *f, void *arg)
{
	struct find_ctx *c = arg;
	if (f->severity != c->sev)
		return;
	char ied[96] = "-"; /* no address: a finding about the whole capture or the sensor */
	if (f->ied.ipver)
		endpoint_text(&f->ied, ied, sizeof(ied));
	if (summary_parts())
		parts_piece(c->out, SEV_CRITICAL - f->severity, &f->first);
	else if (c->shown >= SUMMARY_FINDINGS_SHOWN) {
		c->shown++;
		return;
	}
	c->shown++;
	fprintf(c->out, "  %-8s %-28s %-22s x%-4llu %s\n", severity_name(f->severity), f->kind, ied,
		(unsigned long long)f->count, f->summary ? f->summary : "");
}

static void print_findings(FILE *out, const struct summary_totals *t)
{
	if (summary_parts()) {
		parts_section(out, "findings");
		for (int s = 0; s < SEV_COUNT; s++)
			parts_sum(out, severity_name((uint8_t)s), t->findings[s]);
	} else
		summary_print_findings_head(out, t);
	struct find_ctx c = { out, 0, 0 };
	for (int s = SEV_CRITICAL; s >= SEV_INFO; s--) {
		c.sev = (uint8_t)s;
		findings_foreach(print_finding, &c);
	}
	if (!summary_parts() && c.shown > SUMMARY_FINDINGS_SHOWN)
		summary_print_findings_more(out, c.shown - SUMMARY_FINDINGS_SHOWN);
}

/* A server that spoke S7comm and no MMS is a PLC (Siemens S7), not an IED.
 * Returns a flag per IED (NULL when out of memory: none is a PLC). */
static bool *find_plcs(size_t *n_plcs)
{
	bool *plc = calloc(n_ieds ? n_ieds : 1, sizeof(*plc));
	*n_plcs = 0;
	if (!plc)
		return NULL;
	for (size_t i = 0; i < n_rows; i++)
		if (rows[i].ied < n_ieds && (rows[i].proto == APP_S7COMM || rows[i].proto == APP_S7COMM_PLUS))
			plc[rows[i].ied] = true;
	for (size_t i = 0; i < n_rows; i++)
		if (rows[i].ied < n_ieds && rows[i].proto == APP_TLS)
			plc[rows[i].ied] = false;
	for (size_t i = 0; i < n_ieds; i++) {
		if (plc[i] && ieds[i].pdus)
			plc[i] = false;
		*n_plcs += plc[i];
	}
	return plc;
}

static void print_ied(FILE *out, const struct ied *d, bool plc)
{
	char a[96];
	addr_text(d->ipver, d->ip, d->port, a, sizeof(a));
	fprintf(out, "\n%s %s", plc ? "PLC" : "IED", a);
	if (d->n_vlan) {
		fprintf(out, " vlan");
		for (unsigned v = 0; v < d->n_vlan; v++)
			fprintf(out, "%s%u", v ? "." : " ", d->vlan[v]);
	}
	if (plc) {
		fprintf(out, ": %llu connection%s, S7comm, no MMS\n", (unsigned long long)d->assocs,
			d->assocs == 1 ? "" : "s");
		return;
	}
	fprintf(out, ": %llu connection%s, %llu PDU%s, %llu byte%s of MMS", (unsigned long long)d->assocs,
		d->assocs == 1 ? "" : "s", (unsigned long long)d->pdus, d->pdus == 1 ? "" : "s",
		(unsigned long long)d->bytes, d->bytes == 1 ? "" : "s");
	if (d->malformed)
		fprintf(out, ", %llu malformed", (unsigned long long)d->malformed);
	fputc('\n', out);
	for (int t = 0; t < MMS_PDU_TYPE_COUNT; t++)
		if (d->by_type[t])
			fprintf(out, "  %-20s %llu\n", mms_pdu_name((uint8_t)t), (unsigned long long)d->by_type[t]);
	bool any = false;
	for (int s = 0; s <= MAX_SERVICE; s++)
		if (d->requests[s]) {
			const char *n = s < MAX_SERVICE ? mms_service_name(MMS_CONFIRMED_REQUEST, s) : NULL;
			fprintf(out, "%s%s %llu", any ? ", " : "  requests: ", n ? n : "other",
				(unsigned long long)d->requests[s]);
			any = true;
		}
	if (any)
		fputc('\n', out);
	for (int s = 0; s < 3; s++)
		if (d->unconfirmed[s])
			fprintf(out, "  unconfirmed: %s %llu\n", mms_service_name(MMS_UNCONFIRMED, s),
				(unsigned long long)d->unconfirmed[s]);
}

/* A connection's row after its number. */
static void print_row(FILE *out, const struct assoc_row *r)
{
	const struct ied *d = &ieds[r->ied];
	char c[96], s[96], t[32];
	addr_text(r->ipver, r->client_ip, r->client_port, c, sizeof(c));
	addr_text(d->ipver, d->ip, d->port, s, sizeof(s));
	ts_text(r->start, t, sizeof(t));
	fprintf(out, "%-22s %-22s %-19s %9.3f %7llu %7llu %8llu  %s%s%s\n", c, s, t, (double)(r->end - r->start) / 1e6,
		(unsigned long long)(r->pdus[0] + r->pdus[1]), (unsigned long long)r->reports,
		(unsigned long long)r->gap_bytes, end_text(r), r->midstream ? ", picked up mid-stream" : "",
		r->proto != APP_MMS && r->proto != APP_UNKNOWN && r->proto != APP_ISO
			? (r->proto == APP_TLS                                             ? ", TLS"
				   : r->proto == APP_S7COMM || r->proto == APP_S7COMM_PLUS ? ", S7comm"
											   : ", not ISO")
			: "");
}

/* This run's numbers for the headings. */
static void totals_of_run(struct summary_totals *t, size_t n_plcs)
{
	memset(t, 0, sizeof(*t));
	t->live = !(inputs && inputs->n);
	t->files = inputs ? inputs->n : 0;
	t->packets = g_stats[STAT_packets];
	t->ieds = n_ieds - n_plcs;
	t->plcs = n_plcs;
	t->connections = n_rows;
	t->mms_pdus = g_stats[STAT_mms_pdus];
	t->rows_dropped = rows_dropped;
	t->ieds_dropped = ieds_dropped;
	t->gaps = g_stats[STAT_tcp_gaps];
	t->gap_bytes = g_stats[STAT_tcp_gap_bytes];
	t->pickups = g_stats[STAT_midstream_pickups];
	t->malformed = g_stats[STAT_mms_malformed];
	for (int s = 0; s < SEV_COUNT; s++)
		t->findings[s] = findings_count((uint8_t)s);
	for (int i = 0; i < STAT_COUNT; i++)
		if (stat_is_limit((enum stat_id)i))
			t->limits[i] = g_stats[i];
}

/* The totals' names in parts, by section: what summary_print writes for a
 * --shards job's merge and summary_totals_of_job reads back. */
static const struct {
	const char *section, *name;
	size_t off;
	bool same; /* every process counts it alike: the largest, not the sum */
} TOTALS[] = {
#define TOTAL(sec, field, same) \
	{ \
		sec, #field, offsetof(struct summary_totals, field), same \
	}
	TOTAL("head", packets, false), /* each process's own: print_parts */
	TOTAL("head", files, true),
	TOTAL("head", live, true),
	TOTAL("head", ieds, false),
	TOTAL("head", plcs, false),
	TOTAL("head", connections, false),
	TOTAL("head", mms_pdus, false),
	TOTAL("streams", rows_dropped, false),
	TOTAL("streams", ieds_dropped, false),
	TOTAL("streams", gaps, false),
	TOTAL("streams", gap_bytes, false),
	TOTAL("streams", pickups, false),
	TOTAL("streams", malformed, false),
#undef TOTAL
};

static uint64_t *total_at(struct summary_totals *t, size_t i)
{
	return (uint64_t *)((char *)t + TOTALS[i].off);
}

/* A section of the parts, with its totals. */
static void parts_totals(FILE *out, const char *section, const struct summary_totals *t)
{
	parts_section(out, section);
	for (size_t i = 0; i < sizeof(TOTALS) / sizeof(TOTALS[0]); i++)
		if (!strcmp(TOTALS[i].section, section)) {
			uint64_t v = *(const uint64_t *)((const char *)t + TOTALS[i].off);
			(TOTALS[i].same ? parts_same : parts_sum)(out, TOTALS[i].name, v);
		}
}

void summary_totals_of_job(struct summary_totals *t, uint64_t (*get)(const char *section, const char *name, void *arg),
			   void *arg)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < sizeof(TOTALS) / sizeof(TOTALS[0]); i++)
		*total_at(t, i) = get(TOTALS[i].section, TOTALS[i].name, arg);
	for (int s = 0; s < SEV_COUNT; s++)
		t->findings[s] = get("findings", severity_name((uint8_t)s), arg);
	for (int i = 0; i < STAT_COUNT; i++)
		if (stat_is_limit((enum stat_id)i))
			t->limits[i] = get("limits", stat_name((enum stat_id)i), arg);
}

/* The numbers and pieces of this run's summary for a --shards job's merge
 * (core/summary_parts.h): every IED and connection, no caps. */
static void print_parts(FILE *out, const struct summary_totals *t, const bool *plc)
{
	/* The frames this process handled itself: offline every process reads
	 * every frame, live each gets what its kernel filter passes (and shard 0
	 * other shards' association openings too), and either way each frame is
	 * one process's own: their sum is the input's frames. */
	struct summary_totals own = *t;
	uint64_t left = shard_frames_left();
	own.packets = own.packets > left ? own.packets - left : 0;
	parts_totals(out, "head", &own);
	parts_section(out, "ieds");
	for (size_t i = 0; i < n_ieds; i++) {
		parts_piece(out, 0, &ieds[i].first);
		print_ied(out, &ieds[i], plc && plc[i]);
	}
	parts_section(out, "connections");
	for (size_t i = 0; i < n_rows; i++) {
		parts_piece(out, 0, &rows[i].first);
		print_row(out, &rows[i]);
	}
	parts_totals(out, "streams", t);
	bus_print(out); /* each block a section (core/bus.c) */
	print_findings(out, t);
	parts_section(out, "limits");
	for (int i = 0; i < STAT_COUNT; i++)
		if (t->limits[i])
			parts_sum(out, stat_name((enum stat_id)i), t->limits[i]);
	parts_end(out);
}

void summary_print(FILE *out)
{
	size_t n_plcs;
	bool *plc = find_plcs(&n_plcs);
	struct summary_totals t;
	totals_of_run(&t, n_plcs);
	if (summary_parts()) {
		print_parts(out, &t, plc);
		free(plc);
		return;
	}
	summary_print_head(out, &t);
	if (shard_count()) {
		uint32_t k = shard_self(), n = shard_count();
		uint64_t left = shard_frames_left();
		fprintf(out,
			"shard %u of %u (--shard %u/%u): only the IEDs whose address hashes to it; %llu frame%s left "
			"to the other shards\n",
			k, n, k, n, (unsigned long long)left, left == 1 ? "" : "s");
	}
	for (size_t i = 0; i < n_ieds; i++)
		print_ied(out, &ieds[i], plc && plc[i]);
	free(plc);
	summary_print_rows_head(out, &t);
	size_t show = n_rows < SUMMARY_ROWS_SHOWN ? n_rows : SUMMARY_ROWS_SHOWN;
	for (size_t i = 0; i < show; i++) {
		fprintf(out, "%-4zu ", i + 1);
		print_row(out, &rows[i]);
	}
	if (n_rows > show)
		summary_print_rows_more(out, n_rows - show);
	summary_print_streams(out, &t);
	bus_print(out); /* the analyzers' blocks: inventory, service latency */
	print_findings(out, &t);
	summary_print_limits(out, &t);
}

/* How the association ended (the association analyzer's verdict). */
static void summary_record(const struct record *rec)
{
	if (rec->kind != REC_ASSOC_END || !rec->flow)
		return;
	uint32_t i = row_index(rec->flow);
	if (i && i <= n_rows)
		rows[i - 1].assoc_end = rec->u.assoc_end.how;
}

static void summary_sink_init(void)
{
	row_slot = bus_flow_slot("summary");
}

const struct sink summary_sink = {
	.name = "summary",
	.init = summary_sink_init,
	.tcp = summary_tcp,
	.stream = summary_stream,
	.assoc = summary_assoc,
	.mms = summary_mms,
	.flow_end = summary_flow_end,
	.record = summary_record,
	.free = summary_free,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eve.c - the EVE JSON writer; see eve.h. Records are built in a large buffer and
 * written in big blocks: formatting, not I/O, is what a run should spend on. */
#include "output/eve.h"
#include "output/eve_record.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/evidence.h"
#include "core/finding.h"
#include "core/ied.h"
#include "core/scl.h"
#include "core/shard.h"
#include "dissectors/acse.h"
#include "dissectors/ber.h"
#include "dissectors/cotp.h"
#include "dissectors/iec61850_report.h"
#include "dissectors/pres.h"
#include "dissectors/session.h"
#include "dissectors/tls.h"
#include "output/eve_audit.h"
#include "output/eve_mms.h"
#include "output/eve_out.h"
#include "util/json.h"
#include "util/log.h"
#include "util/memcap.h"
#include "util/sysclock.h"
#include "util/stats.h"

#define RECORD_MAX (64u * 1024)
#define OUTPUTS_MAX 8

/* Every record is formatted once here, then handed to each output that takes
 * its event type (eve_out.h). */
static struct eve_out *outputs[OUTPUTS_MAX];
static size_t n_outputs;
static uint32_t types_wanted; /* the union of the outputs' selections */
static bool enabled, with_values, write_failed;
static char rec[RECORD_MAX];
static uint32_t rec_type; /* the record being formatted: 1 << enum eve_type */
static const struct input_set *inputs;

static void header_cache_reset(void);

void eve_init(const struct input_set *files, bool values)
{
	inputs = files;
	with_values = values;
	header_cache_reset(); /* a new run: texts of the last one's inputs and flows go */
}

int eve_add_output(struct eve_out *o)
{
	if (n_outputs >= OUTPUTS_MAX) {
		struct eve_out_counts ignored;
		log_error("at most %d --eve outputs", OUTPUTS_MAX);
		o->ops->close(o, 0, &ignored);
		return -1;
	}
	outputs[n_outputs++] = o;
	types_wanted |= o->types;
	enabled = true;
	return 0;
}

int eve_open(const char *path, const struct input_set *files, bool values, bool append)
{
	char err[512];
	eve_init(files, values);
	if (!path)
		return 0;
	struct eve_out *o = eve_file_open(path, append, err, sizeof(err));
	if (!o) {
		log_error("%s", err);
		return -1;
	}
	return eve_add_output(o);
}

void eve_flush(void)
{
	for (size_t i = 0; i < n_outputs; i++)
		outputs[i]->ops->flush(outputs[i]);
}

int eve_reopen(void)
{
	int rc = 0;
	for (size_t i = 0; i < n_outputs; i++)
		if (outputs[i]->ops->reopen(outputs[i]) != 0)
			rc = -1;
	return rc;
}

/* The outputs' last counters, kept past their close for the database. */
static struct eve_output_counts closed[OUTPUTS_MAX];
static char closed_names[OUTPUTS_MAX][1024];
static size_t n_closed;

int eve_close_drain(int drain_ms)
{
	n_closed = 0;
	for (size_t i = 0; i < n_outputs; i++) {
		snprintf(closed_names[n_closed], sizeof(closed_names[n_closed]), "%s", outputs[i]->name);
		closed[n_closed].name = closed_names[n_closed];
		if (outputs[i]->ops->close(outputs[i], drain_ms, &closed[n_closed].n) != 0)
			write_failed = true;
		n_closed++;
	}
	n_outputs = 0;
	types_wanted = 0;
	enabled = false;
	bool failed = write_failed;
	write_failed = false;
	return failed ? -1 : 0;
}

int eve_close(void)
{
	return eve_close_drain(0);
}

size_t eve_outputs_counts(struct eve_output_counts *c, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < n_outputs && n < max; i++, n++) {
		c[n].name = outputs[i]->name;
		outputs[i]->ops->counts(outputs[i], &c[n].n);
	}
	return n;
}

size_t eve_closed_counts(struct eve_output_counts *c, size_t max)
{
	size_t n = n_closed < max ? n_closed : max;
	memcpy(c, closed, n * sizeof(*c));
	return n;
}

bool eve_reader_gone(void)
{
	/* set by a file output's writer thread */
	for (size_t i = 0; i < n_outputs; i++)
		if (__atomic_load_n(&outputs[i]->reader_gone, __ATOMIC_ACQUIRE))
			return true;
	for (size_t i = 0; i < n_closed; i++)
		if (closed[i].n.reader_gone)
			return true;
	return false;
}

static bool wants(enum eve_type t)
{
	return enabled && (types_wanted & (1u << t));
}

/* ---- the common header -------------------------------------------------- */


static void ip_text(const struct flow *f, int ep, char *s, size_t size)
{
	if (f->key.ipver == 4) {
		const uint8_t *a = f->key.ip[ep];
		char *p = s;
		for (int i = 0; i < 4; i++) {
			unsigned v = a[i];
			if (v >= 100)
				*p++ = (char)('0' + v / 100);
			if (v >= 10)
				*p++ = (char)('0' + v / 10 % 10);
			*p++ = (char)('0' + v % 10);
			if (i < 3)
				*p++ = '.';
		}
		*p = 0;
		return;
	}
	flow_addr_text(f, ep, s, size);
}

/* The parts of the common header that stay the same from record to record are
 * formatted once and then copied: pcap_filename per input file, and the
 * addresses, ports, vlan, proto, app_proto and direction per flow direction. */

/* Text already formatted as members (separator and key included), or too big. */
static void put_members(struct jw *w, const char *text, size_t len)
{
	/* jw_raw would add a separator and a key: the text already has them. */
	if (!w->overflow && len <= w->cap - w->len) {
		memcpy(w->buf + w->len, text, len);
		w->len += len;
	} else {
		w->overflow = true;
	}
}

/* The input file's "pcap_filename" member (one file at a time is read). */
static struct {
	const char *path; /* the input's path it was made from */
	bool valid;
	uint16_t len;
	char text[1024];
} file_member;

static void pcap_filename(struct jw *w, uint32_t file_idx)
{
	if (!inputs || file_idx >= inputs->n)
		return;
	if (!file_member.valid || file_member.path != inputs->files[file_idx].path) {
		struct jw t;
		jw_init(&t, file_member.text, sizeof(file_member.text));
		t.first[0] = false; /* always preceded by the members before it */
		jw_str(&t, "pcap_filename", inputs->files[file_idx].path);
		file_member.valid = !t.overflow;
		file_member.len = (uint16_t)t.len;
		file_member.path = inputs->files[file_idx].path;
		if (!file_member.valid) { /* a very long path: written each time */
			jw_str(w, "pcap_filename", inputs->files[file_idx].path);
			return;
		}
	}
	put_members(w, file_member.text, file_member.len);
}

/* The flow direction's members, in a small two-way set-associative cache keyed
 * by flow id and direction (no memory per flow; a run with a thousand busy
 * connections still finds its text). */
#define HDR_SET_BITS 10
static struct hdr_cache {
	uint64_t flow_id;
	uint32_t used; /* when last used: the older way is replaced */
	uint32_t run;  /* the run (eve_init) it was made in: older ones are empty */
	uint8_t dir, proto;
	bool valid;
	uint8_t len;
	char text[240];
} hdr_cache[1u << HDR_SET_BITS][2];
static uint32_t hdr_clock, hdr_run = 1;

/* Emptied by a number, not a memset: pages of the cache no run touched stay
 * out of memory. */
static void header_cache_reset(void)
{
	file_member.valid = false;
	hdr_run++;
}

static void flow_members(struct jw *w, struct flow *f, int dir)
{
	char ip[64];
	jw_arr(w, "vlan");
	for (unsigned i = 0; i < f->key.n_vlan; i++)
		jw_u64(w, NULL, f->key.vlan[i]);
	jw_arr_end(w);
	int src = flow_src_endpoint(f, dir);
	ip_text(f, src, ip, sizeof(ip));
	jw_str(w, "src_ip", ip);
	jw_u64(w, "src_port", f->key.port[src]);
	ip_text(f, 1 - src, ip, sizeof(ip));
	jw_str(w, "dest_ip", ip);
	jw_u64(w, "dest_port", f->key.port[1 - src]);
	jw_str(w, "proto", "TCP");
	jw_str(w, "app_proto", app_proto_name(app_proto_of(f)));
	jw_str(w, "direction", dir == 0 ? "to_server" : "to_client");
}

static void header(struct jw *w, struct flow *f, int dir, const struct pkt_where *at, const char *event_type)
{
	jw_obj(w, NULL);
	jw_timestamp(w, "timestamp", at->ts_us);
	jw_u64(w, "flow_id", f->id);
	jw_u64(w, "pcap_cnt", at->frame);
	jw_str(w, "event_type", event_type);
	pcap_filename(w, at->file_idx);
	uint8_t proto = app_proto_of(f);
	uint64_t key = f->id * 2 + (uint64_t)dir;
	struct hdr_cache *set = hdr_cache[(key * 0x9e3779b97f4a7c15ull) >> (64 - HDR_SET_BITS)];
	struct hdr_cache *c = NULL;
	for (int k = 0; k < 2; k++)
		if (set[k].valid && set[k].run == hdr_run && set[k].flow_id == f->id && set[k].dir == dir &&
		    set[k].proto == proto)
			c = &set[k];
	if (!c) {
		if (set[0].run != hdr_run)
			set[0].used = 0;
		if (set[1].run != hdr_run)
			set[1].used = 0;
		c = set[0].used <= set[1].used ? &set[0] : &set[1];
		/* Format the members on their own, then keep them. */
		struct jw t;
		jw_init(&t, c->text, sizeof(c->text));
		t.first[0] = false; /* always preceded by the members above */
		flow_members(&t, f, dir);
		c->valid = !t.overflow;
		c->len = (uint8_t)t.len;
		c->flow_id = f->id;
		c->dir = (uint8_t)dir;
		c->proto = proto;
		c->run = hdr_run;
		if (!c->valid) {
			flow_members(w, f, dir);
			return;
		}
	}
	c->used = ++hdr_clock;
	put_members(w, c->text, c->len);
}

/* With one output that can take a record in place (a file), the record is
 * formatted straight into its buffer: no copy of every line. */
static struct eve_out *direct;

static void begin(struct jw *w, enum eve_type t)
{
	rec_type = 1u << t;
	char *buf = rec;
	direct = NULL;
	if (n_outputs == 1 && outputs[0]->ops->reserve && (outputs[0]->types & rec_type)) {
		char *at = outputs[0]->ops->reserve(outputs[0], RECORD_MAX);
		if (at) {
			buf = at;
			direct = outputs[0];
		}
	}
	/* room kept for the closing brace, which each output writes with its tail */
	jw_init(w, buf, RECORD_MAX - 1);
}

/* Close the record and hand it to the outputs that take its type; returns false
 * (and hands nothing) when it did not fit. */
static bool end(struct jw *w)
{
	jw_obj_end(w);
	if (w->overflow)
		return false;
	/* Each output ends the line its own way (eve_out.h: with or without the
	 * sensor's name), so the record goes without its closing brace. */
	size_t len = w->len - 1;
	if (direct) {
		direct->ops->commit(direct, len);
		return true;
	}
	for (size_t i = 0; i < n_outputs; i++)
		if (outputs[i]->types & rec_type)
			outputs[i]->ops->put(outputs[i], w->buf, len);
	return true;
}

bool eve_enabled(void)
{
	return enabled;
}

void eve_record_begin(struct jw *w, struct flow *f, int dir, const struct pkt_where *at, const char *event_type)
{
	int t = eve_type_of(event_type);
	begin(w, t < 0 ? EVE_T_COUNT : (enum eve_type)t);
	header(w, f, dir, at, event_type);
}

bool eve_record_end(struct jw *w)
{
	return end(w);
}

/* ---- stream ------------------------------------------------------------- */

void eve_stream(struct flow *f, int dir, const struct stream_event *e, const struct pkt_where *at)
{
	if (!wants(EVE_T_STREAM))
		return;
	struct jw w;
	begin(&w, EVE_T_STREAM);
	header(&w, f, dir, at, "stream");
	jw_obj(&w, "stream");
	jw_str(&w, "event", stream_ev_name(e->kind));
	switch (e->kind) {
	case STREAM_EV_GAP:
		jw_u64(&w, "bytes", e->bytes);
		if (e->has_seq)
			jw_u64(&w, "seq", e->seq);
		break;
	case STREAM_EV_RESYNC:
		jw_u64(&w, "skipped_bytes", e->bytes);
		break;
	case STREAM_EV_OVERLAP_DIFFERS:
	case STREAM_EV_DROPPED:
		jw_u64(&w, "bytes", e->bytes);
		break;
	case STREAM_EV_MALFORMED:
		jw_str(&w, "layer", e->layer);
		jw_str(&w, "reason", e->reason);
		break;
	case STREAM_EV_LIMIT:
		jw_str(&w, "limit", e->reason);
		break;
	case STREAM_EV_PROTOCOL:
		jw_str(&w, "protocol", e->proto);
		if (e->tls) {
			jw_obj(&w, "tls");
			jw_str(&w, "hello", e->tls->client_hello ? "client" : "server");
			jw_str(&w, "version", tls_version_name(e->tls->version));
			if (e->tls->sni.len)
				jw_strn(&w, "sni", e->tls->sni.p, e->tls->sni.len);
			jw_obj_end(&w);
		}
		break;
	default:
		break;
	}
	jw_obj_end(&w);
	end(&w);
}

/* ---- association -------------------------------------------------------- */

static void oid(struct jw *w, const char *key, struct rd v)
{
	char text[128];
	if (rd_empty(&v))
		return;
	if (ber_oid_text(v, text, sizeof(text)))
		jw_str(w, key, text);
	else
		jw_hex(w, key, rd_ptr(&v), rd_left(&v));
}

static const char *cotp_event(uint8_t type)
{
	switch (type) {
	case COTP_CR:
		return "cotp_connect_request";
	case COTP_CC:
		return "cotp_connect_confirm";
	case COTP_DR:
		return "cotp_disconnect_request";
	case COTP_DC:
		return "cotp_disconnect_confirm";
	case COTP_ER:
		return "cotp_error";
	}
	return "cotp";
}

static const char *session_event(uint8_t si)
{
	switch (si) {
	case SES_CN:
		return "session_connect";
	case SES_AC:
		return "session_accept";
	case SES_RF:
		return "session_refuse";
	case SES_FN:
		return "session_finish";
	case SES_DN:
		return "session_disconnect";
	case SES_NF:
		return "session_not_finished";
	case SES_AB:
		return "session_abort";
	case SES_AA:
		return "session_abort_accept";
	}
	return "session";
}

static const char *acse_event(uint8_t type)
{
	static const char *const names[] = { "aarq", "aare", "rlrq", "rlre", "abrt" };
	return type < 5 ? names[type] : "acse";
}

static void assoc_acse(struct jw *w, const struct acse_apdu *a)
{
	jw_obj(w, "acse");
	oid(w, "application_context", a->app_context);
	oid(w, "called_ap_title", a->called_ap_title);
	if (a->has_called_aeq)
		jw_i64(w, "called_ae_qualifier", a->called_aeq);
	oid(w, "calling_ap_title", a->calling_ap_title);
	if (a->has_calling_aeq)
		jw_i64(w, "calling_ae_qualifier", a->calling_aeq);
	oid(w, "responding_ap_title", a->responding_ap_title);
	if (a->has_responding_aeq)
		jw_i64(w, "responding_ae_qualifier", a->responding_aeq);
	if (!rd_empty(&a->mechanism) || a->auth_value_present) {
		/* The credential itself is never written: only that one was sent. */
		static const uint8_t PASSWORD[] = { 0x52, 0x03, 0x01 }; /* 2.2.3.1 */
		jw_obj(w, "authentication");
		oid(w, "mechanism", a->mechanism);
		if (bview_eq_bytes(bview_of(&a->mechanism), PASSWORD, sizeof(PASSWORD)))
			jw_str(w, "mechanism_name", "password");
		jw_bool(w, "value_present", a->auth_value_present);
		jw_obj_end(w);
	}
	if (a->has_result) {
		jw_str(w, "result", acse_result_name(a->result));
		jw_u64(w, "result_code", a->result);
	}
	if (a->diag_source) {
		jw_obj(w, "diagnostic");
		jw_str(w, "source", a->diag_source == 1 ? "acse-service-user" : "acse-service-provider");
		jw_str(w, "reason", acse_diagnostic_name(a->diag_source, a->diagnostic));
		jw_u64(w, "code", a->diagnostic);
		jw_obj_end(w);
	}
	if (a->has_reason)
		jw_u64(w, "reason", a->reason);
	if (a->has_abort_source)
		jw_str(w, "abort_source", a->abort_source == 0 ? "acse-service-user" : "acse-service-provider");
	jw_bool(w, "mms_user_information", a->has_user_info);
	jw_obj_end(w);
}

void eve_assoc(struct flow *f, int dir, const struct assoc_event *e, const struct pkt_where *at)
{
	if (!wants(EVE_T_ASSOCIATION))
		return;
	struct jw w;
	begin(&w, EVE_T_ASSOCIATION);
	header(&w, f, dir, at, "association");
	jw_obj(&w, "association");
	switch (e->kind) {
	case ASSOC_EV_COTP: {
		const struct cotp_tpdu *t = e->cotp;
		jw_str(&w, "event", cotp_event(t->type));
		jw_obj(&w, "cotp");
		jw_u64(&w, "dst_ref", t->dst_ref);
		jw_u64(&w, "src_ref", t->src_ref);
		if (t->type == COTP_CR || t->type == COTP_CC) {
			jw_u64(&w, "class", t->class_option >> 4);
			if (t->tpdu_size)
				jw_u64(&w, "tpdu_size", t->tpdu_size);
			if (t->calling_tsap.len)
				jw_hex(&w, "calling_tsap", t->calling_tsap.p, t->calling_tsap.len);
			if (t->called_tsap.len)
				jw_hex(&w, "called_tsap", t->called_tsap.p, t->called_tsap.len);
		}
		if (t->type == COTP_DR || t->type == COTP_ER)
			jw_u64(&w, "reason", t->reason);
		jw_obj_end(&w);
		break;
	}
	case ASSOC_EV_SESSION: {
		const struct session_spdu *s = e->spdu;
		jw_str(&w, "event", session_event(s->si));
		jw_obj(&w, "session");
		jw_str(&w, "spdu", session_si_name(s->si));
		if (s->version)
			jw_u64(&w, "version", s->version);
		if (s->has_reason)
			jw_u64(&w, "reason", s->reason);
		jw_obj_end(&w);
		break;
	}
	case ASSOC_EV_PRES_REFUSE:
	case ASSOC_EV_PRES_ABORT:
		jw_str(&w, "event", e->kind == ASSOC_EV_PRES_REFUSE ? "presentation_refuse" : "presentation_abort");
		jw_obj(&w, "presentation");
		if (e->ppdu->has_reason)
			jw_u64(&w, "provider_reason", e->ppdu->provider_reason);
		jw_bool(&w, "provider_abort", e->ppdu->is_arp);
		jw_obj_end(&w);
		break;
	case ASSOC_EV_ACSE:
		jw_str(&w, "event", acse_event(e->acse->type));
		assoc_acse(&w, e->acse);
		break;
	}
	jw_obj_end(&w);
	end(&w);
}

/* ---- mms ---------------------------------------------------------------- */

void eve_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at)
{
	if (!wants(EVE_T_MMS))
		return;
	struct jw w;
	begin(&w, EVE_T_MMS);
	header(&w, f, dir, at, "mms");
	jw_obj(&w, "mms");
	unsigned flags = eve_mms_fields(&w, e->pdu, e->acsi, with_values ? MMSW_EVE_VALUE_BUDGET : 0);
	jw_u64(&w, "size", e->size);
	if (e->bare)
		jw_bool(&w, "bare_cotp", true);
	jw_obj_end(&w);
	if (flags & EVE_MMS_VALUES_CAPPED)
		stat_inc(STAT_mms_values_capped);
	if (end(&w))
		return;
	/* Too big even with capped values (thousands of names): the essentials only. */
	begin(&w, EVE_T_MMS);
	header(&w, f, dir, at, "mms");
	jw_obj(&w, "mms");
	eve_mms_fields(&w, e->pdu, e->acsi, 0);
	jw_obj_end(&w);
	if (!w.overflow) {
		jw_bool(&w, "record_truncated", true);
		end(&w);
	}
}

/* ---- finding ------------------------------------------------------------ */

static void endpoint_obj(struct jw *w, const char *key, const struct endpoint *e)
{
	char ip[64];
	struct flow tmp;
	memset(&tmp.key, 0, sizeof(tmp.key));
	tmp.key.ipver = e->ipver;
	memcpy(tmp.key.ip[0], e->ip, 16);
	ip_text(&tmp, 0, ip, sizeof(ip));
	jw_obj(w, key);
	jw_str(w, "ip", ip);
	jw_u64(w, "port", e->port);
	jw_arr(w, "vlan");
	for (unsigned i = 0; i < e->n_vlan; i++)
		jw_u64(w, NULL, e->vlan[i]);
	jw_arr_end(w);
	jw_obj_end(w);
}

void eve_finding(const struct finding *f)
{
	if (!wants(EVE_T_FINDING))
		return;
	struct jw w;
	char filter[1024];
	begin(&w, EVE_T_FINDING);
	jw_obj(&w, NULL);
	jw_timestamp(&w, "timestamp", f->last_seen);
	if (f->flow_id)
		jw_u64(&w, "flow_id", f->flow_id);
	if (f->n_evidence) {
		const struct pkt_where *e = &f->evidence[f->n_evidence - 1];
		jw_u64(&w, "pcap_cnt", e->frame);
		if (inputs && e->file_idx < inputs->n)
			jw_str(&w, "pcap_filename", inputs->files[e->file_idx].path);
	}
	jw_str(&w, "event_type", "finding");
	jw_obj(&w, "finding");
	jw_u64(&w, "id", f->id);
	jw_str(&w, "kind", f->kind);
	jw_str(&w, "severity", severity_name(f->severity));
	jw_timestamp(&w, "first_seen", f->first_seen);
	jw_timestamp(&w, "last_seen", f->last_seen);
	jw_u64(&w, "count", f->count);
	endpoint_obj(&w, "ied", &f->ied);
	if (f->has_client)
		endpoint_obj(&w, "client", &f->client);
	if (f->object[0])
		jw_str(&w, "object", f->object);
	jw_str(&w, "summary", f->summary);
	const struct evidence_slice *slice = evidence_slice_of(f);
	if (slice && slice->redacted) {
		char details[FINDING_DETAILS_MAX + 64];
		evidence_details(f, details, sizeof(details));
		jw_raw(&w, "details", details, strlen(details));
	} else {
		jw_raw(&w, "details", f->details, strlen(f->details));
	}
	jw_arr(&w, "evidence");
	for (unsigned i = 0; i < f->n_evidence; i++) {
		jw_obj(&w, NULL);
		if (inputs && f->evidence[i].file_idx < inputs->n)
			jw_str(&w, "pcap_filename", inputs->files[f->evidence[i].file_idx].path);
		jw_u64(&w, "pcap_cnt", f->evidence[i].frame);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_u64(&w, "evidence_total", f->evidence_total);
	finding_tshark_filter(f, filter, sizeof(filter));
	jw_str(&w, "tshark_filter", filter);
	if (slice && slice->path)
		jw_str(&w, "evidence_pcap", slice->path);
	if (slice)
		jw_str(&w, "evidence_sha256", slice->sha256);
	jw_bool(&w, "update", f->emitted);
	jw_obj_end(&w);
	end(&w);
}

/* ---- report ------------------------------------------------------------- */

/* The members' names from the design (--scl) when the report did not carry their
 * references: a capture that started after the browse still says which data each
 * value is. Only when the designed dataset has exactly the members the report's
 * inclusion bit string counts: another shape is the design check's business
 * (scl_dataset_mismatch), and a name by position in a wrong list would mislead. */
static void report_member_names(struct jw *w, const struct flow *f, const struct report_record *e)
{
	const struct iec_report *r = e->rep;
	if (!g_scl || !r->n_members)
		return;
	char rptid[130];
	size_t n = r->rptid.len < sizeof(rptid) - 1 ? r->rptid.len : sizeof(rptid) - 1;
	memcpy(rptid, r->rptid.p, n);
	rptid[n] = 0;
	const struct scl_dataset *ds = scl_report_dataset(g_scl, f->ied ? f->ied->design : NULL, e->datset, rptid);
	if (!ds || ds->n_fcdas != r->n_dataset)
		return;
	jw_arr(w, "member_names");
	for (uint16_t k = 0; k < r->n_members && k < 64; k++)
		jw_str(w, NULL, r->members[k].index < ds->n_fcdas ? ds->fcdas[r->members[k].index].display : "");
	jw_arr_end(w);
}

static void eve_report(struct flow *f, int dir, const struct report_record *e, const struct pkt_where *at)
{
	if (!wants(EVE_T_REPORT))
		return;
	const struct iec_report *r = e->rep;
	struct jw w;
	char trg[64];
	begin(&w, EVE_T_REPORT);
	header(&w, f, dir, at, "report");
	jw_obj(&w, "report");
	jw_strn(&w, "rptid", r->rptid.p, r->rptid.len);
	if (e->rcb)
		jw_str(&w, "rcb", e->rcb);
	if (e->datset)
		jw_str(&w, "datset", e->datset);
	if (r->has_sqnum)
		jw_u64(&w, "sqnum", r->sqnum);
	if (r->has_segment) {
		jw_u64(&w, "subsqnum", r->subsqnum);
		jw_bool(&w, "more_segments", r->more_segments);
	}
	if (e->sequence)
		jw_str(&w, "sequence", e->sequence);
	if (r->has_confrev)
		jw_u64(&w, "confrev", r->confrev);
	if (r->has_entryid)
		jw_hex(&w, "entryid", r->entryid.p, r->entryid.len);
	if (r->has_bufovfl)
		jw_bool(&w, "bufovfl", r->bufovfl);
	/* OptFlds as its bit string (bit 0 first), like TrgOps elsewhere. */
	{
		uint8_t of[2] = { (uint8_t)0, (uint8_t)0 };
		for (int b = 0; b < 10; b++)
			if (r->optflds & (1u << b))
				of[b / 8] |= (uint8_t)(0x80u >> (b % 8));
		jw_bits(&w, "optflds", of, 10);
	}
	jw_str(&w, "reasons", iec_trg_text(r->reasons_all, trg, sizeof(trg)));
	jw_u64(&w, "dataset_members", r->n_dataset);
	jw_u64(&w, "included", r->n_included);
	/* Members included, by dataset index; their own reasons and data references
	 * only when a member's reasons differ from the others' or refs are sent. */
	bool mixed = false, refs = false;
	for (uint16_t k = 0; k < r->n_members && k < 64; k++) {
		mixed |= r->members[k].reasons != r->reasons_all;
		refs |= r->members[k].ref.len > 0;
	}
	jw_arr(&w, "members");
	for (uint16_t k = 0; k < r->n_members && k < 64; k++)
		jw_u64(&w, NULL, r->members[k].index);
	jw_arr_end(&w);
	if (mixed) {
		jw_arr(&w, "member_reasons");
		for (uint16_t k = 0; k < r->n_members && k < 64; k++)
			jw_str(&w, NULL, iec_trg_text(r->members[k].reasons, trg, sizeof(trg)));
		jw_arr_end(&w);
	}
	if (refs) {
		jw_arr(&w, "member_refs");
		for (uint16_t k = 0; k < r->n_members && k < 64; k++)
			jw_strn(&w, NULL, r->members[k].ref.p, r->members[k].ref.len);
		jw_arr_end(&w);
	} else {
		report_member_names(&w, f, e);
	}
	jw_u64(&w, "size", e->size);
	jw_obj_end(&w);
	end(&w);
}

/* ---- stats -------------------------------------------------------------- */

/* The network outputs' counters (a run with files only writes none, so its
 * stats records stay as they were). */
static void outputs_stats(struct jw *w)
{
	struct eve_output_counts c[OUTPUTS_MAX];
	size_t n = eve_outputs_counts(c, OUTPUTS_MAX);
	bool any = false;
	for (size_t i = 0; i < n; i++)
		any |= c[i].n.network;
	if (!any)
		return;
	jw_arr(w, "outputs");
	for (size_t i = 0; i < n; i++) {
		if (!c[i].n.network)
			continue;
		jw_obj(w, NULL);
		jw_str(w, "name", c[i].name);
		jw_u64(w, "produced", c[i].n.produced);
		jw_u64(w, "sent", c[i].n.sent);
		jw_u64(w, "dropped", c[i].n.dropped);
		jw_u64(w, "dropped_queue_full", c[i].n.dropped_full);
		jw_u64(w, "dropped_at_exit", c[i].n.dropped_exit);
		jw_u64(w, "refused", c[i].n.refused);
		jw_u64(w, "retried", c[i].n.retried);
		jw_u64(w, "unheard", c[i].n.unheard);
		jw_u64(w, "reconnects", c[i].n.reconnects);
		jw_u64(w, "queued", c[i].n.depth);
		jw_u64(w, "queue_capacity", c[i].n.capacity);
		jw_bool(w, "connected", c[i].n.connected);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

void eve_stats(int64_t ts_us)
{
	eve_stats_capture(ts_us, NULL, 0);
}

static struct sysclock sensor_clock;
static bool sensor_clock_known;

void eve_sensor_clock(const struct sysclock *c)
{
	sensor_clock = *c;
	sensor_clock_known = true;
}

void eve_stats_capture(int64_t ts_us, const struct live_stats *cap, size_t n)
{
	if (!wants(EVE_T_STATS))
		return;
	struct jw w;
	begin(&w, EVE_T_STATS);
	jw_obj(&w, NULL);
	jw_timestamp(&w, "timestamp", ts_us);
	jw_str(&w, "event_type", "stats");
	jw_obj(&w, "stats");
	if (cap && n) {
		struct live_stats sum = { 0 };
		for (size_t i = 0; i < n; i++) {
			sum.received += cap[i].received;
			sum.dropped += cap[i].dropped;
			sum.if_dropped += cap[i].if_dropped;
		}
		jw_obj(&w, "capture");
		jw_u64(&w, "received", sum.received);
		jw_u64(&w, "kernel_dropped", sum.dropped);
		jw_u64(&w, "interface_dropped", sum.if_dropped);
		if (n > 1) {
			/* several interfaces: each one's counters, and what merging
			 * them in time order cost (capture_live.h) */
			jw_arr(&w, "interfaces");
			for (size_t i = 0; i < n; i++) {
				const struct input_iface *in = input_iface((uint32_t)i);
				jw_obj(&w, NULL);
				jw_str(&w, "name", in ? in->name : "");
				if (in && input_lan_name(in->lan))
					jw_str(&w, "lan", input_lan_name(in->lan));
				jw_u64(&w, "received", cap[i].received);
				jw_u64(&w, "kernel_dropped", cap[i].dropped);
				jw_u64(&w, "interface_dropped", cap[i].if_dropped);
				jw_u64(&w, "reorder_full", cap[i].reorder_full);
				jw_u64(&w, "out_of_order", cap[i].out_of_order);
				jw_u64(&w, "late", cap[i].late);
				jw_obj_end(&w);
			}
			jw_arr_end(&w);
		}
		if (sensor_clock_known) {
			/* the reference of every IED clock offset */
			jw_obj(&w, "sensor_clock");
			jw_bool(&w, "synchronized", sensor_clock.synchronized);
			jw_i64(&w, "max_error_us", sensor_clock.max_error_us);
			jw_i64(&w, "est_error_us", sensor_clock.est_error_us);
			jw_obj_end(&w);
		}
		jw_obj_end(&w);
	}
	for (int i = 0; i < STAT_COUNT; i++)
		jw_u64(&w, stat_name((enum stat_id)i), g_stats[i]);
	jw_u64(&w, "reassembly_peak_bytes", g_reasm_peak);
	if (g_evidence_enabled) {
		jw_obj(&w, "evidence");
		for (int i = 0; i < EVC_COUNT; i++)
			jw_u64(&w, evidence_counter_name((enum evidence_counter)i), g_evidence_count[i]);
		jw_obj_end(&w);
	}
	outputs_stats(&w);
	if (shard_count()) {
		/* which part of a job these counters are (a consumer totals the
		 * job's records over the shards, but for packets and bytes) */
		jw_obj(&w, "shard");
		jw_u64(&w, "index", shard_self());
		jw_u64(&w, "of", shard_count());
		jw_u64(&w, "frames_left", shard_frames_left());
		jw_obj_end(&w);
	}
	if (inputs && inputs->n <= 100) {
		jw_arr(&w, "files");
		for (size_t i = 0; i < inputs->n; i++)
			jw_str(&w, NULL, inputs->files[i].path);
		jw_arr_end(&w);
	} else if (inputs) {
		jw_u64(&w, "files_count", inputs->n);
	}
	jw_obj_end(&w);
	end(&w);
}

/* ---- on the bus ------------------------------------------------------------------ */

static void eve_record(const struct record *r)
{
	switch (r->kind) {
	case REC_REPORT:
		eve_report(r->flow, r->dir, &r->u.report, &r->at);
		break;
	case REC_CONTROL:
	case REC_WRITE:
	case REC_FILE:
		eve_audit(r);
		break;
	default:
		break;
	}
}

const struct sink eve_sink = {
	.name = "eve",
	.stream = eve_stream,
	.assoc = eve_assoc,
	.mms = eve_mms,
	.finding = eve_finding,
	.record = eve_record,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* metrics.c - GET /metrics; see metrics.h. Every metric of the latest run
 * carries its sensor's name (runs.sensor) as the label "sensor", so a
 * Prometheus that scrapes a fleet keeps the sensors apart. Label values come
 * from the database (IED names from the wire among them) and are escaped as
 * the format says: backslash, double quote and newline. */
#include "web/metrics.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/limits.h"

struct out {
	char *buf;
	size_t len, cap;
	bool failed;
	char sensor[600]; /* the escaped sensor label, ready to print */
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->failed)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 16384;
		while (cap < o->len + n + 1)
			cap *= 2;
		char *b = cap <= MMSW_WEB_REPLY_MAX ? realloc(o->buf, cap) : NULL;
		if (!b) {
			o->failed = true;
			return;
		}
		o->buf = b;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void __attribute__((format(printf, 2, 3))) putf(struct out *o, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(o, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

/* A label value, escaped into dst (cut to fit, never in the middle of an escape). */
static void esc(char *dst, size_t size, const char *v)
{
	size_t j = 0;
	for (; v && *v && j + 3 < size; v++) {
		if (*v == '\\' || *v == '"') {
			dst[j++] = '\\';
			dst[j++] = *v;
		} else if (*v == '\n') {
			dst[j++] = '\\';
			dst[j++] = 'n';
		} else {
			dst[j++] = *v;
		}
	}
	dst[j] = 0;
}

static void family(struct out *o, const char *name, const char *type, const char *help)
{
	putf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One sample: name{sensor="...",EXTRA} value; extra is "" or `key="v",...`. */
static void sample(struct out *o, const char *name, const char *extra, long long v)
{
	putf(o, "%s{sensor=\"%s\"%s%s} %lld\n", name, o->sensor, extra[0] ? "," : "", extra, v);
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return NULL;
	return s;
}

static void run_metrics(struct out *o, sqlite3 *db, long long run)
{
	sqlite3_stmt *s = prep(db,
			       "SELECT version, mode, status, packets, mms_pdus, coalesce(stats_wall, started_wall),"
			       " started_wall FROM runs WHERE id = ?1");
	if (!s)
		return;
	sqlite3_bind_int64(s, 1, run);
	if (sqlite3_step(s) == SQLITE_ROW) {
		char v[64], m[32], st[32], extra[200];
		esc(v, sizeof(v), (const char *)sqlite3_column_text(s, 0));
		esc(m, sizeof(m), (const char *)sqlite3_column_text(s, 1));
		esc(st, sizeof(st), (const char *)sqlite3_column_text(s, 2));
		family(o, "mmswatch_run_info", "gauge", "The run the counters belong to (always 1).");
		snprintf(extra, sizeof(extra), "run=\"%lld\",version=\"%s\",mode=\"%s\",status=\"%s\"", run, v, m, st);
		sample(o, "mmswatch_run_info", extra, 1);
		family(o, "mmswatch_run_start_time_seconds", "gauge", "When the run started (unix seconds).");
		sample(o, "mmswatch_run_start_time_seconds", "", sqlite3_column_int64(s, 6));
		family(o, "mmswatch_stats_time_seconds", "gauge",
		       "When the sensor last wrote these counters (unix seconds; every --stats-interval).");
		sample(o, "mmswatch_stats_time_seconds", "", sqlite3_column_int64(s, 5));
		family(o, "mmswatch_packets_total", "counter", "Packets read (files) or captured (live).");
		sample(o, "mmswatch_packets_total", "", sqlite3_column_int64(s, 3));
		family(o, "mmswatch_mms_pdus_total", "counter", "MMS PDUs decoded.");
		sample(o, "mmswatch_mms_pdus_total", "", sqlite3_column_int64(s, 4));
	}
	sqlite3_finalize(s);

	/* The capture's kernel counters (live runs). */
	static const struct {
		const char *key, *name, *help;
	} CAP[] = {
		{ "$.capture.received", "mmswatch_capture_received_packets_total",
		  "Packets the capture received (libpcap)." },
		{ "$.capture.kernel_dropped", "mmswatch_capture_kernel_dropped_packets_total",
		  "Packets the kernel dropped (libpcap ps_drop)." },
		{ "$.capture.interface_dropped", "mmswatch_capture_interface_dropped_packets_total",
		  "Packets the interface dropped (libpcap ps_ifdrop)." },
	};
	for (size_t i = 0; i < sizeof(CAP) / sizeof(CAP[0]); i++) {
		sqlite3_stmt *c =
			prep(db, "SELECT json_extract(stats, ?2) FROM runs WHERE id = ?1 AND json_valid(stats)");
		if (!c)
			continue;
		sqlite3_bind_int64(c, 1, run);
		sqlite3_bind_text(c, 2, CAP[i].key, -1, SQLITE_STATIC);
		if (sqlite3_step(c) == SQLITE_ROW && sqlite3_column_type(c, 0) == SQLITE_INTEGER) {
			family(o, CAP[i].name, "counter", CAP[i].help);
			sample(o, CAP[i].name, "", sqlite3_column_int64(c, 0));
		}
		sqlite3_finalize(c);
	}

	/* Every named counter of the pipeline (flows, TCP stream, ISO, MMS, caps hit). */
	s = prep(db,
		 "SELECT e.key, e.value FROM runs r, json_each(r.stats) e WHERE r.id = ?1 AND json_valid(r.stats)"
		 " AND e.type = 'integer' ORDER BY e.key");
	if (s) {
		family(o, "mmswatch_counter_total", "counter",
		       "The pipeline's named counters (the stats record's members: flows, TCP stream, ISO, MMS, caps hit).");
		sqlite3_bind_int64(s, 1, run);
		while (sqlite3_step(s) == SQLITE_ROW) {
			char k[128], extra[160];
			esc(k, sizeof(k), (const char *)sqlite3_column_text(s, 0));
			snprintf(extra, sizeof(extra), "counter=\"%s\"", k);
			sample(o, "mmswatch_counter_total", extra, sqlite3_column_int64(s, 1));
		}
		sqlite3_finalize(s);
	}
}

static void finding_metrics(struct out *o, sqlite3 *db, long long run)
{
	sqlite3_stmt *s = prep(db,
			       "SELECT kind, severity, count(*), sum(count) FROM findings WHERE run_id = ?1"
			       " GROUP BY kind, severity ORDER BY kind, severity");
	if (!s)
		return;
	sqlite3_bind_int64(s, 1, run);
	char(*lines)[400] = NULL;
	long long *occ = NULL;
	size_t n = 0, cap = 0;
	family(o, "mmswatch_findings_total", "counter", "Findings, by kind and severity (an aggregate counts once).");
	while (sqlite3_step(s) == SQLITE_ROW) {
		char k[128], sev[32], extra[200];
		esc(k, sizeof(k), (const char *)sqlite3_column_text(s, 0));
		esc(sev, sizeof(sev), (const char *)sqlite3_column_text(s, 1));
		snprintf(extra, sizeof(extra), "kind=\"%s\",severity=\"%s\"", k, sev);
		sample(o, "mmswatch_findings_total", extra, sqlite3_column_int64(s, 2));
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			void *a = realloc(lines, nc * sizeof(*lines)), *b = a ? realloc(occ, nc * sizeof(*occ)) : NULL;
			if (a)
				lines = a;
			if (!a || !b) {
				o->failed = true;
				break;
			}
			occ = b;
			cap = nc;
		}
		snprintf(lines[n], sizeof(lines[n]), "%s", extra);
		occ[n++] = sqlite3_column_int64(s, 3);
	}
	sqlite3_finalize(s);
	/* A family's samples stay together: the occurrences come after. */
	family(o, "mmswatch_finding_occurrences_total", "counter",
	       "Occurrences the findings aggregate, by kind and severity.");
	for (size_t i = 0; i < n; i++)
		sample(o, "mmswatch_finding_occurrences_total", lines[i], occ[i]);
	free(lines);
	free(occ);
}

static void ied_metrics(struct out *o, sqlite3 *db, long long run)
{
	static const struct {
		const char *name, *col, *help;
	} COLS[] = {
		{ "mmswatch_ied_pdus_total", "pdus", "MMS PDUs to and from the IED." },
		{ "mmswatch_ied_reports_total", "reports", "Reports the IED sent." },
		{ "mmswatch_ied_requests_total", "requests", "Confirmed requests to the IED." },
		{ "mmswatch_ied_errors_total", "errors", "Error responses and rejects from the IED." },
	};
	for (size_t c = 0; c < sizeof(COLS) / sizeof(COLS[0]); c++) {
		char sql[400];
		snprintf(sql, sizeof(sql),
			 "SELECT i.ip, i.port, i.vlan, coalesce(i.name, ''), sum(m.%s) FROM ied_minute m"
			 " JOIN ieds i ON i.id = m.ied_id WHERE m.run_id = ?1 GROUP BY i.id ORDER BY i.id",
			 COLS[c].col);
		sqlite3_stmt *s = prep(db, sql);
		if (!s)
			continue;
		sqlite3_bind_int64(s, 1, run);
		family(o, COLS[c].name, "counter", COLS[c].help);
		while (sqlite3_step(s) == SQLITE_ROW) {
			char ip[80], vlan[80], name[200], extra[500];
			esc(ip, sizeof(ip), (const char *)sqlite3_column_text(s, 0));
			esc(vlan, sizeof(vlan), (const char *)sqlite3_column_text(s, 2));
			esc(name, sizeof(name), (const char *)sqlite3_column_text(s, 3));
			snprintf(extra, sizeof(extra), "ied=\"%s:%lld\",vlan=\"%s\",ied_name=\"%s\"", ip,
				 (long long)sqlite3_column_int64(s, 1), vlan, name);
			sample(o, COLS[c].name, extra, sqlite3_column_int64(s, 4));
		}
		sqlite3_finalize(s);
	}
}

static void output_metrics(struct out *o, sqlite3 *db, long long run)
{
	static const struct {
		const char *name, *col, *type, *help;
	} COLS[] = {
		{ "mmswatch_output_records_total", "produced", "counter", "EVE records handed to the output." },
		{ "mmswatch_output_sent_total", "sent", "counter", "EVE records the receiver took." },
		{ "mmswatch_output_dropped_total", "dropped", "counter",
		  "EVE records never delivered (queue full, refused, unsent at exit)." },
		{ "mmswatch_output_retried_total", "retried", "counter",
		  "EVE records sent again after a connection failed." },
		{ "mmswatch_output_reconnects_total", "reconnects", "counter", "Connections made after the first." },
		{ "mmswatch_output_queue_depth", "queued", "gauge", "EVE records waiting in the output's queue." },
		{ "mmswatch_output_queue_capacity", "queue_capacity", "gauge", "The queue's cap (--eve-queue)." },
		{ "mmswatch_output_connected", "connected", "gauge", "1 while the output is connected." },
	};
	for (size_t c = 0; c < sizeof(COLS) / sizeof(COLS[0]); c++) {
		char sql[200];
		snprintf(sql, sizeof(sql),
			 "SELECT name, %s FROM outputs WHERE run_id = ?1 AND network = 1 ORDER BY name", COLS[c].col);
		sqlite3_stmt *s = prep(db, sql);
		if (!s)
			continue;
		sqlite3_bind_int64(s, 1, run);
		family(o, COLS[c].name, COLS[c].type, COLS[c].help);
		while (sqlite3_step(s) == SQLITE_ROW) {
			char name[600], extra[640];
			esc(name, sizeof(name), (const char *)sqlite3_column_text(s, 0));
			snprintf(extra, sizeof(extra), "output=\"%s\"", name);
			sample(o, COLS[c].name, extra, sqlite3_column_int64(s, 1));
		}
		sqlite3_finalize(s);
	}
}

void metrics_handle(sqlite3 *db, struct api_reply *r)
{
	struct out o = { 0 };
	long long run = 0;
	sqlite3_stmt *s = prep(db, "SELECT id, coalesce(sensor, '') FROM runs ORDER BY id DESC LIMIT 1");
	if (s && sqlite3_step(s) == SQLITE_ROW) {
		run = sqlite3_column_int64(s, 0);
		esc(o.sensor, sizeof(o.sensor), (const char *)sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	if (run) {
		run_metrics(&o, db, run);
		finding_metrics(&o, db, run);
		ied_metrics(&o, db, run);
		output_metrics(&o, db, run);
	} else {
		put(&o, "# no run in the database yet\n", 29);
	}
	if (o.failed || !o.buf) {
		free(o.buf);
		api_error(r, 500, "out of memory");
		return;
	}
	o.buf[o.len] = 0;
	r->status = 200;
	r->body = o.buf;
	r->len = o.len;
}

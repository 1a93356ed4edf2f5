/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eve.h - EVE JSON lines, in the shape of Suricata's EVE: every record has
 * timestamp (packet time), flow_id, pcap_cnt, pcap_filename, event_type, vlan,
 * src/dest ip and port, proto, app_proto, direction; then one object named after
 * its event type (mms, association, stream) or, at the end, stats.
 * Schemas: docs/schema/. */
#ifndef MMSW_EVE_H
#define MMSW_EVE_H

#include <stdbool.h>

#include "core/bus.h"
#include "core/events.h"
#include "core/inputs.h"
#include "output/eve_out.h"

/* The writer's settings; outputs are added one by one (eve_out.h, eve_net.h),
 * each with its own event-type selection and tail. */
void eve_init(const struct input_set *files, bool values);
/* Takes the output over. 0, or -1 (closed) past OUTPUTS_MAX. */
int eve_add_output(struct eve_out *o);
/* One output's name and counters, for stats records, the database and metrics. */
struct eve_output_counts {
	const char *name;
	struct eve_out_counts n;
};
size_t eve_outputs_counts(struct eve_output_counts *c, size_t max);
/* Close every output; network outputs send what is queued for at most
 * drain_ms (what is left is counted as dropped at exit). */
int eve_close_drain(int drain_ms);
/* The counters the outputs had when eve_close_drain closed them. */
size_t eve_closed_counts(struct eve_output_counts *c, size_t max);
/* eve_init and one file output taking every type: path NULL disables EVE; "-" is stdout. A sensor appends (append = true); an
 * offline run writes the file afresh. Returns 0, or -1 after an error message. */
int eve_open(const char *path, const struct input_set *files, bool values, bool append);
void eve_stream(struct flow *f, int dir, const struct stream_event *e, const struct pkt_where *at);
void eve_assoc(struct flow *f, int dir, const struct assoc_event *e, const struct pkt_where *at);
void eve_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at);
struct finding;
void eve_finding(const struct finding *f);
/* The run's counters as one `stats` record (with the capture's kernel counters
 * when live: cap[i] for interface i, n of them; with several, the totals and
 * one entry per interface). */
void eve_stats(int64_t ts_us);
void eve_stats_capture(int64_t ts_us, const struct live_stats *cap, size_t n);
/* Whether EVE on stdout lost its reader (`--eve - | head`): then nothing more
 * is written there, and that is no failure (the caller may stop the run). */
bool eve_reader_gone(void);
/* The sensor's own clock status (util/sysclock.h), written in the capture
 * statistics of live runs from now on. */
struct sysclock;
void eve_sensor_clock(const struct sysclock *c);
/* Write what is buffered (a sensor does this every second). */
void eve_flush(void);
/* Reopen the EVE file by name (SIGHUP, after logrotate moved it). */
int eve_reopen(void);
/* Flush and close. Returns -1 if anything could not be written (disk full...). */
int eve_close(void);
/* EVE goes to stdout and its reader closed the pipe (EPIPE): the run may stop
 * early, and it is not an error. */
bool eve_reader_gone(void);
/* EVE on the bus: stream, association, MMS, finding, report and audit
 * (control, write, file: eve_audit.c) records. */
extern const struct sink eve_sink;

#endif

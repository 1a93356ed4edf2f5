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

/* path NULL disables EVE; "-" is stdout. A sensor appends (append = true); an
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
/* EVE on the bus: stream, association, MMS, finding, report and audit
 * (control, write, file: eve_audit.c) records. */
extern const struct sink eve_sink;

#endif

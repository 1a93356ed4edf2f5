/* events.c - fan-out of pipeline events to their consumers, in a fixed order:
 * outputs first see the event as it happened, then the summary counts it. */
#include "events.h"

#include "analyze/analyze.h"
#include "eve.h"
#include "gate.h"
#include "output/alert.h"
#include "output/syslog_out.h"
#include "store/store.h"
#include "summary.h"

const char *stream_ev_name(uint8_t kind)
{
	static const char *const names[STREAM_EV_COUNT] = {
		"gap", "midstream_pickup", "resync", "overlap_differs", "segment_dropped",
		"eviction", "port_reuse", "malformed", "limit", "protocol",
	};
	return kind < STREAM_EV_COUNT ? names[kind] : "unknown";
}

const char *flow_end_name(enum flow_end why)
{
	switch (why) {
	case FLOW_END_FIN: return "fin";
	case FLOW_END_RST: return "rst";
	case FLOW_END_TIMEOUT: return "timeout";
	case FLOW_END_EVICTED: return "evicted";
	case FLOW_END_PORT_REUSE: return "port_reuse";
	case FLOW_END_CAPTURE_END: return "capture_end";
	}
	return "unknown";
}

void ev_stream(struct flow *f, int dir, const struct stream_event *e, const struct pkt_where *at)
{
	eve_stream(f, dir, e, at);
	summary_stream(f, dir, e, at);
	analyze_stream(f, dir, e, at);
}

void ev_stream_note(struct flow *f, int dir, enum stream_ev kind, uint64_t bytes,
		    const struct pkt_where *at)
{
	struct stream_event e = { .kind = (uint8_t)kind, .bytes = bytes };
	ev_stream(f, dir, &e, at);
}

void ev_assoc(struct flow *f, int dir, const struct assoc_event *e, const struct pkt_where *at)
{
	eve_assoc(f, dir, e, at);
	summary_assoc(f, dir, e, at);
	analyze_assoc(f, dir, e, at);
}

void ev_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at)
{
	eve_mms(f, dir, e, at);
	summary_mms(f, dir, e, at);
	analyze_mms(f, dir, e, at);
	store_mms(f, dir, e, at);
}

void ev_tcp(struct flow *f, int dir, enum tcp_ev kind, const struct pkt_where *at)
{
	summary_tcp(f, dir, kind, at);
	analyze_tcp(f, dir, kind, at);
	store_tcp(f, dir, kind, at);
}

void ev_flow_end(struct flow *f, enum flow_end why, const struct pkt_where *at)
{
	/* The analyzers decide how the association ended (f->assoc_end); the summary
	 * then records it. */
	analyze_flow_end(f, why, at);
	summary_flow_end(f, why, at);
	store_flow_end(f, why, at);
}

void ev_finding(const struct finding *f)
{
	eve_finding(f);
	store_finding(f);
	syslog_out_finding(f);
	alert_finding(f);
	gate_finding(f);
}

void ev_report(struct flow *f, int dir, const struct report_event *e, const struct pkt_where *at)
{
	eve_report(f, dir, e, at);
	store_report(f, e, at);
}

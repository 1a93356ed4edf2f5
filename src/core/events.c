/* SPDX-License-Identifier: GPL-2.0-or-later */
/* events.c - the names events carry into EVE and the summary; see events.h. */
#include "core/events.h"

const char *stream_ev_name(uint8_t kind)
{
	static const char *const names[STREAM_EV_COUNT] = {
		"gap",      "midstream_pickup", "resync",    "overlap_differs", "segment_dropped",
		"eviction", "port_reuse",       "malformed", "limit",           "protocol",
	};
	return kind < STREAM_EV_COUNT ? names[kind] : "unknown";
}

const char *flow_end_name(enum flow_end why)
{
	switch (why) {
	case FLOW_END_FIN:
		return "fin";
	case FLOW_END_RST:
		return "rst";
	case FLOW_END_TIMEOUT:
		return "timeout";
	case FLOW_END_EVICTED:
		return "evicted";
	case FLOW_END_PORT_REUSE:
		return "port_reuse";
	case FLOW_END_CAPTURE_END:
		return "capture_end";
	}
	return "unknown";
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stats.h - the run's named counters. Every limit the pipeline enforces and every
 * decode problem has one; the EVE `stats` record at the end lists them all, so
 * nothing is dropped silently. */
#ifndef MMSW_STATS_H
#define MMSW_STATS_H

#include <stdint.h>

/* X(name, is_limit): is_limit marks caps whose hit means data was not analysed. */
/* clang-format off */
#define MMSW_COUNTERS(X)                                        \
	X(packets, 0)            X(bytes, 0)                    \
	X(link_unsupported, 0)   X(link_truncated, 0)           \
	X(vlan_stack_too_deep, 1) X(not_ip, 0)                  \
	X(ipv4_invalid, 0)       X(ipv6_invalid, 0)             \
	X(ipv6_ext_limit, 1)     X(ipv4_fragments, 0)           \
	X(ipv4_reassembled, 0)   X(frag_tiny, 0)                \
	X(frag_overlap, 0)       X(frag_timeout, 0)             \
	X(frag_table_full, 1)    X(frag_memcap, 1)              \
	X(frag_too_big, 0)       X(tcp_invalid, 0)              \
	X(tcp_packets, 0)        X(tcp_other_port, 0)           \
	X(flows, 0)              X(flows_evicted, 1)            \
	X(flows_timed_out, 0)    X(port_reuse, 0)               \
	X(midstream_pickups, 0)  X(tcp_gaps, 0)                 \
	X(tcp_gap_bytes, 0)      X(tcp_out_of_order, 0)         \
	X(tcp_retransmissions, 0) X(tcp_overlap_differs, 0)     \
	X(tcp_ooo_dir_cap, 1)    X(tcp_reasm_memcap, 1)         \
	X(tcp_out_of_window, 0)  X(tpkt_invalid, 0)             \
	X(tpkt_resync, 0)        X(tpkt_resync_skipped_bytes, 0) \
	X(cotp_invalid, 0)       X(cotp_tsdu_cap, 1)            \
	X(cotp_tpdus, 0)         X(session_invalid, 0)          \
	X(pres_invalid, 0)       X(pres_context_unknown, 0)     \
	X(acse_invalid, 0)       X(acse_apdus, 0)               \
	X(mms_pdus, 0)           X(mms_malformed, 0)            \
	X(mms_values_capped, 1)  X(ber_depth_limit, 1)          \
	X(s7comm_pdus, 0)        X(tls_flows, 0)                \
	X(non_iso_bytes, 0)      X(pending_requests_full, 1)     \
	X(ied_table_full, 1)     X(rcb_table_full, 1)            \
	X(report_streams_full, 1) X(reports, 0)                  \
	X(reports_malformed, 0)  X(latency_table_full, 1)        \
	X(control_table_full, 1) X(file_table_full, 1)           \
	X(goose_frames, 0)       X(sv_frames, 0)                 \
	X(inventory_full, 1)     X(db_cache_full, 1)            \
	X(prp_frames_lan_a, 0)   X(prp_frames_lan_b, 0)         \
	X(prp_duplicates, 0)     X(prp_supervision_frames, 0)   \
	X(prp_size_mismatch, 0)  X(hsr_frames_lane_a, 0)        \
	X(hsr_frames_lane_b, 0)  X(hsr_duplicates, 0)           \
	X(hsr_supervision_frames, 0) X(hsr_size_mismatch, 0)    \
	X(redundancy_table_full, 1) X(timestamp_invalid, 0)   \
	X(timestamp_rebase, 0) X(drift_facts_full, 1)          \
	X(clock_samples, 0)      X(clock_samples_sampled_out, 0) \
	X(clock_points_merged, 0) X(clock_table_full, 1)
/* clang-format on */

enum stat_id {
#define X(name, lim) STAT_##name,
	MMSW_COUNTERS(X)
#undef X
		STAT_COUNT
};

/* Plain counters, not atomics: only the pipeline thread touches them. The
 * offline reader thread (stages/capture_reader.c) counts nothing; what it reads
 * is counted when the pipeline takes it (STAT_packets, STAT_bytes). */
extern uint64_t g_stats[STAT_COUNT];

static inline void stat_add(enum stat_id id, uint64_t n)
{
	g_stats[id] += n;
}
static inline void stat_inc(enum stat_id id)
{
	g_stats[id]++;
}

const char *stat_name(enum stat_id id);
int stat_is_limit(enum stat_id id);
void stats_reset(void);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kinds.h - every finding kind mmswatch can emit, with its default severity: the
 * one list that the gate (--fail-on-kind), the rules (severity KIND LEVEL) and
 * docs/findings.md go by, so a misspelt kind is refused instead of silently
 * matching nothing. An analyzer that emits a new kind adds it here and documents
 * it; tests/kinds/run fails when the sources emit a kind this table lacks, or
 * when the table and docs/findings.md disagree (a kind or a default severity).
 *
 * The severity here is the documented default; the analyzer that emits a kind
 * still passes its own (some raise it for a worse occurrence), and the rules may
 * override it. */
#ifndef MMSW_KINDS_H
#define MMSW_KINDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/severity.h"

/* X(kind, default severity), grouped as in docs/findings.md. */
/* clang-format off */
#define MMSW_FINDING_KINDS(X)                                                        \
	/* reports (analyze/reports.c, analyze/loss.c) */                             \
	X(report_sequence_gap, SEV_HIGH)                                              \
	X(capture_loss, SEV_INFO)                                                     \
	X(report_duplicate, SEV_LOW)                                                  \
	X(report_out_of_order, SEV_LOW)                                               \
	X(report_sequence_restart, SEV_INFO)                                          \
	X(report_segment_missing, SEV_MEDIUM)                                         \
	X(buffered_report_loss, SEV_HIGH)                                             \
	X(buffer_overflow_first_report, SEV_INFO)                                     \
	X(buffered_report_replay, SEV_INFO)                                           \
	X(integrity_late, SEV_MEDIUM)                                                 \
	X(gi_not_reported, SEV_MEDIUM)                                                \
	X(trgops_mismatch, SEV_MEDIUM)                                                \
	X(rcb_write_refused, SEV_MEDIUM)                                              \
	X(trgops_missing_dchg, SEV_MEDIUM)                                            \
	X(dchg_not_reported, SEV_HIGH)                                                \
	X(rcb_write_while_enabled, SEV_LOW)                                           \
	X(rcb_reservation_conflict, SEV_MEDIUM)                                       \
	X(rcb_no_reports, SEV_MEDIUM)                                                 \
	X(dataset_bloat, SEV_LOW)                                                     \
	X(trgops_missing_qchg, SEV_MEDIUM)                                            \
	X(gi_not_in_trgops, SEV_LOW)                                                  \
	X(buftm_coalescing, SEV_INFO)                                                 \
	/* associations (analyze/associations.c) */                                   \
	X(association_rejected, SEV_MEDIUM)                                           \
	X(association_refused_at_limit, SEV_HIGH)                                     \
	X(association_limit_reached, SEV_MEDIUM)                                      \
	X(association_aborted, SEV_LOW)                                               \
	X(association_lost, SEV_MEDIUM)                                               \
	X(association_closed_without_release, SEV_INFO)                               \
	X(association_idle, SEV_LOW)                                                  \
	X(connection_storm, SEV_HIGH)                                                 \
	X(retry_oscillation, SEV_MEDIUM)                                              \
	X(connection_without_mms, SEV_INFO)                                           \
	X(half_open_connection, SEV_INFO)                                             \
	X(scan, SEV_MEDIUM)                                                           \
	/* services (analyze/services.c) */                                           \
	X(request_unanswered, SEV_MEDIUM)                                             \
	X(duplicate_invoke_id, SEV_LOW)                                               \
	X(outstanding_exceeded, SEV_MEDIUM)                                           \
	X(slow_response, SEV_LOW)                                                     \
	X(mms_reject, SEV_LOW)                                                        \
	/* controls, writes, files (analyze/control.c) */                             \
	X(control_failed, SEV_MEDIUM)                                                 \
	X(control_select_timeout, SEV_LOW)                                            \
	X(unauthorized_write, SEV_HIGH)                                               \
	X(unauthorized_control, SEV_HIGH)                                             \
	X(unknown_client, SEV_MEDIUM)                                                 \
	/* inventory and security posture (analyze/inventory.c) */                    \
	X(mms_plaintext, SEV_INFO)                                                    \
	X(acse_password_cleartext, SEV_HIGH)                                          \
	X(s7comm_seen, SEV_INFO)                                                      \
	X(goose_on_mms_vlan, SEV_LOW)                                                 \
	X(sv_on_mms_vlan, SEV_LOW)                                                    \
	/* redundancy: PRP LAN and HSR ring health (issue 13) */                      \
	X(prp_lan_down, SEV_HIGH)                                                     \
	X(prp_lan_degraded, SEV_MEDIUM)                                               \
	X(hsr_ring_open, SEV_HIGH)                                                    \
	X(prp_lan_crossed, SEV_HIGH)                                                  \
	/* what the sensor could read (analyze/visibility.c) */                       \
	X(capture_not_understood, SEV_MEDIUM)                                         \
	X(no_mms_seen, SEV_INFO)                                                      \
	/* drift since a baseline (analyze/drift.c, --baseline) */                    \
	X(drift_new_ied, SEV_MEDIUM)                                                  \
	X(drift_missing_ied, SEV_LOW)                                                 \
	X(drift_new_client, SEV_MEDIUM)                                               \
	X(drift_new_service, SEV_LOW)                                                 \
	X(drift_identity_changed, SEV_MEDIUM)                                         \
	X(drift_confrev_changed, SEV_MEDIUM)                                          \
	X(drift_dataset_changed, SEV_MEDIUM)                                          \
	X(drift_rcb_settings_changed, SEV_LOW)                                        \
	/* the sensor itself (main.c, live capture) */                                \
	X(capture_drops, SEV_MEDIUM)                                                  \
	/* the traffic against the engineered design, --scl (analyze/scl_checks.c) */ \
	X(scl_unknown_ied, SEV_MEDIUM)                                                \
	X(scl_ied_mismatch, SEV_HIGH)                                                 \
	X(scl_confrev_mismatch, SEV_HIGH)                                             \
	X(scl_dataset_mismatch, SEV_HIGH)                                             \
	X(scl_unknown_rcb, SEV_MEDIUM)                                                \
	X(scl_rcb_settings_differ, SEV_INFO)                                          \
	X(scl_rcb_client_mismatch, SEV_MEDIUM)                                        \
	X(scl_osi_mismatch, SEV_INFO)                                                 \
	X(scl_ied_silent, SEV_INFO)                                                   \
	X(scl_goose_mismatch, SEV_LOW) \
	X(output_dropping, SEV_MEDIUM) \
	/* IED clocks against the capture's (analyze/clock.c) */                      \
	X(ied_clock_offset, SEV_MEDIUM)                                               \
	X(ied_clock_unsynchronized, SEV_MEDIUM)                                       \
	X(ied_clock_failure, SEV_HIGH)                                                \
	X(ied_clock_drift, SEV_LOW)                                                   \
	X(capture_clock_offset, SEV_LOW)
/* clang-format on */

struct finding_kind {
	const char *name;
	uint8_t severity; /* the documented default (enum severity) */
};

/* The kind of that name, NULL when there is none. */
const struct finding_kind *finding_kind_find(const char *name);
/* Every kind, in the table's order: i from 0 to finding_kinds_count() - 1. */
size_t finding_kinds_count(void);
const struct finding_kind *finding_kind_at(size_t i);
/* Every kind's name, sorted, separated by ", " and wrapped before `width`
 * columns with "\n" plus `indent` spaces; for error messages that list them. */
void finding_kinds_text(char *buf, size_t size, unsigned width, unsigned indent);

#endif

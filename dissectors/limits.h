/* SPDX-License-Identifier: GPL-2.0-or-later */
/* limits.h - every bound the dissectors enforce, in one place.
 * Hitting one is a named, counted event (see dissectors/anomaly.h), never a crash. */
#ifndef MMSW_DISSECT_LIMITS_H
#define MMSW_DISSECT_LIMITS_H

/* BER constructed nesting followed by any decoder (MMS Data, TypeSpecification,
 * indefinite-length scanning). Real IEC 61850 data nests < 20 deep. */
#define MMSW_BER_MAX_DEPTH 48
/* Identifier tag numbers above this are invalid (ISO 9506 uses < 100). */
#define MMSW_BER_MAX_TAG 0x0fffffffu
/* Object names decoded per PDU (read/write/define lists); the rest are counted. */
#define MMSW_MMS_MAX_OBJS 64
/* A COTP TSDU reassembled from several DT TPDUs. MMS PDUs are negotiated well below
 * this (libiec61850 default 65000); larger is hostile or broken. */
#define MMSW_COTP_TSDU_MAX (1u << 20)
/* TPKT length field: 16 bits, includes the 4-byte header; smallest useful TPKT holds
 * a 3-byte COTP DT header. */
#define MMSW_TPKT_MIN 7u
#define MMSW_TPKT_MAX 65535u
/* ISO session: parameters walked per SPDU, SPDUs per TSDU. */
#define MMSW_SESSION_MAX_PARAMS 64
#define MMSW_SESSION_MAX_SPDUS 8
/* Presentation contexts remembered per association. */
#define MMSW_PRES_MAX_CONTEXTS 8
/* Presentation PDVs walked per fully-encoded-data. */
#define MMSW_PRES_MAX_PDVS 8

#endif

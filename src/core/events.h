/* SPDX-License-Identifier: GPL-2.0-or-later */
/* events.h - what the pipeline stages tell the analyzers and sinks, through the
 * bus (core/bus.h): TCP handshake steps, what happened to a byte stream, the OSI
 * association's lifecycle, each MMS PDU, and a flow's end. Data passed in is
 * valid only for the duration of the delivery. */
#ifndef MMSW_EVENTS_H
#define MMSW_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/flow.h"
#include "core/packet.h"

struct mms_pdu;
struct cotp_tpdu;
struct session_spdu;
struct pres_ppdu;
struct acse_apdu;
struct tls_hello;
struct iec_report;

/* stream events: what happened to the byte stream, not to MMS. */
enum stream_ev {
	STREAM_EV_GAP = 0,         /* bytes never seen (capture loss): bytes, seq */
	STREAM_EV_PICKUP,          /* a direction started without its SYN */
	STREAM_EV_RESYNC,          /* TPKT framing found again after a pickup or gap */
	STREAM_EV_OVERLAP_DIFFERS, /* a retransmission carried different bytes */
	STREAM_EV_DROPPED,         /* a segment could not be queued (caps) */
	STREAM_EV_EVICTED,         /* the flow table was full: this flow was dropped */
	STREAM_EV_PORT_REUSE,      /* a new SYN on a tuple in use: a new flow begins */
	STREAM_EV_MALFORMED,       /* a layer could not decode: layer, reason */
	STREAM_EV_LIMIT,           /* a named cap was hit: limit */
	STREAM_EV_PROTOCOL,        /* the flow is not MMS: proto (s7comm, tls, ...) */
	STREAM_EV_COUNT
};

struct stream_event {
	uint8_t kind; /* enum stream_ev */
	uint64_t bytes;
	bool has_seq;
	uint32_t seq;
	const char *layer;  /* MALFORMED: tpkt, cotp, session, pres, acse, mms */
	const char *reason; /* MALFORMED: truncated, invalid, ...; LIMIT: the cap */
	const char *proto;  /* PROTOCOL */
	const struct tls_hello *tls;
};

/* association events: the OSI connection and ACSE lifecycle. */
enum assoc_ev {
	ASSOC_EV_COTP = 0,    /* CR, CC, DR, DC, ER: see cotp->type */
	ASSOC_EV_SESSION,     /* CN, AC, RF, FN, DN, NF, AB, AA: see spdu->si */
	ASSOC_EV_PRES_REFUSE, /* CPR */
	ASSOC_EV_PRES_ABORT,  /* ARU/ARP without ACSE inside */
	ASSOC_EV_ACSE,        /* AARQ, AARE, RLRQ, RLRE, ABRT */
};

struct assoc_event {
	uint8_t kind; /* enum assoc_ev */
	const struct cotp_tpdu *cotp;
	const struct session_spdu *spdu;
	const struct pres_ppdu *ppdu;
	const struct acse_apdu *acse;
};

/* One confirmed request and its answer. MMS pairs them by invokeID, and each
 * side numbers its own requests: stages/app_iso.c keeps the one table per
 * association (MMSW_PENDING_REQUESTS, oldest forgotten when full, counted as
 * pending_requests_full) and pairs a response, error, cancel or reject with the
 * request the other side sent. Analyzers hang their own per-request state on a
 * transaction slot (bus_txn_slot); it is released when the transaction ends:
 * answered, replaced by a request reusing its invokeID, forgotten, or with the
 * association. */
#define TXN_SLOTS 6
struct mms_txn {
	uint32_t invoke_id;
	int16_t service;     /* the request's service (enum mms_service) */
	uint8_t dir;         /* the request's direction (0 client->server) */
	const char *acsi;    /* the request's ACSI service, NULL unknown */
	struct pkt_where at; /* the request's packet */
	void *slot[TXN_SLOTS];
};

struct mms_event {
	const struct mms_pdu *pdu;
	const char *acsi; /* ACSI service (for a response: its request's) */
	uint32_t size;    /* bytes of the MMS PDU */
	bool bare;        /* carried straight in COTP (no session/presentation) */
	bool in_acse;     /* carried in an AARQ/AARE user-information */
	/* A confirmed request with an invokeID: its new transaction. A confirmed
	 * response or error, a cancel response or error, or a reject naming an
	 * invokeID: the transaction it ends; NULL when its request was not seen. */
	struct mms_txn *txn;
	/* A request that reuses an invokeID still outstanding: the transaction it
	 * replaces (ended after this event). */
	struct mms_txn *replaced;
	int64_t latency_us; /* an answer: its time less the request's */
	/* The IEC 61850 report the PDU carries, decoded once for every analyzer:
	 * on the reader thread (stages/decode_ahead.h), else when the event is
	 * made (stages/app_iso.c); report_status its enum iec_report_status.
	 * NULL for a PDU that is not a report. */
	const struct iec_report *report;
	uint8_t report_status;
};

enum tcp_ev { TCP_EV_SYN = 0, TCP_EV_SYNACK, TCP_EV_ESTABLISHED, TCP_EV_FIN, TCP_EV_RST };

const char *stream_ev_name(uint8_t kind);
const char *flow_end_name(enum flow_end why);

#endif

/* events.h - what the pipeline tells its consumers (EVE writer, summary, and the
 * analyzers as they land). Each ev_* is a plain call on the capture thread; data
 * passed in is valid only for the duration of the call. */
#ifndef MMSW_EVENTS_H
#define MMSW_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "flow.h"
#include "packet.h"

struct mms_pdu;
struct cotp_tpdu;
struct session_spdu;
struct pres_ppdu;
struct acse_apdu;
struct tls_hello;

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
	uint8_t kind;              /* enum stream_ev */
	uint64_t bytes;
	bool has_seq;
	uint32_t seq;
	const char *layer;         /* MALFORMED: tpkt, cotp, session, pres, acse, mms */
	const char *reason;        /* MALFORMED: truncated, invalid, ...; LIMIT: the cap */
	const char *proto;         /* PROTOCOL */
	const struct tls_hello *tls;
};

/* association events: the OSI connection and ACSE lifecycle. */
enum assoc_ev {
	ASSOC_EV_COTP = 0,         /* CR, CC, DR, DC, ER: see cotp->type */
	ASSOC_EV_SESSION,          /* CN, AC, RF, FN, DN, NF, AB, AA: see spdu->si */
	ASSOC_EV_PRES_REFUSE,      /* CPR */
	ASSOC_EV_PRES_ABORT,       /* ARU/ARP without ACSE inside */
	ASSOC_EV_ACSE,             /* AARQ, AARE, RLRQ, RLRE, ABRT */
};

struct assoc_event {
	uint8_t kind;              /* enum assoc_ev */
	const struct cotp_tpdu *cotp;
	const struct session_spdu *spdu;
	const struct pres_ppdu *ppdu;
	const struct acse_apdu *acse;
};

struct mms_event {
	const struct mms_pdu *pdu;
	const char *acsi;          /* ACSI service (for a response: its request's) */
	uint32_t size;             /* bytes of the MMS PDU */
	bool bare;                 /* carried straight in COTP (no session/presentation) */
	bool in_acse;              /* carried in an AARQ/AARE user-information */
};

enum tcp_ev { TCP_EV_SYN = 0, TCP_EV_SYNACK, TCP_EV_ESTABLISHED, TCP_EV_FIN, TCP_EV_RST };

void ev_stream(struct flow *f, int dir, const struct stream_event *e, const struct pkt_where *at);
void ev_assoc(struct flow *f, int dir, const struct assoc_event *e, const struct pkt_where *at);
void ev_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at);
void ev_tcp(struct flow *f, int dir, enum tcp_ev kind, const struct pkt_where *at);
void ev_flow_end(struct flow *f, enum flow_end why, const struct pkt_where *at);

struct finding;
/* A finding was made or grew (see analyze/finding.h): to every sink. */
void ev_finding(const struct finding *f);

struct iec_report;
/* An IEC 61850 report decoded and placed in its stream (report analyzer). */
struct report_event {
	const struct iec_report *rep;
	const char *rcb;           /* "LD/LLN0.RP.name", NULL when not known */
	const char *datset;        /* from the report or the RCB, NULL when not known */
	const char *sequence;      /* the SqNum verdict: first, next, wrap, gap, ... */
	uint32_t size;             /* bytes of the MMS PDU */
	uint32_t *store_slot;      /* the stream's cache slot in store.c (index + 1; 0: none) */
};
void ev_report(struct flow *f, int dir, const struct report_event *e, const struct pkt_where *at);

/* Shorthand for stream events that carry only a byte count. */
void ev_stream_note(struct flow *f, int dir, enum stream_ev kind, uint64_t bytes,
		    const struct pkt_where *at);

const char *stream_ev_name(uint8_t kind);
const char *flow_end_name(enum flow_end why);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* decode_ahead.h - decoding a frame's MMS PDU on the reader thread, ahead of the
 * pipeline (offline, threaded runs only).
 *
 * The MMS decoder and the IEC 61850 report decoder are pure functions of the
 * PDU's bytes, and they are a quarter of the pipeline thread's instructions on
 * a reporting capture. The reader thread (stages/capture_reader.c) has a core
 * mostly idle: for a frame that plainly carries one whole MMS PDU (Ethernet,
 * VLAN tags, IPv4, TCP port 102, one TPKT, a COTP DT with EOT, session
 * give-tokens and data transfer, one presentation data value), it runs the
 * pipeline's TPKT, COTP, session and presentation parsers, then both decoders,
 * and stores the results after the frame in its block.
 *
 * The pipeline does not trust the reader's guess: it decodes the frame as
 * always, through every stage and its state, and takes the stored result only
 * when the bytes it hands to the MMS decoder (or to the TPKT or session parser)
 * are exactly the ones the reader decoded (the same address in the ring's copy of
 * the frame, the same length).
 * The same bytes give the same result, so every output is what decoding them in
 * place gives (tests/threads/run compares the threaded and the single-threaded
 * runs of every bundled capture). Anything else (a PDU split across segments, a
 * stream the reassembly holds back, a frame this reader does not recognise) is
 * decoded in place, as before. */
#ifndef MMSW_DECODE_AHEAD_H
#define MMSW_DECODE_AHEAD_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/iec61850_report.h"
#include "dissectors/mms.h"
#include "dissectors/pres.h"

/* The reader's side. Scratch space for the two decoders (about 35 KiB), zeroed
 * before the first use. */
struct decode_ahead_scratch {
	struct mms_pdu pdu;
	struct iec_report rep;
	struct mms_pdu initial; /* a PDU as mms_decode starts it */
	bool initial_made;
	_Alignas(8) uint8_t packed[MMSW_REPORT_MAX_MEMBERS * 20]; /* the members packed (decode_ahead.c) */
};

/* Decode the MMS PDU a frame carries, if it plainly carries one, into out (at
 * most room bytes). Returns the bytes written, 0 when nothing was (not such a
 * frame, or no room). copy is where the pipeline will read the frame's bytes
 * (its copy in the ring, the same caplen bytes; it may be frame): the result
 * holds pointers into copy, valid only while it stays where it is. */
size_t decode_ahead_frame(struct decode_ahead_scratch *s, int dlt, const uint8_t *frame, const uint8_t *copy,
			  uint32_t caplen, void *out, size_t room);

/* Where the PDU stored by decode_ahead_frame is in its frame, with the COTP
 * user data and the TPKT holding it (tests). */
struct decode_ahead_ranges {
	uint32_t tpkt_off, tpkt_len, tsdu_off, tsdu_len, mms_off, mms_len;
};
void decode_ahead_ranges(const void *stored, struct decode_ahead_ranges *out);

/* The pipeline's side (its thread only). The frame about to be processed and
 * what decode_ahead_frame stored for it (NULL: nothing); NULL, NULL after it. */
void decode_ahead_current(const uint8_t *frame, const void *stored);

/* The flow table's hash of the key of a frame decoded ahead (flow_hash_ipv4),
 * read a few frames before the frame is processed, to ask the caches for its
 * flow (flow_table_prefetch). A hint only. */
uint32_t decode_ahead_flow_hash(const void *stored);

/* What tpkt_header and cotp_parse give for the len bytes at p, if they are
 * exactly the TPKT stored for the current frame: one whole TPKT holding a COTP
 * DT with EOT, whose user data goes into *user. False: parse them in place. */
bool decode_ahead_take_tpkt(const uint8_t *p, uint32_t len, struct rd *user);

/* What the session and presentation parsers give for tsdu, if tsdu is exactly
 * the COTP user data stored for the current frame: one data transfer SPDU whose
 * user data is one presentation data value, *pdv (its data the PDU's bytes, for
 * decode_ahead_take). The reader ran those parsers on the same bytes. False:
 * parse tsdu in place. */
bool decode_ahead_take_pdv(struct rd tsdu, struct pres_pdv *pdv);

/* The stored decoding of r, if r is exactly the PDU stored for the current
 * frame: the PDU into *pdu and its status into *st; the report (NULL when the
 * PDU is not an InformationReport "RPT") into *rep and its status into *rst.
 * *rep points to this module's storage, valid until the next call. False: decode
 * r in place. */
bool decode_ahead_take(struct rd r, struct mms_pdu *pdu, enum mms_status *st, const struct iec_report **rep,
		       enum iec_report_status *rst);

#endif

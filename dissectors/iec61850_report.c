/* SPDX-License-Identifier: GPL-2.0-or-later */
/* \summary: IEC 61850-8-1 report decoding (RptID, OptFlds, SqNum, inclusion, values, reasons) */
#include "iec61850_report.h"

#include <stdio.h>
#include <string.h>

/* TrgOps / ReasonCode bits 1..5 all sit in the first octet (bit 0 its MSB):
 * read them from it at once (this runs for every member of every report). */
static inline uint8_t trg_mask_of(struct bview bits, uint32_t nbits)
{
	if (!bits.len || nbits <= TRG_DCHG)
		return 0;
	uint32_t valid = nbits < 8 ? nbits : 8;
	uint8_t o = bits.p[0] & (uint8_t)(0xff00u >> valid);
	return (uint8_t)(((o >> 6) & 1u) << TRG_DCHG | ((o >> 5) & 1u) << TRG_QCHG | ((o >> 4) & 1u) << TRG_DUPD |
			 ((o >> 3) & 1u) << TRG_INTEGRITY | ((o >> 2) & 1u) << TRG_GI);
}

uint8_t iec_trg_mask(struct bview bits, uint32_t nbits)
{
	return trg_mask_of(bits, nbits);
}

/* TrgOps / ReasonCode bits (bit i at 1 << i) and OptFlds bits by name; "" for
 * reserved bits. */
static const char *const TRG_NAMES[] = { "", "dchg", "qchg", "dupd", "intg", "gi" };
static const char *const OPTFLD_NAMES[] = {
	"",
	"sequence-number",
	"report-time-stamp",
	"reason-for-inclusion",
	"data-set-name",
	"data-reference",
	"buffer-overflow",
	"entryID",
	"conf-revision",
	"segmentation",
};
#define NAMES_N(t) (sizeof(t) / sizeof((t)[0]))

const char *iec_trg_name(unsigned bit)
{
	return bit < NAMES_N(TRG_NAMES) && TRG_NAMES[bit][0] ? TRG_NAMES[bit] : NULL;
}

const char *iec_optfld_name(unsigned bit)
{
	return bit < NAMES_N(OPTFLD_NAMES) && OPTFLD_NAMES[bit][0] ? OPTFLD_NAMES[bit] : NULL;
}

/* The names of the set bits, comma-separated, into buf (whole names only).
 * Called for every report written out: string copies, no printf. */
static const char *join_names(const char *const *names, unsigned n_names, uint32_t bits, char *buf, size_t size)
{
	size_t used = 0;
	if (size)
		buf[0] = 0;
	for (unsigned b = 1; b < n_names; b++) {
		if (!(bits & (1u << b)) || !names[b][0])
			continue;
		size_t n = strlen(names[b]);
		if (used + n + (used ? 1 : 0) + 1 > size)
			break;
		if (used)
			buf[used++] = ',';
		memcpy(buf + used, names[b], n);
		used += n;
		buf[used] = 0;
	}
	return buf;
}

const char *iec_trg_text(uint8_t mask, char *buf, size_t size)
{
	return join_names(TRG_NAMES, NAMES_N(TRG_NAMES), mask, buf, size);
}

const char *iec_optflds_text(uint16_t bits, char *buf, size_t size)
{
	return join_names(OPTFLD_NAMES, NAMES_N(OPTFLD_NAMES), bits, buf, size);
}

/* The report's Data list as two pointers. A report is a dozen or more elements
 * read one after the other: kept in registers, the usual element (one-octet
 * context tag, short definite length) costs a few instructions; anything else
 * goes through mms_data_next_slow, out of line. */
struct cursor {
	const uint8_t *p, *end;
};

static __attribute__((noinline)) const uint8_t *take_slow(const uint8_t *p, const uint8_t *end, struct mms_data *d)
{
	struct rd r = rd_make(p, (size_t)(end - p));
	bool done;
	if (mms_data_next_slow(&r, d, &done) != BER_OK || done)
		return NULL;
	return p + rd_pos(&r);
}

/* The next element (false at the end of the list or on a bad one, the cursor
 * then unmoved): what mms_data_next gives. */
static inline __attribute__((always_inline)) bool next_any(struct cursor *c, struct mms_data *d)
{
	const uint8_t *p = c->p;
	size_t avail = (size_t)(c->end - p);
	size_t n = mms_data_short(p, avail, d);
	if (n) {
		c->p = p + n;
		return true;
	}
	const uint8_t *next = avail ? take_slow(p, c->end, d) : NULL;
	if (!next)
		return false;
	c->p = next;
	return true;
}

/* The next element, which must have the given tag. */
static inline __attribute__((always_inline)) bool next_of(struct cursor *c, uint8_t tag, struct mms_data *d)
{
	return next_any(c, d) && d->tag == tag;
}

/* A bit string's contents as ber_bitstring reads them, inline for OptFlds, the
 * inclusion and the per-member ReasonCodes: the padding octet (0..7, 0 when
 * empty), then the bits. */
static inline __attribute__((always_inline)) bool bits_of(const struct mms_data *d, struct bview *bits, uint32_t *nbits)
{
	size_t n = rd_left(&d->val);
	if (!n)
		return false;
	const uint8_t *p = rd_ptr(&d->val);
	uint8_t unused = p[0];
	if (unused > 7 || (n == 1 && unused != 0) || n - 1 > UINT32_MAX / 8)
		return false;
	bits->p = p + 1;
	bits->len = (uint32_t)(n - 1);
	*nbits = (uint32_t)((n - 1) * 8 - unused);
	return true;
}

static inline bool view_of(const struct mms_data *d, struct bview *v)
{
	struct rd r = d->val;
	return rd_view(&r, rd_left(&r), v);
}

enum iec_report_status iec_report_decode(const struct mms_pdu *pdu, struct iec_report *out)
{
	struct mms_data d;
	struct bview bits;
	uint32_t nbits;
	if (!iec_report_is_rpt(pdu))
		return REPORT_NOT_A_REPORT;
	memset(out, 0, offsetof(struct iec_report, members));
	if (!pdu->data.p) /* an empty list: not even an RptID */
		return REPORT_MALFORMED;
	struct cursor list = { rd_ptr(&pdu->data), rd_ptr(&pdu->data) + rd_left(&pdu->data) };

	if (!next_of(&list, MMS_DATA_VISIBLE_STRING, &d) || !view_of(&d, &out->rptid))
		return REPORT_MALFORMED;
	if (!next_of(&list, MMS_DATA_BIT_STRING, &d) || !bits_of(&d, &bits, &nbits))
		return REPORT_MALFORMED;
	{
		/* OptFlds bit b (MSB first) to 1 << b, only the first 16 bits: set bits
		 * taken one by one off the top of the two octets. */
		uint32_t valid = nbits < 16 ? nbits : 16; /* nbits <= 8 * bits.len */
		uint32_t top = bits.len ? ((uint32_t)bits.p[0] << 8 | (bits.len > 1 ? bits.p[1] : 0u)) : 0;
		top &= 0xffff0000u >> valid;
		while (top & 0xffff) {
			unsigned b = (unsigned)__builtin_clz(top) - 16;
			out->optflds |= (uint16_t)(1u << b);
			top &= ~(0x8000u >> b);
		}
	}
#define OPT(bit) (out->optflds & (1u << (bit)))
	if (OPT(OPT_SEQ_NUM)) {
		if (!next_of(&list, MMS_DATA_UNSIGNED, &d) || !ber_uint32(d.val, &out->sqnum))
			return REPORT_MALFORMED;
		out->has_sqnum = true;
	}
	if (OPT(OPT_TIME_STAMP)) {
		if (!next_of(&list, MMS_DATA_BINARY_TIME, &out->time))
			return REPORT_MALFORMED;
		out->has_time = true;
	}
	if (OPT(OPT_DATA_SET)) {
		if (!next_of(&list, MMS_DATA_VISIBLE_STRING, &d) || !view_of(&d, &out->datset))
			return REPORT_MALFORMED;
		out->has_datset = true;
	}
	if (OPT(OPT_BUFFER_OVERFLOW)) {
		if (!next_of(&list, MMS_DATA_BOOLEAN, &d) || !ber_bool(d.val, &out->bufovfl))
			return REPORT_MALFORMED;
		out->has_bufovfl = true;
	}
	if (OPT(OPT_ENTRY_ID)) {
		if (!next_of(&list, MMS_DATA_OCTET_STRING, &d) || !view_of(&d, &out->entryid))
			return REPORT_MALFORMED;
		out->has_entryid = true;
	}
	if (OPT(OPT_CONF_REV)) {
		if (!next_of(&list, MMS_DATA_UNSIGNED, &d) || !ber_uint32(d.val, &out->confrev))
			return REPORT_MALFORMED;
		out->has_confrev = true;
	}
	if (OPT(OPT_SEGMENTATION)) {
		/* SubSeqNum and MoreSegmentsFollow; some stacks set the bit and send
		 * neither on an unsegmented report: accept both shapes. */
		struct cursor save = list;
		if (next_of(&list, MMS_DATA_UNSIGNED, &d) && ber_uint32(d.val, &out->subsqnum)) {
			if (!next_of(&list, MMS_DATA_BOOLEAN, &d) || !ber_bool(d.val, &out->more_segments))
				return REPORT_MALFORMED;
			out->has_segment = true;
		} else {
			list = save;
		}
	}
	/* Inclusion bit string: one bit per dataset member. */
	struct bview incl;
	if (!next_of(&list, MMS_DATA_BIT_STRING, &d) || !bits_of(&d, &incl, &out->n_dataset))
		return REPORT_MALFORMED;
	/* Octet by octet (most datasets include few members per report), each
	 * included member's bit taken off the top of its octet. */
	for (uint32_t o = 0; o < incl.len && o * 8 < out->n_dataset; o++) {
		unsigned byte = incl.p[o];
		uint32_t valid = out->n_dataset - o * 8; /* the last octet's padding */
		if (valid < 8)
			byte &= 0xff00u >> valid;
		while (byte & 0xff) {
			unsigned b = (unsigned)__builtin_clz(byte) - 24;
			byte &= ~(0x80u >> b);
			uint32_t i = o * 8 + b;
			if (out->n_members < MMSW_REPORT_MAX_MEMBERS) {
				struct iec_report_member *m = &out->members[out->n_members++];
				m->index = (uint16_t)(i > UINT16_MAX ? UINT16_MAX : i);
				m->reasons = 0;
				m->ref.p = NULL;
				m->ref.len = 0;
			}
			out->n_included++;
		}
	}
	/* Then k data references, k values, k reason codes (each optional by OptFlds).
	 * Members past the stored cap are still walked so the shape is checked. */
	if (OPT(OPT_DATA_REF))
		for (uint32_t k = 0; k < out->n_included; k++) {
			if (!next_of(&list, MMS_DATA_VISIBLE_STRING, &d))
				return REPORT_MALFORMED;
			if (k < out->n_members)
				view_of(&d, &out->members[k].ref);
		}
	for (uint32_t k = 0; k < out->n_included; k++) {
		/* read straight into the member: a copy of d just written field by
		 * field stalls on the store buffer */
		if (!next_any(&list, k < out->n_members ? &out->members[k].value : &d))
			return REPORT_MALFORMED;
	}
	if (OPT(OPT_REASON))
		for (uint32_t k = 0; k < out->n_included; k++) {
			if (!next_of(&list, MMS_DATA_BIT_STRING, &d) || !bits_of(&d, &bits, &nbits))
				return REPORT_MALFORMED;
			uint8_t m = trg_mask_of(bits, nbits);
			if (k < out->n_members)
				out->members[k].reasons = m;
			out->reasons_all |= m;
		}
#undef OPT
	return REPORT_OK;
}

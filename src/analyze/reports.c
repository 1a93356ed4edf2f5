/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reports.c - the report analyzer: IEC 61850 reports decoded and checked.
 *
 * It follows every RCB the traffic shows (reads and writes of its attributes and
 * the response to each write) and every report stream (association + RptID,
 * refined by DatSet when the reports carry it), and finds: sequence gaps with the
 * exact missing SqNums (8-bit unbuffered, 16-bit buffered, segments), duplicates,
 * reordering; capture loss told apart from IED loss; BufOvfl and buffered replays;
 * integrity cadence; GI requested but not reported; reasons not enabled by the
 * TrgOps in force; refused RCB writes; values that changed with no data-change
 * report; writes while enabled; reservation conflicts; RCBs enabled that never
 * report; oversized datasets. Every finding carries its frames. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "analyze/sqnum.h"
#include "core/finding.h"
#include "core/ied.h"
#include "core/scl.h"
#include "core/rules.h"
#include "dissectors/iec61850.h"
#include "dissectors/iec61850_report.h"
#include "dissectors/mms.h"
#include "dissectors/mms_data.h"
#include "util/duration.h"
#include "util/heap.h"
#include "util/json.h"
#include "util/stats.h"

/* Report streams per association; more are counted (report_streams_full). */
#define STREAMS_MAX 64

/* Member flags for the silent-change check: a baseline is held; a dchg report
 * (or any report of the member) came since the last snapshot; a value or quality
 * change waits one snapshot for a late report (BufTm) before it counts. */
enum { M_HAVE = 1, M_DCHG = 2, M_SUSPECT = 4, M_REPORTED = 8, M_QSUSPECT = 16 };
/* Members already named by a stream's silent-change findings (the named[] bits):
 * a member is named once, and a finding lists every member named so far. */
enum { N_DCHG = 1, N_QCHG = 2 };

/* With many streams a report's stream is rarely in cache and each line it
 * touches is a miss. The struct is a whole number of 64-byte lines and the
 * streams' array is allocated on a line (streams_grow), so the lines below are
 * real lines: what every report reads and writes is line 0 and line 1, the two
 * names every report is matched on are packed from line 2 (a RptID and a DatSet
 * of up to 62 characters together stay in that line), then what only
 * integrity reports, snapshots and findings need. */
#define RPTID_SIZE 66   /* with its NUL: view_str keeps 65 characters */
#define DATSET_SIZE 160 /* with its NUL */
struct rstream {
	/* line 0 */
	/* strlen of rptid and datset, kept so that matching a report to its stream
	 * (every report, every stream of the association) reads no string twice */
	uint8_t rptid_len;
	uint8_t datset_len;
	int16_t rcb; /* index into the IED's RCBs, -1 not known */
	uint32_t id; /* unique in the run, from 1: names the stream in report records */
	struct sqnum_track sq;
	uint64_t reports; /* since the stream (re)started */
	uint64_t total;
	int64_t last_ts;
	uint64_t loss_at_last; /* the direction's lost bytes at the last report */
	uint16_t n_base;       /* members with a baseline from the last integrity/GI */
	bool dchg_seen;        /* a dchg reason was ever delivered */
	uint16_t n_named;      /* members in named[] (kept across restarts) */
	/* line 1 */
	struct pkt_where last_at;
	uint32_t *base_hash; /* n_base of them */
	uint32_t *base_q;    /* the members' quality at the last snapshot */
	/* Apart from the two above: the flags are what every report with reasons
	 * touches, one byte per member (a 12-byte entry with them was tried, and
	 * cost more cache misses than the three arrays). */
	uint8_t *mflags;
	int64_t last_intg_ts;
	uint64_t loss_at_intg;
	/* line 2: the RptID, then the DatSet right after its NUL (stream_datset) */
	char names[RPTID_SIZE + DATSET_SIZE];
	uint64_t gaps; /* SqNum gaps seen on this stream */
	uint64_t gaps_at_intg;
	struct pkt_where last_intg_at;
	uint8_t *named; /* N_* bits per member */
	uint64_t loss_at_base;
	/* What findings name: the RCB, else "RptID x"; made once, when the stream is
	 * tied to its RCB (that does not change), and read in place, so a report
	 * that makes no finding copies no name. */
	char obj[200];
} __attribute__((aligned(64)));

/* The stream's RptID and DatSet ("" when not known yet): see names[]. */
static inline const char *stream_rptid(const struct rstream *s)
{
	return s->names;
}

static inline const char *stream_datset(const struct rstream *s)
{
	return s->names + s->rptid_len + 1;
}

static const char *const ATTR_NAMES[RCB_ATTR_COUNT] = {
	"RptID",  "RptEna", "Resv", "DatSet",   "ConfRev", "OptFlds",     "BufTm",   "SqNum",
	"TrgOps", "IntgPd", "GI",   "PurgeBuf", "EntryID", "TimeOfEntry", "ResvTms", "Owner",
};

/* Positional layout of a whole-RCB read (IEC 61850-8-1): URCB and BRCB. */
static const uint8_t URCB_LAYOUT[] = { RCB_RPTID, RCB_RPTENA, RCB_RESV,   RCB_DATSET, RCB_CONFREV, RCB_OPTFLDS,
				       RCB_BUFTM, RCB_SQNUM,  RCB_TRGOPS, RCB_INTGPD, RCB_GI,      RCB_OWNER };
static const uint8_t BRCB_LAYOUT[] = { RCB_RPTID,    RCB_RPTENA,  RCB_DATSET,      RCB_CONFREV, RCB_OPTFLDS,
				       RCB_BUFTM,    RCB_SQNUM,   RCB_TRGOPS,      RCB_INTGPD,  RCB_GI,
				       RCB_PURGEBUF, RCB_ENTRYID, RCB_TIMEOFENTRY, RCB_RESVTMS, RCB_OWNER };

/* The MMS Data type each attribute has (to check positional reads). */
static uint8_t attr_tag(uint8_t attr)
{
	switch (attr) {
	case RCB_RPTID:
	case RCB_DATSET:
	case RCB_OWNER:
		return MMS_DATA_VISIBLE_STRING;
	case RCB_RPTENA:
	case RCB_RESV:
	case RCB_GI:
	case RCB_PURGEBUF:
		return MMS_DATA_BOOLEAN;
	case RCB_CONFREV:
	case RCB_BUFTM:
	case RCB_SQNUM:
	case RCB_INTGPD:
		return MMS_DATA_UNSIGNED;
	case RCB_OPTFLDS:
	case RCB_TRGOPS:
		return MMS_DATA_BIT_STRING;
	case RCB_ENTRYID:
		return MMS_DATA_OCTET_STRING;
	case RCB_TIMEOFENTRY:
		return MMS_DATA_BINARY_TIME;
	case RCB_RESVTMS:
		return MMS_DATA_INTEGER;
	}
	return 0;
}

/* ---- names ---------------------------------------------------------------- */

static void view_str(struct bview v, char *buf, size_t size)
{
	size_t n = v.len < size - 1 ? v.len : size - 1;
	for (size_t i = 0; i < n; i++)
		buf[i] = (v.p[i] >= 0x20 && v.p[i] < 0x7f) ? (char)v.p[i] : '?';
	buf[n] = 0;
}

/* "LD/LLN0$RP$EventsRCB01$RptEna" -> ref "LD/LLN0$RP$EventsRCB01", attr RptEna.
 * A name with nothing after the RCB is the whole RCB (attr RCB_ATTR_COUNT). */
static bool rcb_name(const struct mms_objname *o, char *ref, size_t size, uint8_t *attr)
{
	char item[160], dom[65];
	if (o->scope != MMS_SCOPE_DOMAIN)
		return false;
	view_str(o->item, item, sizeof(item));
	view_str(o->domain, dom, sizeof(dom));
	char *fc = strstr(item, "$RP$");
	if (!fc)
		fc = strstr(item, "$BR$");
	if (!fc)
		return false;
	char *rest = strchr(fc + 4, '$');
	*attr = RCB_ATTR_COUNT;
	if (rest) {
		*rest++ = 0;
		if (strchr(rest, '$'))
			return false; /* a sub-attribute: not followed */
		uint8_t a;
		for (a = 0; a < RCB_ATTR_COUNT; a++)
			if (!strcmp(rest, ATTR_NAMES[a]))
				break;
		if (a == RCB_ATTR_COUNT)
			return false;
		*attr = a;
	}
	snprintf(ref, size, "%s/%s", dom, item);
	return true;
}

/* "LD/LLN0$RP$EventsRCB01" -> "LD/LLN0.RP.EventsRCB01" (the form engineers read). */
static void rcb_display(const char *ref, char *buf, size_t size)
{
	snprintf(buf, size, "%s", ref);
	for (char *p = buf; *p; p++)
		if (*p == '$')
			*p = '.';
}

/* ---- values --------------------------------------------------------------- */

static uint16_t bits16(struct bview bits, uint32_t nbits)
{
	uint16_t v = 0;
	for (uint32_t b = 0; b < 16 && b < nbits; b++)
		if (ber_bit(bits, nbits, b))
			v |= (uint16_t)(1u << b);
	return v;
}

static uint8_t trg_of16(uint16_t v)
{
	uint8_t m = 0;
	for (int b = TRG_DCHG; b <= TRG_GI; b++)
		if (v & (1u << b))
			m |= (uint8_t)TRG_MASK(b);
	return m;
}

/* Decode one written/read value into an item (by the attribute's type). */
static bool item_value(struct an_item *it, const struct mms_data *d)
{
	struct bview bits;
	uint32_t nbits;
	it->vtag = d->tag;
	switch (d->tag) {
	case MMS_DATA_BOOLEAN:
		return ber_bool(d->val, &it->b);
	case MMS_DATA_UNSIGNED:
	case MMS_DATA_INTEGER: {
		int64_t v;
		if (!ber_int64(d->val, &v) || v < 0 || v > UINT32_MAX)
			return false;
		it->u = (uint32_t)v;
		return true;
	}
	case MMS_DATA_BIT_STRING:
		if (!ber_bitstring(d->val, &bits, &nbits))
			return false;
		it->bits = bits16(bits, nbits);
		return true;
	case MMS_DATA_VISIBLE_STRING: {
		char buf[160];
		struct bview v = { rd_ptr(&d->val), (uint32_t)rd_left(&d->val) };
		view_str(v, buf, sizeof(buf));
		it->str = strdup(buf);
		return it->str != NULL;
	}
	default:
		return true; /* other attributes: the write is followed, not the value */
	}
}

/* Apply a value known to be in force to the RCB. */
static void rcb_apply(struct rcb *r, const struct an_item *it)
{
	switch (it->attr) {
	case RCB_RPTID:
		if (it->str)
			snprintf(r->rptid, sizeof(r->rptid), "%s", it->str);
		break;
	case RCB_DATSET:
		if (it->str)
			snprintf(r->datset, sizeof(r->datset), "%s", it->str);
		break;
	case RCB_RPTENA:
		r->rptena = it->b;
		break;
	case RCB_RESV:
		r->resv = it->b;
		break;
	case RCB_GI:
		r->gi = it->b;
		break;
	case RCB_TRGOPS:
		r->trgops = trg_of16(it->bits);
		break;
	case RCB_OPTFLDS:
		r->optflds = it->bits;
		break;
	case RCB_CONFREV:
		r->confrev = it->u;
		break;
	case RCB_BUFTM:
		r->buftm = it->u;
		break;
	case RCB_INTGPD:
		r->intgpd = it->u;
		break;
	case RCB_RESVTMS:
		r->resvtms = it->u;
		break;
	default:
		break;
	}
	if (it->attr < RCB_ATTR_COUNT)
		r->known |= 1u << it->attr;
}

#define KNOWN(r, a) ((r)->known & (1u << (a)))

/* ---- findings ------------------------------------------------------------- */

static struct finding *open_finding(const char *kind, uint8_t sev, struct flow *f, const char *object,
				    const struct pkt_where *at)
{
	struct finding *fd = finding_open_on_flow(kind, sev, f, object, at->ts_us);
	finding_evidence(fd, at);
	return fd;
}

/* Does a wire string equal a stored one (stored through view_str, n = its
 * strlen)? Run for every report against the association's streams: equal bytes
 * settle it at once (what view_str stores is printable, so an equal wire byte
 * is one view_str kept); only a differing byte needs the '?' rule. */
static bool view_matches(struct bview v, const char *str, size_t n)
{
	if (v.len != n && !(v.len > n && n == 65))
		return false;
	if (!n || !memcmp(v.p, str, n))
		return true;
	for (size_t i = 0; i < n; i++)
		if ((char)v.p[i] != str[i] && (str[i] != '?' || (v.p[i] >= 0x20 && v.p[i] < 0x7f)))
			return false;
	return true;
}

static struct rcb *stream_rcb(const struct flow *f, const struct rstream *s)
{
	if (s->rcb < 0 || !flow_an_of(f) || !flow_an_of(f)->ied || s->rcb >= flow_an_of(f)->ied->n_rcbs)
		return NULL;
	return &flow_an_of(f)->ied->rcbs[s->rcb];
}

/* Common opening of a report stream's details object. */
static void details_begin(struct jw *w, struct finding *fd, const struct flow *f, const struct rstream *s)
{
	jw_init(w, fd->details, sizeof(fd->details) - 1);
	jw_obj(w, NULL);
	jw_str(w, "rptid", stream_rptid(s));
	struct rcb *r = stream_rcb(f, s);
	if (r) {
		char disp[200];
		rcb_display(r->ref, disp, sizeof(disp));
		jw_str(w, "rcb", disp);
		jw_bool(w, "buffered", r->buffered);
	}
	if (s->datset_len)
		jw_str(w, "datset", stream_datset(s));
	else if (r && KNOWN(r, RCB_DATSET))
		jw_str(w, "datset", r->datset);
}


static void trgops_array(struct jw *w, const struct rcb *r)
{
	jw_arr(w, "trgops_in_force");
	if (r && KNOWN(r, RCB_TRGOPS))
		for (int b = TRG_DCHG; b <= TRG_GI; b++)
			if (r->trgops & TRG_MASK(b)) {
				static const char *const tn[] = { "", "dchg", "qchg", "dupd", "intg", "gi" };
				jw_str(w, NULL, tn[b]);
			}
	jw_arr_end(w);
	jw_bool(w, "trgops_known", r && KNOWN(r, RCB_TRGOPS));
}

/* ---- RCB requests and responses ------------------------------------------ */

static void rcb_write_request(struct flow *f, struct flow_an *a, const struct mms_pdu *p, struct mms_txn *t,
			      const struct pkt_where *at)
{
	struct an_item items[AN_MAX_ITEMS];
	uint16_t n = 0;
	struct rd list = p->data;
	for (uint16_t i = 0; i < p->n_objs && n < AN_MAX_ITEMS; i++) {
		struct mms_data d;
		bool done;
		if (mms_data_next(&list, &d, &done) != BER_OK || done)
			break;
		char ref[160];
		uint8_t attr;
		if (!rcb_name(&p->objs[i], ref, sizeof(ref), &attr) || attr == RCB_ATTR_COUNT)
			continue;
		struct rcb *r = ied_rcb(a->ied, ref, true);
		if (!r)
			continue;
		struct an_item *it = &items[n];
		memset(it, 0, sizeof(*it));
		it->rcb = (uint16_t)(r - a->ied->rcbs);
		it->attr = attr;
		if (!item_value(it, &d)) {
			free(it->str);
			continue;
		}
		n++;
		/* Configuration written while the RCB is enabled: most servers refuse it,
		 * some take it and the subscription changes under the client's feet. */
		if (r->rptena && KNOWN(r, RCB_RPTENA) && attr != RCB_RPTENA && attr != RCB_GI && attr != RCB_PURGEBUF &&
		    attr != RCB_RESV && attr != RCB_RESVTMS) {
			char disp[200];
			rcb_display(r->ref, disp, sizeof(disp));
			struct finding *fd = open_finding("rcb_write_while_enabled", SEV_LOW, f, disp, at);
			if (fd) {
				finding_summary(fd,
						"%s was written on %s while the RCB was enabled (RptEna=true); "
						"set RptEna=false before changing its configuration.",
						ATTR_NAMES[attr], disp);
				struct jw w;
				jw_init(&w, fd->details, sizeof(fd->details) - 1);
				jw_obj(&w, NULL);
				jw_str(&w, "rcb", disp);
				jw_str(&w, "attribute", ATTR_NAMES[attr]);
				jw_obj_end(&w);
				fd->details[w.overflow ? 0 : w.len] = 0;
				if (w.overflow)
					strcpy(fd->details, "{}");
				finding_commit(fd, at->ts_us);
			}
		}
		/* Two clients reserving one RCB. */
		if (attr == RCB_RESV && it->b && r->resv && r->resv_flow && r->resv_flow != f->id &&
		    memcmp(r->resv_client, f->key.ip[f->client], 16) != 0) {
			char disp[200];
			rcb_display(r->ref, disp, sizeof(disp));
			struct finding *fd = open_finding("rcb_reservation_conflict", SEV_MEDIUM, f, disp, at);
			if (fd) {
				finding_summary(fd,
						"A second client tried to reserve %s, already reserved by another "
						"association: two clients are configured for one RCB.",
						disp);
				finding_commit(fd, at->ts_us);
			}
		}
	}
	if (!n)
		return;
	struct an_request *rq = an_request_new(t, AN_REQ_RCB_WRITE);
	if (rq)
		rq->items = malloc(n * sizeof(*rq->items));
	if (!rq || !rq->items) {
		for (uint16_t i = 0; i < n; i++)
			free(items[i].str);
		if (rq)
			an_request_drop(t);
		return;
	}
	memcpy(rq->items, items, n * sizeof(*items));
	rq->n_items = n;
}

static void stream_restart(struct rstream *s)
{
	sqnum_reset(&s->sq);
	s->reports = 0;
	s->last_intg_ts = 0;
	s->n_base = 0;
}

/* RptEna=true took effect: SqNum starts over, and the RCB must report soon. */
static void rcb_enabled(struct flow *f, struct flow_an *a, struct rcb *r, uint16_t idx, const struct pkt_where *at)
{
	r->owner_flow = f->id;
	a->ied->rcbs_unowned = false; /* r is one of a->ied's: its timers run again */
	r->enabled_at = at->ts_us;
	r->enable_at = *at;
	r->reported_since_enable = false;
	r->no_report_flagged = false;
	for (uint16_t i = 0; i < a->n_streams; i++)
		if (a->streams[i].rcb == (int16_t)idx)
			stream_restart(&a->streams[i]);
}

static void rcb_write_refused(struct flow *f, struct rcb *r, uint8_t attr, const char *why, const struct an_request *rq,
			      const struct pkt_where *at)
{
	char disp[200];
	rcb_display(r->ref, disp, sizeof(disp));
	struct finding *fd = open_finding("rcb_write_refused", SEV_MEDIUM, f, disp, at);
	if (!fd)
		return;
	finding_evidence(fd, &rq->at);
	finding_summary(fd, "The IED refused the write of %s on %s (%s): that setting is not in force.",
			ATTR_NAMES[attr], disp, why);
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "rcb", disp);
	jw_str(&w, "attribute", ATTR_NAMES[attr]);
	jw_str(&w, "error", why);
	jw_obj_end(&w);
	if (w.overflow)
		strcpy(fd->details, "{}");
	else
		fd->details[w.len] = 0;
	finding_commit(fd, at->ts_us);
}

/* GI requested on an RCB whose TrgOps lack gi: a server need not answer it
 * (IEC 61850-7-2 sends a GI report only when gi is a trigger option). */
static void gi_not_in_trgops(struct flow *f, struct rcb *r, const struct an_request *rq, const struct pkt_where *at)
{
	char disp[200], trg[64];
	rcb_display(r->ref, disp, sizeof(disp));
	struct finding *fd = open_finding("gi_not_in_trgops", SEV_LOW, f, disp, at);
	if (!fd)
		return;
	finding_evidence(fd, &rq->at);
	iec_trg_text(r->trgops, trg, sizeof(trg));
	finding_summary(fd,
			"%s: the client requested a general interrogation (GI=true) but the RCB's TrgOps (%s) "
			"lack gi, so the IED need not send a GI report: add gi to TrgOps to get one.",
			disp, trg[0] ? trg : "none");
	struct jw w;
	jw_init(&w, fd->details, sizeof(fd->details) - 1);
	jw_obj(&w, NULL);
	jw_str(&w, "rcb", disp);
	jw_bool(&w, "buffered", r->buffered);
	trgops_array(&w, r);
	finding_details_end(&w, fd);
	finding_commit(fd, at->ts_us);
}

static void rcb_write_response(struct flow *f, struct flow_an *a, const struct mms_pdu *p, struct an_request *rq,
			       const struct pkt_where *at)
{
	struct rd list = p->data;
	for (uint16_t i = 0; i < rq->n_items; i++) {
		struct an_item *it = &rq->items[i];
		if (it->rcb >= a->ied->n_rcbs)
			continue;
		struct rcb *r = &a->ied->rcbs[it->rcb];
		const char *refused = NULL;
		char why[64];
		if (p->type == MMS_CONFIRMED_ERROR) {
			snprintf(why, sizeof(why), "confirmed-error %s", mms_error_class_name(p->error.error_class));
			refused = why;
		} else {
			/* Write-Response: one CHOICE per item, failure [0] or success [1]. */
			struct mms_data d;
			bool done;
			if (mms_data_next(&list, &d, &done) != BER_OK || done)
				break;
			if (d.tag == MMS_DATA_ACCESS_FAILURE) {
				uint32_t code = 0;
				ber_uint32(d.val, &code);
				snprintf(why, sizeof(why), "%s", mms_data_access_error_name(code));
				refused = why;
			}
		}
		if (refused) {
			rcb_write_refused(f, r, it->attr, refused, rq, at);
			continue;
		}
		rcb_apply(r, it);
		if (it->attr == RCB_RPTENA && it->b)
			rcb_enabled(f, a, r, it->rcb, at);
		if (it->attr == RCB_GI && it->b) {
			if (KNOWN(r, RCB_TRGOPS) && !(r->trgops & TRG_MASK(TRG_GI)))
				gi_not_in_trgops(f, r, rq, at); /* the configuration, not the IED */
			else {
				r->gi_pending = true;
				r->gi_requested_at = at->ts_us;
				r->gi_at = rq->at;
			}
		}
		if (it->attr == RCB_RESV && it->b) {
			r->resv_flow = f->id;
			memcpy(r->resv_client, f->key.ip[f->client], 16);
		}
		if (it->attr == RCB_ENTRYID)
			r->entryid_flow = f->id;
		if (it->attr == RCB_TRGOPS) {
			/* The write that set TrgOps, for a later mismatch's evidence slice. */
			r->trgops_req_at = rq->at;
			r->trgops_at = *at;
		}
		if (it->attr == RCB_TRGOPS && r->buffered) {
			/* Writing TrgOps purges a BRCB's buffer: what it held is gone. */
			r->n_entryids = 0;
		}
	}
}

static void rcb_read_request(struct flow_an *a, const struct mms_pdu *p, struct mms_txn *t)
{
	struct an_item items[AN_MAX_ITEMS];
	uint16_t n = 0;
	for (uint16_t i = 0; i < p->n_objs && n < AN_MAX_ITEMS; i++) {
		char ref[160];
		uint8_t attr;
		struct rcb *r;
		if (!rcb_name(&p->objs[i], ref, sizeof(ref), &attr) || !(r = ied_rcb(a->ied, ref, true)))
			continue;
		memset(&items[n], 0, sizeof(items[n]));
		items[n].rcb = (uint16_t)(r - a->ied->rcbs);
		items[n].attr = attr;
		n++;
	}
	if (!n || n != p->n_objs)
		return; /* positional results: only follow reads made only of RCB names */
	struct an_request *rq = an_request_new(t, AN_REQ_RCB_READ);
	if (!rq)
		return;
	rq->items = malloc(n * sizeof(*rq->items));
	if (!rq->items) {
		an_request_drop(t);
		return;
	}
	memcpy(rq->items, items, n * sizeof(*items));
	rq->n_items = n;
}

static void rcb_read_value(struct rcb *r, uint8_t attr, const struct mms_data *d)
{
	struct an_item it;
	memset(&it, 0, sizeof(it));
	it.attr = attr;
	if (d->tag != attr_tag(attr) || !item_value(&it, d)) {
		free(it.str);
		return;
	}
	rcb_apply(r, &it);
	free(it.str);
}

static void rcb_read_response(struct flow_an *a, const struct mms_pdu *p, struct an_request *rq)
{
	struct rd list = p->data;
	for (uint16_t i = 0; i < rq->n_items; i++) {
		struct mms_data d;
		bool done;
		if (mms_data_next(&list, &d, &done) != BER_OK || done)
			return;
		struct an_item *it = &rq->items[i];
		if (it->rcb >= a->ied->n_rcbs)
			continue;
		struct rcb *r = &a->ied->rcbs[it->rcb];
		if (it->attr != RCB_ATTR_COUNT) {
			rcb_read_value(r, it->attr, &d);
			continue;
		}
		if (d.tag != MMS_DATA_STRUCTURE)
			continue;
		/* The whole RCB: its attributes in the standard order, each checked by
		 * type; stop at the first that does not fit (another edition's layout). */
		const uint8_t *layout = r->buffered ? BRCB_LAYOUT : URCB_LAYOUT;
		size_t nl = r->buffered ? sizeof(BRCB_LAYOUT) : sizeof(URCB_LAYOUT);
		struct rd members = d.val;
		for (size_t k = 0; k < nl; k++) {
			struct mms_data m;
			if (mms_data_next(&members, &m, &done) != BER_OK || done || m.tag != attr_tag(layout[k]))
				break;
			rcb_read_value(r, layout[k], &m);
		}
	}
}

/* GetNamedVariableListAttributes: the dataset's member names. */
static void nvl_request(const struct mms_pdu *p, struct mms_txn *t)
{
	if (!p->has_list_name || p->list_name.scope != MMS_SCOPE_DOMAIN)
		return;
	char dom[65], item[96], ref[170];
	view_str(p->list_name.domain, dom, sizeof(dom));
	view_str(p->list_name.item, item, sizeof(item));
	snprintf(ref, sizeof(ref), "%s/%s", dom, item);
	struct an_request *rq = an_request_new(t, AN_REQ_NVL_ATTR);
	if (!rq)
		return;
	rq->name = strdup(ref);
	if (!rq->name)
		an_request_drop(t);
}

static void nvl_response(struct flow_an *a, const struct mms_pdu *p, struct an_request *rq)
{
	struct dataset *ds = ied_dataset(a->ied, rq->name, true);
	if (!ds || ds->members)
		return;
	uint32_t n = p->n_objs < IED_MAX_DATASET_MEMBERS ? p->n_objs : IED_MAX_DATASET_MEMBERS;
	ds->members = calloc(n ? n : 1, sizeof(char *));
	if (!ds->members)
		return;
	for (uint32_t i = 0; i < n; i++) {
		char dom[65], item[160], full[230];
		view_str(p->objs[i].domain, dom, sizeof(dom));
		view_str(p->objs[i].item, item, sizeof(item));
		if (p->objs[i].scope == MMS_SCOPE_DOMAIN)
			snprintf(full, sizeof(full), "%s/%s", dom, item);
		else
			snprintf(full, sizeof(full), "%s", item);
		ds->members[i] = strdup(full);
	}
	ds->n_members = (uint16_t)n;
}

/* ---- report streams -------------------------------------------------------- */

/* One byte of a RptID (at most its first 65 bytes, what view_str keeps): its
 * length and three of its bytes, the last among them (the RptIDs of one IED
 * tend to differ at the end). Each stream keeps its own (struct flow_an's
 * stream_key), so that a report reads only the streams whose byte is its own.
 * Taken from the raw bytes, the byte of a wire name with an unprintable byte
 * differs from the stored name's ('?' there): stream_for then looks at every
 * stream. */
static inline uint8_t rptid_key(const uint8_t *p, size_t n)
{
	if (n > RPTID_SIZE - 1)
		n = RPTID_SIZE - 1;
	if (!n)
		return 0;
	return (uint8_t)(n * 7 + p[n - 1] * 3u + p[n / 2] * 5u + p[n / 4]);
}

/* Room for 4 more streams, on a 64-byte line (the struct's own alignment). */
static bool streams_grow(struct flow_an *a)
{
	struct rstream *grown = heap_regrow_aligned(a->streams, a->n_streams, (size_t)a->n_streams + 4, sizeof(*grown),
						    _Alignof(struct rstream));
	if (!grown)
		return false;
	a->streams = grown;
	return true;
}

/* The first stream of the association that the report's RptID (and DatSet,
 * when both have one) matches, looking only at the streams whose key byte is
 * key when key >= 0; NULL when none. Every stream that matches a name has the
 * same stored RptID, so the same key: with the keys, the first match is the
 * same stream as without them, or none is found. */
static inline struct rstream *stream_match(struct flow_an *a, const struct iec_report *rep, int key)
{
	for (uint16_t i = 0; i < a->n_streams; i++) {
		if (key >= 0 && i < AN_STREAM_KEYS && a->stream_key[i] != key)
			continue;
		struct rstream *s = &a->streams[i];
		if (!view_matches(rep->rptid, stream_rptid(s), s->rptid_len))
			continue;
		if (rep->has_datset && s->datset_len && !view_matches(rep->datset, stream_datset(s), s->datset_len))
			continue; /* same RptID, another dataset: another RCB */
		if (rep->has_datset && !s->datset_len) {
			char *ds = s->names + s->rptid_len + 1;
			view_str(rep->datset, ds, DATSET_SIZE);
			s->datset_len = (uint8_t)strlen(ds);
		}
		return s;
	}
	return NULL;
}

/* A report's stream, by its key alone (the first stream with it): its lines 0 to 2,
 * what report() reads of it, and its RCB's first line. */
static void reports_mms_soon(const struct flow *f, int dir, const struct mms_event *e)
{
	(void)dir;
	const struct flow_an *a = flow_an_of(f);
	if (!a || !e->report || e->report_status != REPORT_OK)
		return;
	uint8_t key = rptid_key(e->report->rptid.p, e->report->rptid.len);
	uint16_t n = a->n_streams < AN_STREAM_KEYS ? a->n_streams : AN_STREAM_KEYS;
	for (uint16_t i = 0; i < n; i++)
		if (a->stream_key[i] == key) {
			const char *s = (const char *)&a->streams[i];
			for (size_t at = 0; at < offsetof(struct rstream, names) + 64; at += 64)
				__builtin_prefetch(s + at, 1);
			/* struct ied's first two lines came with the flow's (flow_table_prefetch) */
			uint8_t rcb = a->stream_rcb[i];
			if (rcb != AN_RCB_NONE && a->ied && rcb < a->ied->n_rcbs)
				__builtin_prefetch(&a->ied->rcbs[rcb], 1);
			return;
		}
}

static struct rstream *stream_for(struct flow *f, struct flow_an *a, const struct iec_report *rep,
				  const struct pkt_where *at)
{
	struct rstream *found = stream_match(a, rep, rptid_key(rep->rptid.p, rep->rptid.len));
	/* None: a new stream, or a name with an unprintable byte (its key is not
	 * its stored name's) */
	if (!found)
		found = stream_match(a, rep, -1);
	if (found)
		return found;
	char rptid[RPTID_SIZE], datset[DATSET_SIZE] = "";
	view_str(rep->rptid, rptid, sizeof(rptid));
	if (rep->has_datset)
		view_str(rep->datset, datset, sizeof(datset));
	if (a->n_streams >= STREAMS_MAX) {
		stat_inc(STAT_report_streams_full);
		return NULL;
	}
	if ((a->n_streams & 3) == 0 && !streams_grow(a))
		return NULL;
	struct rstream *s = &a->streams[a->n_streams];
	memset(s, 0, sizeof(*s));
	static uint32_t last_stream_id;
	s->id = ++last_stream_id ? last_stream_id : ++last_stream_id;
	s->rptid_len = (uint8_t)strlen(rptid);
	s->datset_len = (uint8_t)strlen(datset);
	memcpy(s->names, rptid, (size_t)s->rptid_len + 1);
	memcpy(s->names + s->rptid_len + 1, datset, (size_t)s->datset_len + 1);
	if (a->n_streams < AN_STREAM_KEYS)
		a->stream_key[a->n_streams] = rptid_key((const uint8_t *)rptid, s->rptid_len);
	a->n_streams++;
	s->rcb = -1;
	/* Tie the stream to its RCB: the RptID read or written on an RCB of this IED,
	 * preferring the one this association enabled and whose DatSet matches. An
	 * empty RptID means the RCB's own reference. */
	int best = -1, best_score = 0;
	for (uint16_t k = 0; k < a->ied->n_rcbs; k++) {
		struct rcb *r = &a->ied->rcbs[k];
		char own[200];
		rcb_display(r->ref, own, sizeof(own));
		int score = 0;
		if (KNOWN(r, RCB_RPTID) && r->rptid[0] && !strcmp(r->rptid, rptid))
			score = 2;
		else if ((!KNOWN(r, RCB_RPTID) || !r->rptid[0]) && (!strcmp(own, rptid) || !strcmp(r->ref, rptid)))
			score = 2;
		if (!score)
			continue;
		if (r->owner_flow == f->id)
			score += 2;
		if (datset[0] && KNOWN(r, RCB_DATSET) && !strcmp(r->datset, datset))
			score += 1;
		if (score > best_score) {
			best_score = score;
			best = k;
		}
	}
	s->rcb = (int16_t)best;
	if (a->n_streams <= AN_STREAM_KEYS)
		a->stream_rcb[a->n_streams - 1] = best >= 0 && best < AN_RCB_NONE ? (uint8_t)best : AN_RCB_NONE;
	struct rcb *r = stream_rcb(f, s);
	if (r)
		rcb_display(r->ref, s->obj, sizeof(s->obj));
	else
		snprintf(s->obj, sizeof(s->obj), "RptID %s", stream_rptid(s));
	bool buffered = r ? r->buffered : (rep->optflds & ((1u << OPT_ENTRY_ID) | (1u << OPT_BUFFER_OVERFLOW))) != 0;
	/* Unbuffered SqNum is 8 bits, buffered 16; unknown until the RCB is known. */
	sqnum_init(&s->sq, r ? (buffered ? 16 : 8) : (buffered ? 16 : 0));
	(void)at;
	return s;
}

/* A member's name for findings, by its dataset index: its data reference when
 * this report carries one, else the dataset's member list
 * (GetNamedVariableListAttributes), else dataset + index. Never invented. */
static void member_name(const struct flow *f, const struct rstream *s, const struct iec_report *rep, uint16_t index,
			char *buf, size_t size)
{
	for (uint16_t k = 0; k < rep->n_members; k++)
		if (rep->members[k].index == index && rep->members[k].ref.len) {
			view_str(rep->members[k].ref, buf, size);
			return;
		}
	const char *ds = stream_datset(s);
	struct rcb *r = stream_rcb(f, s);
	if (!ds[0] && r && KNOWN(r, RCB_DATSET))
		ds = r->datset;
	if (ds[0] && flow_an_of(f) && flow_an_of(f)->ied) {
		struct dataset *d = ied_dataset(flow_an_of(f)->ied, ds, false);
		if (d && index < d->n_members && d->members[index]) {
			/* "LD/GGIO1$MX$AnIn1$mag$f" -> the item part engineers match on */
			const char *slash = strchr(d->members[index], '/');
			snprintf(buf, size, "%s", slash ? slash + 1 : d->members[index]);
			return;
		}
	}
	/* the design's dataset (--scl), when it has the shape the report shows */
	const struct ied *d = flow_an_of(f) ? flow_an_of(f)->ied : NULL;
	const struct scl_dataset *sd = scl_report_dataset(g_scl, d ? d->design : NULL, ds, stream_rptid(s));
	if (sd && sd->n_fcdas == rep->n_dataset && index < sd->n_fcdas) {
		snprintf(buf, size, "%s", sd->fcdas[index].display);
		return;
	}
	snprintf(buf, size, "%s[%u]", ds[0] ? ds : stream_rptid(s), index);
}

/* Is this a quality (IEC 61850-7-3 Quality: a 13-bit bit-string, 3 unused bits)? */
static bool is_quality(const struct mms_data *d)
{
	uint8_t unused;
	return d->tag == MMS_DATA_BIT_STRING && rd_left(&d->val) == 3 && rd_peek(&d->val, 0, &unused) && unused == 3;
}

/* Hashes of a member's value without its quality and time stamps (what a data
 * change, dchg, is about), and of its quality alone (qchg's business); t changes
 * with every change of either and counts in neither. */
static uint32_t value_hash(const struct mms_data *top, uint32_t *qhash)
{
	uint32_t h = 2166136261u, q = 2166136261u;
	struct rd stack[MMSW_BER_MAX_DEPTH];
	int depth = 0;
	struct mms_data d = *top;
	bool have = true;
	for (;;) {
		if (have) {
			if (d.tag == MMS_DATA_STRUCTURE || d.tag == MMS_DATA_ARRAY) {
				if (depth >= MMSW_BER_MAX_DEPTH)
					break;
				stack[depth++] = d.val;
				h = (h ^ 0xff) * 16777619u;
			} else if (is_quality(&d)) {
				for (size_t i = 0; i < rd_left(&d.val); i++)
					q = (q ^ d.val.p[d.val.off + i]) * 16777619u;
			} else if (d.tag != MMS_DATA_UTC_TIME && d.tag != MMS_DATA_BINARY_TIME &&
				   d.tag != MMS_DATA_GENERALIZED_TIME) {
				h = (h ^ d.tag) * 16777619u;
				for (size_t i = 0; i < rd_left(&d.val); i++)
					h = (h ^ d.val.p[d.val.off + i]) * 16777619u;
			}
		}
		if (depth == 0)
			break;
		bool done;
		if (mms_data_next(&stack[depth - 1], &d, &done) != BER_OK || done) {
			depth--;
			have = false;
			if (depth == 0)
				break;
			continue;
		}
		have = true;
	}
	*qhash = q;
	return h;
}

/* Mark newly changed members as named (bit nb) in the stream's union; true when
 * one was not named before. */
static bool name_members(struct rstream *s, const uint16_t *idx, unsigned n, uint8_t nb, uint32_t dataset)
{
	if (s->n_named != dataset) {
		uint8_t *nn = calloc(dataset ? dataset : 1, 1);
		if (!nn)
			return false;
		free(s->named);
		s->named = nn;
		s->n_named = (uint16_t)dataset;
	}
	bool fresh = false;
	for (unsigned i = 0; i < n; i++)
		if (idx[i] < s->n_named && !(s->named[idx[i]] & nb)) {
			s->named[idx[i]] |= nb;
			fresh = true;
		}
	return fresh;
}

/* One finding per RCB (stream) for silent changes of one sort (nb): it names every
 * member changed so far, and grows (no new count) only when a member not named
 * before changes; the same members changing again say nothing new. */
static void silent_change_finding(struct flow *f, struct rstream *s, const struct iec_report *rep, uint8_t nb,
				  const char *kind, uint8_t sev, const struct pkt_where *at)
{
	struct rcb *r = stream_rcb(f, s);
	const char *obj = s->obj;
	struct finding *fd = open_finding(kind, sev, f, obj, at);
	if (!fd)
		return;
	char trg[64] = "unknown";
	if (r && KNOWN(r, RCB_TRGOPS))
		iec_trg_text(r->trgops, trg, sizeof(trg));
	char names[FINDING_SUMMARY_MAX];
	size_t used = 0;
	unsigned n = 0, shown = 0;
	struct jw w;
	details_begin(&w, fd, f, s);
	jw_arr(&w, "members");
	for (uint16_t i = 0; i < s->n_named; i++) {
		if (!(s->named[i] & nb))
			continue;
		n++;
		char mn[200];
		member_name(f, s, rep, i, mn, sizeof(mn));
		jw_str(&w, NULL, mn);
		/* The summary names as many as fit in a line; details name them all. */
		if (used + strlen(mn) + 2 < 240) {
			snprintf(names + used, sizeof(names) - used, "%s%s", used ? ", " : "", mn);
			used = strlen(names);
			shown++;
		}
	}
	jw_arr_end(&w);
	jw_u64(&w, "members_changed", n);
	trgops_array(&w, r);
	finding_details_end(&w, fd);
	if (shown < n)
		snprintf(names + used, sizeof(names) - used, " and %u more", n - shown);
	if (nb == N_QCHG)
		finding_summary(fd,
				"%s: the quality of %s changed between integrity/GI reports but no quality-change "
				"report was sent: TrgOps (%s) lacks qchg, so a quality change (invalid, questionable, "
				"test) only shows every integrity period.",
				obj, names, trg);
	else if (sev == SEV_HIGH)
		finding_summary(fd,
				"%s: %s changed between integrity/GI reports with no data-change report, "
				"although dchg is enabled (TrgOps %s): the IED does not report these changes.",
				obj, names, trg);
	else
		finding_summary(fd,
				"%s: %s changed between integrity/GI reports but no data-change report was "
				"sent: TrgOps (%s) lacks dchg, so changes only show every integrity period.",
				obj, names, trg);
	finding_evidence(fd, at);
	if (fd->count)
		finding_touch(fd, at->ts_us);
	else
		finding_commit(fd, at->ts_us);
}

static void silent_change_check(struct flow *f, struct rstream *s, struct rcb *r, const struct iec_report *rep,
				const struct pkt_where *at)
{
	struct flow_an *a = flow_an_of(f);
	uint64_t loss = a->loss[1] ? a->loss[1]->bytes : 0;
	bool is_snapshot = rep->reasons_all & (TRG_MASK(TRG_INTEGRITY) | TRG_MASK(TRG_GI));
	/* Members reported with dchg since the last snapshot explain their change; a
	 * member reported for any reason showed its quality then. */
	for (uint16_t k = 0; k < rep->n_members; k++) {
		uint16_t idx = rep->members[k].index;
		if (idx >= s->n_base)
			continue;
		if (rep->members[k].reasons & TRG_MASK(TRG_DCHG))
			s->mflags[idx] |= M_DCHG;
		if (rep->members[k].reasons & (TRG_MASK(TRG_DCHG) | TRG_MASK(TRG_QCHG) | TRG_MASK(TRG_DUPD)))
			s->mflags[idx] |= M_REPORTED;
	}
	if (!is_snapshot)
		return;
	uint32_t n = rep->n_dataset < IED_MAX_DATASET_MEMBERS ? rep->n_dataset : IED_MAX_DATASET_MEMBERS;
	if (s->n_base != n) {
		free(s->base_hash);
		free(s->base_q);
		free(s->mflags);
		s->base_hash = calloc(n ? n : 1, sizeof(*s->base_hash));
		s->base_q = calloc(n ? n : 1, sizeof(*s->base_q));
		s->mflags = calloc(n ? n : 1, 1);
		s->n_base = s->base_hash && s->base_q && s->mflags ? (uint16_t)n : 0;
		s->loss_at_base = loss;
		if (!s->n_base)
			return;
	}
	bool trg_known = r && KNOWN(r, RCB_TRGOPS);
	bool dchg_on = trg_known ? (r->trgops & TRG_MASK(TRG_DCHG)) != 0 : s->dchg_seen;
	/* A quality change is judged only against TrgOps known to lack qchg. */
	bool qchg_off = trg_known && !(r->trgops & TRG_MASK(TRG_QCHG));
	bool comparable = loss == s->loss_at_base; /* a hole could have hidden a dchg report */
	unsigned n_changed = 0, n_qchanged = 0;
	uint16_t changed_idx[IED_MAX_DATASET_MEMBERS], qchanged_idx[IED_MAX_DATASET_MEMBERS];
	for (uint16_t k = 0; k < rep->n_members; k++) {
		uint16_t idx = rep->members[k].index;
		if (idx >= s->n_base)
			continue;
		uint32_t q;
		uint32_t h = value_hash(&rep->members[k].value, &q);
		uint8_t *fl = &s->mflags[idx];
		bool changed = (*fl & M_HAVE) && s->base_hash[idx] != h && !(*fl & M_DCHG) && comparable;
		bool qchanged = (*fl & M_HAVE) && s->base_q[idx] != q && !(*fl & M_REPORTED) && comparable;
		/* A change seen at one snapshot may have its report just after it
		 * (BufTm): only a change still unexplained one snapshot later counts. */
		if (changed && (*fl & M_SUSPECT) && n_changed < IED_MAX_DATASET_MEMBERS)
			changed_idx[n_changed++] = idx;
		if (qchanged && (*fl & M_QSUSPECT) && n_qchanged < IED_MAX_DATASET_MEMBERS)
			qchanged_idx[n_qchanged++] = idx;
		*fl = (uint8_t)(M_HAVE | (changed ? M_SUSPECT : 0) | (qchanged ? M_QSUSPECT : 0));
		s->base_hash[idx] = h;
		s->base_q[idx] = q;
	}
	s->loss_at_base = loss;
	if (n_changed && name_members(s, changed_idx, n_changed, N_DCHG, n))
		silent_change_finding(f, s, rep, N_DCHG, dchg_on ? "dchg_not_reported" : "trgops_missing_dchg",
				      dchg_on ? SEV_HIGH : SEV_MEDIUM, at);
	if (qchg_off && n_qchanged && name_members(s, qchanged_idx, n_qchanged, N_QCHG, n))
		silent_change_finding(f, s, rep, N_QCHG, "trgops_missing_qchg", SEV_MEDIUM, at);
}

static const char *sequence_check(struct flow *f, int dir, struct rstream *s, const struct iec_report *rep,
				  const struct pkt_where *at)
{
	struct flow_an *a = flow_an_of(f);
	uint64_t loss = a->loss[dir] ? a->loss[dir]->bytes : 0;
	uint32_t prev = s->sq.last;
	bool hole = loss != s->loss_at_last; /* the capture lost bytes since the last report */
	struct sq_result r = sqnum_feed(&s->sq, rep->sqnum, rep->has_segment, rep->subsqnum, rep->more_segments);
	uint32_t mod = s->sq.width ? (1u << s->sq.width) : (s->sq.max_seen > 255 ? 65536 : 256);
	const char *obj = s->obj;
	struct finding *fd = NULL;
	struct jw w;
	switch (r.verdict) {
	case SQ_GAP:
		if (hole) {
			/* A hole in the capture lies between the two reports: the sensor
			 * missed them, the IED did not. */
			loss_reports_unseen(f, dir, stream_rptid(s), r.missing_first, r.missing_count, mod, at);
			break;
		}
		s->gaps++;
		fd = open_finding("report_sequence_gap", SEV_HIGH, f, obj, at);
		if (!fd)
			break;
		finding_evidence(fd, &s->last_at);
		finding_evidence(fd, at);
		for (uint32_t i = 0; i < r.missing_count; i++)
			finding_list_add(fd, (r.missing_first + i) % mod);
		details_begin(&w, fd, f, s);
		jw_arr(&w, "missing_sqnums");
		for (unsigned i = 0; i < fd->n_list; i++)
			jw_u64(&w, NULL, fd->list[i]);
		jw_arr_end(&w);
		jw_u64(&w, "missing_total", fd->list_total);
		jw_u64(&w, "sqnum_before", prev);
		jw_u64(&w, "sqnum_after", rep->sqnum);
		jw_u64(&w, "sqnum_bits", mod == 256 ? 8 : 16);
		finding_details_end(&w, fd);
		{
			char range[48];
			uint32_t last = (r.missing_first + r.missing_count - 1) % mod;
			if (r.missing_count == 1)
				snprintf(range, sizeof(range), "SqNum %u missing", r.missing_first);
			else
				snprintf(range, sizeof(range), "SqNum %u..%u missing", r.missing_first, last);
			finding_summary(fd,
					"%s: %llu report%s never sent by the IED (%s%s; the TCP stream has no "
					"hole, so this is not capture loss).",
					obj, (unsigned long long)fd->list_total,
					fd->list_total == 1 ? " was" : "s were",
					fd->list_total > r.missing_count ? "latest: " : "", range);
		}
		finding_commit(fd, at->ts_us);
		break;
	case SQ_DUPLICATE:
		fd = open_finding("report_duplicate", SEV_LOW, f, obj, at);
		if (fd) {
			finding_evidence(fd, &s->last_at);
			details_begin(&w, fd, f, s);
			jw_u64(&w, "sqnum", rep->sqnum);
			finding_details_end(&w, fd);
			finding_summary(fd, "%s: report SqNum %u was delivered twice.", obj, rep->sqnum);
			finding_commit(fd, at->ts_us);
		}
		break;
	case SQ_BACKWARD:
		fd = open_finding("report_out_of_order", SEV_LOW, f, obj, at);
		if (fd) {
			finding_evidence(fd, &s->last_at);
			details_begin(&w, fd, f, s);
			jw_u64(&w, "sqnum", rep->sqnum);
			jw_u64(&w, "after_sqnum", prev);
			finding_details_end(&w, fd);
			finding_summary(fd, "%s: report SqNum %u arrived after SqNum %u.", obj, rep->sqnum, prev);
			finding_commit(fd, at->ts_us);
		}
		break;
	case SQ_RESTART:
		fd = open_finding("report_sequence_restart", SEV_INFO, f, obj, at);
		if (fd) {
			details_begin(&w, fd, f, s);
			jw_u64(&w, "sqnum", rep->sqnum);
			finding_details_end(&w, fd);
			finding_summary(fd,
					"%s: SqNum started again at 0 with no RptEna write seen (an enable the "
					"capture did not show, or an IED restart of the RCB); not counted as a gap.",
					obj);
			finding_commit(fd, at->ts_us);
		}
		break;
	case SQ_SEGMENT_GAP:
		if (hole)
			break;
		fd = open_finding("report_segment_missing", SEV_MEDIUM, f, obj, at);
		if (fd) {
			finding_evidence(fd, &s->last_at);
			details_begin(&w, fd, f, s);
			jw_u64(&w, "sqnum", rep->sqnum);
			jw_u64(&w, "first_missing_subsqnum", r.missing_first);
			jw_u64(&w, "missing_segments", r.missing_count);
			finding_details_end(&w, fd);
			finding_summary(fd, "%s: segmented report SqNum %u lost %u segment%s (SubSqNum from %u).", obj,
					rep->sqnum, r.missing_count, r.missing_count == 1 ? "" : "s", r.missing_first);
			finding_commit(fd, at->ts_us);
		}
		break;
	default:
		break;
	}
	s->loss_at_last = loss;
	if (r.verdict == SQ_GAP && hole)
		return "capture_loss";
	return sq_verdict_name(r.verdict);
}

/* The report being delivered, for the analyzers after this one (reports_current). */
static const struct mms_event *current_event;
static const struct iec_report *current_report;
static bool current_replay;

const struct iec_report *reports_current(const struct mms_event *e, bool *replay)
{
	if (!e || e != current_event || !current_report)
		return NULL;
	*replay = current_replay;
	return current_report;
}

/* An EntryID's octets XOR-folded into one (0 for the zeroed slots never used). */
static uint8_t entryid_tag(uint64_t eid)
{
	eid ^= eid >> 32;
	eid ^= eid >> 16;
	eid ^= eid >> 8;
	return (uint8_t)eid;
}

static void buffered_checks(struct flow *f, struct rstream *s, struct rcb *r, const struct iec_report *rep,
			    const struct pkt_where *at)
{
	const char *obj = s->obj;
	struct jw w;
	if (rep->has_bufovfl && rep->bufovfl) {
		/* The first report after enabling may flag a fresh buffer (libiec61850
		 * does): that alone is not loss. */
		bool first = s->reports <= 1;
		struct finding *fd = open_finding(first ? "buffer_overflow_first_report" : "buffered_report_loss",
						  first ? SEV_INFO : SEV_HIGH, f, obj, at);
		if (fd) {
			details_begin(&w, fd, f, s);
			jw_bool(&w, "first_report_after_enable", first);
			if (rep->has_sqnum)
				jw_u64(&w, "sqnum", rep->sqnum);
			finding_details_end(&w, fd);
			if (first)
				finding_summary(
					fd,
					"%s: BufOvfl=TRUE on the first report after enabling; some stacks "
					"flag a fresh buffer this way. Loss only if EntryIDs or SqNums are missing.",
					obj);
			else
				finding_summary(fd,
						"%s: the IED's report buffer overflowed (BufOvfl=TRUE): buffered "
						"events were lost before the client received them.",
						obj);
			finding_commit(fd, at->ts_us);
		}
	}
	if (!rep->has_entryid || rep->entryid.len != 8 || !r)
		return;
	/* Every buffered report is looked for among the EntryIDs kept, and is almost
	 * never there: a memchr over their one-octet tags finds the few worth
	 * comparing (in index order, so the first match is the same). */
	uint64_t eid, kept;
	memcpy(&eid, rep->entryid.p, 8);
	uint8_t tag = entryid_tag(eid);
	const uint8_t *tags = r->entryid_tag, *c = tags, *end = tags + r->n_entryids;
	for (; c < end && (c = memchr(c, tag, (size_t)(end - c))) != NULL; c++) {
		memcpy(&kept, r->entryids[c - tags], 8);
		if (kept == eid) {
			/* Delivered before (an earlier association): a replay, not new data
			 * and not a gap. */
			current_replay = true;
			struct finding *fd = open_finding("buffered_report_replay", SEV_INFO, f, obj, at);
			if (fd) {
				bool wrote = r->entryid_flow == f->id;
				details_begin(&w, fd, f, s);
				jw_hex(&w, "entryid", rep->entryid.p, 8);
				jw_bool(&w, "client_wrote_entryid", wrote);
				finding_details_end(&w, fd);
				if (wrote)
					finding_summary(
						fd,
						"%s: buffered entries already delivered were sent again after the "
						"client re-enabled the RCB (a replay from the EntryID it wrote).",
						obj);
				else
					finding_summary(
						fd,
						"%s: buffered entries already delivered were sent again after the "
						"client re-enabled the RCB; the client wrote no EntryID, so the IED resent "
						"its buffer from where it stood (writing the last EntryID received avoids "
						"the repeats).",
						obj);
				finding_commit(fd, at->ts_us);
			}
			return;
		}
	}
	memcpy(r->entryids[r->next_entryid], rep->entryid.p, 8);
	r->entryid_tag[r->next_entryid] = tag;
	r->next_entryid = (uint8_t)((r->next_entryid + 1) % RCB_ENTRYIDS_KEPT);
	if (r->n_entryids < RCB_ENTRYIDS_KEPT)
		r->n_entryids++;
}

static void trgops_check(struct flow *f, struct rstream *s, struct rcb *r, const struct iec_report *rep,
			 const struct pkt_where *at)
{
	if (!r || !KNOWN(r, RCB_TRGOPS) || !(rep->optflds & (1u << OPT_REASON)))
		return;
	uint8_t extra = rep->reasons_all & (uint8_t)~r->trgops;
	/* A GI report is the answer to a GI request whatever TrgOps says. */
	extra &= (uint8_t)~TRG_MASK(TRG_GI);
	if (!extra)
		return;
	char got[64], trg[64];
	const char *obj = s->obj;
	struct finding *fd = open_finding("trgops_mismatch", SEV_MEDIUM, f, obj, at);
	if (!fd)
		return;
	finding_context(fd, &r->trgops_req_at);
	finding_context(fd, &r->trgops_at);
	iec_trg_text(extra, got, sizeof(got));
	iec_trg_text(r->trgops, trg, sizeof(trg));
	struct jw w;
	details_begin(&w, fd, f, s);
	jw_str(&w, "reasons_not_enabled", got);
	jw_str(&w, "trgops_in_force", trg);
	finding_details_end(&w, fd);
	finding_summary(fd,
			"%s: the IED sent reports with reason %s, which TrgOps (%s) does not enable: "
			"the IED's trigger options differ from what the client set.",
			obj, got, trg);
	finding_commit(fd, at->ts_us);
}

static void integrity_check(struct flow *f, int dir, struct rstream *s, struct rcb *r, const struct iec_report *rep,
			    const struct pkt_where *at)
{
	if (!(rep->reasons_all & TRG_MASK(TRG_INTEGRITY)))
		return;
	uint64_t loss = flow_an_of(f)->loss[dir] ? flow_an_of(f)->loss[dir]->bytes : 0;
	/* A missing integrity report inside a sequence gap or a capture hole is
	 * already explained there. */
	if (r && KNOWN(r, RCB_INTGPD) && r->intgpd && s->last_intg_ts && loss == s->loss_at_intg &&
	    s->gaps == s->gaps_at_intg) {
		int64_t period = (int64_t)r->intgpd * 1000;
		int64_t limit = period + period * g_rules.thr[THR_REPORT_INTG_TOLERANCE] / 1000;
		int64_t got = at->ts_us - s->last_intg_ts;
		if (got > limit) {
			const char *obj = s->obj;
			struct finding *fd = open_finding("integrity_late", SEV_MEDIUM, f, obj, at);
			if (fd) {
				finding_evidence(fd, &s->last_intg_at);
				struct jw w;
				details_begin(&w, fd, f, s);
				jw_u64(&w, "intgpd_ms", r->intgpd);
				jw_u64(&w, "interval_ms", (uint64_t)(got / 1000));
				finding_details_end(&w, fd);
				finding_summary(fd, "%s: integrity reports came %s apart, IntgPd is %s.", obj,
						DURATION(got), DURATION((int64_t)r->intgpd * 1000));
				finding_commit(fd, at->ts_us);
			}
		}
	}
	s->last_intg_ts = at->ts_us;
	s->last_intg_at = *at;
	s->loss_at_intg = loss;
	s->gaps_at_intg = s->gaps;
}

static void bloat_check(struct flow *f, struct rstream *s, const struct iec_report *rep, uint32_t size,
			const struct pkt_where *at)
{
	if (rep->n_dataset <= (uint64_t)g_rules.thr[THR_REPORT_MAX_MEMBERS] &&
	    size <= (uint64_t)g_rules.thr[THR_REPORT_MAX_BYTES])
		return;
	const char *obj = s->obj;
	struct finding *fd = open_finding("dataset_bloat", SEV_LOW, f, obj, at);
	if (!fd)
		return;
	struct jw w;
	details_begin(&w, fd, f, s);
	jw_u64(&w, "dataset_members", rep->n_dataset);
	jw_u64(&w, "report_bytes", size);
	jw_u64(&w, "max_members", (uint64_t)g_rules.thr[THR_REPORT_MAX_MEMBERS]);
	jw_u64(&w, "max_bytes", (uint64_t)g_rules.thr[THR_REPORT_MAX_BYTES]);
	finding_details_end(&w, fd);
	finding_summary(fd,
			"%s: reports of %u bytes for a dataset of %u members; split the dataset by "
			"function (20-50 attributes each) so reports stay small.",
			obj, size, rep->n_dataset);
	finding_commit(fd, at->ts_us);
}

/* With BufTm > 0 the IED gathers the changes of BufTm into one report: a report
 * carrying several changed members is that, not loss. Said once per RCB, so that
 * nobody hunts for the reports that were never meant to be sent. */
static void coalescing_check(struct flow *f, struct rstream *s, struct rcb *r, const struct iec_report *rep,
			     const struct pkt_where *at)
{
	if (!r || r->coalescing_told || !KNOWN(r, RCB_BUFTM) || !r->buftm)
		return;
	const uint8_t change = TRG_MASK(TRG_DCHG) | TRG_MASK(TRG_QCHG) | TRG_MASK(TRG_DUPD);
	unsigned changes = 0;
	for (uint16_t k = 0; k < rep->n_members; k++)
		if (rep->members[k].reasons & change)
			changes++;
	if (changes < 2)
		return;
	r->coalescing_told = true;
	const char *obj = s->obj;
	struct finding *fd = open_finding("buftm_coalescing", SEV_INFO, f, obj, at);
	if (!fd)
		return;
	struct jw w;
	details_begin(&w, fd, f, s);
	jw_u64(&w, "buftm_ms", r->buftm);
	jw_u64(&w, "changes_in_report", changes);
	if (rep->has_sqnum)
		jw_u64(&w, "sqnum", rep->sqnum);
	finding_details_end(&w, fd);
	finding_summary(fd,
			"%s: BufTm is %s, so the IED bundles the changes of that time into one report "
			"(this one carries %u): fewer reports than changes is expected, not loss.",
			obj, DURATION((int64_t)r->buftm * 1000), changes);
	finding_commit(fd, at->ts_us);
}

static void report(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at)
{
	/* Decoded once with the PDU, on the reader thread or by the ISO stage
	 * (core/events.h); NULL: not a report. */
	const struct iec_report *rep = e->report;
	enum iec_report_status st = (enum iec_report_status)e->report_status;
	if (!rep || st == REPORT_NOT_A_REPORT)
		return;
	struct flow_an *a = flow_an_get(f);
	if (!a || !a->ied)
		return;
	stat_inc(STAT_reports);
	if (st == REPORT_MALFORMED) {
		stat_inc(STAT_reports_malformed);
		return;
	}
	/* decoded once: the analyzers after this one read it (reports_current) */
	current_event = e;
	current_report = rep;
	current_replay = false;
	struct rstream *s = stream_for(f, a, rep, at);
	if (!s)
		return;
	/* The RCB and the member flags are seldom in cache: asked for now, they
	 * come while the sequence is checked (which reads neither). */
	struct rcb *r = stream_rcb(f, s);
	if (r)
		__builtin_prefetch(r, 1);
	if (s->mflags)
		__builtin_prefetch(s->mflags, 1);
	s->reports++;
	s->total++;
	if (rep->reasons_all & TRG_MASK(TRG_DCHG))
		s->dchg_seen = true;
	const char *verdict = NULL;
	if (rep->has_sqnum)
		verdict = sequence_check(f, dir, s, rep, at);
	if (r) {
		r->reports++;
		r->reported_since_enable = true;
		if (r->gi_pending && (rep->reasons_all & TRG_MASK(TRG_GI)))
			r->gi_pending = false;
	}
	/* r (the stream's RCB, or NULL) stays put through these: no RCB is added
	 * while a report is judged */
	buffered_checks(f, s, r, rep, at);
	trgops_check(f, s, r, rep, at);
	integrity_check(f, dir, s, r, rep, at);
	if (rep->optflds & (1u << OPT_REASON)) {
		silent_change_check(f, s, r, rep, at);
		coalescing_check(f, s, r, rep, at);
	}
	bloat_check(f, s, rep, e->size, at);
	/* Filled field by field, in place: zeroing the whole union (sized for the
	 * audit records) would cost more than the report's own part. */
	struct record *rec = bus_record_slot();
	rec->kind = REC_REPORT;
	rec->flow = f;
	rec->dir = dir;
	rec->at = *at;
	struct report_record *ev = &rec->u.report;
	ev->rep = rep;
	ev->sequence = verdict;
	ev->size = e->size;
	ev->stream_id = s->id;
	ev->rcb = r ? s->obj : NULL;
	if (s->datset_len)
		ev->datset = stream_datset(s);
	else if (r && KNOWN(r, RCB_DATSET))
		ev->datset = r->datset;
	else
		ev->datset = NULL;
	bus_record_put(rec);
	s->last_ts = at->ts_us;
	s->last_at = *at;
}

void reports_mms(struct flow *f, int dir, const struct mms_event *e, const struct pkt_where *at)
{
	const struct mms_pdu *p = e->pdu;
	current_event = NULL;
	if (p->defect)
		return;
	switch (p->type) {
	case MMS_UNCONFIRMED:
		if (p->service == MMS_USVC_INFORMATION_REPORT)
			report(f, dir, e, at);
		return;
	case MMS_CONFIRMED_REQUEST: {
		if (p->service != MMS_SVC_WRITE && p->service != MMS_SVC_READ && p->service != MMS_SVC_GET_NVL_ATTR)
			return;
		if (!p->has_invoke)
			return;
		struct flow_an *a = flow_an_get(f);
		if (!a || !a->ied)
			return;
		if (p->service == MMS_SVC_WRITE)
			rcb_write_request(f, a, p, e->txn, at);
		else if (p->service == MMS_SVC_READ)
			rcb_read_request(a, p, e->txn);
		else
			nvl_request(p, e->txn);
		return;
	}
	case MMS_CONFIRMED_RESPONSE:
	case MMS_CONFIRMED_ERROR: {
		if (!flow_an_of(f) || !flow_an_of(f)->ied || !p->has_invoke)
			return;
		struct an_request *rq = an_request_of(e->txn);
		if (!rq)
			return;
		if (rq->kind == AN_REQ_RCB_WRITE)
			rcb_write_response(f, flow_an_of(f), p, rq, at);
		else if (rq->kind == AN_REQ_RCB_READ && p->type == MMS_CONFIRMED_RESPONSE)
			rcb_read_response(flow_an_of(f), p, rq);
		else if (rq->kind == AN_REQ_NVL_ATTR && p->type == MMS_CONFIRMED_RESPONSE)
			nvl_response(flow_an_of(f), p, rq);
		return; /* what it carried is released with the transaction */
	}
	default:
		return;
	}
}

/* ---- timers ---------------------------------------------------------------- */

struct tick_ctx {
	int64_t now;
	bool final;
};

static void rcb_timers(struct ied *d, void *arg)
{
	struct tick_ctx *t = arg;
	/* Both timers below need an owning association (owner_flow), which only
	 * rcb_enabled() gives: an IED whose RCBs had none at the last pass and were
	 * not enabled since is skipped without touching its RCB table. */
	if (d->rcbs_unowned)
		return;
	bool owned = false;
	for (uint16_t i = 0; i < d->n_rcbs; i++) {
		struct rcb *r = &d->rcbs[i];
		char disp[200];
		if (r->owner_flow)
			owned = true;
		if (r->gi_pending && t->now - r->gi_requested_at > g_rules.thr[THR_REPORT_GI_TIMEOUT] &&
		    r->owner_flow) {
			r->gi_pending = false;
			/* Without gi in TrgOps (or TrgOps unknown) no GI report is owed:
			 * gi_not_in_trgops said so at the request when it could. */
			if (!KNOWN(r, RCB_TRGOPS) || !(r->trgops & TRG_MASK(TRG_GI)))
				continue;
			rcb_display(r->ref, disp, sizeof(disp));
			struct finding *fd = finding_open("gi_not_reported", &d->ep, disp, t->now);
			if (fd) {
				if (!fd->count)
					fd->severity = SEV_MEDIUM;
				fd->flow_id = r->owner_flow;
				finding_evidence(fd, &r->gi_at);
				char trg[64];
				iec_trg_text(r->trgops, trg, sizeof(trg));
				finding_summary(
					fd,
					"%s: a general interrogation (GI=true) was accepted and gi is in TrgOps "
					"(%s), but no report with reason GI followed within %s: the IED did not answer it.",
					disp, trg, DURATION(g_rules.thr[THR_REPORT_GI_TIMEOUT]));
				struct jw w;
				jw_init(&w, fd->details, sizeof(fd->details) - 1);
				jw_obj(&w, NULL);
				jw_str(&w, "rcb", disp);
				jw_bool(&w, "buffered", r->buffered);
				if (KNOWN(r, RCB_RPTID))
					jw_str(&w, "rptid", r->rptid);
				if (KNOWN(r, RCB_DATSET))
					jw_str(&w, "datset", r->datset);
				trgops_array(&w, r);
				jw_u64(&w, "timeout_ms", (uint64_t)(g_rules.thr[THR_REPORT_GI_TIMEOUT] / 1000));
				jw_u64(&w, "reports_total", r->reports);
				finding_details_end(&w, fd);
				finding_commit(fd, t->now);
			}
		}
		if (r->rptena && r->owner_flow && !r->reported_since_enable && !r->no_report_flagged && r->enabled_at) {
			int64_t wait = r->intgpd ? (int64_t)r->intgpd * 1000 * g_rules.thr[THR_REPORT_NO_DATA_FACTOR]
						 : g_rules.thr[THR_REPORT_NO_DATA_TIMEOUT];
			if (r->intgpd && wait < g_rules.thr[THR_REPORT_NO_DATA_TIMEOUT] / 6)
				wait = g_rules.thr[THR_REPORT_NO_DATA_TIMEOUT] / 6; /* short IntgPd: a floor */
			if (t->now - r->enabled_at > wait) {
				r->no_report_flagged = true;
				rcb_display(r->ref, disp, sizeof(disp));
				struct finding *fd = finding_open("rcb_no_reports", &d->ep, disp, t->now);
				if (fd) {
					fd->severity = SEV_MEDIUM;
					fd->flow_id = r->owner_flow;
					finding_evidence(fd, &r->enable_at);
					finding_summary(fd,
							"%s was enabled but no report arrived in %s: connected but no "
							"data (check DatSet, TrgOps and that the dataset exists).",
							disp, DURATION(t->now - r->enabled_at));
					finding_commit(fd, t->now);
				}
			}
		}
	}
	d->rcbs_unowned = !owned;
}

void reports_tick(int64_t now)
{
	struct tick_ctx t = { now, false };
	ied_foreach(rcb_timers, &t);
}

void reports_finish(int64_t now)
{
	struct tick_ctx t = { now, true };
	ied_foreach(rcb_timers, &t);
}

void reports_flow_end(struct flow *f, const struct pkt_where *at)
{
	struct flow_an *a = flow_an_of(f);
	(void)at;
	if (!a)
		return;
	/* The association is gone: its RCBs stop (an unbuffered RCB is disabled by
	 * the server; pending expectations end with it). */
	if (a->ied)
		for (uint16_t i = 0; i < a->ied->n_rcbs; i++) {
			struct rcb *r = &a->ied->rcbs[i];
			if (r->owner_flow == f->id) {
				r->owner_flow = 0;
				r->rptena = false;
				r->gi_pending = false;
			}
		}
	for (uint16_t i = 0; i < a->n_streams; i++) {
		free(a->streams[i].base_hash);
		free(a->streams[i].base_q);
		free(a->streams[i].mflags);
		free(a->streams[i].named);
	}
	free(a->streams);
	a->streams = NULL;
	a->n_streams = 0;
}

static void reports_flow_end_hook(struct flow *f, enum flow_end why, const struct pkt_where *at)
{
	(void)why;
	reports_flow_end(f, at);
}

const struct analyzer reports_analyzer = {
	.name = "reports",
	.mms = reports_mms,
	.mms_soon = reports_mms_soon,
	.flow_end = reports_flow_end_hook,
	.tick = reports_tick,
	.finish = reports_finish,
};

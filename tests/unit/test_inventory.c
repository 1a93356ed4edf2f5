/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_inventory.c - the GOOSE/SV decoder on built frames (whole, padded, cut at
 * every byte, contradicting themselves, random), and the inventory analyzer on
 * real captures run through the whole pipeline: Identify captured, logical
 * nodes taken from names, the password finding without the password anywhere in
 * the output, TLS recorded, GOOSE/SV on the MMS VLAN and not elsewhere.
 *
 * What is checked is what the analyzer hands on: its findings and its inventory
 * record as the test sink (test_sink.h) received them, the document rendered
 * from its model (output/inventory_doc.h, as --inventory writes it) and the
 * block its print hook writes for the summary. EVE is written too, only to show
 * that the passwords do not reach it either.
 *
 * And one case on hand-made flows: two connections from one client to one IED,
 * speaking in turn, count two connections however their flow ids hash.
 *
 * Each capture runs in a child process: the pipeline and the analyzers keep
 * run-wide state, and a fresh process is the honest way to start clean. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcheck.h"
#include "test_sink.h"

#include "options.h"
#include "pipeline.h"
#include "analyze/analyze.h"
#include "core/bus.h"
#include "core/finding.h"
#include "core/ied.h"
#include "core/inventory.h"
#include "core/record.h"
#include "core/rules.h"
#include "dissectors/goose_sv.h"
#include "dissectors/mms.h"
#include "output/eve.h"
#include "output/inventory_doc.h"
#include "stages/app_iso.h"
#include "stages/capture.h"
#include "util/log.h"
#include "util/stats.h"

/* ---- frame building --------------------------------------------------------- */

struct buf {
	uint8_t b[1024];
	size_t n;
};

static void put(struct buf *b, const void *p, size_t n)
{
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void tlv(struct buf *b, uint8_t tag, const void *v, size_t n)
{
	uint8_t h[3] = { tag, 0, 0 };
	if (n < 0x80) {
		h[1] = (uint8_t)n;
		put(b, h, 2);
	} else {
		h[1] = 0x81;
		h[2] = (uint8_t)n;
		put(b, h, 3);
	}
	put(b, v, n);
}

static void tlv_str(struct buf *b, uint8_t tag, const char *s)
{
	tlv(b, tag, s, strlen(s));
}

/* The bytes after the ethertype: header (APPID, Length, reserved) and the PDU. */
static void frame(struct buf *out, uint16_t appid, const struct buf *pdu, int length_override)
{
	size_t len = length_override >= 0 ? (size_t)length_override : 8 + pdu->n;
	uint8_t h[8] = { (uint8_t)(appid >> 8), (uint8_t)appid, (uint8_t)(len >> 8), (uint8_t)len, 0, 0, 0, 0 };
	out->n = 0;
	put(out, h, 8);
	put(out, pdu->b, pdu->n);
}

static void goose_pdu(struct buf *pdu, uint8_t pdu_tag)
{
	struct buf in = { .n = 0 }, data = { .n = 0 };
	static const uint8_t tal[] = { 0x07, 0xd0 }, t[8] = { 0 }, one[] = { 1 }, zero[] = { 0 };
	static const uint8_t st[] = { 5 }, sq[] = { 7 }, conf[] = { 0x00, 0x80, 0x00, 0x00, 0x01 };
	tlv_str(&in, 0x80, "IED1LD/LLN0$GO$gcb1");
	tlv(&in, 0x81, tal, sizeof(tal));
	tlv_str(&in, 0x82, "IED1LD/LLN0$ds1");
	tlv_str(&in, 0x83, "IED1_G1");
	tlv(&in, 0x84, t, sizeof(t));
	tlv(&in, 0x85, st, sizeof(st));
	tlv(&in, 0x86, sq, sizeof(sq));
	tlv(&in, 0x87, one, sizeof(one));
	tlv(&in, 0x88, conf, sizeof(conf));
	tlv(&in, 0x89, zero, sizeof(zero));
	tlv(&in, 0x8a, one, sizeof(one));
	tlv(&data, 0x83, one, sizeof(one));
	tlv(&in, 0xab, data.b, data.n);
	pdu->n = 0;
	tlv(pdu, pdu_tag, in.b, in.n);
}

static void sv_pdu(struct buf *pdu, size_t smp_cnt_len)
{
	struct buf a1 = { .n = 0 }, a2 = { .n = 0 }, seq = { .n = 0 }, in = { .n = 0 };
	static const uint8_t cnt[3] = { 0x00, 0x2a, 0x00 }, rev[4] = { 0, 0, 0, 3 }, sync[1] = { 2 };
	static const uint8_t sample[16] = { 0 }, two[1] = { 2 };
	tlv_str(&a1, 0x80, "MU01SV1");
	tlv_str(&a1, 0x81, "MU01/LLN0$PhsMeas1");
	tlv(&a1, 0x82, cnt, smp_cnt_len);
	tlv(&a1, 0x83, rev, sizeof(rev));
	tlv(&a1, 0x85, sync, sizeof(sync));
	tlv(&a1, 0x87, sample, sizeof(sample));
	tlv_str(&a2, 0x80, "MU01SV2");
	tlv(&a2, 0x82, cnt, 2);
	tlv(&a2, 0x83, rev, sizeof(rev));
	tlv(&a2, 0x87, sample, sizeof(sample));
	tlv(&seq, 0x30, a1.b, a1.n);
	tlv(&seq, 0x30, a2.b, a2.n);
	tlv(&in, 0x80, two, sizeof(two));
	tlv(&in, 0xa2, seq.b, seq.n);
	pdu->n = 0;
	tlv(pdu, 0x60, in.b, in.n);
}

static bool view_inside(struct bview v, const uint8_t *p, size_t n)
{
	return v.len == 0 || (v.p >= p && v.p + v.len <= p + n);
}

/* ---- GOOSE / SV decoder ----------------------------------------------------- */

static void test_goose(void)
{
	struct buf pdu, f;
	struct goose_sv g;
	goose_pdu(&pdu, 0x61);
	frame(&f, 0x0001, &pdu, -1);
	CHECK_EQ(goose_sv_decode(GOOSE_SV_ETHERTYPE_GOOSE, rd_make(f.b, f.n), &g), GOOSE_SV_OK);
	CHECK(!g.sv && g.has_header && g.has_pdu);
	CHECK_EQ(g.appid, 1);
	CHECK_EQ(g.length, f.n);
	CHECK_VIEW(g.gocb_ref, "IED1LD/LLN0$GO$gcb1");
	CHECK_VIEW(g.dat_set, "IED1LD/LLN0$ds1");
	CHECK_VIEW(g.go_id, "IED1_G1");
	CHECK(g.has_tal && g.tal == 2000);
	CHECK(g.has_st_num && g.st_num == 5);
	CHECK(g.has_sq_num && g.sq_num == 7);
	CHECK(g.has_test && g.test);
	CHECK(g.has_conf_rev && g.conf_rev == 0x80000001u); /* INT32U above 2^31 */

	/* Ethernet padding after the PDU: the header's Length narrows the view. */
	struct buf padded = f;
	memset(padded.b + padded.n, 0xee, 30);
	padded.n += 30;
	CHECK_EQ(goose_sv_decode(GOOSE_SV_ETHERTYPE_GOOSE, rd_make(padded.b, padded.n), &g), GOOSE_SV_OK);
	CHECK_VIEW(g.go_id, "IED1_G1");

	/* Cut at every byte (a short snaplen): truncated, never invalid, and the
	 * gocbRef is there as soon as its bytes are. */
	size_t gocb_end = 8 + 2 + 2 + strlen("IED1LD/LLN0$GO$gcb1");
	for (size_t n = 0; n < f.n; n++) {
		enum goose_sv_status st = goose_sv_decode(GOOSE_SV_ETHERTYPE_GOOSE, rd_make(f.b, n), &g);
		CHECK_EQ(st, GOOSE_SV_TRUNCATED);
		CHECK_EQ(g.has_header, n >= 8);
		if (n >= gocb_end)
			CHECK_VIEW(g.gocb_ref, "IED1LD/LLN0$GO$gcb1");
		CHECK(view_inside(g.gocb_ref, f.b, n) && view_inside(g.dat_set, f.b, n));
	}

	/* Invalid: Length below the header, Length shorter than the PDU it holds,
	 * the SV tag on a GOOSE frame, GOOSE bytes read as SV, a constructed TAL, an
	 * ethertype that is neither. */
	frame(&f, 1, &pdu, 7);
	CHECK_EQ(goose_sv_decode(GOOSE_SV_ETHERTYPE_GOOSE, rd_make(f.b, f.n), &g), GOOSE_SV_INVALID);
	CHECK(g.has_header && !g.has_pdu);
	frame(&f, 1, &pdu, 8 + 20);
	CHECK_EQ(goose_sv_decode(GOOSE_SV_ETHERTYPE_GOOSE, rd_make(f.b, f.n), &g), GOOSE_SV_INVALID);
	goose_pdu(&pdu, 0x60);
	frame(&f, 1, &pdu, -1);
	CHECK_EQ(goose_sv_decode(GOOSE_SV_ETHERTYPE_GOOSE, rd_make(f.b, f.n), &g), GOOSE_SV_INVALID);
	goose_pdu(&pdu, 0x61);
	frame(&f, 1, &pdu, -1);
	CHECK_EQ(goose_sv_decode(GOOSE_SV_ETHERTYPE_SV, rd_make(f.b, f.n), &g), GOOSE_SV_INVALID);
	CHECK_EQ(goose_sv_decode(0x0800, rd_make(f.b, f.n), &g), GOOSE_SV_INVALID);
	size_t tal_at = gocb_end; /* the TAL element follows the gocbRef */
	CHECK_EQ(f.b[tal_at], 0x81);
	f.b[tal_at] = 0xa1;
	CHECK_EQ(goose_sv_decode(GOOSE_SV_ETHERTYPE_GOOSE, rd_make(f.b, f.n), &g), GOOSE_SV_INVALID);
}

static void test_sv(void)
{
	struct buf pdu, f;
	struct goose_sv g;
	sv_pdu(&pdu, 2);
	frame(&f, 0x4000, &pdu, -1);
	CHECK_EQ(goose_sv_decode(GOOSE_SV_ETHERTYPE_SV, rd_make(f.b, f.n), &g), GOOSE_SV_OK);
	CHECK(g.sv && g.has_pdu);
	CHECK_EQ(g.appid, 0x4000);
	CHECK(g.has_no_asdu && g.no_asdu == 2);
	CHECK_EQ(g.n_asdu, 2);
	CHECK_VIEW(g.sv_id, "MU01SV1"); /* the first ASDU's */
	CHECK_VIEW(g.dat_set, "MU01/LLN0$PhsMeas1");
	CHECK(g.has_smp_cnt && g.smp_cnt == 42);
	CHECK(g.has_conf_rev && g.conf_rev == 3);
	for (size_t n = 0; n < f.n; n++)
		CHECK_EQ(goose_sv_decode(GOOSE_SV_ETHERTYPE_SV, rd_make(f.b, n), &g), GOOSE_SV_TRUNCATED);
	/* smpCnt is a fixed 2-octet string in 9-2: 3 octets is impossible. */
	sv_pdu(&pdu, 3);
	frame(&f, 0x4000, &pdu, -1);
	CHECK_EQ(goose_sv_decode(GOOSE_SV_ETHERTYPE_SV, rd_make(f.b, f.n), &g), GOOSE_SV_INVALID);
	CHECK_VIEW(g.sv_id, "MU01SV1");
}

/* Garbage of every shape, and real frames with random bytes flipped: the
 * decoder returns one of its statuses and its views stay inside the input. */
static void test_garbage(void)
{
	uint32_t x = 12345;
	uint8_t b[256];
	struct buf pdu, f;
	struct goose_sv g;
	int bad = 0;
	for (int i = 0; i < 40000; i++) {
		size_t n;
		uint16_t et = (i & 1) ? GOOSE_SV_ETHERTYPE_SV : GOOSE_SV_ETHERTYPE_GOOSE;
		if (i % 4 < 2) {
			x = x * 1103515245u + 12345u;
			n = (x >> 16) % sizeof(b);
			for (size_t k = 0; k < n; k++) {
				x = x * 1103515245u + 12345u;
				b[k] = (uint8_t)(x >> 16);
			}
		} else {
			if (et == GOOSE_SV_ETHERTYPE_SV)
				sv_pdu(&pdu, 2);
			else
				goose_pdu(&pdu, 0x61);
			frame(&f, 1, &pdu, -1);
			memcpy(b, f.b, f.n);
			n = f.n;
			for (int k = 0; k < 3; k++) {
				x = x * 1103515245u + 12345u;
				b[(x >> 16) % n] = (uint8_t)(x >> 8);
			}
		}
		enum goose_sv_status st = goose_sv_decode(et, rd_make(b, n), &g);
		if (st > GOOSE_SV_INVALID || !view_inside(g.gocb_ref, b, n) || !view_inside(g.dat_set, b, n) ||
		    !view_inside(g.go_id, b, n) || !view_inside(g.sv_id, b, n))
			bad++;
	}
	CHECK_EQ(bad, 0);
}

/* ---- the analyzer on captures ------------------------------------------------ */

static const char *srcdir(void)
{
	const char *s = getenv("srcdir");
	return s && *s ? s : ".";
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	if (s)
		s[n] = 0;
	fclose(f);
	return s;
}

struct run {
	char eve[64];
	char *eve_text, *inv_text, *print_text;
};

/* What a writer to a FILE* wrote, as a string (NULL when it failed). */
static char *written(bool (*write)(FILE *out))
{
	char *s = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&s, &n);
	if (!m)
		return NULL;
	bool ok = write(m);
	if (fclose(m) != 0 || !ok) {
		free(s);
		return NULL;
	}
	return s;
}

/* The document, as main() writes it for --inventory. */
static bool write_document(FILE *out)
{
	return inventory_doc_write_to(out, inventory_view());
}

/* The summary block, through the analyzer's print hook as the summary calls it. */
static bool write_print(FILE *out)
{
	if (!inventory_analyzer.print)
		return false;
	inventory_analyzer.print(out);
	return true;
}

/* The whole pipeline over one capture, as main() runs it, with the analyzers
 * and the test sink on the bus (EVE too, into a file read back). */
static bool run_capture(const char *pcap, struct run *r)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", srcdir(), pcap);
	char *argv[] = { "mmswatch", "-q", "-r", path, "--mms-port", "3782", NULL };
	struct options o;
	struct input_set in;
	volatile int stop = 0;
	memset(&in, 0, sizeof(in));
	memset(r, 0, sizeof(*r));
	log_init();
	if (options_parse(6, argv, &o) >= 0)
		return false;
	log_set_quiet(1);
	rules_defaults(&g_rules);
	snprintf(r->eve, sizeof(r->eve), "/tmp/mmsw-inv-eve-%d", (int)getpid());
	unlink(r->eve);
	test_bus_setup(true);
	bus_add_sink(&eve_sink);
	if (input_set_open(&in, o.inputs, o.n_inputs) != 0 || eve_open(r->eve, &in, true, false) != 0 ||
	    pipeline_init(&o) != 0)
		return false;
	input_set_read(&in, pipeline_packet, NULL, &stop);
	pipeline_finish();
	eve_close();
	r->inv_text = written(write_document);
	r->print_text = written(write_print);
	r->eve_text = slurp(r->eve);
	unlink(r->eve);
	return r->eve_text && r->inv_text && r->print_text;
}

/* The analyzer's inventory record: exactly one, at the end of input. */
static const struct test_record *inventory_record(void)
{
	const struct test_record *found = NULL;
	size_t n = 0;
	for (size_t i = 0; i < test_records_count(); i++)
		if (test_record_at(i)->kind == REC_INVENTORY) {
			found = test_record_at(i);
			n++;
		}
	CHECK_EQ(n, 1);
	return found;
}

/* The inventory record's description (test_sink.c) holds want. */
#define CHECK_RECORD(want) \
	do { \
		const struct test_record *rec_ = inventory_record(); \
		CHECK(rec_ != NULL && strstr(rec_->text, (want)) != NULL); \
	} while (0)

/* Is s in any finding's object, summary or details? */
struct in_findings {
	const char *s;
	const char *kind; /* NULL: any */
	unsigned n;
};

static void look_in(const struct finding *f, void *arg)
{
	struct in_findings *q = arg;
	if (q->kind && strcmp(f->kind, q->kind))
		return;
	if (strstr(f->object, q->s) || strstr(f->summary, q->s) || strstr(f->details, q->s))
		q->n++;
}

static unsigned in_findings(const char *kind, const char *s)
{
	struct in_findings q = { s, kind, 0 };
	test_findings_foreach(look_in, &q);
	return q.n;
}

struct kinds {
	const char *kind;
	const char *object; /* NULL: any */
	unsigned n;
	uint8_t max_sev;
	uint64_t count;
};

static void find_kind(const struct finding *f, void *arg)
{
	struct kinds *k = arg;
	if (strcmp(f->kind, k->kind) || (k->object && strcmp(f->object, k->object)))
		return;
	k->n++;
	k->count += f->count;
	if (f->severity > k->max_sev)
		k->max_sev = f->severity;
}

static struct kinds kind(const char *name, const char *object)
{
	struct kinds k = { name, object, 0, 0, 0 };
	test_findings_foreach(find_kind, &k);
	return k;
}

static void max_sev(const struct finding *f, void *arg)
{
	uint8_t *m = arg;
	static const char *const mine[] = { "mms_plaintext", "acse_password_cleartext", "s7comm_seen",
					    "goose_on_mms_vlan", "sv_on_mms_vlan" };
	for (size_t i = 0; i < sizeof(mine) / sizeof(mine[0]); i++)
		if (!strcmp(f->kind, mine[i]) && f->severity > *m)
			*m = f->severity;
}

static void first_ied(struct ied *d, void *arg)
{
	struct ied **out = arg;
	if (!*out)
		*out = d;
}

static void child_abort_kill(void)
{
	struct run r;
	CHECK(run_capture("pcaps/abort_kill.pcap", &r));
	if (!r.inv_text)
		return;
	/* The inventory record: one IED, its one client, MMS on one segment. */
	CHECK_RECORD("ieds=1 clients=1 streams=0 mms_vlans=1 ");
	/* Identify: vendor, model, revision from the response. */
	struct ied *d = NULL;
	ied_foreach(first_ied, &d);
	CHECK(d != NULL);
	if (d) {
		CHECK_STR(d->vendor, "mmswatch-corpus");
		CHECK_STR(d->model, "abort_kill");
		CHECK_STR(d->revision, "1.5.3");
	}
	CHECK(strstr(r.inv_text, "\"vendor\":\"mmswatch-corpus\",\"model\":\"abort_kill\",\"revision\":\"1.5.3\"") !=
	      NULL);
	/* Two AARQs carried the password mechanism with a value (a wrong and a
	 * right password): one finding from that client, high, counted twice. */
	struct kinds k = kind("acse_password_cleartext", "127.0.0.1");
	CHECK_EQ(k.n, 1);
	CHECK_EQ(k.count, 2);
	CHECK_EQ(k.max_sev, SEV_HIGH);
	CHECK_EQ(in_findings("acse_password_cleartext", "\"value_stored\":false"), 1);
	CHECK(strstr(r.inv_text, "\"password_association_requests\":2") != NULL);
	CHECK(strstr(r.inv_text, "\"password_sent\":true") != NULL);
	/* The passwords themselves are nowhere: not in a finding, EVE, the inventory
	 * or the summary block. */
	static const char *const secrets[] = { "user1@testpw", "wrongpw", "testpw" };
	for (size_t i = 0; i < 3; i++) {
		CHECK_EQ(in_findings(NULL, secrets[i]), 0);
		CHECK(strstr(r.eve_text, secrets[i]) == NULL);
		CHECK(strstr(r.inv_text, secrets[i]) == NULL);
		CHECK(strstr(r.print_text, secrets[i]) == NULL);
	}
	k = kind("mms_plaintext", NULL);
	CHECK_EQ(k.n, 1);
	CHECK_EQ(k.max_sev, SEV_INFO);
	/* RCB settings written by the clients are listed. */
	CHECK(strstr(r.inv_text, "\"rptid\":\"Events1\"") != NULL);
	CHECK(strstr(r.inv_text, "\"trgops\":[\"dchg\",\"intg\",\"gi\"],") != NULL);
	CHECK(strstr(r.print_text, "2 passwords sent in clear") != NULL);
}

static void child_clean_browse(void)
{
	struct run r;
	CHECK(run_capture("pcaps/clean_browse.pcap", &r));
	if (!r.inv_text)
		return;
	CHECK_RECORD("ieds=1 clients=1 streams=0 mms_vlans=1 ");
	/* LDs from GetNameList of domains, LNs from GetNameList of variables and
	 * from item names ("GGIO1$MX$AnIn1$mag$f" -> GGIO1), sorted. */
	CHECK(strstr(r.inv_text,
		     "\"logical_devices\":[{\"name\":\"simpleIOGenericIO\",\"logical_nodes\":"
		     "[\"GGIO1\",\"LLN0\",\"LPHD1\"]}]") != NULL);
	CHECK(strstr(r.inv_text, "\"name\":\"simpleIOGenericIO\",\"name_source\":\"logical_device\"") != NULL);
	/* Datasets with members from GetNamedVariableListAttributes. */
	CHECK(strstr(r.inv_text,
		     "{\"ref\":\"simpleIOGenericIO/LLN0$Events\",\"members\":[\"simpleIOGenericIO/"
		     "GGIO1$ST$SPCSO1$stVal\"") != NULL);
	CHECK(strstr(r.inv_text, "\"getNameList\":8") != NULL);
	CHECK(strstr(r.inv_text, "\"GetServerDirectory\":2") != NULL);
	CHECK(strstr(r.inv_text, "\"connections\":8,\"associations\":8") != NULL);
	/* A clean capture: nothing above info from this analyzer, and no password. */
	uint8_t m = 0;
	test_findings_foreach(max_sev, &m);
	CHECK_EQ(m, SEV_INFO);
	CHECK_EQ(kind("acse_password_cleartext", NULL).n, 0);
	CHECK(strstr(r.print_text, "simpleIOGenericIO") != NULL);
	/* No GetVariableAccessAttributes here: the inventory has no such section. */
	CHECK(strstr(r.inv_text, "described_variables") == NULL);
}

/* GetVariableAccessAttributes answers: the IED's own description of its data
 * model, listed per variable with its type on one line. */
static void child_control(void)
{
	struct run r;
	CHECK(run_capture("pcaps/control.pcap", &r));
	if (!r.inv_text)
		return;
	CHECK(strstr(r.inv_text,
		     "\"described_variables\":{\"variables\":[{\"ld\":\"simpleIOGenericIO\","
		     "\"item\":\"GGIO1$CO$SPCSO1\",\"type\":\"{Oper{ctlVal:boolean,origin{orCat:"
		     "integer(8),orIdent:octet-string(-64)},ctlNum:unsigned(8),T:utc-time,Test:boolean,"
		     "Check:bit-string(-2)}}\",\"nodes\":10}") != NULL);
	CHECK(strstr(r.inv_text, "\"item\":\"GGIO1$CO$SPCSO2\",\"type\":\"{SBO:visible-string(-64),Oper{") != NULL);
	CHECK(strstr(r.inv_text, "\"not_listed\":0,\"max\":256}") != NULL);
}

static void child_midstream(void)
{
	struct run r;
	CHECK(run_capture("pcaps/midstream.pcap", &r));
	if (!r.inv_text)
		return;
	CHECK_RECORD("ieds=1 clients=1 streams=0 mms_vlans=1 ");
	/* No handshake: the association counts at its first PDU, and the datasets
	 * come from the DatSet the reports carry. */
	CHECK(strstr(r.inv_text, "\"connections\":1,\"associations\":1,") != NULL);
	CHECK(strstr(r.inv_text, "{\"ref\":\"simpleIOGenericIO/LLN0$Measurements\",\"members\":null") != NULL);
	CHECK(strstr(r.inv_text, "{\"ref\":\"simpleIOGenericIO/LLN0$Events\",\"members\":null") != NULL);
	CHECK(strstr(r.inv_text, "\"unconfirmed\":{\"informationReport\":") != NULL);
	CHECK_EQ(kind("mms_plaintext", NULL).n, 1);
}

static void child_tls(void)
{
	struct run r;
	CHECK(run_capture("pcaps/tls_3782.pcap", &r));
	if (!r.inv_text)
		return;
	/* MMS only inside TLS: no segment is known to carry MMS. */
	CHECK_RECORD("ieds=1 clients=1 streams=0 mms_vlans=0 ");
	CHECK(strstr(r.inv_text, "\"tls\":{\"connections\":1,\"version\":\"TLSv1.3\"") != NULL);
	CHECK(strstr(r.inv_text, "\"sni\":[\"ied1.substation.example\"]") != NULL);
	CHECK(strstr(r.inv_text, "\"mms_plaintext\":false") != NULL);
	CHECK_EQ(kind("mms_plaintext", NULL).n, 0);
	uint8_t m = 0;
	test_findings_foreach(max_sev, &m);
	CHECK_EQ(m, SEV_INFO);
}

static void child_goose(void)
{
	struct run r;
	CHECK(run_capture("tests/data/goose/goose_sv_vlan.pcap", &r));
	if (!r.inv_text)
		return;
	/* The IED and the PLC, three GOOSE and one SV stream, VLAN 10 carrying MMS. */
	CHECK_RECORD("ieds=2 clients=2 streams=4 mms_vlans=1 frames_not_listed=0 frames_unusable=2");
	/* GOOSE on VLAN 10 began before MMS did: judged when MMS showed up. */
	struct kinds k = kind("goose_on_mms_vlan", "vlan 10 appid 0x0001");
	CHECK_EQ(k.n, 1);
	CHECK_EQ(k.max_sev, SEV_LOW);
	k = kind("sv_on_mms_vlan", "vlan 10 appid 0x4000");
	CHECK_EQ(k.n, 1);
	CHECK_EQ(k.max_sev, SEV_LOW);
	/* VLAN 20 and the priority-tagged (VID 0, native VLAN) stream carry no MMS;
	 * the garbage frames make no stream at all. */
	CHECK_EQ(kind("goose_on_mms_vlan", NULL).n, 1);
	CHECK_EQ(kind("sv_on_mms_vlan", NULL).n, 1);
	CHECK_EQ(in_findings("goose_on_mms_vlan", "\"gocbRef\":\"IED1PROT/LLN0$GO$gcbTrip\""), 1);
	CHECK_EQ(in_findings("sv_on_mms_vlan", "\"svID\":\"MU01SV1\""), 1);
	CHECK(in_findings(NULL, "\"src_mac\":\"00:30:a7:00:00:01\"") >= 1);
	CHECK(strstr(r.inv_text, "\"gocbRef\":\"IED2CTRL/LLN0$GO$gcbInterlock\"") != NULL);
	CHECK(strstr(r.inv_text, "\"frames\":9,\"malformed\":1") != NULL); /* VLAN 20 with its cut frame */
	CHECK(strstr(r.inv_text, "\"goose_sv_frames_unusable\":2") != NULL);
	CHECK(strstr(r.inv_text, "\"mms_vlans\":[\n{\"vlan\":[10],\"first_ied\":\"10.0.10.5:102\"") != NULL);
	CHECK_EQ(g_stats[STAT_goose_frames], 27);
	CHECK_EQ(g_stats[STAT_sv_frames], 8);
	CHECK(strstr(r.print_text, "3 GOOSE streams, 1 SV stream") != NULL);
	/* The PLC speaking S7comm on port 102 is an endpoint of its own, not MMS. */
	k = kind("s7comm_seen", "s7comm");
	CHECK_EQ(k.n, 1);
	CHECK_EQ(k.max_sev, SEV_INFO);
	CHECK(strstr(r.inv_text, "{\"address\":\"10.0.10.6\",\"port\":102,\"vlan\":[10],\"name\":null") != NULL);
	CHECK(strstr(r.inv_text, "\"s7comm_connections\":1,") != NULL);
	/* The Identify of the copied association names the IED. */
	CHECK(strstr(r.inv_text, "\"vendor\":\"mmswatch-corpus\"") != NULL);
}

/* Two live connections of one client to one IED, their PDUs interleaved. The
 * ids are 1 and 75026: they shared an entry of the old per-connection table
 * (keyed by a hash of the id), so each PDU took the entry from the other flow and
 * counted a connection again (connections 6 here). */
static void child_two_connections(void)
{
	static const uint8_t identify[] = { 0xa0, 0x05, 0x02, 0x01, 0x01, 0x82, 0x00 }; /* confirmed Identify */
	/* an informationReport from the IED: list "RPT", one visible-string */
	static const uint8_t report[] = { 0xa3, 0x0e, 0xa0, 0x0c, 0xa1, 0x05, 0x80, 0x03,
					  'R',  'P',  'T',  0xa0, 0x03, 0x8a, 0x01, 'x' };
	log_init();
	log_set_quiet(1);
	rules_defaults(&g_rules);
	test_bus_setup(true);
	struct flow *fl[2];
	for (int i = 0; i < 2; i++) {
		struct flow *f = calloc(1, sizeof(*f));
		CHECK(f != NULL);
		if (!f)
			return;
		f->key.ipver = 4;
		f->key.ip[0][0] = 10, f->key.ip[0][3] = 1;  /* the client */
		f->key.ip[1][0] = 10, f->key.ip[1][3] = 21; /* the IED */
		f->key.port[0] = (uint16_t)(40000 + i);
		f->key.port[1] = 102;
		f->client = 0;
		f->id = i ? 75026 : 1;
		fl[i] = f;
	}
	struct mms_pdu p, r;
	CHECK_EQ(mms_decode(rd_make(identify, sizeof(identify)), &p), MMS_OK);
	CHECK_EQ(mms_decode(rd_make(report, sizeof(report)), &r), MMS_OK);
	for (uint64_t n = 0; n < 6; n++) {
		struct pkt_where at = { 1700000000000000LL + (int64_t)n * 1000, 0, n + 1 };
		app_mms_pdu(fl[n & 1], 0, &p, sizeof(identify), false, false, &at);
		if (n >= 4) /* one report on each connection, after its first second's hand-over */
			app_mms_pdu(fl[n & 1], 1, &r, sizeof(report), false, false, &at);
	}
	for (int i = 0; i < 2; i++) {
		struct pkt_where at = { 1700000000010000LL, 0, 10 + (uint64_t)i };
		bus_flow_end(fl[i], FLOW_END_FIN, &at);
		app_flow_free(fl[i]);
		free(fl[i]);
	}
	char *doc = written(write_document);
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK(strstr(doc, "\"address\":\"10.0.0.21\"") != NULL);
	CHECK(strstr(doc, "\"connections\":2,") != NULL);
	CHECK(strstr(doc, "\"connections\":6") == NULL);
	/* The IED's and the client's last_seen is the last PDU's time (5 ms after
	 * the first), though a connection hands its time on at most once a second
	 * and at its end. */
	const char *last = "\"last_seen\":\"2023-11-14T22:13:20.005000Z\"";
	const char *ied = strstr(doc, "\"address\":\"10.0.0.21\"");
	CHECK(ied != NULL && strstr(ied, last) != NULL);
	const char *client = ied ? strstr(ied, "\"address\":\"10.0.0.1\"") : NULL;
	CHECK(client != NULL && strstr(client, last) != NULL);
	/* the IED's two reports, each counted on its connection until its end */
	CHECK(strstr(doc, "\"unconfirmed\":{\"informationReport\":2}") != NULL);
	free(doc);
}

int main(void)
{
	test_goose();
	test_sv();
	test_garbage();
	tcheck_in_child("abort_kill", child_abort_kill);
	tcheck_in_child("clean_browse", child_clean_browse);
	tcheck_in_child("midstream", child_midstream);
	tcheck_in_child("control", child_control);
	tcheck_in_child("tls_3782", child_tls);
	tcheck_in_child("goose_sv_vlan", child_goose);
	tcheck_in_child("two_connections", child_two_connections);
	TCHECK_DONE();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_lower_layers.c - TPKT, COTP, session, presentation, ACSE and TLS dissectors,
 * on bytes taken from real captures (libiec61850 on loopback) and on broken ones. */
#include <stdlib.h>

#include "tcheck.h"
#include "dissectors/acse.h"
#include "dissectors/cotp.h"
#include "dissectors/pres.h"
#include "dissectors/session.h"
#include "dissectors/tls.h"
#include "dissectors/tpkt.h"

static size_t unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	while (s[0] && s[1]) {
		unsigned v;
		sscanf(s, "%2x", &v);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* clean_browse.pcap frame 4: TPKT + COTP CR with TSAPs and tpdu-size */
static const char CR[] = "0300001611e00000000100c0010dc2020001c1020001";
/* frame 8: COTP DT + session CN + presentation CP + ACSE AARQ + MMS initiate */
static const char CN[] =
	"030000bb02f0800db20506130100160102140200023302000134020001c19c318199a003800101a28191810400000001820400000001a423300f0201010604520100013004060251013010020103060528ca220201300406025101615e305c020101a0576055a107060528ca220203a20706052901876701a30302010ca606060429018767a70302010cbe2f282d020103a028a826800300fde881010582010583010aa416800101810305f100820c03ee1c00000408000079ef18";
/* frame 9: session AC + CPA + AARE (accepted) + initiate response */
static const char AC[] =
	"0300008f02f0800e8605061301001601021402000234020001c1743172a003800101a26b830400000001a512300780010081025101300780010081025101614f304d020101a0486146a107060528ca220203a203020100a305a103020100be2f282d020103a028a926800300fde881010582010583010aa416800101810305f100820c03ee1c000000000000000118";
/* frame 10: data phase GT+DT, fully-encoded data, context 3, identify request */
static const char DT[] = "0300001b02f08001000100610e300c020103a007a0050201018200";
/* abort_kill.pcap frame 111: session AB + ARU + ACSE ABRT (service-user) */
static const char AB[] = "0300001e02f080191511010bc110a00e610c300a020101a0056403800100";

static void test_tpkt(void)
{
	uint8_t b[512];
	size_t n = unhex(CR, b);
	uint16_t len;
	CHECK_EQ(tpkt_header(rd_make(b, n), &len), TPKT_OK);
	CHECK_EQ(len, n);
	CHECK(tpkt_plausible(rd_make(b, n), &len));
	CHECK_EQ(tpkt_header(rd_make(b, 3), &len), TPKT_NEED_MORE);
	uint8_t bad[] = { 3, 0, 0, 6, 2, 0xf0, 0x80 };
	CHECK_EQ(tpkt_header(rd_make(bad, sizeof(bad)), &len), TPKT_BAD); /* length < 7 */
	uint8_t v2[] = { 2, 0, 0, 7, 2, 0xf0, 0x80 };
	CHECK_EQ(tpkt_header(rd_make(v2, sizeof(v2)), &len), TPKT_BAD);
	/* a DT with an EOT octet that is neither 0x00 nor 0x80 is not plausible */
	uint8_t odd[] = { 3, 0, 0, 7, 2, 0xf0, 0x81 };
	CHECK(!tpkt_plausible(rd_make(odd, sizeof(odd)), &len));
	/* LI larger than the TPKT */
	uint8_t li[] = { 3, 0, 0, 7, 9, 0xf0, 0x80 };
	CHECK(!tpkt_plausible(rd_make(li, sizeof(li)), &len));
}

static void test_cotp(void)
{
	uint8_t b[512];
	size_t n = unhex(CR, b);
	struct cotp_tpdu t;
	CHECK_EQ(cotp_parse(rd_make(b + 4, n - 4), &t), COTP_OK);
	CHECK_EQ(t.type, COTP_CR);
	CHECK_EQ(t.src_ref, 1);
	CHECK_EQ(t.tpdu_size, 8192);
	CHECK_EQ(t.calling_tsap.len, 2);
	CHECK_EQ(t.called_tsap.len, 2);
	n = unhex(DT, b);
	CHECK_EQ(cotp_parse(rd_make(b + 4, n - 4), &t), COTP_OK);
	CHECK_EQ(t.type, COTP_DT);
	CHECK(t.eot);
	CHECK_EQ(rd_left(&t.user), n - 7);
	/* LI past the end, LI 0, unknown type */
	uint8_t trunc[] = { 0x11, 0xe0, 0x00 };
	CHECK_EQ(cotp_parse(rd_make(trunc, sizeof(trunc)), &t), COTP_TRUNCATED);
	uint8_t zero[] = { 0x00, 0xf0 };
	CHECK_EQ(cotp_parse(rd_make(zero, sizeof(zero)), &t), COTP_INVALID);
	uint8_t unk[] = { 0x02, 0x30, 0x80 };
	CHECK_EQ(cotp_parse(rd_make(unk, sizeof(unk)), &t), COTP_INVALID);
	/* a CR parameter whose length runs past the header */
	uint8_t badp[] = { 0x08, 0xe0, 0, 0, 0, 1, 0, 0xc1, 0x09 };
	CHECK_EQ(cotp_parse(rd_make(badp, sizeof(badp)), &t), COTP_INVALID);
}

static void connect_chain(void)
{
	uint8_t b[512];
	size_t n = unhex(CN, b);
	struct session_tsdu st;
	CHECK_EQ(session_parse(rd_make(b + 7, n - 7), &st), SES_OK);
	CHECK_EQ(st.n, 1);
	CHECK_EQ(st.spdu[0].si, SES_CN);
	CHECK_EQ(st.spdu[0].version, 2);
	CHECK(st.spdu[0].has_user);
	struct pres_ppdu pp;
	CHECK_EQ(pres_parse(st.spdu[0].user, PPDU_CP, &pp), PRES_OK);
	CHECK_EQ(pp.n_ctx, 2);
	CHECK_EQ(pp.ctx[0].id, 1);
	CHECK_EQ(pp.ctx[0].syntax, PRES_AS_ACSE);
	CHECK_EQ(pp.ctx[1].id, 3);
	CHECK_EQ(pp.ctx[1].syntax, PRES_AS_MMS);
	CHECK_EQ(pp.n_pdv, 1);
	CHECK_EQ(pp.pdv[0].ctx, 1);
	struct acse_apdu a;
	CHECK_EQ(acse_parse(pp.pdv[0].data, &a), ACSE_OK);
	CHECK_EQ(a.type, ACSE_AARQ);
	char oid[64];
	CHECK(ber_oid_text(a.app_context, oid, sizeof(oid)));
	CHECK_STR(oid, "1.0.9506.2.3");
	CHECK(a.has_called_aeq);
	CHECK_EQ(a.called_aeq, 12);
	CHECK(!a.auth_value_present);
	CHECK(a.has_user_info);
	CHECK(a.has_user_ctx);
	CHECK_EQ(a.user_ctx, 3);
	uint8_t first = 0;
	CHECK(rd_peek(&a.user_info, 0, &first));
	CHECK_EQ(first, 0xa8); /* initiate-RequestPDU */

	n = unhex(AC, b);
	CHECK_EQ(session_parse(rd_make(b + 7, n - 7), &st), SES_OK);
	CHECK_EQ(st.spdu[0].si, SES_AC);
	CHECK_EQ(pres_parse(st.spdu[0].user, PPDU_CPA, &pp), PRES_OK);
	CHECK_EQ(pp.n_result, 2);
	CHECK_EQ(pp.result[0], 0);
	CHECK_EQ(pp.result[1], 0);
	CHECK_EQ(acse_parse(pp.pdv[0].data, &a), ACSE_OK);
	CHECK_EQ(a.type, ACSE_AARE);
	CHECK(a.has_result);
	CHECK_EQ(a.result, 0);
	CHECK_EQ(a.diag_source, 1);
	CHECK_STR(acse_diagnostic_name(a.diag_source, a.diagnostic), "null");
}

static void data_and_abort(void)
{
	uint8_t b[512];
	size_t n = unhex(DT, b);
	struct session_tsdu st;
	CHECK_EQ(session_parse(rd_make(b + 7, n - 7), &st), SES_OK);
	CHECK_EQ(st.n, 1); /* GT skipped, DT kept */
	CHECK_EQ(st.spdu[0].si, SES_DT);
	struct pres_ppdu pp;
	CHECK_EQ(pres_parse(st.spdu[0].user, PPDU_DATA, &pp), PRES_OK);
	CHECK_EQ(pp.n_pdv, 1);
	CHECK_EQ(pp.pdv[0].ctx, 3);
	CHECK_EQ(rd_left(&pp.pdv[0].data), 7);

	n = unhex(AB, b);
	CHECK_EQ(session_parse(rd_make(b + 7, n - 7), &st), SES_OK);
	CHECK_EQ(st.spdu[0].si, SES_AB);
	CHECK(st.spdu[0].has_reason);
	CHECK_EQ(st.spdu[0].reason, 0x0b);
	CHECK_EQ(pres_parse(st.spdu[0].user, PPDU_ABORT, &pp), PRES_OK);
	CHECK(!pp.is_arp);
	CHECK_EQ(pp.n_pdv, 1);
	struct acse_apdu a;
	CHECK_EQ(acse_parse(pp.pdv[0].data, &a), ACSE_OK);
	CHECK_EQ(a.type, ACSE_ABRT);
	CHECK(a.has_abort_source);
	CHECK_EQ(a.abort_source, 0);
}

static void broken_upper_layers(void)
{
	struct session_tsdu st;
	uint8_t li_over[] = { 0x0d, 0x20, 0x05 };
	CHECK_EQ(session_parse(rd_make(li_over, sizeof(li_over)), &st), SES_TRUNCATED);
	uint8_t unknown[] = { 0x33, 0x00 };
	CHECK_EQ(session_parse(rd_make(unknown, sizeof(unknown)), &st), SES_INVALID);
	uint8_t long_li[] = { 0x0d, 0xff, 0x00, 0x02, 0x14, 0x00 };
	CHECK_EQ(session_parse(rd_make(long_li, sizeof(long_li)), &st), SES_OK);
	struct pres_ppdu pp;
	uint8_t notset[] = { 0x30, 0x00 };
	CHECK_EQ(pres_parse(rd_make(notset, 2), PPDU_CP, &pp), PRES_INVALID);
	uint8_t pdv_nodata[] = { 0x61, 0x05, 0x30, 0x03, 0x02, 0x01, 0x03 };
	CHECK_EQ(pres_parse(rd_make(pdv_nodata, sizeof(pdv_nodata)), PPDU_DATA, &pp), PRES_INVALID);
	uint8_t trunc[] = { 0x61, 0x10, 0x30 };
	CHECK_EQ(pres_parse(rd_make(trunc, sizeof(trunc)), PPDU_DATA, &pp), PRES_TRUNCATED);
	struct acse_apdu a;
	uint8_t notacse[] = { 0x30, 0x00 };
	CHECK_EQ(acse_parse(rd_make(notacse, 2), &a), ACSE_INVALID);
	/* AARQ with password authentication: the value is noted, never kept */
	uint8_t pw[] = {
		0x60, 0x0f, 0x8b, 0x03, 0x52, 0x03, 0x01, 0xac, 0x08, 0x80, 0x06, 's', 'e', 'c', 'r', 'e', 't'
	};
	CHECK_EQ(acse_parse(rd_make(pw, sizeof(pw)), &a), ACSE_OK);
	CHECK(a.auth_value_present);
	CHECK_EQ(a.auth_form, 0);
	CHECK_EQ(rd_left(&a.mechanism), 3);
}

static void test_tls(void)
{
	/* A minimal TLS 1.3 ClientHello with SNI "ied1" and supported_versions. */
	uint8_t ch[] = {
		0x16, 0x03, 0x01, 0x00, 0x43, 0x01, 0x00, 0x00, 0x3f, 0x03, 0x03, 0,    0,    0,    0,
		0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
		0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0x00, 0x00,
		0x02, 0x13, 0x01, 0x01, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x09, 0x00, 0x07, 0x00, 0x00,
		0x04, 'i',  'e',  'd',  '1',  0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04,
	};
	struct tls_hello h;
	CHECK(tls_looks_like(rd_make(ch, sizeof(ch))));
	CHECK(tls_parse_hello(rd_make(ch, sizeof(ch)), &h));
	CHECK(h.client_hello);
	CHECK_EQ(h.version, 0x0304);
	CHECK_VIEW(h.sni, "ied1");
	CHECK_STR(tls_version_name(h.version), "TLSv1.3");
	uint8_t tpkt[] = { 3, 0, 0, 7, 2, 0xf0, 0x80 };
	CHECK(!tls_looks_like(rd_make(tpkt, sizeof(tpkt))));
	/* cut anywhere: never reads past the end */
	for (size_t i = 0; i < sizeof(ch); i++) {
		uint8_t *cut = malloc(i ? i : 1);
		memcpy(cut, ch, i);
		tls_parse_hello(rd_make(cut, i), &h);
		free(cut);
	}
}

int main(void)
{
	test_tpkt();
	test_cotp();
	connect_chain();
	data_and_abort();
	broken_upper_layers();
	test_tls();
	TCHECK_DONE();
}

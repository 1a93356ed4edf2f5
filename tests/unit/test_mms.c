/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_mms.c - MMS decoding (mms.c), Data walking (mms_data.c), the IEC 61850
 * view (iec61850.c) and the EVE "mms" object (eve_mms.c).
 *
 * Vectors named "<pcap> <frame>" are MMS PDUs copied from the shared captures
 * (tshark -o 'uat:pres_context_list:"3","1.0.9506.2.1"' -x); the rest are built
 * by hand, mostly to break things. Every decode is done twice, into a struct
 * pre-filled with 0x00 and with 0xAA, and the EVE output of both must match:
 * mms_decode initialises fields one by one, and this catches one it forgot. */
#include "tcheck.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "dissectors/iec61850.h"
#include "dissectors/iec61850_report.h"
#include "dissectors/mms.h"
#include "dissectors/mms_data.h"
#include "dissectors/mms_type.h"
#include "output/eve_mms.h"

/* ---- helpers -------------------------------------------------------------- */

static uint8_t g_bytes[1 << 18]; /* the PDU under test; views point here */
static size_t g_len;
static struct mms_pdu g_pdu, g_pdu2;
static char g_json[1 << 19];
static char g_json2[1 << 19];

static size_t unhex(const char *h, uint8_t *out, size_t cap)
{
	size_t n = 0;
	while (*h && n < cap) {
		unsigned v;
		if (*h == ' ') {
			h++;
			continue;
		}
		if (!h[1] || sscanf(h, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
		h += 2;
	}
	return n;
}

/* A minimal JSON syntax check: every EVE object the tests make must parse. */
static const char *js_value(const char *p, int depth);

static const char *js_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static const char *js_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p && *p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!p[i] || !strchr("0123456789abcdefABCDEF", p[i]))
						return NULL;
				p += 4;
			} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
		p++;
	}
	return *p == '"' ? p + 1 : NULL;
}

static const char *js_value(const char *p, int depth)
{
	p = js_ws(p);
	if (depth > 200)
		return NULL;
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		bool obj = *p == '{';
		p = js_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (obj) {
				p = js_string(js_ws(p));
				if (!p)
					return NULL;
				p = js_ws(p);
				if (*p++ != ':')
					return NULL;
			}
			p = js_value(p, depth + 1);
			if (!p)
				return NULL;
			p = js_ws(p);
			if (*p == ',') {
				p++;
				continue;
			}
			return *p == close ? p + 1 : NULL;
		}
	}
	if (*p == '"')
		return js_string(p);
	if (!strncmp(p, "true", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	if (!strncmp(p, "null", 4))
		return p + 4;
	char *end;
	(void)strtod(p, &end);
	return end == p ? NULL : end;
}

static bool json_ok(const char *s)
{
	const char *e = js_value(s, 0);
	return e && *js_ws(e) == '\0';
}

/* The "mms" object for pdu as "{...}" in out (cap bytes of record). */
static unsigned eve_into(char *out, size_t cap, const struct mms_pdu *pdu, const char *acsi, size_t budget)
{
	struct jw w;
	jw_init(&w, out, cap - 1);
	jw_obj(&w, NULL);
	unsigned flags = eve_mms_fields(&w, pdu, acsi, budget);
	jw_obj_end(&w);
	out[w.overflow ? 0 : w.len] = '\0';
	return flags;
}

static unsigned eve_flags;

/* EVE text of g_pdu with its own ACSI name and the given budget. */
static const char *eve_b(size_t budget)
{
	eve_flags = eve_into(g_json, 65536, &g_pdu, iec61850_acsi(&g_pdu), budget);
	return g_json;
}

static const char *eve(void)
{
	return eve_b(8192);
}

/* Decode g_bytes[0..g_len) into g_pdu, checking the result does not depend on
 * what the struct held before. */
static enum mms_status decode_bytes(void)
{
	memset(&g_pdu, 0x00, sizeof(g_pdu));
	memset(&g_pdu2, 0xaa, sizeof(g_pdu2));
	enum mms_status s = mms_decode(rd_make(g_bytes, g_len), &g_pdu);
	enum mms_status s2 = mms_decode(rd_make(g_bytes, g_len), &g_pdu2);
	CHECK_EQ(s, s2);
	eve_into(g_json, sizeof(g_json), &g_pdu, NULL, 1 << 17);
	eve_into(g_json2, sizeof(g_json2), &g_pdu2, NULL, 1 << 17);
	CHECK_STR(g_json2, g_json);
	CHECK(json_ok(g_json));
	return s;
}

static enum mms_status dec(const char *hex)
{
	g_len = unhex(hex, g_bytes, sizeof(g_bytes));
	return decode_bytes();
}

static const char *acsi(void)
{
	return iec61850_acsi(&g_pdu);
}

/* "...(expected JSON of the mms object)..." */
#define CHECK_EVE(json) \
	do { \
		const char *_e = eve(); \
		CHECK_STR(_e, json); \
		CHECK(json_ok(_e)); \
	} while (0)

/* ---- captured vectors ------------------------------------------------------ */

/* clean_browse 8 / 9 */
static const char INIT_REQ[] = "a826800300fde881010582010583010aa416800101810305f100820c03ee1c00000408000079ef18";
static const char INIT_RESP[] = "a926800300fde881010582010583010aa416800101810305f100820c03ee1c000000000000000118";
/* clean_browse 10 / 11 */
static const char IDENT_REQ[] = "a0050201018200";
static const char IDENT_RESP[] =
	"a12b020101a226800f6d6d7377617463682d636f72707573810c636c65616e5f62726f7773658205312e352e33";
/* clean_browse 24 / 25: domains of the VMD */
static const char GNL_DOMAINS_REQ[] = "a00e020101a109a003800109a1028000";
static const char GNL_DOMAINS_RESP[] = "a11d020101a118a0131a1173696d706c65494f47656e65726963494f810100";
/* clean_browse 38: named variables of a domain; 86: named variable lists */
static const char GNL_VARS_REQ[] = "a01f020101a11aa003800100a113811173696d706c65494f47656e65726963494f";
static const char GNL_NVL_REQ[] = "a01f020103a11aa003800102a113811173696d706c65494f47656e65726963494f";
/* logging 10: journals of a domain */
static const char GNL_JOURNAL_REQ[] = "a01f020101a11aa003800108a113811173696d706c65494f47656e65726963494f";
/* ZEEK__getNameList 7 */
static const char GNL_RESP8[] =
	"a18181020102a17ca0771a084c4c4e3024414d491a114c4c4e30244e6574776f726b416c61726d1a144c4c4e302453796e635f4f7065726174696f6e731a134c4c4e302443697263756974427265616b65721a0c4c4c4e3024546573746265641a094c4c4e3024565344331a094c4c4e3024565344321a094c4c4e302456534431810100";
/* clean_browse 54 / 55: read GGIO1$MX$AnIn1 */
static const char READ_REQ[] =
	"a032020101a42da12ba0293027a025a1231a1173696d706c65494f47656e65726963494f1a0e4747494f31244d5824416e496e31";
static const char READ_RESP[] = "a121020101a41ca11aa218a207870508447a4000840303000091086b0b05a307ae1480";
/* clean_browse 112 / 113: read a dataset */
static const char READ_DS_REQ[] =
	"a036020102a431800101a12ca12aa1281a1173696d706c65494f47656e65726963494f1a134c4c4e3024416e616c6f67756556616c756573";
static const char READ_DS_RESP[] =
	"a1819e020102a48198a02ca12aa1281a1173696d706c65494f47656e65726963494f1a134c4c4e3024416e616c6f67756556616c756573a168a218a207870508447a8000840303000091086b0b05a407ae1480a218a20787050844fa4000840303000091086b0b05a407ae1480a218a207870508453ba000840303000091086b0b05a407ae1480a218a207870508457a2000840303000091086b0b05a407ae1480";
/* abort_kill 14 (URCB), 65 (BRCB); logging 12 (LCB); control 22 (SBO) */
static const char READ_URCB[] =
	"a037020102a432a130a02e302ca02aa1281a1173696d706c65494f47656e65726963494f1a134c4c4e30245250244576656e74735243423031";
static const char READ_BRCB[] =
	"a03a020102a435a133a031302fa02da12b1a1173696d706c65494f47656e65726963494f1a164c4c4e30244252244d6561737572656d656e74733031";
static const char READ_LCB[] =
	"a034020102a42fa12da02b3029a027a1251a1173696d706c65494f47656e65726963494f1a104c4c4e30244c47244576656e744c6f67";
static const char READ_SBO[] =
	"a037020107a432a130a02e302ca02aa1281a1173696d706c65494f47656e65726963494f1a134747494f3124434f24535043534f322453424f";
/* control 14 (Oper), 40 (SBOw); abort_kill 18 (URCB RptEna), 69 (BRCB RptEna);
 * clean_browse 132 (NamPlt.vendor, FC DC) */
static const char WRITE_OPER[] =
	"a058020103a553a02f302da02ba1291a1173696d706c65494f47656e65726963494f1a144747494f3124434f24535043534f32244f706572a020a21e830101a205850100890086010091086b0b056208b4390083010084020600";
static const char WRITE_SBOW[] =
	"a05802010fa553a02f302da02ba1291a1173696d706c65494f47656e65726963494f1a144747494f3124434f24535043534f342453424f77a020a21e830101a205850100890086010191086b0b055f7fbe760083010084020600";
static const char WRITE_URCB[] =
	"a041020104a53ca0353033a031a12f1a1173696d706c65494f47656e65726963494f1a1a4c4c4e30245250244576656e7473524342303124527074456e61a003830101";
static const char WRITE_BRCB[] =
	"a044020104a53fa0383036a034a1321a1173696d706c65494f47656e65726963494f1a1d4c4c4e30244252244d6561737572656d656e7473303124527074456e61a003830101";
static const char WRITE_DC[] =
	"a049020103a544a031302fa02da12b1a1173696d706c65494f47656e65726963494f1a164747494f31244443244e616d506c742476656e646f72a00f8a0d6d6d7377617463682d74657374";
/* abort_kill 17; control 72 */
static const char WRITE_RESP_OK[] = "a10f020103a50a81008100810081008100";
static const char WRITE_RESP_FAIL[] = "a108020103a503800103";
/* abort_kill 23: an IEC 61850 report */
static const char REPORT[] =
	"a351a04fa1058003525054a0468a074576656e74733184030678808601008c06039d4f0b3d388a1d73696d706c65494f47656e65726963494f2f4c4c4e30244576656e74738601018402044083010184020240";
/* control 32: CommandTermination+; control 71: LastApplError */
static const char CMD_TERM[] =
	"a355a053a02f302da02ba1291a1173696d706c65494f47656e65726963494f1a144747494f3124434f24535043534f34244f706572a020a21e830101a205850100890086010291086b0b05640d0e560083010084020600";
static const char LAST_APPL_ERROR[] =
	"a353a051a0133011a00f800d4c6173744170706c4572726f72a03aa2388a2673696d706c65494f47656e65726963494f2f4747494f3124434f24535043534f34244f706572850100a2058501008900860100850112";
/* control 12 / 13 */
static const char GVAA_REQ[] =
	"a02d020102a628a026a1241a1173696d706c65494f47656e65726963494f1a0f4747494f3124434f24535043534f32";
static const char GVAA_RESP[] =
	"a1818c020102a68186800100a28180a27ea17c307a80044f706572a172a270a16e300c800663746c56616ca1028300302c80066f726967696ea122a220a11e300c80056f72436174a103850108300e80076f724964656e74a1038901c0300d800663746c4e756da1038601083007800154a1029100300a800454657374a1028300300c8005436865636ba1038401fe";
/* clean_browse 68 / 93 */
static const char GNVLA_REQ[] = "a027020101ac22a1201a1173696d706c65494f47656e65726963494f1a0b4c4c4e30244576656e7473";
static const char GNVLA_RESP[] =
	"a181b4020106ac81ae800100a181a83028a026a1241a1173696d706c65494f47656e65726963494f1a0f4747494f3124535424535043534f313028a026a1241a1173696d706c65494f47656e65726963494f1a0f4747494f3124535424535043534f323028a026a1241a1173696d706c65494f47656e65726963494f1a0f4747494f3124535424535043534f333028a026a1241a1173696d706c65494f47656e65726963494f1a0f4747494f3124535424535043534f34";
/* clean_browse 114 / 115 */
static const char DNVL_REQ[] =
	"a034020103ad2f800100a12aa1281a1173696d706c65494f47656e65726963494f1a134c4c4e3024416e616c6f67756556616c756573";
static const char DNVL_RESP[] = "a10b020103ad06800101810101";
/* ZEEK__status_1 6 / 7 */
static const char STATUS_REQ[] = "a0060201018001ff";
static const char STATUS_RESP[] = "a10b020101a006800101810101";
/* files 10 / 11, 38 / 39, 40 / 41, 42 / 43, 57 / 58 */
static const char FDIR_REQ[] = "a006020101bf4d00";
static const char FDIR_RESP[] =
	"a12e020101bf4d28a02630243022a006190474657374a118800105811332303234303332373132323934352e3030305a";
static const char FOPEN_REQ[] = "a011020101bf480ba006190474657374810100";
static const char FOPEN_RESP[] = "a123020101bf481d800100a118800105811332303234303332373132323934352e3030305a";
static const char FREAD_REQ[] = "a0070201029f490100";
static const char FREAD_RESP[] = "a110020102bf490a8005746573740a810100";
static const char FCLOSE_REQ[] = "a0070201039f4a0100";
static const char FCLOSE_RESP[] = "a1060201039f4a00";
static const char FOPEN_ERR[] = "a20a800101a205a0038b0107";
/* ZEEK__obtainFile 12 */
static const char OBTAIN_REQ[] = "a024020101bf2e1ea10c190a7465737455706c6f6164a20e190c7465737455706f6164447374";
/* logging 14 (after an entry), 29 (by time), 30 (response) */
static const char RJ_AFTER[] =
	"a040020103bf413aa024a1221a1173696d706c65494f47656e65726963494f1a0d4c4c4e30244576656e744c6f67a512800600000000000081080100000000000000";
static const char RJ_TIME[] =
	"a040020101bf413aa024a1221a1173696d706c65494f47656e65726963494f1a0d4c4c4e30244576656e744c6f67a10880060150bcac3cf3a2088006039aacac3d38";
static const char RJ_RESP[] =
	"a181b7020101bf4181b0a081ad3081aa80080100000000000000a1023000a281998006039a9ee93d38a2818ea1818b302e802773696d706c65494f47656e6572696f494f2f4750494f3124535424535043534f3124737456616ca10385017b3012800a526561736f6e436f6465a104840201003031802373696d706c65494f47656e6572696f494f2f4750494f3124535424535043534f312474a10a91086b0b05b0e353f70a3012800a526561736f6e436f6465a10484020100";
/* ITI mms-cancelRequest 12 */
static const char CANCEL_REQ[] = "850101";

/* ---- tests: PDU types ------------------------------------------------------ */

static void test_first_octet(void)
{
	static const uint8_t yes[] = { 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0x85, 0x86,
				       0xa7, 0xa8, 0xa9, 0xaa, 0x8b, 0x8c, 0xad };
	static const uint8_t no[] = { 0x00, 0x30, 0x60, 0x61, 0x80, 0x84, 0x87, 0xa5,
				      0xa6, 0xab, 0xac, 0xae, 0xbf, 0x32, 0x72, 0xff };
	for (size_t i = 0; i < sizeof(yes); i++)
		CHECK(mms_first_octet(yes[i]));
	for (size_t i = 0; i < sizeof(no); i++)
		CHECK(!mms_first_octet(no[i]));
}

static void test_not_mms(void)
{
	CHECK_EQ(dec(""), MMS_NOT_MMS);
	CHECK_EQ(dec("3000"), MMS_NOT_MMS);
	CHECK_EQ(dec("6100"), MMS_NOT_MMS);
	CHECK_EQ(dec("a500"), MMS_NOT_MMS);     /* cancel-request is primitive */
	CHECK_EQ(dec("0b00"), MMS_NOT_MMS);     /* conclude-request needs the context class */
	CHECK_EQ(dec("32010000"), MMS_NOT_MMS); /* S7comm */
	CHECK_EQ(mms_decode(rd_make(NULL, 0), &g_pdu), MMS_NOT_MMS);
}

static void test_initiate(void)
{
	CHECK_EQ(dec(INIT_REQ), MMS_OK);
	CHECK_EQ(g_pdu.type, MMS_INITIATE_REQUEST);
	CHECK(!g_pdu.has_invoke);
	CHECK_EQ(g_pdu.service, -1);
	CHECK(g_pdu.init.has_local_detail);
	CHECK_EQ(g_pdu.init.local_detail, 65000);
	CHECK_EQ(g_pdu.init.max_serv_calling, 5);
	CHECK_EQ(g_pdu.init.max_serv_called, 5);
	CHECK_EQ(g_pdu.init.nesting, 10);
	CHECK_EQ(g_pdu.init.version, 1);
	CHECK_EQ(g_pdu.init.param_cbb_bits, 11);
	CHECK_EQ(g_pdu.init.services_bits, 85);
	/* servicesSupportedCalling bit 4 = read, bit 5 = write */
	CHECK(ber_bit(g_pdu.init.services, g_pdu.init.services_bits, 4));
	CHECK_STR(acsi(), "Associate");
	CHECK_EVE("{\"pdu\":\"initiate-request\",\"service\":null,\"invoke_id\":null,\"acsi\":\"Associate\","
		  "\"initiate\":{\"local_detail\":65000,\"max_serv_outstanding_calling\":5,"
		  "\"max_serv_outstanding_called\":5,\"nesting_level\":10,\"version\":1,"
		  "\"parameter_cbb\":\"11110001000\",\"services_supported\":"
		  "\"1110111000011100000000000000000000000100000010000000000000000000011110011110111100011\"}}");

	CHECK_EQ(dec(INIT_RESP), MMS_OK);
	CHECK_EQ(g_pdu.type, MMS_INITIATE_RESPONSE);
	CHECK_EQ(g_pdu.init.max_serv_called, 5);
	CHECK_STR(acsi(), "Associate");

	/* no mmsInitRequestDetail: mandatory */
	CHECK_EQ(dec("a80b800300fde8810105820105"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_MISSING);
	CHECK_EQ(g_pdu.init.local_detail, 65000);

	/* initiate-error: ServiceError initiate / max-segment-insufficient */
	CHECK_EQ(dec("aa05a003880102"), MMS_OK);
	CHECK_EQ(g_pdu.type, MMS_INITIATE_ERROR);
	CHECK(g_pdu.error.present);
	CHECK_EQ(g_pdu.error.error_class, 8);
	CHECK_EQ(g_pdu.error.error_code, 2);
	CHECK_EVE("{\"pdu\":\"initiate-error\",\"service\":null,\"invoke_id\":null,\"acsi\":\"Associate\","
		  "\"error\":{\"class\":\"initiate\",\"code\":\"max-segment-insufficient\"}}");
}

static void test_conclude_cancel(void)
{
	CHECK_EQ(dec("8b00"), MMS_OK);
	CHECK_EQ(g_pdu.type, MMS_CONCLUDE_REQUEST);
	CHECK_STR(acsi(), "Release");
	CHECK_EVE("{\"pdu\":\"conclude-request\",\"service\":null,\"invoke_id\":null,\"acsi\":\"Release\"}");
	CHECK_EQ(dec("8c00"), MMS_OK);
	CHECK_EQ(g_pdu.type, MMS_CONCLUDE_RESPONSE);
	CHECK_EQ(dec("8b0100"), MMS_MALFORMED); /* NULL with contents */
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_INVALID);
	CHECK_EQ(g_pdu.type, MMS_CONCLUDE_REQUEST);

	/* conclude-error: conclude / further-communication-required */
	CHECK_EQ(dec("ad05a003890101"), MMS_OK);
	CHECK_EQ(g_pdu.type, MMS_CONCLUDE_ERROR);
	CHECK_EQ(g_pdu.error.error_class, 9);
	CHECK_EVE("{\"pdu\":\"conclude-error\",\"service\":null,\"invoke_id\":null,\"acsi\":\"Release\","
		  "\"error\":{\"class\":\"conclude\",\"code\":\"further-communication-required\"}}");

	CHECK_EQ(dec(CANCEL_REQ), MMS_OK);
	CHECK_EQ(g_pdu.type, MMS_CANCEL_REQUEST);
	CHECK(g_pdu.has_invoke);
	CHECK_EQ(g_pdu.invoke_id, 1);
	CHECK(acsi() == NULL);
	CHECK_EVE("{\"pdu\":\"cancel-request\",\"service\":null,\"invoke_id\":1,\"acsi\":null}");

	CHECK_EQ(dec("8602012c"), MMS_OK);
	CHECK_EQ(g_pdu.type, MMS_CANCEL_RESPONSE);
	CHECK_EQ(g_pdu.invoke_id, 300);

	/* cancel-error: originalInvokeID 5, cancel / invoke-id-unknown */
	CHECK_EQ(dec("a70a800105a105a0038a0101"), MMS_OK);
	CHECK_EQ(g_pdu.type, MMS_CANCEL_ERROR);
	CHECK_EQ(g_pdu.invoke_id, 5);
	CHECK_EVE("{\"pdu\":\"cancel-error\",\"service\":null,\"invoke_id\":5,\"acsi\":null,"
		  "\"error\":{\"class\":\"cancel\",\"code\":\"invoke-id-unknown\"}}");
	CHECK_EQ(dec("a703800105"), MMS_MALFORMED); /* no serviceError */
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_MISSING);
	CHECK_EQ(g_pdu.invoke_id, 5);

	CHECK_EQ(dec("8500"), MMS_MALFORMED); /* an INTEGER needs an octet */
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_INVALID);
	CHECK(!g_pdu.has_invoke);
}

static void test_reject(void)
{
	CHECK_EQ(dec("a406800107810101"), MMS_OK);
	CHECK_EQ(g_pdu.type, MMS_REJECT);
	CHECK(g_pdu.has_invoke);
	CHECK_EQ(g_pdu.invoke_id, 7);
	CHECK_EQ(g_pdu.reject.reason_type, 1);
	CHECK_EQ(g_pdu.reject.reason_code, 1);
	CHECK_EVE("{\"pdu\":\"reject\",\"service\":null,\"invoke_id\":7,\"acsi\":null,\"reject\":"
		  "{\"original_invoke_id\":7,\"type\":\"confirmed-requestPDU\",\"code\":\"unrecognized-service\"}}");

	CHECK_EQ(dec("a403850101"), MMS_OK); /* pdu-error, no originalInvokeID */
	CHECK(!g_pdu.has_invoke);
	CHECK_EVE("{\"pdu\":\"reject\",\"service\":null,\"invoke_id\":null,\"acsi\":null,\"reject\":"
		  "{\"type\":\"pdu-error\",\"code\":\"invalid-pdu\"}}");

	CHECK_EQ(dec("a403810163"), MMS_OK); /* a code outside the table: its number */
	CHECK_EVE("{\"pdu\":\"reject\",\"service\":null,\"invoke_id\":null,\"acsi\":null,\"reject\":"
		  "{\"type\":\"confirmed-requestPDU\",\"code\":99}}");

	CHECK_EQ(dec("a403800107"), MMS_MALFORMED); /* no rejectReason */
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_MISSING);
}

static void test_confirmed_error(void)
{
	CHECK_EQ(dec(FOPEN_ERR), MMS_OK);
	CHECK_EQ(g_pdu.type, MMS_CONFIRMED_ERROR);
	CHECK_EQ(g_pdu.invoke_id, 1);
	CHECK_EQ(g_pdu.error.error_class, 11);
	CHECK_EQ(g_pdu.error.error_code, 7);
	CHECK_EVE("{\"pdu\":\"confirmed-error\",\"service\":null,\"invoke_id\":1,\"acsi\":null,"
		  "\"error\":{\"class\":\"file\",\"code\":\"file-non-existent\"}}");
	/* the request's ACSI name is passed through */
	eve_into(g_json, sizeof(g_json), &g_pdu, "GetFile", 8192);
	CHECK(strstr(g_json, "\"acsi\":\"GetFile\"") != NULL);

	/* modifierPosition, additionalCode and additionalDescription; class others */
	CHECK_EQ(dec("a217 800103 810100 a20fa0038c0105810203e8820454657874"), MMS_OK);
	CHECK_EQ(g_pdu.error.error_class, 12);
	CHECK(g_pdu.error.has_additional_code);
	CHECK_EQ(g_pdu.error.additional_code, 1000);
	CHECK_EVE("{\"pdu\":\"confirmed-error\",\"service\":null,\"invoke_id\":3,\"acsi\":null,"
		  "\"error\":{\"class\":\"others\",\"code\":5,\"additional_code\":1000}}");

	CHECK_EQ(dec("a20b800101a206a0049f1e0105"), MMS_MALFORMED); /* errorClass [30] */
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_INVALID);
	CHECK(!g_pdu.error.present);
	CHECK_EQ(dec("a206800101810100"), MMS_MALFORMED); /* no serviceError */
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_MISSING);
	CHECK_EQ(g_pdu.invoke_id, 1);
	CHECK_EQ(dec("a207a205a0038b0107"), MMS_MALFORMED); /* no invokeID */
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_MISSING);
	CHECK_EQ(dec("a209800101a20481020107"), MMS_MALFORMED); /* no errorClass */
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_MISSING);
}

/* ---- tests: confirmed services --------------------------------------------- */

static void test_identify(void)
{
	CHECK_EQ(dec(IDENT_REQ), MMS_OK);
	CHECK_EQ(g_pdu.type, MMS_CONFIRMED_REQUEST);
	CHECK_EQ(g_pdu.service, MMS_SVC_IDENTIFY);
	CHECK_EQ(g_pdu.invoke_id, 1);
	CHECK(acsi() == NULL);
	CHECK_EQ(dec(IDENT_RESP), MMS_OK);
	CHECK_VIEW(g_pdu.identify.vendor, "mmswatch-corpus");
	CHECK_VIEW(g_pdu.identify.model, "clean_browse");
	CHECK_VIEW(g_pdu.identify.revision, "1.5.3");
	CHECK_EVE("{\"pdu\":\"confirmed-response\",\"service\":\"identify\",\"invoke_id\":1,\"acsi\":null,"
		  "\"identify\":{\"vendor\":\"mmswatch-corpus\",\"model\":\"clean_browse\",\"revision\":\"1.5.3\"}}");
	CHECK_EQ(dec("a109020101a20480024d5a"), MMS_MALFORMED); /* model and revision missing */
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_MISSING);
	CHECK_VIEW(g_pdu.identify.vendor, "MZ");
}

static void test_get_name_list(void)
{
	CHECK_EQ(dec(GNL_DOMAINS_REQ), MMS_OK);
	CHECK_EQ(g_pdu.service, MMS_SVC_GET_NAME_LIST);
	CHECK_EQ(g_pdu.object_class, 9);
	CHECK_EQ(g_pdu.object_scope, MMS_SCOPE_VMD);
	CHECK_STR(acsi(), "GetServerDirectory");
	CHECK_EVE("{\"pdu\":\"confirmed-request\",\"service\":\"getNameList\",\"invoke_id\":1,"
		  "\"acsi\":\"GetServerDirectory\",\"object_class\":\"domain\",\"scope\":\"vmd\"}");

	CHECK_EQ(dec(GNL_DOMAINS_RESP), MMS_OK);
	CHECK_EQ(g_pdu.n_names, 1);
	CHECK(g_pdu.has_more_follows);
	CHECK(!g_pdu.more_follows);
	CHECK_EVE("{\"pdu\":\"confirmed-response\",\"service\":\"getNameList\",\"invoke_id\":1,\"acsi\":null,"
		  "\"names\":[\"simpleIOGenericIO\"],\"more_follows\":false}");

	CHECK_EQ(dec(GNL_VARS_REQ), MMS_OK);
	CHECK_EQ(g_pdu.object_class, 0);
	CHECK_EQ(g_pdu.object_scope, MMS_SCOPE_DOMAIN);
	CHECK_VIEW(g_pdu.scope_domain, "simpleIOGenericIO");
	CHECK_STR(acsi(), "GetLogicalDeviceDirectory");
	CHECK_EQ(dec(GNL_NVL_REQ), MMS_OK);
	CHECK_STR(acsi(), "GetLogicalNodeDirectory");
	CHECK_EQ(dec(GNL_JOURNAL_REQ), MMS_OK);
	CHECK_STR(acsi(), "GetLogicalNodeDirectory");
	CHECK_EVE("{\"pdu\":\"confirmed-request\",\"service\":\"getNameList\",\"invoke_id\":1,"
		  "\"acsi\":\"GetLogicalNodeDirectory\",\"object_class\":\"journal\",\"scope\":\"domain\","
		  "\"domain\":\"simpleIOGenericIO\"}");

	/* continueAfter; domain class in a domain scope is no ACSI service */
	CHECK_EQ(dec("a014020105a10fa003800109a1048102443182024974"), MMS_OK);
	CHECK_VIEW(g_pdu.continue_after, "It");
	CHECK(acsi() == NULL);
	CHECK(strstr(eve(), "\"continue_after\":\"It\"") != NULL);

	CHECK_EQ(dec(GNL_RESP8), MMS_OK);
	CHECK_EQ(g_pdu.n_names, 8);
	/* moreFollows absent: DEFAULT TRUE */
	CHECK_EQ(dec("a10c020101a107a0051a03414243"), MMS_OK);
	CHECK(g_pdu.more_follows);
	CHECK_EQ(dec("a108020101a103810100"), MMS_MALFORMED); /* no listOfIdentifier */
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_MISSING);
	CHECK_EQ(dec("a00a020101a105a003800100"), MMS_MALFORMED); /* no objectScope */
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_MISSING);
}

static void test_read(void)
{
	CHECK_EQ(dec(READ_REQ), MMS_OK);
	CHECK_EQ(g_pdu.service, MMS_SVC_READ);
	CHECK(!g_pdu.spec_with_result);
	CHECK_EQ(g_pdu.n_objs, 1);
	CHECK_EQ(g_pdu.n_objs_total, 1);
	CHECK_EQ(g_pdu.objs[0].scope, MMS_SCOPE_DOMAIN);
	CHECK_VIEW(g_pdu.objs[0].domain, "simpleIOGenericIO");
	CHECK_VIEW(g_pdu.objs[0].item, "GGIO1$MX$AnIn1");
	CHECK_STR(acsi(), "GetDataValues");
	CHECK_EVE("{\"pdu\":\"confirmed-request\",\"service\":\"read\",\"invoke_id\":1,\"acsi\":\"GetDataValues\","
		  "\"objects\":[{\"scope\":\"domain\",\"domain\":\"simpleIOGenericIO\",\"item\":\"GGIO1$MX$AnIn1\","
		  "\"ref\":\"simpleIOGenericIO/GGIO1.AnIn1 [MX]\"}]}");

	CHECK_EQ(dec(READ_RESP), MMS_OK);
	CHECK(g_pdu.has_data);
	CHECK_EQ(g_pdu.n_data, 1);
	CHECK_EVE(
		"{\"pdu\":\"confirmed-response\",\"service\":\"read\",\"invoke_id\":1,\"acsi\":null,"
		"\"results\":[[[1001],{\"bits\":\"0000000000000\"},"
		"{\"utc\":\"2026-11-28T16:47:31.029999Z\",\"quality\":\"80\",\"leap_seconds_known\":true,\"time_accuracy\":0}]]}");

	CHECK_EQ(dec(READ_DS_REQ), MMS_OK);
	CHECK(g_pdu.spec_with_result);
	CHECK(g_pdu.has_list_name);
	CHECK_VIEW(g_pdu.list_name.item, "LLN0$AnalogueValues");
	CHECK_EQ(g_pdu.n_objs, 0);
	CHECK_STR(acsi(), "GetDataSetValues");
	CHECK(strstr(eve(),
		     "\"variable_list\":{\"scope\":\"domain\",\"domain\":\"simpleIOGenericIO\","
		     "\"item\":\"LLN0$AnalogueValues\",\"ref\":\"simpleIOGenericIO/LLN0.AnalogueValues\"}"));
	CHECK_EQ(dec(READ_DS_RESP), MMS_OK);
	CHECK_EQ(g_pdu.n_data, 4);
	CHECK(g_pdu.has_list_name); /* the response repeats the specification */

	CHECK_EQ(dec(READ_URCB), MMS_OK);
	CHECK_STR(acsi(), "GetURCBValues");
	CHECK_EQ(dec(READ_BRCB), MMS_OK);
	CHECK_STR(acsi(), "GetBRCBValues");
	CHECK_EQ(dec(READ_LCB), MMS_OK);
	CHECK_STR(acsi(), "GetLCBValues");
	CHECK_EQ(dec(READ_SBO), MMS_OK);
	CHECK_STR(acsi(), "Select");

	/* a failure AccessResult, then a boolean (first cut short, then whole) */
	CHECK_EQ(dec("a10c020101a407a10580010a8301"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_TRUNCATED);
	CHECK_EQ(dec("a10d020101a408a10680010a830101"), MMS_OK);
	CHECK_EQ(g_pdu.n_data, 2);
	CHECK_EVE("{\"pdu\":\"confirmed-response\",\"service\":\"read\",\"invoke_id\":1,\"acsi\":null,"
		  "\"results\":[{\"failure\":\"object-non-existent\"},true]}");

	CHECK_EQ(dec("a008020101a403800101"), MMS_MALFORMED); /* no variableAccessSpecification */
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_MISSING);
	CHECK_EQ(dec("a105020101a400"), MMS_MALFORMED); /* no listOfAccessResult */
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_MISSING);
}

static void test_write(void)
{
	CHECK_EQ(dec(WRITE_OPER), MMS_OK);
	CHECK_EQ(g_pdu.service, MMS_SVC_WRITE);
	CHECK_VIEW(g_pdu.objs[0].item, "GGIO1$CO$SPCSO2$Oper");
	CHECK_EQ(g_pdu.n_data, 1);
	CHECK_STR(acsi(), "Operate");
	CHECK_EVE(
		"{\"pdu\":\"confirmed-request\",\"service\":\"write\",\"invoke_id\":3,\"acsi\":\"Operate\","
		"\"objects\":[{\"scope\":\"domain\",\"domain\":\"simpleIOGenericIO\",\"item\":\"GGIO1$CO$SPCSO2$Oper\","
		"\"ref\":\"simpleIOGenericIO/GGIO1.SPCSO2.Oper [CO]\"}],"
		"\"values\":[[true,[0,{\"hex\":\"\"}],0,{\"utc\":\"2026-11-28T16:46:26.033999Z\",\"quality\":\"00\",\"time_accuracy\":0},"
		"false,{\"bits\":\"00\"}]]}");
	CHECK_EQ(dec(WRITE_SBOW), MMS_OK);
	CHECK_STR(acsi(), "SelectWithValue");
	CHECK_EQ(dec(WRITE_URCB), MMS_OK);
	CHECK_STR(acsi(), "SetURCBValues");
	CHECK_EQ(dec(WRITE_BRCB), MMS_OK);
	CHECK_STR(acsi(), "SetBRCBValues");
	CHECK_EQ(dec(WRITE_DC), MMS_OK);
	CHECK_STR(acsi(), "SetDataValues");

	CHECK_EQ(dec(WRITE_RESP_OK), MMS_OK);
	CHECK_EQ(g_pdu.n_data, 5);
	CHECK_EVE("{\"pdu\":\"confirmed-response\",\"service\":\"write\",\"invoke_id\":3,\"acsi\":null,"
		  "\"results\":[\"success\",\"success\",\"success\",\"success\",\"success\"]}");
	CHECK_EQ(dec(WRITE_RESP_FAIL), MMS_OK);
	CHECK_EQ(g_pdu.n_data, 1);
	CHECK_EVE("{\"pdu\":\"confirmed-response\",\"service\":\"write\",\"invoke_id\":3,\"acsi\":null,"
		  "\"results\":[{\"failure\":\"object-access-denied\"}]}");
	CHECK_EQ(dec("a108020103a503830101"), MMS_MALFORMED); /* a Data is no write result */
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_INVALID);

	/* variableAccessSpecification then no listOfData */
	CHECK_EQ(dec("a00f020101a50aa1088006526570656174"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_MISSING);
	CHECK(g_pdu.has_list_name);
	CHECK_STR(acsi(), "SetDataSetValues");
}

static void test_information_report(void)
{
	CHECK_EQ(dec(REPORT), MMS_OK);
	CHECK_EQ(g_pdu.type, MMS_UNCONFIRMED);
	CHECK_EQ(g_pdu.service, MMS_USVC_INFORMATION_REPORT);
	CHECK(!g_pdu.has_invoke);
	CHECK(g_pdu.has_list_name);
	CHECK_EQ(g_pdu.list_name.scope, MMS_SCOPE_VMD);
	CHECK_VIEW(g_pdu.list_name.item, "RPT");
	CHECK_EQ(g_pdu.n_data, 9);
	CHECK_STR(acsi(), "Report");
	CHECK_EVE("{\"pdu\":\"unconfirmed\",\"service\":\"informationReport\",\"invoke_id\":null,\"acsi\":\"Report\","
		  "\"variable_list\":{\"scope\":\"vmd\",\"item\":\"RPT\",\"ref\":\"RPT\"},"
		  "\"results\":[\"Events1\",{\"bits\":\"0111100010\"},0,{\"btime\":\"2026-11-28T16:50:41.035Z\"},"
		  "\"simpleIOGenericIO/LLN0$Events\",1,{\"bits\":\"0100\"},true,{\"bits\":\"010000\"}]}");

	/* walk the report's Data the way an analyzer does */
	struct rd list = g_pdu.data;
	struct mms_data d;
	bool done;
	CHECK_EQ(mms_data_next(&list, &d, &done), BER_OK);
	CHECK(!done);
	CHECK_EQ(d.tag, MMS_DATA_VISIBLE_STRING);
	CHECK_VIEW(bview_of(&d.val), "Events1");
	unsigned n = 1;
	while (mms_data_next(&list, &d, &done) == BER_OK && !done)
		n++;
	CHECK_EQ(n, 9);

	CHECK_EQ(dec(CMD_TERM), MMS_OK);
	CHECK_STR(acsi(), "CommandTermination");
	CHECK_EQ(dec(LAST_APPL_ERROR), MMS_OK);
	CHECK_EQ(g_pdu.objs[0].scope, MMS_SCOPE_VMD);
	CHECK_VIEW(g_pdu.objs[0].item, "LastApplError");
	CHECK_STR(acsi(), "CommandTermination");

	/* other unconfirmed services: the tag only */
	CHECK_EQ(dec("a302a100"), MMS_OK);
	CHECK_EQ(g_pdu.service, MMS_USVC_UNSOLICITED_STATUS);
	CHECK(acsi() == NULL);
	CHECK_EVE("{\"pdu\":\"unconfirmed\",\"service\":\"unsolicitedStatus\",\"invoke_id\":null,\"acsi\":null}");
	CHECK_EQ(dec("a300"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_MISSING);
	/* a report of another named variable list is no IEC 61850 report */
	CHECK_EQ(dec("a30ea00ca1058003585858a003830100"), MMS_OK);
	CHECK(acsi() == NULL);
}

static void test_var_access_attributes(void)
{
	CHECK_EQ(dec(GVAA_REQ), MMS_OK);
	CHECK_EQ(g_pdu.service, MMS_SVC_GET_VAR_ACCESS_ATTR);
	CHECK_VIEW(g_pdu.objs[0].item, "GGIO1$CO$SPCSO2");
	CHECK_STR(acsi(), "GetDataDefinition");
	CHECK_EQ(dec(GVAA_RESP), MMS_OK);
	CHECK(g_pdu.has_type_spec);
	CHECK(!g_pdu.mms_deletable);
	/* control.pcap 13: the whole tree, as tshark 4.0 shows it (and T, which it
	 * does not name: utc-time [17]) */
	CHECK_EQ(g_pdu.type_nodes, 10);
	CHECK_EVE(
		"{\"pdu\":\"confirmed-response\",\"service\":\"getVariableAccessAttributes\",\"invoke_id\":2,"
		"\"acsi\":null,\"mms_deletable\":false,\"type\":\"structure(1)\",\"type_description\":"
		"{\"type\":\"structure\",\"components\":[{\"name\":\"Oper\",\"type\":\"structure\",\"components\":["
		"{\"name\":\"ctlVal\",\"type\":\"boolean\"},{\"name\":\"origin\",\"type\":\"structure\",\"components\":["
		"{\"name\":\"orCat\",\"type\":\"integer\",\"size\":8},{\"name\":\"orIdent\",\"type\":\"octet-string\","
		"\"size\":-64}]},{\"name\":\"ctlNum\",\"type\":\"unsigned\",\"size\":8},{\"name\":\"T\",\"type\":"
		"\"utc-time\"},{\"name\":\"Test\",\"type\":\"boolean\"},{\"name\":\"Check\",\"type\":\"bit-string\","
		"\"size\":-2}]}]}}");
	/* The walker by itself: nodes in document order, a LEAVE after each open one. */
	{
		struct mms_type_walk walk;
		struct mms_type_node n;
		static const char *const want[] = { "",       "Oper", "ctlVal", "origin", "orCat", "orIdent", "<",
						    "ctlNum", "T",    "Test",   "Check",  "<",     "<" };
		unsigned i = 0;
		enum mms_type_step st;
		mms_type_walk_init(&walk, g_pdu.type_spec);
		while ((st = mms_type_next(&walk, &n)) == MMS_TYPE_NODE || st == MMS_TYPE_LEAVE) {
			char nm[16] = "<";
			if (st == MMS_TYPE_NODE)
				snprintf(nm, sizeof(nm), "%.*s", (int)n.name.len,
					 n.name.len ? (const char *)n.name.p : "");
			CHECK(i < sizeof(want) / sizeof(want[0]) && !strcmp(nm, want[i]));
			if (st == MMS_TYPE_NODE && !strcmp(nm, "Check")) {
				CHECK_EQ(n.tag, MMS_DATA_BIT_STRING);
				CHECK(n.has_size && n.size == -2);
			}
			if (st == MMS_TYPE_NODE && i == 0)
				CHECK_EQ(n.components, 1);
			i++;
		}
		CHECK_EQ(st, MMS_TYPE_DONE);
		CHECK_EQ(i, 13);
	}

	/* a bare logical node: its directory */
	CHECK_EQ(dec("a015020101a610a00ea10c1a034445561a054747494f31"), MMS_OK);
	CHECK_STR(acsi(), "GetLogicalNodeDirectory");

	/* simple types as text */
	CHECK_EQ(dec("a10d020101a608800101a203840114"), MMS_OK);
	CHECK(g_pdu.mms_deletable);
	CHECK(strstr(eve(), "\"mms_deletable\":true,\"type\":\"bit-string(20)\""));
	CHECK_EQ(dec("a10c020101a607800100a2028300"), MMS_OK);
	CHECK(strstr(eve(), "\"type\":\"boolean\""));
	CHECK_EQ(dec("a114020101a60f800100a20aa108810164a203850108"), MMS_OK);
	CHECK(strstr(eve(), "\"type\":\"array(100)\""));
	CHECK_EQ(dec("a112020101a60d800100a208a706020120020108"), MMS_OK);
	CHECK(strstr(eve(), "\"type\":\"floating-point(32)\""));
	CHECK_EQ(dec("a10e020101a609800100a2049002ff80"), MMS_OK);
	CHECK(strstr(eve(), "\"type\":\"mms-string(-128)\""));
	CHECK_EQ(dec("a108020101a603800100"), MMS_MALFORMED); /* no typeSpecification */
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_MISSING);

	/* Hand-made trees: an array of 16 float32 (packed), a structure of a named
	 * component with a typeName, binary-time with its date, and a component
	 * without a name (componentName is OPTIONAL). */
	CHECK_EQ(dec("a11c020101a617800100a212a110800101810110a208a706020120020108"), MMS_OK);
	CHECK(strstr(eve(),
		     "\"type\":\"array(16)\",\"type_description\":{\"type\":\"array\",\"packed\":true,"
		     "\"elements\":16,\"element\":{\"type\":\"floating-point\",\"format_width\":32,"
		     "\"exponent_width\":8}}"));
	CHECK_EQ(dec("a133020101a62e800100a229a227a125300f800161a10aa008a1061a01441a014e"
		     "3005a1038c01ff300ba109a107810178a2028300"),
		 MMS_OK);
	CHECK(strstr(eve(),
		     "\"type_description\":{\"type\":\"structure\",\"components\":[{\"name\":\"a\","
		     "\"type\":\"typeName\",\"type_name\":{\"scope\":\"domain\",\"domain\":\"D\",\"item\":\"N\","));
	CHECK(strstr(eve(), "{\"type\":\"binary-time\",\"with_date\":true},{\"type\":\"array\",\"elements\":120"));
	/* Broken trees are malformed, never walked past their end: a component whose
	 * type is a universal tag, an array without its element type, a structure
	 * whose [1] holds a TLV cut short, trailing bytes after the one type. */
	CHECK_EQ(dec("a115020101a610800100a20ba209a1073005a103020100"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_INVALID);
	CHECK_EQ(dec("a10f020101a60a800100a205a103810108"), MMS_MALFORMED);
	CHECK_EQ(dec("a10f020101a60a800100a205a2038101ff"), MMS_MALFORMED);
	CHECK_EQ(dec("a10e020101a609800100a20483008300"), MMS_MALFORMED);
	CHECK(json_ok(eve()));
	/* Nesting past MMSW_BER_MAX_DEPTH: arrays of arrays, 60 deep (built inside
	 * out, each level a1 L 81 01 02 a2 L <inner>, with two-octet lengths). */
	{
		static uint8_t body[4096], tmp[4096];
		char h[9000];
		size_t bl = 2, n = 0;
		body[0] = 0x83; /* boolean */
		body[1] = 0x00;
		for (int lvl = 0; lvl < 60; lvl++) {
			size_t k = 0, inner = bl + 4, outer = 3 + inner;
			tmp[k++] = 0xa1;
			tmp[k++] = 0x82;
			tmp[k++] = (uint8_t)(outer >> 8);
			tmp[k++] = (uint8_t)outer;
			tmp[k++] = 0x81;
			tmp[k++] = 0x01;
			tmp[k++] = 0x02;
			tmp[k++] = 0xa2;
			tmp[k++] = 0x82;
			tmp[k++] = (uint8_t)(bl >> 8);
			tmp[k++] = (uint8_t)bl;
			memcpy(tmp + k, body, bl);
			bl += k;
			memcpy(body, tmp, bl);
		}
		/* a1 82 LL 020101 a6 82 LL 800100 a2 82 LL body */
		n += (size_t)snprintf(h + n, sizeof(h) - n, "a182%04zx020101a682%04zx800100a282%04zx", bl + 14, bl + 7,
				      bl);
		for (size_t i = 0; i < bl; i++)
			n += (size_t)snprintf(h + n, sizeof(h) - n, "%02x", body[i]);
		CHECK_EQ(dec(h), MMS_MALFORMED);
		CHECK_EQ(g_pdu.defect, MMS_DEFECT_TOO_DEEP);
		CHECK(json_ok(eve()));
		CHECK(strstr(eve(), "\"type_truncated\":true"));
	}
}

static void test_named_variable_lists(void)
{
	CHECK_EQ(dec(GNVLA_REQ), MMS_OK);
	CHECK_EQ(g_pdu.service, MMS_SVC_GET_NVL_ATTR);
	CHECK(g_pdu.has_list_name);
	CHECK_VIEW(g_pdu.list_name.item, "LLN0$Events");
	CHECK_STR(acsi(), "GetDataSetDirectory");
	CHECK_EQ(dec(GNVLA_RESP), MMS_OK);
	CHECK_EQ(g_pdu.n_objs, 4);
	CHECK_VIEW(g_pdu.objs[3].item, "GGIO1$ST$SPCSO4");
	CHECK(strstr(eve(), "\"ref\":\"simpleIOGenericIO/GGIO1.SPCSO4 [ST]\"}],\"mms_deletable\":false}"));

	/* defineNamedVariableList: name, then listOfVariable of two members */
	CHECK_EQ(dec("a04c020101ab47a11f1a0c73696d706c65494f4c4431311a0f4c4c4e30246e657744617461536574"
		     "a0243010a00ea10c1a0244311a064c4e31245354"
		     "3010a00ea10c1a0244311a064c4e31244d58"),
		 MMS_OK);
	CHECK_EQ(g_pdu.service, MMS_SVC_DEFINE_NVL);
	CHECK_VIEW(g_pdu.list_name.domain, "simpleIOLD11");
	CHECK_VIEW(g_pdu.list_name.item, "LLN0$newDataSet");
	CHECK_EQ(g_pdu.n_objs, 2);
	CHECK_VIEW(g_pdu.objs[1].item, "LN1$MX");
	CHECK_STR(acsi(), "CreateDataSet");

	CHECK_EQ(dec(DNVL_REQ), MMS_OK);
	CHECK_EQ(g_pdu.service, MMS_SVC_DELETE_NVL);
	CHECK_EQ(g_pdu.n_objs, 1);
	CHECK_VIEW(g_pdu.objs[0].item, "LLN0$AnalogueValues");
	CHECK_STR(acsi(), "DeleteDataSet");
	CHECK_EQ(dec(DNVL_RESP), MMS_OK);
	CHECK_EQ(g_pdu.matched, 1);
	CHECK_EQ(g_pdu.deleted, 1);
	CHECK_EVE("{\"pdu\":\"confirmed-response\",\"service\":\"deleteNamedVariableList\",\"invoke_id\":3,"
		  "\"acsi\":null,\"matched\":1,\"deleted\":1}");
	/* scopeOfDelete domain (2) with a domainName and no list */
	CHECK_EQ(dec("a00c020101ad07800102 82024c44"), MMS_OK);
	CHECK_EQ(g_pdu.n_objs_total, 0);
	CHECK_EQ(g_pdu.object_scope, MMS_SCOPE_DOMAIN);
	CHECK_VIEW(g_pdu.scope_domain, "LD");
	CHECK_STR(acsi(), "DeleteDataSet");
	CHECK_EQ(g_pdu.delete_scope, 2);
	CHECK(strstr(eve(), "\"scope_of_delete\":\"domain\",\"domain\":\"LD\""));
	/* ZEEK deleteNamedVariableList: scopeOfDelete specific (0), one list name */
	CHECK_EQ(dec(DNVL_REQ), MMS_OK);
	CHECK(strstr(eve(), "\"scope_of_delete\":\"specific\"") && !strstr(eve(), "\"domain\":\"LD"));
	/* absent: DEFAULT specific */
	CHECK_EQ(dec("a00f020107ad0aa108a1061a01411a0142"), MMS_OK);
	CHECK_EQ(g_pdu.delete_scope, -1);
	CHECK(strstr(eve(), "\"scope_of_delete\":\"specific\""));
	CHECK_EQ(dec("a00d020107ad0880010382034c4431"), MMS_OK);
	CHECK(strstr(eve(), "\"scope_of_delete\":\"vmd\",\"domain\":\"LD1\""));
	CHECK_EQ(dec("a108020103ad03800101"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_MISSING);
}

static void test_status(void)
{
	CHECK_EQ(dec(STATUS_REQ), MMS_OK);
	CHECK_EQ(g_pdu.service, MMS_SVC_STATUS);
	CHECK_EVE("{\"pdu\":\"confirmed-request\",\"service\":\"status\",\"invoke_id\":1,\"acsi\":null}");
	CHECK_EQ(dec(STATUS_RESP), MMS_OK);
	CHECK(g_pdu.status.present);
	CHECK_EQ(g_pdu.status.logical, 1);
	CHECK_EQ(g_pdu.status.physical, 1);
	CHECK_EVE("{\"pdu\":\"confirmed-response\",\"service\":\"status\",\"invoke_id\":1,\"acsi\":null,"
		  "\"status\":{\"logical\":1,\"physical\":1}}");
}

static void test_files(void)
{
	CHECK_EQ(dec(FDIR_REQ), MMS_OK);
	CHECK_EQ(g_pdu.service, MMS_SVC_FILE_DIRECTORY);
	CHECK_STR(acsi(), "GetFileAttributeValues");
	CHECK_EQ(dec(FDIR_RESP), MMS_OK);
	CHECK_EQ(g_pdu.n_names, 1);
	CHECK(!g_pdu.more_follows);
	CHECK_EVE(
		"{\"pdu\":\"confirmed-response\",\"service\":\"fileDirectory\",\"invoke_id\":1,\"acsi\":null,"
		"\"names\":[\"test\"],\"directory\":[{\"name\":\"test\",\"size\":5,\"last_modified\":"
		"\"20240327122945.000Z\",\"last_modified_iso\":\"2024-03-27T12:29:45.000Z\"}],\"more_follows\":false}");
	/* Two entries (hand-made): a FileName of two parts without lastModified, and a
	 * time with an offset; moreFollows true. */
	CHECK_EQ(dec("a14d020107bf4d47a04230403019a0111908434f4d54524144451905612e636667a104800201003023a00719"
		     "05622e646174a118800107811332303230313032313130303433342b303230308101ff"),
		 MMS_OK);
	CHECK_EQ(g_pdu.n_names, 2);
	CHECK(strstr(eve(),
		     "\"directory\":[{\"name\":\"COMTRADE\",\"name_parts\":2,\"size\":256},{\"name\":"
		     "\"b.dat\",\"size\":7,\"last_modified\":\"20201021100434+0200\",\"last_modified_iso\":"
		     "\"2020-10-21T10:04:34+02:00\"}],\"more_follows\":true"));
	{
		char iso[64];
		struct bview gt;
		static const struct {
			const char *in, *out;
		} g[] = {
			{ "20200624045335.000Z", "2020-06-24T04:53:35.000Z" },
			{ "20200624045335Z", "2020-06-24T04:53:35Z" },
			{ "2020062404", "2020-06-24T04" },
			{ "202006240453,5-05", "2020-06-24T04:53.5-05" },
			{ "20200624045335", "2020-06-24T04:53:35" },
			{ "2020062404533", "" },
			{ "20200624045335.Z", "" },
			{ "20200624045335Zx", "" },
			{ "2020-06-24", "" },
			{ "", "" },
		};
		for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
			gt.p = (const uint8_t *)g[i].in;
			gt.len = (uint32_t)strlen(g[i].in);
			size_t n = mms_generalized_time_iso(gt, iso, sizeof(iso));
			CHECK_STR(n ? iso : "", g[i].out);
		}
		gt.p = (const uint8_t *)"20200624045335.123456789Z";
		gt.len = 25;
		CHECK_EQ(mms_generalized_time_iso(gt, iso, 10), 0); /* does not fit: nothing */
	}
	/* entries tagged implicitly, by an encoder that reads the ASN.1 differently */
	CHECK_EQ(dec("a11f020101bf4d19a0173015a006190474657374a10b800105810632303230315a"), MMS_OK);
	CHECK_EQ(g_pdu.n_names, 1);
	CHECK(strstr(eve(), "\"names\":[\"test\"]"));
	/* fileSpecification and continueAfter */
	CHECK_EQ(dec("a015020101bf4d0fa00519032f2a2aa106190461626364"), MMS_OK);
	CHECK_VIEW(g_pdu.file.name, "/**");
	CHECK_VIEW(g_pdu.continue_after, "abcd");
	CHECK(strstr(eve(), "\"file\":{\"name\":\"/**\"},\"continue_after\":\"abcd\""));

	CHECK_EQ(dec(FOPEN_REQ), MMS_OK);
	CHECK_EQ(g_pdu.service, MMS_SVC_FILE_OPEN);
	CHECK_VIEW(g_pdu.file.name, "test");
	CHECK_STR(acsi(), "GetFile");
	CHECK_EVE("{\"pdu\":\"confirmed-request\",\"service\":\"fileOpen\",\"invoke_id\":1,\"acsi\":\"GetFile\","
		  "\"file\":{\"name\":\"test\",\"position\":0}}");
	CHECK_EQ(dec(FOPEN_RESP), MMS_OK);
	CHECK(g_pdu.file.has_frsm);
	CHECK(g_pdu.file.has_size);
	CHECK_EQ(g_pdu.file.size, 5);
	CHECK_EVE("{\"pdu\":\"confirmed-response\",\"service\":\"fileOpen\",\"invoke_id\":1,\"acsi\":null,"
		  "\"file\":{\"frsm_id\":0,\"size\":5,\"last_modified\":\"20240327122945.000Z\","
		  "\"last_modified_iso\":\"2024-03-27T12:29:45.000Z\"}}");

	CHECK_EQ(dec(FREAD_REQ), MMS_OK);
	CHECK_EQ(g_pdu.service, MMS_SVC_FILE_READ);
	CHECK(g_pdu.file.has_frsm);
	CHECK_STR(acsi(), "GetFile");
	CHECK_EQ(dec(FREAD_RESP), MMS_OK);
	CHECK_EQ(g_pdu.file.data_len, 5);
	CHECK_EVE("{\"pdu\":\"confirmed-response\",\"service\":\"fileRead\",\"invoke_id\":2,\"acsi\":null,"
		  "\"file\":{\"bytes\":5,\"data_hex\":\"746573740a\",\"sha256\":"
		  "\"f2ca1bb6c7e907d06dafe4687e579fce76b37e4e93b7605022da52e6ccc26fd2\"},\"more_follows\":false}");
	/* 300 bytes: 256 shown, the length and the digest of all 300 */
	{
		char h[1000];
		size_t n = (size_t)snprintf(h, sizeof(h), "a1820138020107bf498201308082012c");
		for (int i = 0; i < 300; i++)
			n += (size_t)snprintf(h + n, sizeof(h) - n, "%02x", i < 256 ? i : 0);
		CHECK_EQ(dec(h), MMS_OK);
		CHECK_EQ(g_pdu.file.data_len, 300);
		CHECK(strstr(eve(), "\"bytes\":300,\"data_hex\":\"000102"));
		CHECK(strstr(eve(),
			     "fdfeff\",\"data_truncated\":true,\"sha256\":"
			     "\"4d2746b98a142f34f4e42335eace0932b1ebeea548ab97e8b163c8be6ea989cc\""));
	}
	CHECK_EQ(dec("a10d020102bf49078005746573740a"), MMS_OK);
	CHECK(g_pdu.more_follows); /* DEFAULT TRUE */

	CHECK_EQ(dec(FCLOSE_REQ), MMS_OK);
	CHECK_EQ(g_pdu.service, MMS_SVC_FILE_CLOSE);
	CHECK_STR(acsi(), "GetFile");
	CHECK_EQ(dec(FCLOSE_RESP), MMS_OK);
	CHECK_EQ(g_pdu.service, MMS_SVC_FILE_CLOSE);

	CHECK_EQ(dec(OBTAIN_REQ), MMS_OK);
	CHECK_EQ(g_pdu.service, MMS_SVC_OBTAIN_FILE);
	CHECK_VIEW(g_pdu.file.name, "testUpload");
	CHECK_VIEW(g_pdu.file.name2, "testUpoadDst");
	CHECK_STR(acsi(), "SetFile");
	CHECK(strstr(eve(), "\"file\":{\"name\":\"testUpload\",\"destination\":\"testUpoadDst\"}"));

	CHECK_EQ(dec("a00c020101bf4c06190474657374"), MMS_OK); /* fileDelete */
	CHECK_EQ(g_pdu.service, MMS_SVC_FILE_DELETE);
	CHECK_VIEW(g_pdu.file.name, "test");
	CHECK_STR(acsi(), "DeleteFile");
	CHECK_EVE("{\"pdu\":\"confirmed-request\",\"service\":\"fileDelete\",\"invoke_id\":1,\"acsi\":\"DeleteFile\","
		  "\"file\":{\"name\":\"test\"}}");

	CHECK_EQ(dec("a015020101bf4b0fa0051903612e62a1061904632e6464"), MMS_OK); /* fileRename */
	CHECK_EQ(g_pdu.service, MMS_SVC_FILE_RENAME);
	CHECK_VIEW(g_pdu.file.name, "a.b");
	CHECK_VIEW(g_pdu.file.name2, "c.dd");
	CHECK(acsi() == NULL);
	CHECK(strstr(eve(), "\"file\":{\"name\":\"a.b\",\"new_name\":\"c.dd\"}"));

	CHECK_EQ(dec("a00b020101bf4805a000810100"), MMS_OK); /* an empty FileName */
	CHECK(strstr(eve(), "\"file\":{\"name\":\"\",\"position\":0}"));
	CHECK_EQ(dec("a009020101bf4803810100"), MMS_MALFORMED); /* fileOpen without a fileName */
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_MISSING);
	CHECK_EQ(dec("a0070201029f4901ff"), MMS_OK);
	CHECK_EQ(g_pdu.file.frsm_id, -1);
}

static void test_read_journal(void)
{
	CHECK_EQ(dec(RJ_AFTER), MMS_OK);
	CHECK_EQ(g_pdu.service, MMS_SVC_READ_JOURNAL);
	CHECK(g_pdu.has_list_name);
	CHECK_VIEW(g_pdu.list_name.item, "LLN0$EventLog");
	CHECK_EQ(g_pdu.continue_after.len, 8); /* the EntryID */
	CHECK_STR(acsi(), "QueryLogAfter");
	CHECK_EVE("{\"pdu\":\"confirmed-request\",\"service\":\"readJournal\",\"invoke_id\":3,"
		  "\"acsi\":\"QueryLogAfter\",\"journal\":{\"scope\":\"domain\",\"domain\":\"simpleIOGenericIO\","
		  "\"item\":\"LLN0$EventLog\",\"ref\":\"simpleIOGenericIO/LLN0.EventLog\"},\"start_after\":"
		  "{\"time\":\"1984-01-01T00:00:00.000000Z\",\"entry\":\"0100000000000000\"}}");
	CHECK_EQ(dec(RJ_TIME), MMS_OK);
	CHECK_STR(acsi(), "QueryLogByTime");
	/* logging.pcap: the range as tshark shows it (Sep 20 06:07:48.396, Nov 28 16:47:48.396) */
	CHECK(strstr(eve(),
		     "\"start_time\":\"2026-09-20T06:07:48.396000Z\",\"stop_time\":"
		     "\"2026-11-28T16:47:48.396000Z\""));
	CHECK(!g_pdu.journal.has_after);
	CHECK_EQ(dec(RJ_RESP), MMS_OK);
	CHECK_EQ(g_pdu.entries, 1);
	CHECK(g_pdu.has_more_follows);
	CHECK(!g_pdu.more_follows);
	/* the entry: EntryID, occurrenceTime, four variables with tag and value */
	CHECK_EVE(
		"{\"pdu\":\"confirmed-response\",\"service\":\"readJournal\",\"invoke_id\":1,\"acsi\":null,"
		"\"entries\":1,\"journal_entries\":[{\"entry_id\":\"0100000000000000\",\"time\":"
		"\"2026-11-28T16:47:44.873000Z\",\"variables\":[{\"tag\":\"simpleIOGenerioIO/GPIO1$ST$SPCSO1$stVal\","
		"\"values\":[123]},{\"tag\":\"ReasonCode\",\"values\":[{\"bits\":\"0000000\"}]},{\"tag\":"
		"\"simpleIOGenerioIO/GPIO1$ST$SPCSO1$t\",\"values\":[{\"utc\":\"2026-11-28T16:47:44.887999Z\","
		"\"quality\":\"0a\",\"time_accuracy\":10}]},{\"tag\":\"ReasonCode\",\"values\":[{\"bits\":\"0000000\"}]}]}],"
		"\"more_follows\":false}");
	/* Hand-made: startingEntry, numberOfEntries, listOfVariables; an entry with
	 * an annotation and a TimeOfDay without the date. */
	CHECK_EQ(dec("a01f020101bf4119a00580034a4e4ca103810101a203810105a4061a01611a0162"), MMS_OK);
	CHECK(strstr(eve(), "\"start_entry\":\"01\",\"stop_entries\":5,\"variables\":[\"a\",\"b\"]"));
	CHECK_EQ(dec("a11c020101bf4116a0143012800102a20d800400000064830568656c6c6f"), MMS_OK);
	CHECK(strstr(eve(), "\"journal_entries\":[{\"entry_id\":\"02\",\"time_ms\":100,\"annotation\":\"hello\"}]"));
	/* InitializeJournal (hand-made): journal, limitingTime (100 ms, day 4096) and
	 * limitingEntry; its response, the entries deleted. ReportJournalStatus. */
	CHECK_EQ(dec("a025020104bf431fa010a10e1a024c441a084c4c4e30244c6f67a10b8006000000641000810107"), MMS_OK);
	CHECK(strstr(eve(), "\"journal\":{\"scope\":\"domain\",\"domain\":\"LD\",\"item\":\"LLN0$Log\""));
	CHECK(strstr(eve(), "\"limit_time\":\"1995-03-20T00:00:00.100000Z\",\"limit_entry\":\"07\""));
	CHECK_EQ(dec("a1070201049f430105"), MMS_OK);
	CHECK(strstr(eve(), "\"deleted_entries\":5"));
	CHECK_EQ(dec("a00f020104bf4409a1071a024c441a014c"), MMS_OK);
	CHECK_VIEW(g_pdu.list_name.item, "L");
	CHECK_EQ(dec("a10c020104bf44068001098101ff"), MMS_OK);
	CHECK(strstr(eve(), "\"current_entries\":9,\"permanent\":true"));
	CHECK_EQ(dec("a109020104bf4403800109"), MMS_MALFORMED);     /* no permanent */
	CHECK_EQ(dec("a00b020101bf4105a503810100"), MMS_MALFORMED); /* no journalName */
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_MISSING);
}

static void test_other_services(void)
{
	/* getCapabilityList [71]: the service tag only */
	CHECK_EQ(dec("a006020109bf4700"), MMS_OK);
	CHECK_EQ(g_pdu.service, MMS_SVC_GET_CAPABILITY_LIST);
	CHECK_STR(mms_service_name(g_pdu.type, g_pdu.service), "getCapabilityList");
	CHECK(acsi() == NULL);
	/* a tag beyond the table: a number without a name */
	CHECK_EQ(dec("a00702010abf814800"), MMS_OK);
	CHECK_EQ(g_pdu.service, 200);
	CHECK_EVE("{\"pdu\":\"confirmed-request\",\"service\":null,\"invoke_id\":10,\"acsi\":null}");
	/* listOfModifier before the service, in both spellings */
	CHECK_EQ(dec("a00b020101 300480020000 8200"), MMS_OK);
	CHECK_EQ(g_pdu.service, MMS_SVC_IDENTIFY);
	CHECK_EQ(dec("a00b020101a00480020000 8200"), MMS_OK);
	CHECK_EQ(g_pdu.service, MMS_SVC_IDENTIFY);
	/* takeControl (ITI mms-takeControl) */
	CHECK_EQ(dec("a017020101b312a00a80087265736572766564830101860101"), MMS_OK);
	CHECK_EQ(g_pdu.service, 19);
	CHECK_STR(mms_service_name(g_pdu.type, g_pdu.service), "takeControl");
	/* a service tag above int16 is no ISO 9506 service */
	CHECK_EQ(dec("a009020101 bf8280800000"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_INVALID);
}

/* ---- tests: malformed ----------------------------------------------------------- */

static void test_malformed(void)
{
	/* a confirmed-response with only its invokeID (ITI iec61850_get_name_list 14) */
	CHECK_EQ(dec("a103020100"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.type, MMS_CONFIRMED_RESPONSE);
	CHECK_EQ(g_pdu.service, -1);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_MISSING);
	CHECK(g_pdu.has_invoke);
	CHECK_EQ(g_pdu.invoke_id, 0);
	CHECK_EVE("{\"pdu\":\"confirmed-response\",\"service\":null,\"invoke_id\":0,\"acsi\":null,"
		  "\"malformed\":true,\"defect\":\"missing\"}");
	/* ... and one with a universal SEQUENCE where the service should be */
	CHECK_EQ(dec("a1050201003000"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_INVALID);
	CHECK_EQ(g_pdu.service, -1);

	/* no invokeID */
	CHECK_EQ(dec("a0028200"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_MISSING);
	CHECK(!g_pdu.has_invoke);
	/* zero-length PDUs */
	CHECK_EQ(dec("a000"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.type, MMS_CONFIRMED_REQUEST);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_MISSING);
	CHECK_EQ(dec("a300"), MMS_MALFORMED);
	CHECK_EQ(dec("a800"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_MISSING);
	CHECK_EQ(dec("a0"), MMS_MALFORMED); /* one octet */
	CHECK_EQ(g_pdu.type, MMS_CONFIRMED_REQUEST);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_TRUNCATED);
	/* an invokeID that is negative, or empty, or too wide */
	CHECK_EQ(dec("a0050201ff8200"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_INVALID);
	CHECK_EQ(dec("a00402008200"), MMS_MALFORMED);
	CHECK_EQ(dec("a00a02060100000000008200"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_INVALID);
	CHECK_EQ(dec("a009020500ffffffff8200"), MMS_OK);
	CHECK_EQ(g_pdu.invoke_id, 0xffffffffu);

	/* overlong lengths: past the bytes, and wider than any PDU */
	CHECK_EQ(dec("a084ffffffff020101"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_TRUNCATED);
	CHECK(g_pdu.has_invoke); /* what the bytes held is still decoded */
	CHECK_EQ(dec("a08501000000000201018200"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_INVALID);
	/* an inner length beyond its container */
	CHECK_EQ(dec("a00a020101a405a17fa00100"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_TRUNCATED);
	CHECK_EQ(g_pdu.service, MMS_SVC_READ);
	CHECK_EQ(dec("a00a020101a405a183ffffff"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_TRUNCATED);

	/* truncated: every prefix of a real PDU is malformed (or not MMS), never a crash */
	static const char *const whole[] = { READ_REQ, READ_DS_RESP, WRITE_OPER, REPORT,     GVAA_RESP,
					     INIT_REQ, RJ_RESP,      FDIR_RESP,  GNVLA_RESP, IDENT_RESP };
	for (size_t k = 0; k < sizeof(whole) / sizeof(whole[0]); k++) {
		size_t n = unhex(whole[k], g_bytes, sizeof(g_bytes));
		for (g_len = 0; g_len < n; g_len++) {
			enum mms_status s = decode_bytes();
			CHECK(s == (g_len ? MMS_MALFORMED : MMS_NOT_MMS));
			if (g_len)
				CHECK_EQ(g_pdu.defect, MMS_DEFECT_TRUNCATED);
		}
	}
	CHECK_EQ(dec("a032020101a42da12ba0293027a025a1231a1173"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.invoke_id, 1);
	CHECK_EQ(g_pdu.service, MMS_SVC_READ);
	CHECK(strstr(eve(),
		     "\"service\":\"read\",\"invoke_id\":1,\"acsi\":null,\"malformed\":true,"
		     "\"defect\":\"truncated\""));

	/* trailing bytes after the PDU */
	CHECK_EQ(dec("8b0000"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.type, MMS_CONCLUDE_REQUEST);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_TRAILING);
	CHECK_EQ(dec("a0050201018200ff"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_TRAILING);
	CHECK_EQ(g_pdu.service, MMS_SVC_IDENTIFY);
	CHECK_EVE("{\"pdu\":\"confirmed-request\",\"service\":\"identify\",\"invoke_id\":1,\"acsi\":null,"
		  "\"malformed\":true,\"defect\":\"trailing\"}");

	/* ObjectName with a wrong tag inside domain-specific */
	CHECK_EQ(dec("a018020101a413a111a00f300da00ba1091a03444f4d04024954"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_INVALID);
	CHECK_EQ(dec("a01a020101a415a113a011300fa00da10b1a03444f4d1a044954454d"), MMS_OK);
	CHECK_VIEW(g_pdu.objs[0].item, "ITEM");
	/* a domain-specific name with only a domain */
	CHECK_EQ(dec("a012020101a40da10ba0093007a005a1031a0144"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_MISSING);
	/* a Data element of the universal class */
	CHECK_EQ(dec("a30ea00ca1058003525054a003010100"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_INVALID);
	CHECK(strstr(eve(), "\"results\":[{\"invalid\":\"invalid\"}]"));
}

static void test_indefinite_length(void)
{
	/* the whole read request in indefinite form, every constructed level */
	CHECK_EQ(dec("a080020101a480a180a0803080a080a1801a01441a044954454d"
		     "0000000000000000000000000000"),
		 MMS_OK);
	CHECK_EQ(g_pdu.service, MMS_SVC_READ);
	CHECK_EQ(g_pdu.n_objs, 1);
	CHECK_VIEW(g_pdu.objs[0].domain, "D");
	CHECK_VIEW(g_pdu.objs[0].item, "ITEM");
	/* a report with an indefinite structure */
	CHECK_EQ(dec("a380a080a1058003525054a080a2808301018501fe0000000000000000"), MMS_OK);
	CHECK_EQ(g_pdu.n_data, 1);
	CHECK(strstr(eve(), "\"results\":[[true,-2]]"));
	/* no end-of-contents */
	CHECK_EQ(dec("a080020101a480a180"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_TRUNCATED);
	CHECK_EQ(g_pdu.invoke_id, 1);
	/* indefinite length on a primitive */
	CHECK_EQ(dec("a00702010182800000"), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_INVALID);
}

/* ---- tests: values ---------------------------------------------------------------- */

/* A write request for vmd-specific "X" carrying the given listOfData contents. */
static void write_with_data(const uint8_t *data, size_t n)
{
	/* listOfVariable: SEQUENCE { name [0] { vmd-specific 80 01 'X' } } */
	static const uint8_t head_spec[] = { 0xa0, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x80, 0x01, 'X' };
	size_t list_hdr = n < 0x80 ? 2 : n < 0x100 ? 3 : n < 0x10000 ? 4 : 5;
	size_t svc_len = sizeof(head_spec) + list_hdr + n;
	size_t svc_hdr = svc_len < 0x80 ? 2 : svc_len < 0x100 ? 3 : svc_len < 0x10000 ? 4 : 5;
	size_t pdu_len = 3 + svc_hdr + svc_len;
	size_t o = 0;
	uint8_t *b = g_bytes;
	b[o++] = 0xa0;
	if (pdu_len < 0x80) {
		b[o++] = (uint8_t)pdu_len;
	} else {
		b[o++] = 0x83;
		b[o++] = (uint8_t)(pdu_len >> 16);
		b[o++] = (uint8_t)(pdu_len >> 8);
		b[o++] = (uint8_t)pdu_len;
	}
	b[o++] = 0x02;
	b[o++] = 0x01;
	b[o++] = 0x01;
	b[o++] = 0xa5;
	size_t lens[2] = { svc_len, n };
	size_t hdrs[2] = { svc_hdr, list_hdr };
	for (int k = 0; k < 2; k++) {
		if (k == 1)
			b[o++] = 0xa0;
		size_t L = lens[k];
		if (hdrs[k] == 2) {
			b[o++] = (uint8_t)L;
		} else {
			unsigned nb = (unsigned)hdrs[k] - 2;
			b[o++] = (uint8_t)(0x80 | nb);
			for (unsigned i = nb; i-- > 0;)
				b[o++] = (uint8_t)(L >> (8 * i));
		}
		if (k == 0) {
			memcpy(b + o, head_spec, sizeof(head_spec));
			o += sizeof(head_spec);
		}
	}
	memmove(b + o, data, n);
	g_len = o + n;
}

static void check_values(const char *data_hex, const char *values_json, unsigned flags)
{
	static uint8_t data[4096];
	size_t n = unhex(data_hex, data, sizeof(data));
	write_with_data(data, n);
	CHECK_EQ(decode_bytes(), MMS_OK);
	const char *e = eve();
	const char *v = strstr(e, "\"values\":");
	char want[2048];
	snprintf(want, sizeof(want), "\"values\":%s}", values_json);
	CHECK_STR(v ? v : e, want);
	CHECK_EQ(eve_flags, flags);
}

static void test_values(void)
{
	check_values("830100 830101 8501ff 85020100 8508ffffffffffffffff", "[false,true,-1,256,-1]", 0);
	/* unsigned: plain, with a leading zero octet, and one an encoder left without it */
	check_values("860100 86020080 8609 00ffffffffffffffff 8601ff", "[0,128,18446744073709551615,255]", 0);
	/* floating-point: single, double, and the non-finite values JSON cannot hold */
	check_values("8705083fc00000 87090bc004000000000000 8705087fc00000 8705087f800000 870508ff800000",
		     "[1.5,-2.5,\"nan\",\"inf\",\"-inf\"]", 0);
	/* bit-string, boolean-array, octet-string, objId */
	check_values("840306a5c0 8e020501 8903deadbe 8f03 2a0304",
		     "[{\"bits\":\"1010010111\"},{\"bits\":\"000\"},"
		     "{\"hex\":\"deadbe\"},{\"oid\":\"1.2.3.4\"}]",
		     0);
	/* strings from the wire are escaped; mms-string UTF-8 passes */
	check_values("8a0a41222b5c0a1b7f80ff43", "[\"A\\\"+\\\\\\n\\u001b\\u007f\\u0080\\u00ffC\"]", 0);
	check_values("9005c3a9e282ac 8b0f32303234303530313132303030305a",
		     "[\"\xc3\xa9\xe2\x82\xac\",\"20240501120000Z\"]", 0);
	/* utc-time: fraction 0x800000 = .5 s; binary-time with and without days; bcd */
	check_values("9108 6632302e 800000 0a 8c06 0000ea60 0001 8c04 05265c00 8d0112",
		     "[{\"utc\":\"2024-05-01T12:06:06.500000Z\",\"quality\":\"0a\",\"time_accuracy\":10},"
		     "{\"btime\":\"1984-01-02T00:01:00.000Z\"},{\"invalid\":\"binary-time\"},18]",
		     4);
	check_values("9108 6632302e 800000 0a 8c06 0000ea60 0001 8c04 0526 5bff 8d0112",
		     "[{\"utc\":\"2024-05-01T12:06:06.500000Z\",\"quality\":\"0a\",\"time_accuracy\":10},"
		     "{\"btime\":\"1984-01-02T00:01:00.000Z\"},{\"btime_ms\":86399999},18]",
		     0);
	/* structure and array nesting */
	check_values("a20ba106830100830101850100 a100", "[[{\"array\":[false,true]},0],{\"array\":[]}]", 0);
	/* undecodable values: named, flagged, and the walk goes on */
	check_values("870408000000 8800 a30100 860a00000000000000000001 83020000 9107 00000000000000 850101",
		     "[{\"invalid\":\"floating-point\"},{\"invalid\":\"real\"},{\"invalid\":\"boolean\"},"
		     "{\"invalid\":\"unsigned\"},{\"invalid\":\"boolean\"},{\"invalid\":\"utc-time\"},1]",
		     EVE_MMS_BAD_DATA);
	check_values("9e0100 8500", "[{\"invalid\":\"unknown\"},{\"invalid\":\"integer\"}]", EVE_MMS_BAD_DATA);
}

static void test_large_value(void)
{
	static uint8_t data[70000];
	size_t n = 0, len = 65536;
	data[n++] = 0x89; /* octet-string of 64 KiB */
	data[n++] = 0x83;
	data[n++] = (uint8_t)(len >> 16);
	data[n++] = (uint8_t)(len >> 8);
	data[n++] = (uint8_t)len;
	for (size_t i = 0; i < len; i++)
		data[n++] = (uint8_t)i;
	data[n++] = 0x83; /* and a boolean after it */
	data[n++] = 0x01;
	data[n++] = 0x01;
	write_with_data(data, n);
	CHECK_EQ(decode_bytes(), MMS_OK);
	CHECK_EQ(g_pdu.n_data, 2);
	/* past the budget: the values stop, the record stays whole */
	const char *e = eve_b(8192);
	CHECK(json_ok(e));
	CHECK_EQ(eve_flags, EVE_MMS_VALUES_CAPPED);
	CHECK(strstr(e, "\"values\":[],\"values_truncated\":true}") != NULL);
	/* with room for it, it is all there */
	eve_flags = eve_into(g_json, sizeof(g_json), &g_pdu, NULL, 1 << 18);
	CHECK_EQ(eve_flags, 0);
	CHECK(json_ok(g_json));
	CHECK(strlen(g_json) > 2 * len);
	CHECK(strstr(g_json, "\"values\":[{\"hex\":\"000102") != NULL);
	CHECK(strstr(g_json, "feff\"},true]}") != NULL);
	/* budget 0: no values at all */
	e = eve_b(0);
	CHECK_EQ(eve_flags, 0);
	CHECK(strstr(e, "values") == NULL);

	/* a 64 KiB visible-string of quotes: escaping is costed before writing */
	n = 0;
	data[n++] = 0x8a;
	data[n++] = 0x83;
	data[n++] = (uint8_t)(len >> 16);
	data[n++] = (uint8_t)(len >> 8);
	data[n++] = (uint8_t)len;
	memset(data + n, '"', len);
	n += len;
	write_with_data(data, n);
	CHECK_EQ(decode_bytes(), MMS_OK);
	e = eve_b(100000);
	CHECK(json_ok(e));
	CHECK_EQ(eve_flags, EVE_MMS_VALUES_CAPPED);
	eve_flags = eve_into(g_json, sizeof(g_json), &g_pdu, NULL, 1 << 18);
	CHECK_EQ(eve_flags, 0);
	CHECK(json_ok(g_json));
	CHECK(strlen(g_json) > 2 * len);

	/* many small values: the budget stops them part-way */
	n = 0;
	for (unsigned i = 0; i < 2000; i++) {
		data[n++] = 0x85;
		data[n++] = 0x02;
		data[n++] = 0x7f;
		data[n++] = 0xff;
	}
	write_with_data(data, n);
	CHECK_EQ(decode_bytes(), MMS_OK);
	CHECK_EQ(g_pdu.n_data, 2000);
	e = eve_b(1000);
	CHECK(json_ok(e));
	CHECK_EQ(eve_flags, EVE_MMS_VALUES_CAPPED);
	CHECK(strlen(e) < 1400);
	CHECK(strstr(e, "32767,32767]") != NULL);
}

/* An informationReport whose only value is a structure nested depth deep, in
 * definite or indefinite form. Built from the inside out. */
static void nested_report(unsigned depth, bool indefinite)
{
	static const uint8_t head[] = { 0xa1, 0x05, 0x80, 0x03, 'R', 'P', 'T' };
	size_t o = 0;
	uint8_t *b = g_bytes;
	if (indefinite) {
		b[o++] = 0xa3;
		b[o++] = 0x80;
		b[o++] = 0xa0;
		b[o++] = 0x80;
		memcpy(b + o, head, sizeof(head));
		o += sizeof(head);
		b[o++] = 0xa0;
		b[o++] = 0x80;
		for (unsigned i = 0; i < depth; i++) {
			b[o++] = 0xa2;
			b[o++] = 0x80;
		}
		b[o++] = 0x83;
		b[o++] = 0x01;
		b[o++] = 0x01;
		for (unsigned i = 0; i < depth + 3; i++) {
			b[o++] = 0;
			b[o++] = 0;
		}
		g_len = o;
		return;
	}
	/* definite: innermost first, at the end of the buffer */
	size_t end = sizeof(g_bytes), start = end;
	b[--start] = 0x01;
	b[--start] = 0x01;
	b[--start] = 0x83;
	for (unsigned i = 0; i < depth + 3; i++) {
		size_t len = end - start;
		if (i == depth + 1) { /* the variableAccessSpecification goes before the list */
			start -= sizeof(head);
			memcpy(b + start, head, sizeof(head));
			len = end - start;
		}
		unsigned nb = len < 0x80 ? 0 : len < 0x100 ? 1 : len < 0x10000 ? 2 : 3;
		for (unsigned k = 0; k < nb; k++)
			b[--start] = (uint8_t)(len >> (8 * k));
		b[--start] = (uint8_t)(nb ? 0x80 | nb : len);
		if (i == depth + 1)
			b[--start] = 0xa0; /* informationReport */
		else if (i == depth + 2)
			b[--start] = 0xa3; /* unconfirmed-PDU */
		else if (i == depth)
			b[--start] = 0xa0; /* listOfAccessResult */
		else
			b[--start] = 0xa2; /* structure */
	}
	g_len = end - start;
	memmove(b, b + start, g_len);
}

static void test_deep_nesting(void)
{
	/* 10 000 levels: a clear defect from the decoder, a flag from EVE, no stack used */
	nested_report(10000, false);
	CHECK_EQ(decode_bytes(), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_TOO_DEEP);
	CHECK_EQ(g_pdu.type, MMS_UNCONFIRMED);
	CHECK_STR(iec61850_acsi(&g_pdu), "Report");
	CHECK(g_pdu.has_data);
	const char *e = eve();
	CHECK(json_ok(e));
	CHECK(eve_flags & EVE_MMS_TOO_DEEP);
	CHECK(strstr(e, "{\"too_deep\":true}") != NULL);
	CHECK(strstr(e, "\"defect\":\"too_deep\"") != NULL);

	nested_report(10000, true);
	CHECK_EQ(decode_bytes(), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_TOO_DEEP);
	CHECK_EQ(g_pdu.type, MMS_UNCONFIRMED);

	/* at the limit and just past it */
	nested_report(MMSW_BER_MAX_DEPTH - 1, false);
	CHECK_EQ(decode_bytes(), MMS_OK);
	nested_report(MMSW_BER_MAX_DEPTH, false);
	CHECK_EQ(decode_bytes(), MMS_MALFORMED);
	CHECK_EQ(g_pdu.defect, MMS_DEFECT_TOO_DEEP);

	/* 20 structures: all written */
	nested_report(20, false);
	CHECK_EQ(decode_bytes(), MMS_OK);
	e = eve();
	CHECK(json_ok(e));
	CHECK_EQ(eve_flags, 0);
	CHECK(strstr(e, "[[[[[[[[[[[[[[[[[[[[[true]]]]]]]]]]]]]]]]]]]]]") != NULL);
	/* 40 structures decode, but JSON nesting is shallower than BER's limit */
	nested_report(40, false);
	CHECK_EQ(decode_bytes(), MMS_OK);
	e = eve();
	CHECK(json_ok(e));
	CHECK_EQ(eve_flags, 0);
	nested_report(MMSW_BER_MAX_DEPTH - 1, false);
	CHECK_EQ(decode_bytes(), MMS_OK);
	e = eve();
	CHECK(json_ok(e));
	CHECK_EQ(eve_flags, 0);

	/* arrays take two JSON levels each */
	static uint8_t data[512];
	size_t n = 0;
	for (unsigned i = 0; i < 40; i++) {
		data[n++] = 0xa1;
		data[n++] = 0x80;
	}
	data[n++] = 0x83;
	data[n++] = 0x01;
	data[n++] = 0x00;
	for (unsigned i = 0; i < 40; i++) {
		data[n++] = 0;
		data[n++] = 0;
	}
	write_with_data(data, n);
	CHECK_EQ(decode_bytes(), MMS_OK);
	e = eve();
	CHECK(json_ok(e));
	CHECK_EQ(eve_flags, EVE_MMS_TOO_DEEP);
}

static void test_objects_cap(void)
{
	/* a read of 70 vmd-specific variables: 64 kept, all counted */
	size_t o = 0, body = 70 * 7;
	uint8_t *b = g_bytes;
	size_t list_len = body, spec_len = 4 + list_len, svc_len = 4 + spec_len, pdu_len = 3 + 4 + svc_len;
	b[o++] = 0xa0;
	b[o++] = 0x82;
	b[o++] = (uint8_t)(pdu_len >> 8);
	b[o++] = (uint8_t)pdu_len;
	b[o++] = 0x02;
	b[o++] = 0x01;
	b[o++] = 0x01;
	b[o++] = 0xa4;
	b[o++] = 0x82;
	b[o++] = (uint8_t)(svc_len >> 8);
	b[o++] = (uint8_t)svc_len;
	b[o++] = 0xa1;
	b[o++] = 0x82;
	b[o++] = (uint8_t)(spec_len >> 8);
	b[o++] = (uint8_t)spec_len;
	b[o++] = 0xa0;
	b[o++] = 0x82;
	b[o++] = (uint8_t)(list_len >> 8);
	b[o++] = (uint8_t)list_len;
	for (unsigned i = 0; i < 70; i++) {
		b[o++] = 0x30;
		b[o++] = 0x05;
		b[o++] = 0xa0;
		b[o++] = 0x03;
		b[o++] = 0x80;
		b[o++] = 0x01;
		b[o++] = (uint8_t)('0' + i % 10);
	}
	g_len = o;
	CHECK_EQ(decode_bytes(), MMS_OK);
	CHECK_EQ(g_pdu.n_objs, MMSW_MMS_MAX_OBJS);
	CHECK_EQ(g_pdu.n_objs_total, 70);
	const char *e = eve();
	CHECK(json_ok(e));
	CHECK(strstr(e, "}],\"objects_total\":70}") != NULL);
}

/* ---- tests: mms_data ---------------------------------------------------------------- */

static struct mms_data data_of(const char *hex)
{
	static uint8_t buf[64];
	size_t n = unhex(hex, buf, sizeof(buf));
	struct rd r = rd_make(buf, n);
	struct mms_data d = { 0, false, rd_make(NULL, 0) };
	bool done;
	CHECK_EQ(mms_data_next(&r, &d, &done), BER_OK);
	CHECK(!done);
	return d;
}

static void test_mms_data(void)
{
	double x;
	struct mms_data d = data_of("8705083f800000");
	CHECK(mms_data_float(&d, &x));
	CHECK(x == 1.0);
	d = data_of("87090b3ff0000000000000");
	CHECK(mms_data_float(&d, &x));
	CHECK(x == 1.0);
	d = data_of("8705093f800000"); /* exponent width 9: no IEEE shape */
	CHECK(!mms_data_float(&d, &x));
	d = data_of("8700");
	CHECK(!mms_data_float(&d, &x));

	uint32_t secs, frac, ms;
	uint8_t q;
	bool has_days;
	uint16_t days;
	d = data_of("91086632302e123456ff");
	CHECK(mms_data_utc_time(&d, &secs, &frac, &q));
	CHECK_EQ(secs, 0x6632302e);
	CHECK_EQ(frac, 0x123456);
	CHECK_EQ(q, 0xff);
	d = data_of("91076632302e123456");
	CHECK(!mms_data_utc_time(&d, &secs, &frac, &q));
	d = data_of("8c0400000001");
	CHECK(mms_data_binary_time(&d, &ms, &has_days, &days));
	CHECK_EQ(ms, 1);
	CHECK(!has_days);
	d = data_of("8c060000000201f4");
	CHECK(mms_data_binary_time(&d, &ms, &has_days, &days));
	CHECK(has_days);
	CHECK_EQ(days, 500);
	d = data_of("8c0500000001ff");
	CHECK(!mms_data_binary_time(&d, &ms, &has_days, &days));

	/* list walking: end, universal class, truncation */
	static const uint8_t list[] = { 0x83, 0x01, 0x01, 0x04, 0x00, 0x85 };
	struct rd r = rd_make(list, sizeof(list));
	bool done;
	CHECK_EQ(mms_data_next(&r, &d, &done), BER_OK);
	CHECK_EQ(d.tag, MMS_DATA_BOOLEAN);
	CHECK_EQ(mms_data_next(&r, &d, &done), BER_INVALID);
	CHECK_EQ(r.off, 3); /* a failed read leaves the cursor */
	r.off = 5;
	CHECK_EQ(mms_data_next(&r, &d, &done), BER_TRUNCATED);
	r.off = 6;
	CHECK_EQ(mms_data_next(&r, &d, &done), BER_OK);
	CHECK(done);

	CHECK_STR(mms_data_tag_name(MMS_DATA_UTC_TIME), "utc-time");
	CHECK_STR(mms_data_tag_name(MMS_DATA_STRUCTURE), "structure");
	CHECK_STR(mms_data_tag_name(99), "unknown");
}

/* ---- tests: IEC 61850 ---------------------------------------------------------------- */

static struct mms_objname objname(uint8_t scope, const char *domain, const char *item)
{
	struct mms_objname o;
	o.scope = scope;
	o.domain.p = (const uint8_t *)domain;
	o.domain.len = domain ? (uint32_t)strlen(domain) : 0;
	o.item.p = (const uint8_t *)item;
	o.item.len = (uint32_t)strlen(item);
	return o;
}

/* The report decoder reads OptFlds and ReasonCode bits a word at a time: every
 * pattern and length must give what reading them bit by bit (ber_bit) gives. */
static void test_report_bits(void)
{
	uint8_t b[3];
	for (unsigned len = 0; len <= 2; len++)
		for (unsigned v = 0; v < 256; v++)
			for (uint32_t nbits = 0; nbits <= 8 * len; nbits++) {
				b[0] = (uint8_t)v;
				b[1] = (uint8_t)~v;
				struct bview bits = { b, len };
				uint8_t want = 0;
				for (uint32_t k = TRG_DCHG; k <= TRG_GI; k++)
					if (ber_bit(bits, nbits, k))
						want |= (uint8_t)TRG_MASK(k);
				CHECK_EQ(iec_trg_mask(bits, nbits), want);
			}
	/* OptFlds: reserved bits only (0 and 10..15, which add no field), each
	 * padding; then an empty inclusion bit string. */
	for (unsigned pat = 0; pat < 128; pat++)
		for (unsigned unused = 0; unused <= 7; unused++) {
			uint16_t word = (uint16_t)((pat & 1 ? 0x8000u : 0) | (pat >> 1) << 0);
			uint8_t pdu[16] = { 0x8a, 1, 'X', 0x84, 3, (uint8_t)unused, 0, 0, 0x84, 1, 0 };
			pdu[6] = (uint8_t)(word >> 8);
			pdu[7] = (uint8_t)word;
			word &= (uint16_t)(0xffffu << unused);
			uint16_t want = 0;
			for (unsigned k = 0; k < 16; k++)
				if (word & (0x8000u >> k))
					want |= (uint16_t)(1u << k);
			struct mms_pdu p;
			memset(&p, 0, sizeof(p));
			p.type = MMS_UNCONFIRMED;
			p.service = MMS_USVC_INFORMATION_REPORT;
			p.has_list_name = true;
			p.list_name.scope = MMS_SCOPE_VMD;
			p.list_name.item = (struct bview){ (const uint8_t *)"RPT", 3 };
			p.has_data = true;
			p.data = rd_make(pdu, 11);
			static struct iec_report rep;
			CHECK_EQ(iec_report_decode(&p, &rep), REPORT_OK);
			CHECK_EQ(rep.optflds, want);
			CHECK_EQ(rep.n_dataset, 0);
		}
	/* Inclusion: a 13-member dataset (3 padding bits, set here to be ignored),
	 * every pattern; each included member has a boolean value and a ReasonCode
	 * (OptFlds reason-for-inclusion). Indexes and reasons in bit order. */
	for (unsigned pat = 0; pat < (1u << 13); pat++) {
		static uint8_t pdu[256];
		size_t n = 0;
		const uint8_t head[] = {
			0x8a, 1, 'X', 0x84, 2, 4, 0x10, 0x84, 3, 3, (uint8_t)(pat >> 5), (uint8_t)((pat << 3) | 7)
		};
		memcpy(pdu, head, sizeof(head));
		n = sizeof(head);
		unsigned k = 0, idx[13];
		for (unsigned i = 0; i < 13; i++)
			if (pat & (1u << (12 - i)))
				idx[k++] = i;
		for (unsigned j = 0; j < k; j++) {
			const uint8_t v[] = { 0x83, 1, (uint8_t)(j & 1) };
			memcpy(pdu + n, v, sizeof(v));
			n += sizeof(v);
		}
		for (unsigned j = 0; j < k; j++) {
			const uint8_t r[] = { 0x84, 2, 2, (uint8_t)(j % 2 ? 0x40 : 0x08) }; /* dchg, intg */
			memcpy(pdu + n, r, sizeof(r));
			n += sizeof(r);
		}
		struct mms_pdu p;
		memset(&p, 0, sizeof(p));
		p.type = MMS_UNCONFIRMED;
		p.service = MMS_USVC_INFORMATION_REPORT;
		p.has_list_name = true;
		p.list_name.scope = MMS_SCOPE_VMD;
		p.list_name.item = (struct bview){ (const uint8_t *)"RPT", 3 };
		p.has_data = true;
		p.data = rd_make(pdu, n);
		static struct iec_report rep;
		CHECK_EQ(iec_report_decode(&p, &rep), REPORT_OK);
		CHECK_EQ(rep.n_dataset, 13);
		CHECK_EQ(rep.n_included, k);
		CHECK_EQ(rep.n_members, k);
		for (unsigned j = 0; j < k && j < rep.n_members; j++) {
			CHECK_EQ(rep.members[j].index, idx[j]);
			uint8_t want = (uint8_t)(j % 2 ? TRG_MASK(TRG_DCHG) : TRG_MASK(TRG_INTEGRITY));
			CHECK_EQ(rep.members[j].reasons, want);
		}
	}
}

static void test_iec61850_ref(void)
{
	char buf[128];
	struct mms_objname o = objname(MMS_SCOPE_DOMAIN, "PROT", "PTOC1$ST$Op$general");
	CHECK_EQ(iec61850_ref(&o, buf, sizeof(buf)), strlen("PROT/PTOC1.Op.general [ST]"));
	CHECK_STR(buf, "PROT/PTOC1.Op.general [ST]");
	o = objname(MMS_SCOPE_DOMAIN, "LD", "LLN0$BR$brcb01");
	iec61850_ref(&o, buf, sizeof(buf));
	CHECK_STR(buf, "LD/LLN0.brcb01 [BR]");
	o = objname(MMS_SCOPE_DOMAIN, "LD", "LLN0$Events"); /* a dataset: no FC */
	iec61850_ref(&o, buf, sizeof(buf));
	CHECK_STR(buf, "LD/LLN0.Events");
	o = objname(MMS_SCOPE_DOMAIN, "LD", "GGIO1");
	iec61850_ref(&o, buf, sizeof(buf));
	CHECK_STR(buf, "LD/GGIO1");
	o = objname(MMS_SCOPE_DOMAIN, "LD", "GGIO1$MX");
	iec61850_ref(&o, buf, sizeof(buf));
	CHECK_STR(buf, "LD/GGIO1 [MX]");
	o = objname(MMS_SCOPE_VMD, NULL, "RPT");
	iec61850_ref(&o, buf, sizeof(buf));
	CHECK_STR(buf, "RPT");
	o = objname(MMS_SCOPE_AA, NULL, "a$b");
	iec61850_ref(&o, buf, sizeof(buf));
	CHECK_STR(buf, "a$b");
	o = objname(MMS_SCOPE_DOMAIN, "", "");
	iec61850_ref(&o, buf, sizeof(buf));
	CHECK_STR(buf, "/");
	/* truncation keeps the NUL */
	o = objname(MMS_SCOPE_DOMAIN, "PROT", "PTOC1$ST$Op$general");
	CHECK_EQ(iec61850_ref(&o, buf, 8), 7);
	CHECK_STR(buf, "PROT/PT");
	CHECK_EQ(iec61850_ref(&o, buf, 1), 0);
	CHECK_STR(buf, "");
	CHECK_EQ(iec61850_ref(&o, NULL, 0), 0);

	struct bview item = { (const uint8_t *)"LLN0$RP$urcb", 12 };
	CHECK_VIEW(iec61850_fc(item), "RP");
	item.len = 4;
	CHECK_EQ(iec61850_fc(item).len, 0);
	struct bview lower = { (const uint8_t *)"LLN0$rp$urcb", 12 };
	CHECK_EQ(iec61850_fc(lower).len, 0);
}

/* ACSI name of a one-object read or write request for item in domain LD. */
static const char *acsi_of(int service, const char *item)
{
	static struct mms_pdu p;
	p.type = MMS_CONFIRMED_REQUEST;
	p.service = (int16_t)service;
	p.has_list_name = false;
	p.n_objs = 1;
	p.n_objs_total = 1;
	p.objs[0] = objname(MMS_SCOPE_DOMAIN, "LD", item);
	p.object_class = -1;
	p.continue_after.p = NULL;
	return iec61850_acsi(&p);
}

static void test_acsi(void)
{
	CHECK_STR(acsi_of(MMS_SVC_READ, "LLN0$GO$gcb01"), "GetGoCBValues");
	CHECK_STR(acsi_of(MMS_SVC_READ, "LLN0$MS$msv01"), "GetMSVCBValues");
	CHECK_STR(acsi_of(MMS_SVC_READ, "LLN0$US$usv01"), "GetUSVCBValues");
	CHECK_STR(acsi_of(MMS_SVC_READ, "LLN0$SP$SGCB"), "GetSGCBValues");
	CHECK_STR(acsi_of(MMS_SVC_READ, "LLN0$SP$SGCB$ActSG"), "GetSGCBValues");
	CHECK_STR(acsi_of(MMS_SVC_READ, "PTOC1$SE$StrVal$setMag$f"), "GetEditSGValue");
	CHECK_STR(acsi_of(MMS_SVC_READ, "PTOC1$SG$StrVal"), "GetEditSGValue");
	CHECK_STR(acsi_of(MMS_SVC_READ, "PTOC1$SP$StrVal"), "GetDataValues");
	CHECK_STR(acsi_of(MMS_SVC_READ, "CSWI1$CO$Pos$Oper"), "GetDataValues");
	CHECK_STR(acsi_of(MMS_SVC_READ, "CSWI1$CO$Pos$SBO"), "Select");
	CHECK_STR(acsi_of(MMS_SVC_WRITE, "CSWI1$CO$Pos$Cancel"), "Cancel");
	CHECK_STR(acsi_of(MMS_SVC_WRITE, "CSWI1$CO$Pos$ctlModel"), "SetDataValues");
	CHECK_STR(acsi_of(MMS_SVC_WRITE, "LLN0$LG$log01$LogEna"), "SetLCBValues");
	CHECK_STR(acsi_of(MMS_SVC_WRITE, "LLN0$GO$gcb01$GoEna"), "SetGoCBValues");
	CHECK_STR(acsi_of(MMS_SVC_WRITE, "PTOC1$SE$StrVal$setMag$f"), "SetEditSGValue");
	CHECK_STR(acsi_of(MMS_SVC_WRITE, "LLN0$SP$SGCB$ActSG"), "SelectActiveSG");
	CHECK_STR(acsi_of(MMS_SVC_WRITE, "LLN0$SP$SGCB$EditSG"), "SelectEditSG");
	CHECK_STR(acsi_of(MMS_SVC_WRITE, "LLN0$SP$SGCB$CnfEdit"), "ConfirmEditSGValues");
	CHECK_STR(acsi_of(MMS_SVC_WRITE, "PTOC1$SP$StrVal"), "SetDataValues");
	CHECK_STR(acsi_of(MMS_SVC_WRITE, "Oper"), "SetDataValues"); /* no FC, no control */
	CHECK_STR(acsi_of(MMS_SVC_GET_VAR_ACCESS_ATTR, "LLN0"), "GetLogicalNodeDirectory");
	CHECK_STR(acsi_of(MMS_SVC_GET_VAR_ACCESS_ATTR, "LLN0$ST"), "GetDataDefinition");
	CHECK(acsi_of(MMS_SVC_IDENTIFY, "x") == NULL);
	CHECK(acsi_of(MMS_SVC_STATUS, "x") == NULL);

	/* responses take their request's name from the caller */
	CHECK_EQ(dec(READ_RESP), MMS_OK);
	CHECK(acsi() == NULL);
	CHECK_EQ(dec(GNL_DOMAINS_RESP), MMS_OK);
	CHECK(acsi() == NULL);
}

/* ---- tests: names --------------------------------------------------------------------- */

static void test_names(void)
{
	CHECK_STR(mms_pdu_name(MMS_CONFIRMED_REQUEST), "confirmed-request");
	CHECK_STR(mms_pdu_name(MMS_CANCEL_ERROR), "cancel-error");
	CHECK_STR(mms_pdu_name(MMS_CONCLUDE_ERROR), "conclude-error");
	CHECK(mms_pdu_name(MMS_PDU_TYPE_COUNT) == NULL);
	for (unsigned t = 0; t < MMS_PDU_TYPE_COUNT; t++)
		CHECK(mms_pdu_name((uint8_t)t) != NULL);

	CHECK_STR(mms_service_name(MMS_CONFIRMED_REQUEST, 0), "status");
	CHECK_STR(mms_service_name(MMS_CONFIRMED_RESPONSE, 12), "getNamedVariableListAttributes");
	CHECK_STR(mms_service_name(MMS_CONFIRMED_REQUEST, 77), "fileDirectory");
	CHECK_STR(mms_service_name(MMS_CONFIRMED_REQUEST, 37), "getDomainAttributes");
	CHECK(mms_service_name(MMS_CONFIRMED_REQUEST, 78) == NULL);
	CHECK(mms_service_name(MMS_CONFIRMED_REQUEST, -1) == NULL);
	CHECK_STR(mms_service_name(MMS_UNCONFIRMED, 0), "informationReport");
	CHECK_STR(mms_service_name(MMS_UNCONFIRMED, 2), "eventNotification");
	CHECK(mms_service_name(MMS_UNCONFIRMED, 3) == NULL);
	CHECK(mms_service_name(MMS_REJECT, 0) == NULL);
	CHECK(mms_service_name(MMS_CONFIRMED_ERROR, 4) == NULL);
	for (int s = 0; s <= 77; s++)
		CHECK(mms_service_name(MMS_CONFIRMED_REQUEST, s) != NULL);

	CHECK_STR(mms_defect_name(MMS_DEFECT_NONE), "none");
	CHECK_STR(mms_defect_name(MMS_DEFECT_TOO_DEEP), "too_deep");
	CHECK_STR(mms_defect_name(MMS_DEFECT_TRAILING), "trailing");
	CHECK(mms_defect_name(99) == NULL);

	CHECK_STR(mms_error_class_name(0), "vmd-state");
	CHECK_STR(mms_error_class_name(5), "service-preempt");
	CHECK_STR(mms_error_class_name(12), "others");
	CHECK(mms_error_class_name(13) == NULL);
	CHECK_STR(mms_error_code_name(0, 4), "state-machine-id-invalid");
	CHECK_STR(mms_error_code_name(2, 1), "object-undefined");
	CHECK_STR(mms_error_code_name(7, 3), "object-access-denied");
	CHECK_STR(mms_error_code_name(8, 7), "nesting-level-insufficient");
	CHECK_STR(mms_error_code_name(11, 9), "insufficient-space-in-filestore");
	CHECK(mms_error_code_name(11, 10) == NULL);
	CHECK(mms_error_code_name(12, 0) == NULL);
	CHECK(mms_error_code_name(200, 0) == NULL);

	CHECK_STR(mms_reject_type_name(1), "confirmed-requestPDU");
	CHECK_STR(mms_reject_type_name(11), "conclude-errorPDU");
	CHECK(mms_reject_type_name(0) == NULL);
	CHECK(mms_reject_type_name(12) == NULL);
	CHECK_STR(mms_reject_code_name(1, 9), "value-out-of-range");
	CHECK(mms_reject_code_name(1, 7) == NULL); /* reserved */
	CHECK_STR(mms_reject_code_name(5, 2), "illegal-acse-mapping");
	CHECK(mms_reject_code_name(5, -1) == NULL);
	CHECK(mms_reject_code_name(0, 0) == NULL);

	CHECK_STR(mms_data_access_error_name(0), "object-invalidated");
	CHECK_STR(mms_data_access_error_name(3), "object-access-denied");
	CHECK_STR(mms_data_access_error_name(11), "object-value-invalid");
	CHECK(mms_data_access_error_name(12) == NULL);
}

/* ---- tests: EVE details ------------------------------------------------------------------ */

static void test_eve_details(void)
{
	/* a record buffer too small: the writer overflows, nothing crashes */
	CHECK_EQ(dec(REPORT), MMS_OK);
	char small[64];
	struct jw w;
	jw_init(&w, small, sizeof(small));
	jw_obj(&w, NULL);
	eve_mms_fields(&w, &g_pdu, "Report", 8192);
	CHECK(w.overflow);

	/* wire names with quotes and control bytes are escaped */
	CHECK_EQ(dec("a015020101a610a00ea10c1a024c221a06410a43245354"), MMS_OK);
	const char *e = eve();
	CHECK(json_ok(e));
	CHECK(strstr(e, "\"domain\":\"L\\\"\",\"item\":\"A\\nC$ST\",\"ref\":\"L\\\"/A\\nC [ST]\"") != NULL);

	/* a names list past the budget */
	CHECK_EQ(dec(GNL_RESP8), MMS_OK);
	e = eve_b(30);
	CHECK(json_ok(e));
	CHECK_EQ(eve_flags, EVE_MMS_VALUES_CAPPED);
	CHECK(strstr(e, "\"names\":[\"LLN0$AMI\"],\"values_truncated\":true,\"more_follows\":false") != NULL);
	e = eve_b(0);
	CHECK(strstr(e, "names") == NULL);
	CHECK(strstr(e, "\"more_follows\":false") != NULL);
}

int main(void)
{
	test_first_octet();
	test_not_mms();
	test_initiate();
	test_conclude_cancel();
	test_reject();
	test_confirmed_error();
	test_identify();
	test_get_name_list();
	test_read();
	test_write();
	test_information_report();
	test_var_access_attributes();
	test_named_variable_lists();
	test_status();
	test_files();
	test_read_journal();
	test_other_services();
	test_malformed();
	test_indefinite_length();
	test_values();
	test_large_value();
	test_deep_nesting();
	test_objects_cap();
	test_mms_data();
	test_iec61850_ref();
	test_report_bits();
	test_acsi();
	test_names();
	test_eve_details();
	TCHECK_DONE();
}

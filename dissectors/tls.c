/* SPDX-License-Identifier: GPL-2.0-or-later */
/* \summary: TLS record and ClientHello/ServerHello recognition (version, SNI) */
#include "tls.h"

#include <string.h>

bool tls_looks_like(struct rd r)
{
	uint8_t type, major, minor;
	if (!rd_u8(&r, &type) || !rd_u8(&r, &major) || !rd_u8(&r, &minor))
		return false;
	return (type >= 0x14 && type <= 0x17) && major == 3 && minor <= 4;
}

const char *tls_version_name(uint16_t v)
{
	switch (v) {
	case 0x0300:
		return "SSLv3";
	case 0x0301:
		return "TLSv1.0";
	case 0x0302:
		return "TLSv1.1";
	case 0x0303:
		return "TLSv1.2";
	case 0x0304:
		return "TLSv1.3";
	}
	return "unknown";
}

static bool skip8(struct rd *r)
{
	uint8_t n;
	return rd_u8(r, &n) && rd_skip(r, n);
}

static bool skip16(struct rd *r)
{
	uint16_t n;
	return rd_be16(r, &n) && rd_skip(r, n);
}

static void extensions(struct rd ext, bool client, struct tls_hello *out)
{
	while (rd_left(&ext) >= 4) {
		uint16_t type, len;
		struct rd v;
		if (!rd_be16(&ext, &type) || !rd_be16(&ext, &len) || !rd_sub(&ext, len, &v))
			return;
		if (type == 0 && client) { /* server_name */
			uint16_t list_len, name_len;
			uint8_t name_type;
			if (rd_be16(&v, &list_len) && rd_u8(&v, &name_type) && name_type == 0 && rd_be16(&v, &name_len))
				rd_view(&v, name_len, &out->sni);
		} else if (type == 43) { /* supported_versions */
			if (client) {
				uint8_t n;
				uint16_t ver;
				if (!rd_u8(&v, &n))
					continue;
				for (unsigned i = 0; i + 1 < n && rd_be16(&v, &ver); i += 2)
					if ((ver & 0x0f0f) != 0x0a0a && ver > out->version && ver <= 0x0304)
						out->version = ver; /* skip GREASE values */
			} else {
				uint16_t ver;
				if (rd_be16(&v, &ver))
					out->version = ver;
			}
		}
	}
}

bool tls_parse_hello(struct rd r, struct tls_hello *out)
{
	uint8_t type, hs;
	uint16_t len, ver;
	struct rd rec, body;
	memset(out, 0, sizeof(*out));
	if (!rd_u8(&r, &type) || type != 0x16 || !rd_be16(&r, &out->record_version) || !rd_be16(&r, &len))
		return false;
	/* A hello may continue in the next record; read what this one holds. */
	rec = rd_make(rd_ptr(&r), len < rd_left(&r) ? len : rd_left(&r));
	if (!rd_u8(&rec, &hs) || (hs != 1 && hs != 2) || !rd_skip(&rec, 3))
		return false;
	body = rd_rest(&rec);
	out->client_hello = hs == 1;
	out->server_hello = hs == 2;
	if (!rd_be16(&body, &ver) || !rd_skip(&body, 32))
		return true;
	out->version = ver;
	if (!skip8(&body))
		return true;
	if (hs == 1) {
		if (!skip16(&body) || !skip8(&body))
			return true;
	} else if (!rd_skip(&body, 3)) {
		return true;
	}
	uint16_t ext_len;
	struct rd ext;
	if (rd_be16(&body, &ext_len) && rd_sub(&body, ext_len < rd_left(&body) ? ext_len : rd_left(&body), &ext))
		extensions(ext, hs == 1, out);
	return true;
}

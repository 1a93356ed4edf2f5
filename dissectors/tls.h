/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tls.h - recognise TLS on an MMS port (IEC 62351-4 uses TCP 3782) and read the
 * hello messages' version and SNI. Nothing is decrypted. */
#ifndef MMSW_TLS_H
#define MMSW_TLS_H

#include "rd.h"

struct tls_hello {
	bool client_hello, server_hello;
	uint16_t record_version;
	uint16_t version; /* highest offered (client) or selected (server) */
	struct bview sni; /* server_name host_name, empty when absent */
};

/* True when the bytes start like a TLS record (handshake, alert or app data). */
bool tls_looks_like(struct rd r);
/* Parse a handshake record holding a ClientHello or ServerHello. */
bool tls_parse_hello(struct rd r, struct tls_hello *out);
const char *tls_version_name(uint16_t v);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* flow.c - what every layer may ask of a flow: its addresses as text, the name of
 * its application protocol; see flow.h. */
#include "core/flow.h"

#include <arpa/inet.h>

const char *app_proto_name(uint8_t proto)
{
	switch (proto) {
	case APP_UNKNOWN:
		return "unknown";
	case APP_ISO:
		return "cotp";
	case APP_MMS:
		return "mms";
	case APP_S7COMM:
		return "s7comm";
	case APP_S7COMM_PLUS:
		return "s7comm-plus";
	case APP_TLS:
		return "tls";
	case APP_NOT_ISO:
		return "not-iso";
	}
	return "unknown";
}


void flow_addr_text(const struct flow *f, int endpoint, char *buf, size_t size)
{
	if (f->key.ipver == 4)
		inet_ntop(AF_INET, f->key.ip[endpoint], buf, (socklen_t)size);
	else
		inet_ntop(AF_INET6, f->key.ip[endpoint], buf, (socklen_t)size);
}

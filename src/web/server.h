/* SPDX-License-Identifier: GPL-2.0-or-later */
/* server.h - the dashboard's HTTP server (--serve): libmicrohttpd in its own
 * threads, the access token, security headers, and routing to the JSON API, the
 * embedded static files and the single page. docs/api.md is the contract.
 *
 * The order of use follows the sensor's privileges: web_listen binds while still
 * privileged (a port below 1024 works under -Z), web_start begins answering once
 * the database exists, web_stop ends it. */
#ifndef MMSW_WEB_SERVER_H
#define MMSW_WEB_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/limits.h"

/* Where to listen: parsed from --serve by options.c (command-line parsing stays
 * there, so programs that parse options need not link the server). */
struct web_listen_addr {
	char addr[64]; /* numeric IPv4 or IPv6 address, without brackets */
	uint16_t port;
	bool ipv6;
	bool loopback; /* 127.0.0.0/8 or ::1: no token needed */
};

/* The token from --token-file: trailing newline stripped, MMSW_WEB_TOKEN_MIN to
 * MMSW_WEB_TOKEN_MAX characters that are safe in a cookie. 0, or -1 with err. */
int web_token_load(const char *path, char *err, size_t errsize);
/* Bind and listen. 0, or -1 with err (the caller exits 2). */
int web_listen(const struct web_listen_addr *a, char *err, size_t errsize);
/* Answer requests from the database at db_path (read-only). 0, or -1 with err. */
int web_start(const char *db_path, char *err, size_t errsize);
/* "mmswatch: dashboard at http://ADDR:PORT/" and `tail` on stderr. */
void web_announce(const char *tail);
void web_stop(void);

#endif

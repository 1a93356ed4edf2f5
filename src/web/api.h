/* SPDX-License-Identifier: GPL-2.0-or-later */
/* api.h - the dashboard's JSON API (/api/v1/, docs/api.md) over a read-only
 * SQLite connection. Independent of the HTTP library: the server hands in the
 * path after "/api/v1", a way to read query parameters, and sends the reply. */
#ifndef MMSW_WEB_API_H
#define MMSW_WEB_API_H

#include <stddef.h>
#include <sqlite3.h>

/* A query parameter by name (already URL-decoded), or NULL when absent. */
typedef const char *(*api_param_fn)(void *ctx, const char *name);

struct api_reply {
	int status; /* HTTP status */
	char *body; /* malloc'd JSON, owned by the caller afterwards */
	size_t len;
	/* A file instead of JSON (a finding's evidence pcap): its type and the
	 * name to save it under (letters, digits, '.', '-', '_' only). */
	const char *content_type;
	char filename[128];
};

/* Answer one request. Request strings are only ever bound as SQL parameters or
 * compared; error messages never repeat them. r->body is NULL only when out of
 * memory (the server answers 500 itself). */
void api_handle(sqlite3 *db, const char *path, api_param_fn param, void *ctx, struct api_reply *r);
/* {"error": msg} with status, for errors the server finds itself (401, 404, ...). */
void api_error(struct api_reply *r, int status, const char *msg);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* server.c - libmicrohttpd setup, the access token, security headers and
 * routing for the dashboard; see server.h and docs/api.md.
 *
 * MHD runs its own threads (a small pool, each request answered start to end by
 * one of them) so the capture thread never waits on a browser. Every response
 * carries the same security headers. Nothing a request sends is put back into a
 * response: error messages are constants, and request values reach the database
 * only as bound parameters (api.c). */
#include "web/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "web/api.h"
#include "web/metrics.h"
#include "web/assets.h"
#include "web/db.h"

static const char CSP[] =
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
static const char JSON_TYPE[] = "application/json; charset=utf-8";

static struct MHD_Daemon *httpd;
static int listen_fd = -1;
static struct web_listen_addr where;
/* The token, zero-padded to its maximum so comparing always reads every byte. */
static char token[MMSW_WEB_TOKEN_MAX + 1];
static size_t token_len;

/* ---- listen address and token ------------------------------------------------ */

/* Cookie-safe: visible ASCII without the characters a cookie value cannot hold. */
static bool token_char_ok(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '"' && c != ',' && c != ';' && c != '\\';
}

int web_token_load(const char *path, char *err, size_t errsize)
{
	char buf[MMSW_WEB_TOKEN_MAX + 4];
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errsize, "--token-file %s: %s", path, strerror(errno));
		return -1;
	}
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	bool bad = ferror(f) != 0;
	bool more = !bad && fgetc(f) != EOF;
	fclose(f);
	if (bad) {
		snprintf(err, errsize, "--token-file %s: cannot be read", path);
		return -1;
	}
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	if (more || n > MMSW_WEB_TOKEN_MAX) {
		snprintf(err, errsize, "--token-file %s: the token is longer than %d characters", path,
			 MMSW_WEB_TOKEN_MAX);
		return -1;
	}
	if (n == 0) {
		snprintf(err, errsize,
			 "--token-file %s: the file is empty (put a secret of at least %d characters "
			 "in it, e.g. from 'head -c 24 /dev/urandom | base64')",
			 path, MMSW_WEB_TOKEN_MIN);
		return -1;
	}
	if (n < MMSW_WEB_TOKEN_MIN) {
		snprintf(err, errsize, "--token-file %s: the token has %zu characters; at least %d are needed", path, n,
			 MMSW_WEB_TOKEN_MIN);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (!token_char_ok((unsigned char)buf[i])) {
			snprintf(err, errsize,
				 "--token-file %s: the token must be one line of printable ASCII without "
				 "spaces, quotes, commas, semicolons or backslashes",
				 path);
			return -1;
		}
	memset(token, 0, sizeof(token));
	memcpy(token, buf, n);
	token_len = n;
	return 0;
}

/* Constant time whatever the guess: always MMSW_WEB_TOKEN_MAX byte
 * comparisons, no early exit, the length difference folded in. */
static bool token_equal(const char *given)
{
	size_t n = strnlen(given, MMSW_WEB_TOKEN_MAX + 1);
	unsigned diff = n != token_len;
	for (size_t i = 0; i < MMSW_WEB_TOKEN_MAX; i++) {
		unsigned char g = i < n ? (unsigned char)given[i] : 0;
		diff |= (unsigned)(g ^ (unsigned char)token[i]);
	}
	return diff == 0;
}

int web_listen(const struct web_listen_addr *a, char *err, size_t errsize)
{
	struct sockaddr_storage ss;
	socklen_t len;
	memset(&ss, 0, sizeof(ss));
	if (a->ipv6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(a->port);
		inet_pton(AF_INET6, a->addr, &s6->sin6_addr);
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(a->port);
		inet_pton(AF_INET, a->addr, &s4->sin_addr);
		len = sizeof(*s4);
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0) {
		snprintf(err, errsize, "--serve: cannot create a socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (a->ipv6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 64) != 0) {
		int e = errno;
		close(fd);
		snprintf(err, errsize, "--serve: cannot listen on %s%s%s:%u: %s%s", a->ipv6 ? "[" : "", a->addr,
			 a->ipv6 ? "]" : "", a->port, strerror(e),
			 e == EADDRINUSE       ? " (another program uses the port: choose another)"
				 : e == EACCES ? " (ports below 1024 need privileges)"
					       : "");
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	listen_fd = fd;
	where = *a;
	return 0;
}

void web_announce(const char *tail)
{
	fprintf(stderr, "mmswatch: dashboard at http://%s%s%s:%u/%s\n", where.ipv6 ? "[" : "", where.addr,
		where.ipv6 ? "]" : "", where.port, tail);
}

/* ---- responses ------------------------------------------------------------------ */

/* The headers of docs/api.md, on every response we make. API replies and
 * errors are never cached; the page and its files are revalidated. */
static void security_headers(struct MHD_Response *r, bool no_store)
{
	MHD_add_response_header(r, "Content-Security-Policy", CSP);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", no_store ? "no-store" : "no-cache");
}

static enum MHD_Result send_json(struct MHD_Connection *c, struct api_reply *rep)
{
	if (!rep->body) {
		static const char oom[] = "{\"error\":\"out of memory\"}";
		rep->status = 500;
		rep->body = malloc(sizeof(oom));
		if (!rep->body)
			return MHD_NO;
		memcpy(rep->body, oom, sizeof(oom) - 1);
		rep->len = sizeof(oom) - 1;
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(rep->len, rep->body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(rep->body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", rep->content_type ? rep->content_type : JSON_TYPE);
	if (rep->content_type && rep->filename[0]) {
		char disp[sizeof(rep->filename) + 40];
		snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", rep->filename);
		MHD_add_response_header(r, "Content-Disposition", disp);
	}
	security_headers(r, true);
	if (rep->status == 405)
		MHD_add_response_header(r, "Allow", "GET, HEAD");
	if (rep->status == 401)
		MHD_add_response_header(r, "WWW-Authenticate", "Bearer realm=\"mmswatch\"");
	enum MHD_Result ok = MHD_queue_response(c, (unsigned)rep->status, r);
	MHD_destroy_response(r);
	return ok;
}

/* GET /metrics: the exposition text (web/metrics.h), or a JSON error. */
static enum MHD_Result send_metrics(struct MHD_Connection *c, struct api_reply *rep)
{
	if (!rep->body || rep->status != 200)
		return send_json(c, rep);
	struct MHD_Response *r = MHD_create_response_from_buffer(rep->len, rep->body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(rep->body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", METRICS_CONTENT_TYPE);
	security_headers(r, true);
	enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result send_error(struct MHD_Connection *c, int status, const char *msg)
{
	struct api_reply rep;
	api_error(&rep, status, msg);
	return send_json(c, &rep);
}

static enum MHD_Result send_asset(struct MHD_Connection *c, const struct web_asset *a)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(a->size, (void *)a->data, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", a->content_type);
	security_headers(r, false);
	enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ok;
}

static const struct web_asset *asset(const char *path)
{
	for (size_t i = 0; i < web_assets_count; i++)
		if (!strcmp(web_assets[i].path, path))
			return &web_assets[i];
	return NULL;
}

/* ---- routing -------------------------------------------------------------------- */

/* "/finding/12", "/ied/3": a page path with a numeric id. */
static bool page_with_id(const char *url, const char *prefix)
{
	size_t n = strlen(prefix);
	if (strncmp(url, prefix, n) || !url[n])
		return false;
	for (const char *p = url + n; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

static bool is_page(const char *url)
{
	return !strcmp(url, "/") || !strcmp(url, "/findings") || !strcmp(url, "/rcb") || !strcmp(url, "/storms") ||
		!strcmp(url, "/changes") || page_with_id(url, "/finding/") || page_with_id(url, "/ied/");
}

static enum MHD_Result add_arg_len(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	size_t *sum = cls;
	*sum += strlen(key) + (value ? strlen(value) : 0) + 2;
	return MHD_YES;
}

static const char *query_param(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, name);
}

static bool authorized(struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	bool ok = false;
	if (h && !strncasecmp(h, "Bearer ", 7))
		ok = token_equal(h + 7);
	const char *cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "mmswatch_token");
	if (cookie && token_equal(cookie))
		ok = true;
	return ok;
}

/* GET /login?token=TOKEN: the token becomes an HttpOnly cookie, so a browser
 * needs it typed (or pasted) once; the page then never sees it. */
static enum MHD_Result login(struct MHD_Connection *c)
{
	char cookie[MMSW_WEB_TOKEN_MAX + 80];
	if (token_len) {
		const char *given = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
		if (!given || !token_equal(given))
			return send_error(c, 401, "wrong or missing token");
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	security_headers(r, true);
	MHD_add_response_header(r, "Location", "/");
	if (token_len) {
		snprintf(cookie, sizeof(cookie), "mmswatch_token=%s; HttpOnly; SameSite=Strict; Path=/", token);
		MHD_add_response_header(r, "Set-Cookie", cookie);
	}
	enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_SEE_OTHER, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	(void)cls;
	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)con_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return send_error(c, 405, "only GET and HEAD");
	size_t len = strlen(url);
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_arg_len, &len);
	if (len > MMSW_WEB_MAX_URI)
		return send_error(c, 414, "request URI too long");
	if (!strcmp(url, "/login"))
		return login(c);
	if (token_len && !authorized(c))
		return send_error(c, 401,
				  "token required: Authorization: Bearer TOKEN, or open /login?token=TOKEN once");
	if (!strncmp(url, "/api/v1/", 8)) {
		struct api_reply rep;
		sqlite3 *db = web_db_acquire();
		if (!db)
			return send_error(c, 503, "the database cannot be opened");
		api_handle(db, url + 7, query_param, c, &rep);
		web_db_release(db);
		return send_json(c, &rep);
	}
	if (!strcmp(url, "/metrics")) {
		struct api_reply rep;
		sqlite3 *db = web_db_acquire();
		if (!db)
			return send_error(c, 503, "the database cannot be opened");
		metrics_handle(db, &rep);
		web_db_release(db);
		return send_metrics(c, &rep);
	}
	if (!strncmp(url, "/static/", 8)) {
		const struct web_asset *a = asset(url + 8);
		return a ? send_asset(c, a) : send_error(c, 404, "not found");
	}
	if (is_page(url)) {
		const struct web_asset *a = asset("index.html");
		return a ? send_asset(c, a) : send_error(c, 404, "not found");
	}
	return send_error(c, 404, "not found");
}

/* ---- start and stop ------------------------------------------------------------- */

int web_start(const char *db_path, char *err, size_t errsize)
{
	if (web_db_check(db_path, err, errsize) != 0)
		return -1;
	web_db_init(db_path);
	/* MHD's threads inherit this mask: SIGINT, SIGTERM and SIGHUP must reach the
	 * main thread, which is the one that acts on them. */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | (where.ipv6 ? MHD_USE_IPv6 : 0);
	httpd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_LISTEN_SOCKET,
				 (MHD_socket)listen_fd, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)MMSW_WEB_THREADS,
				 MHD_OPTION_CONNECTION_LIMIT, (unsigned)MMSW_WEB_CONN_LIMIT,
				 MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)MMSW_WEB_PER_IP_LIMIT,
				 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)MMSW_WEB_TIMEOUT_S,
				 MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MMSW_WEB_CONN_MEMORY, MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!httpd) {
		snprintf(err, errsize, "--serve: the web server could not start");
		return -1;
	}
	listen_fd = -1; /* MHD owns and closes it now */
	return 0;
}

void web_stop(void)
{
	if (httpd)
		MHD_stop_daemon(httpd);
	httpd = NULL;
	if (listen_fd >= 0)
		close(listen_fd);
	listen_fd = -1;
	web_db_close();
	memset(token, 0, sizeof(token));
	token_len = 0;
}

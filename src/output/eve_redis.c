/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eve_redis.c - EVE to Redis (hiredis): redis://HOST[:PORT]/KEY[?OPTIONS].
 *   mode=stream (default)  XADD KEY MAXLEN ~ N * eve LINE: a capped stream
 *   mode=list              RPUSH KEY LINE   (Logstash's and Vector's redis
 *                          inputs read lists: data_type list / data_type list)
 *   mode=publish           PUBLISH KEY LINE (their channel mode)
 *   maxlen=N               the stream's approximate cap (default 100000)
 *   password-file=PATH     AUTH with the first line of PATH (never an argument:
 *                          a command line is visible to every local user)
 *   user=NAME              AUTH NAME PASSWORD (Redis 6 ACL users)
 * Commands are pipelined a batch at a time; each reply says whether its line was
 * taken. See eve_net.h. */
#include "output/eve_net.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#ifdef HAVE_HIREDIS
#include <hiredis/hiredis.h>
#endif

#define REDIS_MAXLEN_DEFAULT 100000

enum redis_mode { MODE_STREAM, MODE_LIST, MODE_PUBLISH };

struct redis_transport {
	struct net_transport t; /* first */
	char host[256];
	int port;
	char key[256];
	enum redis_mode mode;
	unsigned long long maxlen;
	char *user;
	char *password;
#ifdef HAVE_HIREDIS
	redisContext *c;
#endif
};

static void redis_free(struct net_transport *tp);

#ifdef HAVE_HIREDIS
static int redis_connect(struct net_transport *tp, char *err, size_t errsize)
{
	struct redis_transport *r = (struct redis_transport *)tp;
	struct timeval tv = { EVE_NET_IO_TIMEOUT_MS / 1000, (EVE_NET_IO_TIMEOUT_MS % 1000) * 1000 };
	redisContext *c = redisConnectWithTimeout(r->host, r->port, tv);
	if (!c || c->err) {
		snprintf(err, errsize, "cannot connect to %s:%d: %s", r->host, r->port,
			 c ? c->errstr : "out of memory");
		if (c)
			redisFree(c);
		return -1;
	}
	redisSetTimeout(c, tv);
	if (r->password) {
		redisReply *rep = r->user ? redisCommand(c, "AUTH %s %s", r->user, r->password)
					  : redisCommand(c, "AUTH %s", r->password);
		if (!rep || rep->type == REDIS_REPLY_ERROR) {
			snprintf(err, errsize, "%s:%d refused AUTH: %s", r->host, r->port, rep ? rep->str : c->errstr);
			if (rep)
				freeReplyObject(rep);
			redisFree(c);
			return -1;
		}
		freeReplyObject(rep);
	}
	r->c = c;
	return 0;
}

static void redis_send(struct net_transport *tp, struct net_line *const *lines, size_t n, struct net_result *res)
{
	struct redis_transport *r = (struct redis_transport *)tp;
	char maxlen[24];
	snprintf(maxlen, sizeof(maxlen), "%llu", r->maxlen);
	for (size_t i = 0; i < n; i++) {
		/* The line without its newline: a Redis value is one record already. */
		const char *argv[8];
		size_t argl[8];
		int argc = 0;
		size_t len = lines[i]->len - 1;
#define ARG(s, l) (argv[argc] = (s), argl[argc] = (l), argc++)
		switch (r->mode) {
		case MODE_STREAM:
			ARG("XADD", 4);
			ARG(r->key, strlen(r->key));
			ARG("MAXLEN", 6);
			ARG("~", 1);
			ARG(maxlen, strlen(maxlen));
			ARG("*", 1);
			ARG("eve", 3);
			break;
		case MODE_LIST:
			ARG("RPUSH", 5);
			ARG(r->key, strlen(r->key));
			break;
		case MODE_PUBLISH:
			ARG("PUBLISH", 7);
			ARG(r->key, strlen(r->key));
			break;
		}
		ARG(lines[i]->text, len);
#undef ARG
		if (redisAppendCommandArgv(r->c, argc, argv, argl) != REDIS_OK) {
			res->broken = true;
			return;
		}
	}
	for (size_t i = 0; i < n; i++) {
		void *v = NULL;
		if (redisGetReply(r->c, &v) != REDIS_OK || !v) {
			res->broken = true;
			return;
		}
		redisReply *rep = v;
		res->done++;
		if (rep->type == REDIS_REPLY_ERROR)
			res->refused++;
		else if (r->mode == MODE_PUBLISH && rep->type == REDIS_REPLY_INTEGER && rep->integer == 0)
			res->unheard++;
		freeReplyObject(rep);
	}
}

static void redis_disconnect(struct net_transport *tp)
{
	struct redis_transport *r = (struct redis_transport *)tp;
	if (r->c)
		redisFree(r->c);
	r->c = NULL;
}
#endif

static void redis_free(struct net_transport *tp)
{
	struct redis_transport *r = (struct redis_transport *)tp;
	if (!r)
		return;
#ifdef HAVE_HIREDIS
	redis_disconnect(tp);
#endif
	if (r->password) {
		/* not left in freed memory */
		volatile char *p = r->password;
		while (*p)
			*p++ = 0;
	}
	free(r->password);
	free(r->user);
	free(r);
}

/* The first line of a password file, without its newline. */
static char *password_read(const char *path, char *err, size_t errsize)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errsize, "--eve redis: password-file %s: %s", path, strerror(errno));
		return NULL;
	}
	char line[1024];
	char *pw = NULL;
	if (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (line[0])
			pw = strdup(line);
	}
	fclose(f);
	memset(line, 0, sizeof(line));
	if (!pw)
		snprintf(err, errsize, "--eve redis: password-file %s: no password on its first line", path);
	return pw;
}

static int parse_options(struct redis_transport *r, const char *url, char *q, char *err, size_t errsize)
{
	for (char *save = NULL, *kv = strtok_r(q, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(kv, '=');
		if (!eq) {
			snprintf(err, errsize, "--eve %s: '%s' is not NAME=VALUE", url, kv);
			return -1;
		}
		*eq = 0;
		const char *v = eq + 1;
		if (!strcmp(kv, "mode")) {
			if (!strcmp(v, "stream"))
				r->mode = MODE_STREAM;
			else if (!strcmp(v, "list"))
				r->mode = MODE_LIST;
			else if (!strcmp(v, "publish"))
				r->mode = MODE_PUBLISH;
			else {
				snprintf(err, errsize, "--eve %s: mode '%s' is not stream, list or publish", url, v);
				return -1;
			}
		} else if (!strcmp(kv, "maxlen")) {
			char *end;
			errno = 0;
			r->maxlen = strtoull(v, &end, 10);
			if (errno || end == v || *end || r->maxlen < 1) {
				snprintf(err, errsize, "--eve %s: maxlen '%s' is not a positive number", url, v);
				return -1;
			}
		} else if (!strcmp(kv, "password-file")) {
			free(r->password);
			if (!(r->password = password_read(v, err, errsize)))
				return -1;
		} else if (!strcmp(kv, "user")) {
			free(r->user);
			r->user = strdup(v);
		} else {
			snprintf(err, errsize, "--eve %s: unknown option '%s' (mode, maxlen, password-file, user)", url,
				 kv);
			return -1;
		}
	}
	return 0;
}

struct net_transport *eve_redis_transport(const char *url, char *err, size_t errsize)
{
	struct redis_transport *r = calloc(1, sizeof(*r));
	char spec[1024];
	if (!r) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	r->port = 6379;
	r->maxlen = REDIS_MAXLEN_DEFAULT;
	if (strlen(url) >= sizeof(spec)) {
		snprintf(err, errsize, "--eve: a Redis URL of at most %zu characters", sizeof(spec) - 1);
		goto fail;
	}
	snprintf(spec, sizeof(spec), "%s", url + 8); /* after redis:// */
	char *q = strchr(spec, '?');
	if (q)
		*q++ = 0;
	/* The key starts at the first '/' after the host (an IPv6 host's brackets
	 * hold no '/', but skip them anyway). */
	char *after_host = spec[0] == '[' && strchr(spec, ']') ? strchr(spec, ']') : spec;
	char *slash = strchr(after_host, '/');
	if (!slash || !slash[1] || strlen(slash + 1) >= sizeof(r->key)) {
		snprintf(err, errsize,
			 "--eve %s: no key: use redis://HOST[:PORT]/KEY (e.g. redis://127.0.0.1/mmswatch)", url);
		goto fail;
	}
	*slash = 0;
	snprintf(r->key, sizeof(r->key), "%s", slash + 1);
	char *host = spec, *port = NULL;
	if (host[0] == '[') { /* [IPv6]:port */
		char *close = strchr(host, ']');
		if (!close) {
			snprintf(err, errsize, "--eve %s: an IPv6 address goes in brackets: redis://[::1]:6379/KEY",
				 url);
			goto fail;
		}
		*close = 0;
		host++;
		if (close[1] == ':')
			port = close + 2;
		else if (close[1]) {
			snprintf(err, errsize, "--eve %s: after ']' comes ':PORT' or '/KEY'", url);
			goto fail;
		}
	} else if ((port = strchr(host, ':'))) {
		*port++ = 0;
	}
	if (!host[0] || strlen(host) >= sizeof(r->host)) {
		snprintf(err, errsize, "--eve %s: no host: use redis://HOST[:PORT]/KEY", url);
		goto fail;
	}
	snprintf(r->host, sizeof(r->host), "%s", host);
	if (port) {
		char *end;
		long p = strtol(port, &end, 10);
		if (end == port || *end || p < 1 || p > 65535) {
			snprintf(err, errsize, "--eve %s: '%s' is not a TCP port (1-65535)", url, port);
			goto fail;
		}
		r->port = (int)p;
	}
	if (q && parse_options(r, url, q, err, errsize) != 0)
		goto fail;
#ifdef HAVE_HIREDIS
	r->t.connect = redis_connect;
	r->t.send = redis_send;
	r->t.disconnect = redis_disconnect;
	r->t.free = redis_free;
	return &r->t;
#else
	snprintf(err, errsize, "--eve %s: this mmswatch was built without hiredis (configure found no libhiredis-dev)",
		 url);
#endif
fail:
	redis_free(&r->t);
	return NULL;
}

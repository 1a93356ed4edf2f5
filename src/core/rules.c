/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rules.c - the rules file parser and lookups; see rules.h. */
#include "core/rules.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kinds.h"

#define LINE_MAX_LEN 1024
#define MAX_TOKENS 16
#define FILE_MAX_LINES 100000

struct rules g_rules;

static const struct {
	const char *name;
	char kind;
	int64_t def;
} THR[THR_COUNT] = {
#define X(id, name, kind, def, desc) { name, kind, def },
	MMSW_THRESHOLDS(X)
#undef X
};

const char *threshold_name(enum threshold_id id)
{
	return id < THR_COUNT ? THR[id].name : "?";
}

void rules_defaults(struct rules *r)
{
	memset(r, 0, sizeof(*r));
	for (int i = 0; i < THR_COUNT; i++)
		r->thr[i] = THR[i].def;
}

struct ctx {
	const char *path;
	unsigned line;
	char *err;
	size_t errsize;
};

static int fail(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct ctx *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errsize, "%s:%u: %s", c->path, c->line, msg);
	return -1;
}

/* Split a line into words; "double quoted" words may hold spaces. */
static int tokenize(struct ctx *c, char *s, char **tok, int *n)
{
	*n = 0;
	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			break;
		if (*n >= MAX_TOKENS)
			return fail(c, "too many words on one line (at most %d)", MAX_TOKENS);
		if (*s == '"') {
			tok[(*n)++] = ++s;
			while (*s && *s != '"')
				s++;
			if (*s != '"')
				return fail(c, "unterminated quoted string");
			*s++ = 0;
			continue;
		}
		tok[(*n)++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (*s)
			*s++ = 0;
	}
	return 0;
}

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

/* "500ms", "10s", "5m", "2h" -> microseconds. */
static bool parse_duration(const char *s, int64_t *us)
{
	char *end;
	errno = 0;
	if (!*s || *s == '-')
		return false;
	double v = strtod(s, &end);
	if (errno || end == s)
		return false;
	double mult;
	if (!strcmp(end, "ms"))
		mult = 1e3;
	else if (!strcmp(end, "s"))
		mult = 1e6;
	else if (!strcmp(end, "m"))
		mult = 60e6;
	else if (!strcmp(end, "h"))
		mult = 3600e6;
	else
		return false;
	if (v < 0 || v * mult > 1e15)
		return false;
	*us = (int64_t)(v * mult);
	return true;
}

static bool parse_ratio(const char *s, int64_t *milli)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || v < 0 || v > 1e6)
		return false;
	*milli = (int64_t)(v * 1000 + 0.5);
	return true;
}

/* "10.0.0.1", "10.0.0.1:102", "fe80::1", "[fe80::1]:102", optionally "/prefix". */
static bool parse_addr(const char *s, uint8_t *ipver, uint8_t ip[16], uint16_t *port, uint8_t *prefix,
		       bool allow_prefix)
{
	char buf[128];
	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	*port = 0;
	*prefix = 0;
	char *slash = strchr(buf, '/');
	if (slash) {
		uint64_t p;
		if (!allow_prefix || !parse_u64(slash + 1, &p))
			return false;
		*slash = 0;
		*prefix = (uint8_t)(p > 128 ? 255 : p);
	}
	char *host = buf;
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		if (!close)
			return false;
		*close = 0;
		host = buf + 1;
		if (close[1] == ':') {
			uint64_t p;
			if (!parse_u64(close + 2, &p) || p == 0 || p > 65535)
				return false;
			*port = (uint16_t)p;
		} else if (close[1]) {
			return false;
		}
	} else {
		char *colon = strchr(buf, ':');
		if (colon && !strchr(colon + 1, ':')) {
			uint64_t p;
			if (!parse_u64(colon + 1, &p) || p == 0 || p > 65535)
				return false;
			*port = (uint16_t)p;
			*colon = 0;
		}
	}
	memset(ip, 0, 16);
	if (inet_pton(AF_INET, host, ip) == 1) {
		*ipver = 4;
		if (slash && *prefix > 32)
			return false;
		if (!slash)
			*prefix = 32;
		return true;
	}
	if (inet_pton(AF_INET6, host, ip) == 1) {
		*ipver = 6;
		if (slash && *prefix > 128)
			return false;
		if (!slash)
			*prefix = 128;
		return true;
	}
	return false;
}

/* An SCL IED name (tName: a letter or '_' first, then letters, digits, '_'). */
static bool scl_name_ok(const char *s, size_t size)
{
	size_t n = strlen(s);
	if (!n || n >= size || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

/* The index of a name in r->names (added when new), -1 when full. */
static int16_t name_index(struct rules *r, const char *name)
{
	for (size_t i = 0; i < r->n_names; i++)
		if (!strcmp(r->names[i], name))
			return (int16_t)i;
	if (r->n_names >= RULES_MAX_NAMES)
		return -1;
	snprintf(r->names[r->n_names], sizeof(r->names[0]), "%s", name);
	return (int16_t)r->n_names++;
}

bool (*g_rules_ied_named)(const char *name, uint8_t ipver, const uint8_t *ip, uint16_t port);

/* Is this address one of the named IED's ConnectedAPs? Only a loaded design can
 * say (the design checks set the resolver): without one, nothing matches. */
static bool scl_named(const char *name, uint8_t ipver, const uint8_t *ip, uint16_t port)
{
	return g_rules_ied_named && g_rules_ied_named(name, ipver, ip, port);
}

static int directive(struct rules *r, struct ctx *c, char **t, int n)
{
	if (!strcmp(t[0], "set")) {
		if (n != 3)
			return fail(c, "usage: set NAME VALUE");
		for (int i = 0; i < THR_COUNT; i++) {
			if (strcmp(t[1], THR[i].name))
				continue;
			uint64_t u;
			bool ok = THR[i].kind == 'D' ? parse_duration(t[2], &r->thr[i])
				: THR[i].kind == 'R'
				? parse_ratio(t[2], &r->thr[i])
				: (parse_u64(t[2], &u) && u <= 1000000000 && (r->thr[i] = (int64_t)u, true));
			if (!ok)
				return fail(c, "%s: '%s' is not %s", t[1], t[2],
					    THR[i].kind == 'D'           ? "a duration (e.g. 500ms, 10s, 5m, 2h)"
						    : THR[i].kind == 'R' ? "a non-negative number"
									 : "a whole number");
			return 0;
		}
		return fail(c, "unknown setting '%s' (see docs/rules.md)", t[1]);
	}
	if (!strcmp(t[0], "severity")) {
		if (n != 3)
			return fail(c, "usage: severity KIND LEVEL");
		uint8_t sev = severity_parse(t[2]);
		if (sev == SEV_COUNT)
			return fail(c, "'%s' is not a severity (info, low, medium, high, critical)", t[2]);
		/* an override of a kind nothing emits would change nothing, silently */
		if (!finding_kind_find(t[1]))
			return fail(c, "'%s' is not a finding kind (docs/findings.md lists them)", t[1]);
		if (strlen(t[1]) >= sizeof(r->sev[0].kind))
			return fail(c, "finding kind '%s' is too long", t[1]);
		for (size_t i = 0; i < r->n_sev; i++)
			if (!strcmp(r->sev[i].kind, t[1])) {
				r->sev[i].sev = sev;
				return 0;
			}
		if (r->n_sev >= RULES_MAX_SEVERITY)
			return fail(c, "too many severity overrides (at most %d)", RULES_MAX_SEVERITY);
		strcpy(r->sev[r->n_sev].kind, t[1]);
		r->sev[r->n_sev++].sev = sev;
		return 0;
	}
	if (!strcmp(t[0], "ied")) {
		if (n < 2)
			return fail(c, "usage: ied ADDR[:PORT] [name NAME] [limit N]");
		if (r->n_ied >= RULES_MAX_IEDS)
			return fail(c, "too many ied lines (at most %d)", RULES_MAX_IEDS);
		struct rule_ied *d = &r->ied[r->n_ied];
		memset(d, 0, sizeof(*d));
		uint8_t prefix;
		if (!parse_addr(t[1], &d->ipver, d->ip, &d->port, &prefix, false))
			return fail(c, "'%s' is not an address (10.0.0.1, 10.0.0.1:102, [fe80::1]:102)", t[1]);
		for (int i = 2; i < n; i += 2) {
			if (i + 1 >= n)
				return fail(c, "'%s' needs a value", t[i]);
			uint64_t v;
			if (!strcmp(t[i], "name")) {
				if (strlen(t[i + 1]) >= sizeof(d->name))
					return fail(c, "name is too long (at most %zu characters)",
						    sizeof(d->name) - 1);
				strcpy(d->name, t[i + 1]);
			} else if (!strcmp(t[i], "limit")) {
				if (!parse_u64(t[i + 1], &v) || v == 0 || v > 100000)
					return fail(c, "limit: '%s' is not a number of associations (1-100000)",
						    t[i + 1]);
				d->limit = (uint32_t)v;
			} else {
				return fail(c, "unknown ied attribute '%s' (name, limit)", t[i]);
			}
		}
		r->n_ied++;
		return 0;
	}
	if (!strcmp(t[0], "allow")) {
		if (n < 3)
			return fail(c, "usage: allow write|control|associate CLIENT[/PREFIX] [ied ADDR] [object GLOB]");
		if (r->n_allow >= RULES_MAX_ALLOW)
			return fail(c, "too many allow lines (at most %d)", RULES_MAX_ALLOW);
		struct rule_allow *a = &r->allow[r->n_allow];
		memset(a, 0, sizeof(*a));
		a->client_name = a->ied_name = -1;
		if (!strcmp(t[1], "write"))
			a->what = ALLOW_WRITE;
		else if (!strcmp(t[1], "control"))
			a->what = ALLOW_CONTROL;
		else if (!strcmp(t[1], "associate"))
			a->what = ALLOW_ASSOCIATE;
		else
			return fail(c, "allow what? '%s' (write, control, associate)", t[1]);
		uint16_t port;
		if (!strcmp(t[2], "any")) {
			a->ipver = 0;
		} else if (!parse_addr(t[2], &a->ipver, a->ip, &port, &a->prefix, true) || port) {
			if (!scl_name_ok(t[2], sizeof(r->names[0])))
				return fail(c,
					    "'%s' is not a client address or prefix (10.0.0.5, 10.0.0.0/24, any) "
					    "nor an SCL IED name",
					    t[2]);
			if ((a->client_name = name_index(r, t[2])) < 0)
				return fail(c, "too many SCL IED names in allow lines (at most %d)", RULES_MAX_NAMES);
			a->ipver = 0;
		}
		for (int i = 3; i < n; i += 2) {
			if (i + 1 >= n)
				return fail(c, "'%s' needs a value", t[i]);
			if (!strcmp(t[i], "ied")) {
				uint8_t prefix;
				if (!parse_addr(t[i + 1], &a->ied_ipver, a->ied_ip, &a->ied_port, &prefix, false)) {
					if (!scl_name_ok(t[i + 1], sizeof(r->names[0])))
						return fail(c, "ied: '%s' is not an address nor an SCL IED name",
							    t[i + 1]);
					if ((a->ied_name = name_index(r, t[i + 1])) < 0)
						return fail(c, "too many SCL IED names in allow lines (at most %d)",
							    RULES_MAX_NAMES);
				} else {
					a->has_ied = true;
				}
			} else if (!strcmp(t[i], "object")) {
				if (a->what == ALLOW_ASSOCIATE)
					return fail(c, "'object' does not apply to 'allow associate'");
				if (strlen(t[i + 1]) >= sizeof(a->object))
					return fail(c, "object pattern is too long");
				strcpy(a->object, t[i + 1]);
			} else {
				return fail(c, "unknown allow attribute '%s' (ied, object)", t[i]);
			}
		}
		r->allow_any[a->what] = true;
		r->n_allow++;
		return 0;
	}
	return fail(c, "unknown directive '%s' (set, severity, ied, allow)", t[0]);
}

int rules_load(struct rules *r, const char *path, char *err, size_t errsize)
{
	struct ctx c = { path, 0, err, errsize };
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	char line[LINE_MAX_LEN + 2];
	int rc = 0;
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		c.line++;
		size_t len = strlen(line);
		if (len > LINE_MAX_LEN || (len == sizeof(line) - 1 && line[len - 1] != '\n')) {
			rc = fail(&c, "line too long (at most %d characters)", LINE_MAX_LEN);
			break;
		}
		if (c.line > FILE_MAX_LINES) {
			rc = fail(&c, "too many lines (at most %d)", FILE_MAX_LINES);
			break;
		}
		for (size_t i = 0; i < len; i++)
			if (line[i] == '\n' || line[i] == '\r')
				line[i] = 0;
			else if ((unsigned char)line[i] < 0x20 && line[i] != '\t') {
				rc = fail(&c, "control character in line");
				break;
			}
		if (rc)
			break;
		char *tok[MAX_TOKENS];
		int n;
		if ((rc = tokenize(&c, line, tok, &n)) != 0 || n == 0)
			continue;
		rc = directive(r, &c, tok, n);
	}
	if (rc == 0 && ferror(f))
		rc = fail(&c, "read error");
	fclose(f);
	return rc;
}

uint8_t rules_severity(const struct rules *r, const char *kind, uint8_t dflt)
{
	for (size_t i = 0; i < r->n_sev; i++)
		if (!strcmp(r->sev[i].kind, kind))
			return r->sev[i].sev;
	return dflt;
}

static bool addr_eq(uint8_t v, const uint8_t *a, uint8_t v2, const uint8_t *b)
{
	return v == v2 && !memcmp(a, b, v == 4 ? 4 : 16);
}

const struct rule_ied *rules_ied(const struct rules *r, uint8_t ipver, const uint8_t *ip, uint16_t port)
{
	for (size_t i = 0; i < r->n_ied; i++)
		if (addr_eq(r->ied[i].ipver, r->ied[i].ip, ipver, ip) && (!r->ied[i].port || r->ied[i].port == port))
			return &r->ied[i];
	return NULL;
}

static bool prefix_match(const uint8_t *net, const uint8_t *ip, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;
	if (memcmp(net, ip, full))
		return false;
	if (rest && ((net[full] ^ ip[full]) & (0xff << (8 - rest))))
		return false;
	return true;
}

bool rules_allowed(const struct rules *r, uint8_t what, uint8_t ipver, const uint8_t *client, const uint8_t *ied,
		   uint16_t ied_port, const char *object)
{
	if (!r->allow_any[what])
		return true;
	for (size_t i = 0; i < r->n_allow; i++) {
		const struct rule_allow *a = &r->allow[i];
		if (a->what != what)
			continue;
		if (a->ipver && (a->ipver != ipver || !prefix_match(a->ip, client, a->prefix)))
			continue;
		if (a->client_name >= 0 && !scl_named(r->names[a->client_name], ipver, client, 0))
			continue;
		if (a->ied_name >= 0 && !scl_named(r->names[a->ied_name], ipver, ied, ied_port))
			continue;
		if (a->has_ied &&
		    (!addr_eq(a->ied_ipver, a->ied_ip, ipver, ied) || (a->ied_port && a->ied_port != ied_port)))
			continue;
		if (a->object[0] && (!object || fnmatch(a->object, object, 0) != 0))
			continue;
		return true;
	}
	return false;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* facts.c - a run's facts (facts.h): a growing array with an open-addressing
 * index over (kind, IED, client, name). */
#include "core/facts.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fnv.h"

static const char *const KIND_NAME[FACT_KIND_COUNT] = {
	[FACT_IED] = "ied",           [FACT_CLIENT] = "client",   [FACT_SERVICE] = "service", [FACT_ACSI] = "acsi",
	[FACT_IDENTITY] = "identity", [FACT_CONFREV] = "confrev", [FACT_DATASET] = "dataset", [FACT_RCB] = "rcb",
};

const char *fact_kind_name(enum fact_kind k)
{
	return (unsigned)k < FACT_KIND_COUNT ? KIND_NAME[k] : "?";
}

int fact_kind_parse(const char *name)
{
	for (int k = 0; name && k < FACT_KIND_COUNT; k++)
		if (!strcmp(name, KIND_NAME[k]))
			return k;
	return -1;
}

void facts_init(struct fact_table *t, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->max = max ? max : FACTS_MAX;
}

void facts_free(struct fact_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].ied);
		free(t->v[i].value);
	}
	free(t->v);
	free(t->slot);
	size_t max = t->max;
	facts_init(t, max);
}

static uint32_t fnv(uint32_t h, const char *s)
{
	h = fnv1a32(h, s, strlen(s));
	return (h ^ 0xff) * 16777619u; /* a separator, so "ab"+"c" differs from "a"+"bc" */
}

static uint32_t key_hash(unsigned k, const char *ied, const char *client, const char *name)
{
	uint32_t h = (FNV1A32_INIT ^ k) * 16777619u;
	return fnv(fnv(fnv(h, ied), client), name);
}

static bool same(const struct fact *f, unsigned k, const char *ied, const char *client, const char *name)
{
	return f->kind == k && !strcmp(f->ied, ied) && !strcmp(f->client, client) && !strcmp(f->name, name);
}

/* The slot holding the fact, or the empty slot where it would go. */
static uint32_t *slot_for(const struct fact_table *t, unsigned k, const char *ied, const char *client, const char *name)
{
	size_t mask = t->n_slots - 1;
	for (size_t i = key_hash(k, ied, client, name) & mask;; i = (i + 1) & mask) {
		uint32_t s = t->slot[i];
		if (!s || same(&t->v[s - 1], k, ied, client, name))
			return &t->slot[i];
	}
}

static bool grow(struct fact_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 256;
	if (cap > t->max)
		cap = t->max;
	struct fact *v = realloc(t->v, cap * sizeof(*v));
	if (!v)
		return false;
	t->v = v;
	t->cap = cap;
	size_t n_slots = 16;
	while (n_slots < cap * 2)
		n_slots *= 2;
	uint32_t *slot = calloc(n_slots, sizeof(*slot));
	if (!slot)
		return false;
	free(t->slot);
	t->slot = slot;
	t->n_slots = n_slots;
	for (size_t i = 0; i < t->n; i++)
		*slot_for(t, t->v[i].kind, t->v[i].ied, t->v[i].client, t->v[i].name) = (uint32_t)i + 1;
	return true;
}

struct fact *facts_find(const struct fact_table *t, enum fact_kind k, const char *ied, const char *client,
			const char *name)
{
	if (!t || !t->n_slots)
		return NULL;
	uint32_t s = *slot_for(t, (unsigned)k, ied ? ied : "", client ? client : "", name ? name : "");
	return s ? &t->v[s - 1] : NULL;
}

/* A value too long to keep whole is kept as its length and FNV-1a 64 hash: two
 * runs still compare equal or not, which is all a drift check needs. */
static char *value_copy(const char *value)
{
	size_t len = strlen(value);
	if (len <= FACT_VALUE_MAX)
		return strdup(value);
	uint64_t h = 14695981039346656037ull;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)value[i]) * 1099511628211ull;
	char *v = malloc(64);
	if (v)
		snprintf(v, 64, "(%zu bytes, fnv64 %016llx)", len, (unsigned long long)h);
	return v;
}

struct fact *facts_put(struct fact_table *t, enum fact_kind k, const char *ied, const char *client, const char *name,
		       const char *value, bool *changed)
{
	if (changed)
		*changed = false;
	ied = ied ? ied : "";
	client = client ? client : "";
	name = name ? name : "";
	value = value ? value : "";
	if (strlen(ied) >= FACT_IED_LEN || strlen(client) >= FACT_CLIENT_LEN || strlen(name) >= FACT_NAME_LEN) {
		t->dropped++; /* a name this long is no name a device gave; not kept */
		return NULL;
	}
	struct fact *f = facts_find(t, k, ied, client, name);
	if (f) {
		if (!strcmp(f->value, value))
			return f;
		char *v = value_copy(value);
		if (!v)
			return f;
		if (strcmp(f->value, v)) {
			free(f->value);
			f->value = v;
			f->stamp = t->stamp;
			if (changed)
				*changed = true;
		} else {
			free(v); /* the same long value, hashed */
		}
		return f;
	}
	if (t->n >= t->max || (((t->n + 1) * 2 > t->n_slots || t->n == t->cap) && !grow(t))) {
		t->dropped++;
		return NULL;
	}
	size_t li = strlen(ied) + 1, lc = strlen(client) + 1, ln = strlen(name) + 1;
	char *v = value_copy(value), *key = malloc(li + lc + ln);
	if (!v || !key) {
		free(v);
		free(key);
		t->dropped++;
		return NULL;
	}
	memcpy(key, ied, li);
	memcpy(key + li, client, lc);
	memcpy(key + li + lc, name, ln);
	f = &t->v[t->n];
	memset(f, 0, sizeof(*f));
	f->kind = (uint8_t)k;
	f->stamp = t->stamp;
	f->ied = key;
	f->client = key + li;
	f->name = key + li + lc;
	f->value = v;
	*slot_for(t, (unsigned)k, ied, client, name) = (uint32_t)++t->n;
	if (changed)
		*changed = true;
	return f;
}

void fact_ied_key(const struct endpoint *e, char *buf, size_t size)
{
	char ip[64], vlan[48] = "";
	size_t used = 0;
	endpoint_ip_text(e, ip, sizeof(ip));
	for (unsigned i = 0; i < e->n_vlan && used + 8 < sizeof(vlan); i++)
		used += (size_t)snprintf(vlan + used, sizeof(vlan) - used, "%s%u", i ? "." : "", e->vlan[i]);
	snprintf(buf, size, "%s|%u|%s", ip, e->port, vlan);
}

bool fact_ied_endpoint(const char *key, struct endpoint *e)
{
	memset(e, 0, sizeof(*e));
	const char *bar = strchr(key, '|');
	if (!bar || bar - key >= 64)
		return false;
	char ip[64];
	memcpy(ip, key, (size_t)(bar - key));
	ip[bar - key] = 0;
	if (inet_pton(AF_INET, ip, e->ip) == 1)
		e->ipver = 4;
	else if (inet_pton(AF_INET6, ip, e->ip) == 1)
		e->ipver = 6;
	else
		return false;
	char *end;
	unsigned long port = strtoul(bar + 1, &end, 10);
	if (*end != '|' || port > 65535)
		return false;
	e->port = (uint16_t)port;
	for (const char *p = end + 1; *p && e->n_vlan < MMSW_MAX_VLAN;) {
		unsigned long v = strtoul(p, &end, 10);
		if (end == p || v > 4095)
			return false;
		e->vlan[e->n_vlan++] = (uint16_t)v;
		p = *end == '.' ? end + 1 : end;
		if (*end && *end != '.')
			return false;
	}
	return true;
}

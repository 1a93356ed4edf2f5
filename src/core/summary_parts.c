/* SPDX-License-Identifier: GPL-2.0-or-later */
/* summary_parts.c - the summary's marker lines; see summary_parts.h. */
#include "core/summary_parts.h"

#include <stdlib.h>
#include <string.h>

static char token[SUMMARY_PARTS_TOKEN_LEN + 1];
static bool on;

void summary_parts_init(void)
{
	const char *t = getenv(SUMMARY_PARTS_ENV);
	on = t && strlen(t) == SUMMARY_PARTS_TOKEN_LEN && strspn(t, "0123456789abcdef") == SUMMARY_PARTS_TOKEN_LEN;
	if (on)
		memcpy(token, t, sizeof(token));
}

bool summary_parts(void)
{
	return on;
}

const char *summary_parts_token(void)
{
	return on ? token : NULL;
}

void parts_section(FILE *out, const char *name)
{
	fprintf(out, "\x1e%s S %s\n", token, name);
}

void parts_piece(FILE *out, uint64_t rank, const struct order_key *key)
{
	fprintf(out, "\x1e%s P %llu %llu %llu %llu %llu\n", token, (unsigned long long)rank,
		(unsigned long long)key->k[0], (unsigned long long)key->k[1], (unsigned long long)key->k[2],
		(unsigned long long)key->k[3]);
}

void parts_piece_id(FILE *out, uint64_t rank, const struct order_key *key, const char *id)
{
	fprintf(out, "\x1e%s P %llu %llu %llu %llu %llu ", token, (unsigned long long)rank,
		(unsigned long long)key->k[0], (unsigned long long)key->k[1], (unsigned long long)key->k[2],
		(unsigned long long)key->k[3]);
	for (size_t i = 0; id[i] && i < 48; i++)
		fputc((unsigned char)id[i] <= ' ' || id[i] == 0x7f ? '_' : id[i], out);
	fputc('\n', out);
}

void parts_least(FILE *out, const char *name, uint64_t v)
{
	fprintf(out, "\x1e%s L %s %llu\n", token, name, (unsigned long long)v);
}

void parts_sum(FILE *out, const char *name, uint64_t v)
{
	fprintf(out, "\x1e%s N %s %llu\n", token, name, (unsigned long long)v);
}

void parts_same(FILE *out, const char *name, uint64_t v)
{
	fprintf(out, "\x1e%s M %s %llu\n", token, name, (unsigned long long)v);
}

void parts_text(FILE *out, const char *name, const char *s)
{
	fprintf(out, "\x1e%s T %s ", token, name);
	for (; *s; s++)
		fputc(*s == '\n' || *s == '\r' ? '?' : *s, out);
	fputc('\n', out);
}

void parts_end(FILE *out)
{
	fprintf(out, "\x1e%s E\n", token);
}

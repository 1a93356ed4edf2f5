/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ber.c - BER TLV reading; see ber.h. */
#include "ber.h"
#include "limits.h"

#include <stdio.h>

const char *ber_status_name(enum ber_status s)
{
	switch (s) {
	case BER_OK:
		return "ok";
	case BER_TRUNCATED:
		return "truncated";
	case BER_INVALID:
		return "invalid";
	case BER_TOO_DEEP:
		return "too_deep";
	}
	return "unknown";
}

/* Identifier and length octets at p[0..avail). On success: *hdr = header size,
 * *len = contents length (or SIZE_MAX for indefinite). */
static enum ber_status ber_header(const uint8_t *p, size_t avail, uint8_t *id, uint32_t *tag, size_t *hdr, size_t *len)
{
	size_t i = 0;
	if (avail < 2)
		return BER_TRUNCATED;
	*id = p[i++];
	if ((*id & 0x1f) == 0x1f) {
		uint32_t t = 0;
		for (int n = 0;; n++) {
			if (i >= avail)
				return BER_TRUNCATED;
			uint8_t b = p[i++];
			if (n == 0 && b == 0x80)
				return BER_INVALID; /* leading zero septet */
			if (t > (MMSW_BER_MAX_TAG >> 7))
				return BER_INVALID;
			t = (t << 7) | (b & 0x7f);
			if (!(b & 0x80))
				break;
		}
		*tag = t;
	} else {
		*tag = *id & 0x1f;
	}
	if (i >= avail)
		return BER_TRUNCATED;
	uint8_t l0 = p[i++];
	if (l0 < 0x80) {
		*len = l0;
	} else if (l0 == 0x80) {
		if (!(*id & 0x20))
			return BER_INVALID; /* indefinite length needs a constructed element */
		*len = SIZE_MAX;
	} else {
		unsigned n = l0 & 0x7f;
		if (n > 4)
			return BER_INVALID; /* no PDU here can be >= 4 GiB */
		size_t l = 0;
		for (unsigned k = 0; k < n; k++) {
			if (i >= avail)
				return BER_TRUNCATED;
			l = (l << 8) | p[i++];
		}
		*len = l;
	}
	*hdr = i;
	return BER_OK;
}

/* Contents of an indefinite-length element start at p; find the end-of-contents
 * octets that close it. Iterative: only indefinite elements are entered, definite
 * ones are skipped by their length, so the work is linear and the depth is capped. */
static enum ber_status ber_find_eoc(const uint8_t *p, size_t avail, size_t *content_len)
{
	size_t pos = 0;
	unsigned depth = 1;
	while (pos < avail) {
		if (p[pos] == 0x00) {
			if (pos + 1 >= avail)
				return BER_TRUNCATED;
			if (p[pos + 1] != 0x00)
				return BER_INVALID;
			if (--depth == 0) {
				*content_len = pos;
				return BER_OK;
			}
			pos += 2;
			continue;
		}
		uint8_t id;
		uint32_t tag;
		size_t hdr, len;
		enum ber_status s = ber_header(p + pos, avail - pos, &id, &tag, &hdr, &len);
		if (s != BER_OK)
			return s;
		pos += hdr;
		if (len == SIZE_MAX) {
			if (++depth > MMSW_BER_MAX_DEPTH)
				return BER_TOO_DEEP;
			continue;
		}
		if (len > avail - pos)
			return BER_TRUNCATED;
		pos += len;
	}
	return BER_TRUNCATED;
}

enum ber_status ber_read_general(struct rd *r, struct ber_tlv *t)
{
	const uint8_t *p = rd_ptr(r);
	size_t avail = rd_left(r), hdr, len;
	enum ber_status s = ber_header(p, avail, &t->id, &t->tag, &hdr, &len);
	if (s != BER_OK)
		return s;
	t->cls = t->id >> 6;
	t->constructed = (t->id & 0x20) != 0;
	if (len == SIZE_MAX) {
		size_t clen = 0;
		s = ber_find_eoc(p + hdr, avail - hdr, &clen);
		if (s != BER_OK)
			return s;
		t->indefinite = true;
		t->val = rd_make(p + hdr, clen);
		r->off += hdr + clen + 2;
		return BER_OK;
	}
	if (len > avail - hdr)
		return BER_TRUNCATED;
	t->indefinite = false;
	t->val = rd_make(p + hdr, len);
	r->off += hdr + len;
	return BER_OK;
}

enum ber_status ber_expect(struct rd *r, uint8_t cls, uint32_t tag, struct ber_tlv *t)
{
	struct rd save = *r;
	enum ber_status s = ber_read(r, t);
	if (s != BER_OK)
		return s;
	if (t->cls != cls || t->tag != tag) {
		*r = save;
		return BER_INVALID;
	}
	return BER_OK;
}

bool ber_int64(struct rd v, int64_t *out)
{
	size_t n = rd_left(&v);
	const uint8_t *p = rd_ptr(&v);
	if (n == 0 || n > 8)
		return false;
	uint64_t x = (p[0] & 0x80) ? UINT64_MAX : 0; /* sign extension */
	for (size_t i = 0; i < n; i++)
		x = (x << 8) | p[i];
	*out = (int64_t)x;
	return true;
}

bool ber_bool(struct rd v, bool *out)
{
	if (rd_left(&v) != 1)
		return false;
	*out = v.p[v.off] != 0;
	return true;
}

bool ber_oid_text(struct rd v, char *buf, size_t size)
{
	size_t n = rd_left(&v), used = 0;
	const uint8_t *p = rd_ptr(&v);
	uint64_t arc = 0;
	bool first = true;
	if (n == 0 || size == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (arc > (UINT64_MAX >> 8))
			return false;
		arc = (arc << 7) | (p[i] & 0x7f);
		if (p[i] & 0x80) {
			if (i + 1 == n)
				return false; /* last octet must end an arc */
			continue;
		}
		int w;
		if (first) {
			unsigned a = arc < 40 ? 0 : arc < 80 ? 1 : 2;
			w = snprintf(buf + used, size - used, "%u.%llu", a, (unsigned long long)(arc - 40ull * a));
			first = false;
		} else {
			w = snprintf(buf + used, size - used, ".%llu", (unsigned long long)arc);
		}
		if (w < 0 || (size_t)w >= size - used)
			return false;
		used += (size_t)w;
		arc = 0;
	}
	return true;
}

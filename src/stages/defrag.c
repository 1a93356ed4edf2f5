/* SPDX-License-Identifier: GPL-2.0-or-later */
/* defrag.c - bounded IPv4 defragmenter; see defrag.h. */
#include "stages/defrag.h"

#include <stdlib.h>
#include <string.h>

#include "dissectors/rd.h"
#include "util/stats.h"

#define MAX_PAYLOAD 65535u
#define BLOCKS (MAX_PAYLOAD / 8 + 1)

struct dgram {
	uint8_t src[4], dst[4];
	uint16_t id;
	uint8_t proto;
	bool have_first, have_last;
	int64_t first_ts;
	uint32_t total; /* payload length, known once the last fragment came */
	uint32_t hlen;
	uint8_t hdr[60]; /* header of the first fragment */
	uint32_t cap;    /* bytes allocated in buf */
	uint8_t *buf;
	uint8_t got[BLOCKS / 8 + 1]; /* 8-byte blocks received */
};

static struct dgram *table[MMSW_FRAG_MAX_DATAGRAMS];
static size_t held_bytes;
static uint8_t out[60 + MAX_PAYLOAD];

static void drop(size_t i)
{
	held_bytes -= table[i]->cap;
	free(table[i]->buf);
	free(table[i]);
	table[i] = NULL;
}

void defrag_expire(int64_t now)
{
	for (size_t i = 0; i < MMSW_FRAG_MAX_DATAGRAMS; i++)
		if (table[i] && now - table[i]->first_ts > MMSW_FRAG_TIMEOUT_US) {
			stat_inc(STAT_frag_timeout);
			drop(i);
		}
}

void defrag_free_all(void)
{
	for (size_t i = 0; i < MMSW_FRAG_MAX_DATAGRAMS; i++)
		if (table[i])
			drop(i);
}

static bool block_get(const struct dgram *d, uint32_t b)
{
	return d->got[b / 8] >> (b % 8) & 1;
}
static void block_set(struct dgram *d, uint32_t b)
{
	d->got[b / 8] |= (uint8_t)(1u << (b % 8));
}

bool defrag_ipv4(struct pkt *p)
{
	const uint8_t *h = p->l3;
	uint32_t hlen = (uint32_t)(h[0] & 0x0f) * 4; /* checked by decode_ip */
	uint32_t total = (uint32_t)(h[2] << 8 | h[3]);
	if (total > p->l3len)
		total = p->l3len;
	uint16_t frag = (uint16_t)(h[6] << 8 | h[7]);
	bool more = frag & 0x2000;
	uint32_t off = (uint32_t)(frag & 0x1fff) * 8;
	uint32_t len = total - hlen;
	stat_inc(STAT_ipv4_fragments);
	if (more && (len < 8 || len % 8)) {
		stat_inc(STAT_frag_tiny);
		return false;
	}
	if (off + len > MAX_PAYLOAD) {
		stat_inc(STAT_frag_too_big);
		return false;
	}
	defrag_expire(p->at.ts_us);

	size_t slot = MMSW_FRAG_MAX_DATAGRAMS, free_slot = MMSW_FRAG_MAX_DATAGRAMS;
	for (size_t i = 0; i < MMSW_FRAG_MAX_DATAGRAMS; i++) {
		struct dgram *d = table[i];
		if (!d) {
			if (free_slot == MMSW_FRAG_MAX_DATAGRAMS)
				free_slot = i;
			continue;
		}
		if (d->id == (uint16_t)(h[4] << 8 | h[5]) && d->proto == h[9] && !memcmp(d->src, h + 12, 4) &&
		    !memcmp(d->dst, h + 16, 4)) {
			slot = i;
			break;
		}
	}
	if (slot == MMSW_FRAG_MAX_DATAGRAMS) {
		if (free_slot == MMSW_FRAG_MAX_DATAGRAMS) {
			stat_inc(STAT_frag_table_full);
			return false;
		}
		struct dgram *d = calloc(1, sizeof(*d));
		if (!d)
			return false;
		memcpy(d->src, h + 12, 4);
		memcpy(d->dst, h + 16, 4);
		d->id = (uint16_t)(h[4] << 8 | h[5]);
		d->proto = h[9];
		d->first_ts = p->at.ts_us;
		table[free_slot] = d;
		slot = free_slot;
	}
	struct dgram *d = table[slot];
	if (off + len > d->cap) {
		uint32_t cap = off + len;
		if (held_bytes + (cap - d->cap) > MMSW_FRAG_MAX_BYTES) {
			stat_inc(STAT_frag_memcap);
			drop(slot);
			return false;
		}
		uint8_t *nb = realloc(d->buf, cap);
		if (!nb) {
			drop(slot);
			return false;
		}
		held_bytes += cap - d->cap;
		d->buf = nb;
		d->cap = cap;
	}
	/* First copy wins: only blocks not yet received are taken. */
	bool overlap = false;
	for (uint32_t b = off / 8; b * 8 < off + len; b++) {
		if (block_get(d, b)) {
			overlap = true;
			continue;
		}
		uint32_t s = b * 8, e = s + 8 < off + len ? s + 8 : off + len;
		memcpy(d->buf + s, p->l3 + hlen + (s - off), e - s);
		block_set(d, b);
	}
	if (overlap)
		stat_inc(STAT_frag_overlap);
	if (off == 0 && !d->have_first) {
		d->have_first = true;
		d->hlen = hlen;
		memcpy(d->hdr, h, hlen);
	}
	if (!more && !d->have_last) {
		d->have_last = true;
		d->total = off + len;
	}
	if (!d->have_first || !d->have_last)
		return false;
	for (uint32_t b = 0; b * 8 < d->total; b++)
		if (!block_get(d, b))
			return false;
	/* Complete: rebuild one datagram with a header that no longer says fragment. */
	memcpy(out, d->hdr, d->hlen);
	memcpy(out + d->hlen, d->buf, d->total);
	uint32_t whole = d->hlen + d->total;
	out[2] = (uint8_t)(whole >> 8);
	out[3] = (uint8_t)whole;
	out[6] = out[7] = 0;
	p->l3 = out;
	p->l3len = whole;
	stat_inc(STAT_ipv4_reassembled);
	drop(slot);
	return true;
}

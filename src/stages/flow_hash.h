/* SPDX-License-Identifier: GPL-2.0-or-later */
/* flow_hash.h - the flow table's key of a packet and its hash, computed as
 * words in registers. Used by the flow table (stages/flow_table.c) for every
 * packet, and by the reader thread for the frames it decodes ahead
 * (stages/decode_ahead.c): both must compute the same hash, so both take it
 * from here. Header-only: inlined where it runs, once per frame. */
#ifndef MMSW_FLOW_HASH_H
#define MMSW_FLOW_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/flow.h"
#include "core/packet.h"

/* The key as its six 8-byte words, kept in registers: a key stored field by
 * field and read back as words (to hash or compare it) cannot be forwarded
 * from the store queue, and waits for every older store to reach the cache. */
struct key_words {
	uint64_t w[6];
};
_Static_assert(sizeof(struct key_words) == sizeof(struct flow_key), "struct flow_key: six words");

/* The word whose bytes in memory are the four 16-bit values a, b, c, d in
 * that order (each in host order, as a uint16_t field holds it). */
static inline uint64_t lanes16(uint16_t a, uint16_t b, uint16_t c, uint16_t d)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (uint64_t)a | (uint64_t)b << 16 | (uint64_t)c << 32 | (uint64_t)d << 48;
#else
	return (uint64_t)a << 48 | (uint64_t)b << 32 | (uint64_t)c << 16 | (uint64_t)d;
#endif
}

/* The 16-bit value whose bytes in memory are x, y. */
static inline uint16_t bytes16(uint8_t x, uint8_t y)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (uint16_t)(x | y << 8);
#else
	return (uint16_t)(x << 8 | y);
#endif
}

/* An address as the key's two words (IPv4: its 4 bytes, then zeros). */
static inline void addr_words(const uint8_t *a, size_t alen, uint64_t *w0, uint64_t *w1)
{
	if (alen == 4) {
		uint32_t v;
		memcpy(&v, a, 4);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		*w0 = v;
#else
		*w0 = (uint64_t)v << 32;
#endif
		*w1 = 0;
	} else {
		memcpy(w0, a, 8);
		memcpy(w1, a + 8, 8);
	}
}

/* A multiply-xor hash over the key's words. This runs for every packet. */
static inline uint32_t key_hash(const struct key_words *k)
{
	uint64_t h = 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < 6; i++) {
		h = (h ^ k->w[i]) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	h ^= h >> 29;
	return (uint32_t)h;
}

/* Byte order of two addresses, as memcmp gives it. */
static inline int addr_order(const uint8_t *a, const uint8_t *b, size_t alen)
{
	if (alen == 4) {
		uint32_t x = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
		uint32_t y = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
		return (x > y) - (x < y);
	}
	return memcmp(a, b, alen);
}

/* The canonical key of a packet's addresses, ports and VLAN stack (the struct
 * flow_key layout, as words); *src_ep is the key endpoint of the source. */
static inline struct key_words key_of(uint8_t ipver, const uint8_t *src, const uint8_t *dst, uint16_t sport,
				      uint16_t dport, uint8_t n_vlan, const uint16_t *vlan, int *src_ep)
{
	size_t alen = ipver == 4 ? 4 : 16;
	int c = addr_order(src, dst, alen);
	bool src_first = c < 0 || (c == 0 && sport <= dport);
	*src_ep = src_first ? 0 : 1;
	struct key_words k;
	const uint8_t *first = src_first ? src : dst, *second = src_first ? dst : src;
	addr_words(first, alen, &k.w[0], &k.w[1]);
	addr_words(second, alen, &k.w[2], &k.w[3]);
	uint16_t port0 = src_first ? sport : dport, port1 = src_first ? dport : sport;
	k.w[4] = lanes16(port0, port1, bytes16(ipver, n_vlan), 0);
	uint16_t tag[4] = { 0 };
	for (unsigned i = 0; i < n_vlan && i < 4; i++)
		tag[i] = vlan[i];
	k.w[5] = lanes16(tag[0], tag[1], tag[2], tag[3]);
	return k;
}

_Static_assert(offsetof(struct flow_key, port) == 32 && offsetof(struct flow_key, ipver) == 36 &&
		       offsetof(struct flow_key, n_vlan) == 37 && offsetof(struct flow_key, vlan) == 40,
	       "key_of builds struct flow_key's layout");

/* The canonical key of p; *src_ep is the key endpoint of p's source. */
static inline struct key_words make_key(const struct pkt *p, int *src_ep)
{
	return key_of(p->ipver, p->src, p->dst, p->sport, p->dport, p->n_vlan, p->vlan, src_ep);
}

/* The hash flow_get computes for p's flow. */
static inline uint32_t flow_hash_of(const struct pkt *p)
{
	int src_ep;
	const struct key_words k = make_key(p, &src_ep);
	return key_hash(&k);
}

/* The same for an IPv4 packet with these fields: the reader thread computes
 * it for the frames it decodes ahead (stages/decode_ahead.h), so that the
 * pipeline can ask for the flow before its turn (flow_table_prefetch). */
static inline uint32_t flow_hash_ipv4(const uint8_t src[4], const uint8_t dst[4], uint16_t sport, uint16_t dport,
				      uint8_t n_vlan, const uint16_t *vlan)
{
	int src_ep;
	const struct key_words k = key_of(4, src, dst, sport, dport, n_vlan, vlan, &src_ep);
	return key_hash(&k);
}

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fnv.h - the 32-bit FNV-1a hash, for the tables keyed by bytes (open findings,
 * PRP/HSR nodes, names seen): one copy of the loop instead of one per table. */
#ifndef MMSW_FNV_H
#define MMSW_FNV_H

#include <stddef.h>
#include <stdint.h>

#define FNV1A32_INIT 2166136261u
#define FNV1A32_PRIME 16777619u

/* h continued over the n bytes at p (start with FNV1A32_INIT, or a seed mixed into it). */
static inline uint32_t fnv1a32(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * FNV1A32_PRIME;
	return h;
}

#endif

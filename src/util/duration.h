/* SPDX-License-Identifier: GPL-2.0-or-later */
/* duration.h - one way to write a duration for people: findings' summaries and
 * the end-of-run summary. A threshold of 200 ms reads "200 ms", never "0.000 s"
 * or "0 s". */
#ifndef MMSW_DURATION_H
#define MMSW_DURATION_H

#include <stddef.h>
#include <stdint.h>

/* Microseconds as text: "2 h 5 min" from 2 h up, "10 min", "2 min 5 s" from 2 min
 * up, "2 s", "1.5 s", "2.346 s" from 1 s up (at most three decimals, trailing
 * zeros dropped), "250 ms", "12.5 ms" from 1 ms up, "800 µs" below, "0 s" for
 * zero. Returns buf. */
const char *duration_text(int64_t us, char *buf, size_t size);

/* For use in a printf argument list: DURATION(us) is a string that lives until
 * the end of the enclosing full expression's block (a compound literal). */
#define DURATION_MAX 32
#define DURATION(us) duration_text((us), (char[DURATION_MAX]){ 0 }, DURATION_MAX)

#endif

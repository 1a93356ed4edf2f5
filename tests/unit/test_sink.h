/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_sink.h - a sink for analyzer unit tests: registered on the bus like EVE or
 * the store, it keeps every finding (the last state published for each id) and
 * every record (its kind, where it came from, and a line of text naming what it
 * carries), so a test asserts on what an analyzer emitted, not on a file. */
#ifndef MMSW_TEST_SINK_H
#define MMSW_TEST_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bus.h"
#include "core/finding.h"

#define TEST_RECORD_TEXT 1024

struct test_record {
	uint8_t kind;     /* enum record_kind */
	uint64_t flow_id; /* 0 when not about one flow */
	int dir;
	struct pkt_where at;
	char text[TEST_RECORD_TEXT]; /* "key=value key=value", see test_sink.c */
};

extern const struct sink test_sink;

/* A fresh bus: every analyzer (pipeline_add_analyzers) when `analyzers`, then this
 * sink; what was kept before is forgotten. */
void test_bus_setup(bool analyzers);
/* Forget the findings and records kept so far. */
void test_sink_clear(void);

/* Every finding published since the last clear, in the order first published;
 * each in its last published state. */
void test_findings_foreach(void (*fn)(const struct finding *, void *), void *arg);
size_t test_findings_count(void);

size_t test_records_count(void);
const struct test_record *test_record_at(size_t i);
/* The first record of a kind whose text contains needle (NULL: any), or NULL. */
const struct test_record *test_record_find(uint8_t kind, const char *needle);

#endif

/* test_sink.h - a sink for analyzer unit tests: it keeps every finding (its
 * latest state, by id) and every record (as text, since pointers inside a record
 * live only as long as its delivery), so that a test asserts on what the
 * analyzers handed to the sinks rather than on an output file. */
#ifndef MMSW_TEST_SINK_H
#define MMSW_TEST_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bus.h"
#include "core/finding.h"
#include "core/packet.h"

struct test_record {
	uint8_t kind;              /* enum record_kind */
	uint64_t flow_id;          /* 0 when the record is not about one flow */
	int dir;
	struct pkt_where at;
	char text[512];            /* what the test needs of it (test_sink.c, describe()) */
};

extern const struct sink test_sink;

/* Forget the findings and records kept so far. */
void test_sink_clear(void);
/* A clean bus: the analyzers (when asked, in pipeline order), then the test sink. */
void test_bus_setup(bool analyzers);

void test_findings_foreach(void (*fn)(const struct finding *, void *), void *arg);
size_t test_findings_count(void);
size_t test_records_count(void);
const struct test_record *test_record_at(size_t i);
/* The first record of that kind whose text contains needle (NULL: any). */
const struct test_record *test_record_find(uint8_t kind, const char *needle);

#endif

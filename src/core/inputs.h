/* inputs.h - what the run reads, as the layers above the capture name it: the
 * input files (EVE's pcap_filename, the store's run row, the summary's header)
 * and, when live, the kernel's capture counters. The capture stage fills them. */
#ifndef MMSW_INPUTS_H
#define MMSW_INPUTS_H

#include <stddef.h>
#include <stdint.h>

struct input_file {
	char *path;
	int64_t first_ts;    /* first packet time (us); INT64_MAX when the file has none */
	int dlt;
};

struct input_set {
	struct input_file *files;
	size_t n;
};

/* The run's input files (main.c sets them once they are opened; NULL or an
 * empty set when live). */
void inputs_use(const struct input_set *s);
/* The path of input file file_idx, NULL when there is none (live). */
const char *input_name(uint32_t file_idx);

/* A live capture's counters (pcap_stats): what the kernel and the interface
 * dropped before mmswatch saw it. */
struct live_stats {
	uint64_t received, dropped, if_dropped;
};

#endif

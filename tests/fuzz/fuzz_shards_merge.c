/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_shards_merge.c - the merge of a --shards job's parts (src/shards_merge.c)
 * and its two renderings, the summary (src/shards_summary.c) and the inventory
 * document (src/shards_inventory.c). The processes are our own, but the text
 * between their markers holds capture bytes, and a process can be stopped
 * half-way: the input is up to four processes' outputs, split at NUL bytes,
 * each given to both mergers (seeds: tests/fuzz/seeds-shards-merge, parts of
 * real runs with the token below). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shards_inventory.h"
#include "shards_summary.h"

#define TOKEN "0123456789abcdef0123456789abcdef"
#define OUTPUTS_MAX 4

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	if (n > (1u << 20))
		return 0;
	FILE *outs[OUTPUTS_MAX];
	char *paths[OUTPUTS_MAX];
	char names[OUTPUTS_MAX][64];
	unsigned k = 0;
	size_t at = 0;
	while (k < OUTPUTS_MAX && at <= n) {
		const uint8_t *nul = memchr(d + at, 0, n - at);
		size_t len = nul ? (size_t)(nul - (d + at)) : n - at;
		/* the summary reads streams, the inventory files: both from here */
		snprintf(names[k], sizeof(names[k]), "/tmp/fuzz-shards-merge.%ld.%u", (long)getpid(), k);
		FILE *f = fopen(names[k], "w+");
		if (!f)
			break;
		if (len && fwrite(d + at, 1, len, f) != len) {
			fclose(f);
			break;
		}
		fflush(f);
		outs[k] = f;
		paths[k] = names[k];
		k++;
		at += len + 1;
		if (!nul)
			break;
	}
	FILE *null = fopen("/dev/null", "w");
	if (null && k) {
		shards_summary_print(null, outs, k, TOKEN);
		char doc[80];
		snprintf(doc, sizeof(doc), "/tmp/fuzz-shards-merge.%ld.doc", (long)getpid());
		shards_inventory_write(doc, paths, k, TOKEN);
		unlink(doc);
	}
	if (null)
		fclose(null);
	for (unsigned i = 0; i < k; i++) {
		fclose(outs[i]);
		unlink(names[i]);
	}
	return 0;
}

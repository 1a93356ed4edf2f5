/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shards_inventory.c - a --shards job's inventory document; see
 * shards_inventory.h. The document's first line and its end (the limits) come
 * from output/inventory_doc.c, as a single run's do; its lists are the
 * processes' pieces in key order, one a line, as a single run writes them. */
#include "shards_inventory.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "output/inventory_doc.h"
#include "shards_merge.h"
#include "util/log.h"

/* A piece's or a head's text without the newline each ends with in the parts. */
static void put_line(FILE *out, const struct merge_text *t)
{
	size_t len = t->len;
	if (len && t->p[len - 1] == '\n')
		len--;
	if (len)
		fwrite(t->p, 1, len, out);
}

/* A list: its opening, then its items, one a line. */
static void put_list(FILE *out, struct merge *m, const char *open, const char *section)
{
	fputs(open, out);
	struct merge_section *s = merge_section(m, section);
	if (!s)
		return;
	merge_sort(m, s);
	for (size_t i = 0; i < s->n_pieces; i++) {
		fputs(i ? ",\n" : "\n", out);
		put_line(out, &s->pieces[i].t);
	}
}

static bool has_number(const struct merge_section *s, const char *name)
{
	for (size_t i = 0; i < s->n_nums; i++)
		if (!strcmp(s->nums[i].name, name))
			return true;
	return false;
}

static bool has_pieces(struct merge *m, const char *section)
{
	struct merge_section *s = merge_section(m, section);
	return s && s->n_pieces;
}

void shards_inventory_put(FILE *out, struct merge *m)
{
	struct inventory_doc_totals t = {
		.first_seen = (int64_t)merge_number(m, "doc.head", "first_seen"),
		.last_seen = (int64_t)merge_number(m, "doc.head", "last_seen"),
		.inventory_full = merge_number(m, "doc.head", "inventory_full"),
		.ied_table_full = merge_number(m, "doc.head", "ied_table_full"),
		.l2_frames_not_listed = merge_number(m, "doc.head", "l2_frames_not_listed"),
		.l2_frames_unusable = merge_number(m, "doc.head", "l2_frames_unusable"),
	};
	inventory_doc_open(out, &t);
	put_list(out, m, ",\n\"ieds\":[", "doc.ieds");
	put_list(out, m, "],\n\"goose\":[", "doc.goose");
	put_list(out, m, "],\n\"sv\":[", "doc.sv");
	put_list(out, m, "],\n\"mms_vlans\":[", "doc.mms_vlans");
	/* as a single run: only when there is one */
	if (has_pieces(m, "doc.redundancy_nodes"))
		put_list(out, m, "],\n\"redundancy_nodes\":[", "doc.redundancy_nodes");
	if (has_pieces(m, "doc.time_sources"))
		put_list(out, m, "],\n\"time_sources\":[", "doc.time_sources");
	struct merge_section *design = merge_section(m, "doc.design");
	if (design) {
		fputs("],\n\"design\":{", out);
		put_line(out, &design->head);
		put_list(out, m, ",\"ieds\":[", "doc.design_ieds");
		const struct merge_section *ieds = merge_section(m, "doc.design_ieds");
		if (ieds && has_number(ieds, "designed")) {
			/* the database's document: the designed IEDs no process saw,
			 * counted (each process listed those it saw, one piece each) */
			uint64_t designed = merge_number(m, "doc.design_ieds", "designed");
			fprintf(out, "],\n\"designed_not_seen\":%llu",
				(unsigned long long)(designed > ieds->n_pieces ? designed - ieds->n_pieces : 0));
			put_list(out, m, ",\n\"not_designed\":[", "doc.not_designed");
		} else {
			put_list(out, m, "],\n\"not_designed\":[", "doc.not_designed");
		}
		fputs("]}", out);
	}
	inventory_doc_close(out, !design, &t);
}

int shards_inventory_write(const char *path, char *const *parts, unsigned n, const char *token)
{
	struct merge *m = calloc(1, sizeof(*m));
	int rc = m ? 0 : -1;
	for (unsigned k = 0; k < n && rc == 0; k++) {
		FILE *f = fopen(parts[k], "r");
		char *buf = NULL;
		size_t len = 0;
		const char *first;
		if (!f || !merge_read(f, &buf, &len) || !merge_whole(buf, len, token, &first)) {
			log_error("%s: the inventory of shard %u/%u is missing or not whole: no document written", path,
				  k, n);
			rc = -1;
		} else
			merge_add(m, k, buf, len, token, NULL, NULL);
		free(buf);
		if (f)
			fclose(f);
	}
	FILE *out = rc == 0 ? fopen(path, "w") : NULL;
	if (rc == 0 && !out) {
		log_error("%s: cannot write the inventory: %s", path, strerror(errno));
		rc = -1;
	}
	if (out) {
		shards_inventory_put(out, m);
		if (m->full)
			log_error("%s: the inventory's merge hit a cap or ran out of memory; parts of it are left out",
				  path);
		if (fclose(out) != 0) {
			log_error("%s: the inventory could not be written completely", path);
			rc = -1;
		}
	}
	merge_free(m);
	return rc;
}

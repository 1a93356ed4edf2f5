/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_scl.c - the SCL loader (core/scl_load.c) on arbitrary bytes, and, when a file
 * loads, every look-up and name over what it built. Seeds: tests/scl/data. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/scl.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void leaf(const char *item, const struct scl_attr_info *a, void *arg)
{
	(void)a;
	*(size_t *)arg += strlen(item);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char err[512];
	struct scl *m = scl_load_memory("fuzz.scd", d, n, err, sizeof(err));
	if (!m)
		return 0;
	size_t sum = 0;
	for (size_t i = 0; i < scl_ied_count(m); i++) {
		const struct scl_ied *ied = scl_ied_at(m, i);
		(void)scl_ied_by_name(m, ied->name);
		for (uint32_t a = 0; a < ied->n_addrs; a++)
			(void)scl_addr_by_text(m, ied->addrs[a].ip_text, ied->addrs[a].mms_port);
		for (uint32_t l = 0; l < ied->n_lds; l++) {
			const struct scl_ldevice *ld = &ied->lds[l];
			(void)scl_ld_by_domain(m, ld->domain);
			for (uint32_t k = 0; k < ld->n_datasets; k++) {
				const struct scl_dataset *ds = &ld->datasets[k];
				(void)scl_dataset_by_ref(m, NULL, ds->ref);
				for (uint32_t f = 0; f < ds->n_fcdas; f++)
					scl_fcda_leaves(&ds->fcdas[f], leaf, &sum, 64);
			}
			for (uint32_t k = 0; k < ld->n_rcbs; k++) {
				char item[200], ref[400];
				const struct scl_rcb *r = &ld->rcbs[k];
				scl_rcb_instance_item(r, r->max, item, sizeof(item));
				snprintf(ref, sizeof(ref), "%s/%s", ld->domain, item);
				(void)scl_rcb_by_ref(m, NULL, ref, NULL);
				(void)scl_report_dataset(m, ied, NULL, r->rpt_id);
			}
		}
	}
	scl_free(m);
	return sum == (size_t)-1;
}

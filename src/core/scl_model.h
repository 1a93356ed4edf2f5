/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scl_model.h - the inside of struct scl, shared by the loader (scl_load.c) and the
 * read-only look-ups (scl.c). Nothing else includes it: analyzers and sinks see
 * core/scl.h only. */
#ifndef MMSW_SCL_MODEL_H
#define MMSW_SCL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The public types (core/scl.h) appear here by pointer only: this header does not
 * include scl.h, so that scl.c can include both without a cycle of units. */
struct scl_file;
struct scl_ied;
struct scl_ldevice;
struct scl_ln;
struct scl_dataset;
struct scl_fcda;
struct scl_rcb;
struct scl_client_ln;
struct scl_cb;
struct scl_access_addr;
struct scl_l2_addr;

/* ---- interned strings: one copy of each distinct text, in arena chunks ------- */
struct scl_strings {
	char **chunks;
	size_t n_chunks;
	size_t used;       /* bytes used in the last chunk */
	const char **slot; /* open addressing; NULL empty */
	size_t n_slots, n_strings;
};
const char *scl_intern(struct scl_strings *s, const char *p, size_t len);
/* The interned copy of p, or NULL when the model never saw that text. */
const char *scl_interned(const struct scl_strings *s, const char *p);

/* ---- a (key, key) -> index map over interned pointers ------------------------- */
struct scl_map {
	struct scl_map_slot {
		const void *a, *b;
		uint32_t v;
	} * slot;
	size_t n_slots, n;
};
/* false when out of memory. An existing key keeps its first value. */
bool scl_map_put(struct scl_map *m, const void *a, const void *b, uint32_t v);
/* UINT32_MAX when absent. */
uint32_t scl_map_get(const struct scl_map *m, const void *a, const void *b);

/* ---- DataTypeTemplates, compact: one row per type, one per child ---------------- */
enum scl_tkind { SCL_T_LNODE = 1, SCL_T_DO, SCL_T_DA, SCL_T_ENUM };
enum scl_ckind { SCL_C_DO = 1, SCL_C_SDO, SCL_C_DA, SCL_C_BDA };
struct scl_type {
	const char *id, *cdc; /* cdc for a DOType, lnClass for an LNodeType */
	uint8_t kind;         /* enum scl_tkind */
	uint32_t first, n;    /* children in scl->tchild */
};
struct scl_tchild {
	const char *name, *type, *btype, *fc;
	uint8_t kind;   /* enum scl_ckind */
	uint8_t trgops; /* TRG_MASK bits of dchg/qchg/dupd */
};

struct scl {
	struct scl_strings str;
	struct scl_file *files;
	size_t n_files;
	/* Every IED parsed, TEMPLATE and overridden ones included; listed[] are the
	 * installed ones, in load order. */
	struct scl_ied *ieds;
	size_t n_ieds;
	uint32_t *listed;
	size_t n_listed;
	struct scl_ldevice *lds;
	size_t n_lds;
	struct scl_ln *lns;
	size_t n_lns;
	struct scl_dataset *datasets;
	size_t n_datasets;
	struct scl_fcda *fcdas;
	size_t n_fcdas;
	struct scl_rcb *rcbs;
	size_t n_rcbs;
	struct scl_client_ln *clients;
	size_t n_clients;
	struct scl_cb *cbs;
	size_t n_cbs;
	struct scl_access_addr *addrs;
	size_t n_addrs;
	struct scl_l2_addr *l2s;
	size_t n_l2s;
	struct scl_type *types;
	size_t n_types;
	struct scl_tchild *tchild;
	size_t n_tchild;
	/* indexes, built when loading ends */
	struct scl_map by_name;    /* (IED name, NULL) -> ied */
	struct scl_map by_domain;  /* (domain, NULL) -> ld */
	struct scl_map ld_by_inst; /* (ied, inst) -> ld */
	struct scl_map ln_by_name; /* (ld, LN name) -> ln */
	struct scl_map type_by_id; /* (file + 1, id) -> type, and (NULL, id): first */
	uint32_t *addr_order;      /* addrs sorted by (ipver, ip, port) */
	uint32_t *ied_file;        /* per IED: its file index */
	char hash[65];
};

/* Index of a model entity in its array (pointer arithmetic on the frozen model). */
#define SCL_INDEX(m, arr, p) ((uint32_t)((p) - (m)->arr))

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* store_design.c - the design in the database; see store_design.h. */
#include "store/store_design.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dissectors/iec61850_report.h"
#include "util/json.h"

#define JSON_MAX (1u << 20) /* one dataset's members or one RCB's clients */

static int fail(sqlite3 *db, const char *what, char *err, size_t errsize)
{
	snprintf(err, errsize, "cannot store the design (%s): %s", what, sqlite3_errmsg(db));
	return -1;
}

static bool step_done(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE;
}

static void hex_sel(const struct scl_osi_sel *s, char *buf)
{
	static const char d[] = "0123456789abcdef";
	for (uint8_t i = 0; i < s->len; i++) {
		buf[2 * i] = d[s->b[i] >> 4];
		buf[2 * i + 1] = d[s->b[i] & 15];
	}
	buf[2 * s->len] = 0;
}

static void bind_opt(sqlite3_stmt *s, int i, const char *v)
{
	if (v && *v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

struct stmts {
	sqlite3_stmt *ied, *addr, *rcb, *ds;
};

static int write_ied(sqlite3 *db, int64_t id, const struct scl_ied *d, struct stmts *st, char *buf, char *err,
		     size_t errsize)
{
	sqlite3_bind_int64(st->ied, 1, id);
	sqlite3_bind_text(st->ied, 2, d->name, -1, SQLITE_STATIC);
	bind_opt(st->ied, 3, d->desc);
	bind_opt(st->ied, 4, d->manufacturer);
	bind_opt(st->ied, 5, d->type);
	bind_opt(st->ied, 6, d->config_version);
	sqlite3_bind_text(st->ied, 7, d->file->path, -1, SQLITE_STATIC);
	if (!step_done(st->ied))
		return fail(db, "IED", err, errsize);
	for (uint32_t i = 0; i < d->n_addrs; i++) {
		const struct scl_access_addr *a = &d->addrs[i];
		if (!a->has_ip)
			continue;
		char p[40], s[40], t[40];
		hex_sel(&a->psel, p);
		hex_sel(&a->ssel, s);
		hex_sel(&a->tsel, t);
		sqlite3_bind_int64(st->addr, 1, id);
		sqlite3_bind_text(st->addr, 2, d->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st->addr, 3, a->ap_name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st->addr, 4, a->ip_text, -1, SQLITE_STATIC);
		sqlite3_bind_int(st->addr, 5, a->mms_port);
		bind_opt(st->addr, 6, p);
		bind_opt(st->addr, 7, s);
		bind_opt(st->addr, 8, t);
		bind_opt(st->addr, 9, a->ap_title);
		if (a->has_ae_qualifier)
			sqlite3_bind_int(st->addr, 10, a->ae_qualifier);
		if (!step_done(st->addr))
			return fail(db, "address", err, errsize);
	}
	static const char *const rs_names[SCL_RS_COUNT] = { "cbName", "datSet", "rptID",   "optFields", "bufTime",
							    "trgOps", "intgPd", "resvTms", "owner" };
	bool has_rs = d->report_settings[0] != SCL_SET_ABSENT;
	for (uint32_t l = 0; l < d->n_lds; l++) {
		const struct scl_ldevice *ld = &d->lds[l];
		for (uint32_t k = 0; k < ld->n_rcbs; k++) {
			const struct scl_rcb *r = &ld->rcbs[k];
			char item[200], ref[300], trg[64], settings[400];
			scl_rcb_instance_item(r, 0, item, sizeof(item));
			snprintf(ref, sizeof(ref), "%s/%s", ld->domain, item);
			struct jw w;
			jw_init(&w, buf, JSON_MAX);
			jw_arr(&w, NULL);
			for (uint32_t c = 0; c < r->n_clients; c++)
				jw_str(&w, NULL, r->clients[c].ied_name);
			jw_arr_end(&w);
			buf[w.overflow ? 0 : w.len] = 0;
			sqlite3_bind_int64(st->rcb, 1, id);
			sqlite3_bind_text(st->rcb, 2, d->name, -1, SQLITE_STATIC);
			sqlite3_bind_text(st->rcb, 3, ref, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(st->rcb, 4, r->buffered);
			sqlite3_bind_int(st->rcb, 5, r->indexed);
			sqlite3_bind_int(st->rcb, 6, r->max);
			if (r->has_conf_rev)
				sqlite3_bind_int64(st->rcb, 7, r->conf_rev);
			bind_opt(st->rcb, 8, r->dataset ? r->dataset->ref : r->datset);
			bind_opt(st->rcb, 9, r->rpt_id);
			sqlite3_bind_text(st->rcb, 10, iec_trg_text(r->trgops, trg, sizeof(trg)), -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(st->rcb, 11, r->optflds);
			sqlite3_bind_int64(st->rcb, 12, r->intg_pd);
			sqlite3_bind_int64(st->rcb, 13, r->buf_time);
			sqlite3_bind_text(st->rcb, 14, w.overflow ? "[]" : buf, -1, SQLITE_TRANSIENT);
			if (has_rs) {
				struct jw sw;
				jw_init(&sw, settings, sizeof(settings));
				jw_obj(&sw, NULL);
				for (int i = 0; i < SCL_RS_COUNT; i++)
					jw_str(&sw, rs_names[i], scl_set_text(d->report_settings[i]));
				jw_obj_end(&sw);
				settings[sw.overflow ? 0 : sw.len] = 0;
				sqlite3_bind_text(st->rcb, 15, settings, -1, SQLITE_TRANSIENT);
			}
			if (!step_done(st->rcb))
				return fail(db, "RCB", err, errsize);
		}
		for (uint32_t k = 0; k < ld->n_datasets; k++) {
			const struct scl_dataset *ds = &ld->datasets[k];
			struct jw w;
			jw_init(&w, buf, JSON_MAX / 2);
			jw_arr(&w, NULL);
			for (uint32_t f = 0; f < ds->n_fcdas; f++)
				jw_str(&w, NULL, ds->fcdas[f].display);
			jw_arr_end(&w);
			size_t n1 = w.overflow ? 0 : w.len;
			buf[n1] = 0;
			char *items = buf + JSON_MAX / 2;
			struct jw w2;
			jw_init(&w2, items, JSON_MAX / 2 - 1);
			jw_arr(&w2, NULL);
			for (uint32_t f = 0; f < ds->n_fcdas; f++)
				jw_str(&w2, NULL, ds->fcdas[f].item);
			jw_arr_end(&w2);
			items[w2.overflow ? 0 : w2.len] = 0;
			sqlite3_bind_int64(st->ds, 1, id);
			sqlite3_bind_text(st->ds, 2, d->name, -1, SQLITE_STATIC);
			sqlite3_bind_text(st->ds, 3, ds->ref, -1, SQLITE_STATIC);
			sqlite3_bind_text(st->ds, 4, n1 ? buf : "[]", -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st->ds, 5, w2.overflow ? "[]" : items, -1, SQLITE_TRANSIENT);
			if (!step_done(st->ds))
				return fail(db, "dataset", err, errsize);
		}
	}
	return 0;
}

int store_design_write(sqlite3 *db, int64_t run_id, const struct scl *m, char *err, size_t errsize)
{
	if (!m)
		return 0;
	const char *hash = scl_design_hash(m);
	sqlite3_stmt *q;
	int64_t id = 0;
	if (sqlite3_prepare_v2(db, "SELECT id FROM designs WHERE hash = ?1", -1, &q, NULL) != SQLITE_OK)
		return fail(db, "look-up", err, errsize);
	sqlite3_bind_text(q, 1, hash, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		id = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);

	int rc = 0;
	char *buf = NULL;
	struct stmts st = { 0 };
	if (!id) {
		char files[8192];
		struct jw w;
		jw_init(&w, files, sizeof(files) - 1);
		jw_arr(&w, NULL);
		for (size_t i = 0; i < scl_file_count(m); i++) {
			const struct scl_file *f = scl_file_at(m, i);
			jw_obj(&w, NULL);
			jw_str(&w, "path", f->path);
			jw_str(&w, "kind", scl_file_kind_text(f->kind));
			jw_str(&w, "edition", scl_edition_text(f->edition));
			jw_u64(&w, "bytes", f->bytes);
			jw_obj_end(&w);
		}
		jw_arr_end(&w);
		files[w.overflow ? 0 : w.len] = 0;
		if (sqlite3_prepare_v2(db,
				       "INSERT INTO designs (hash, loaded_wall, files, ieds) VALUES (?1, ?2, ?3, ?4)",
				       -1, &q, NULL) != SQLITE_OK)
			return fail(db, "design", err, errsize);
		sqlite3_bind_text(q, 1, hash, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, (int64_t)time(NULL));
		sqlite3_bind_text(q, 3, w.overflow ? "[]" : files, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(q, 4, (int64_t)scl_ied_count(m));
		bool ok = sqlite3_step(q) == SQLITE_DONE;
		sqlite3_finalize(q);
		if (!ok)
			return fail(db, "design", err, errsize);
		id = sqlite3_last_insert_rowid(db);
		buf = malloc(JSON_MAX);
		if (!buf ||
		    sqlite3_prepare_v2(db,
				       "INSERT OR IGNORE INTO design_ieds (design_id, name, desc, manufacturer, type,"
				       " config_version, file) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
				       -1, &st.ied, NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(
			    db,
			    "INSERT INTO design_addresses (design_id, ied, access_point, ip, port, psel,"
			    " ssel, tsel, ap_title, ae_qualifier) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
			    -1, &st.addr, NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(
			    db,
			    "INSERT OR IGNORE INTO design_rcbs (design_id, ied, ref, buffered, indexed, max,"
			    " confrev, datset, rptid, trgops, optflds, intgpd_ms, buftm_ms, clients, settings)"
			    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
			    -1, &st.rcb, NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(db,
				       "INSERT OR IGNORE INTO design_datasets (design_id, ied, ref, members, items)"
				       " VALUES (?1, ?2, ?3, ?4, ?5)",
				       -1, &st.ds, NULL) != SQLITE_OK) {
			rc = buf ? fail(db, "statements", err, errsize) : -1;
			if (!buf)
				snprintf(err, errsize, "cannot store the design: out of memory");
		}
		for (size_t i = 0; !rc && i < scl_ied_count(m); i++)
			rc = write_ied(db, id, scl_ied_at(m, i), &st, buf, err, errsize);
	}
	if (!rc) {
		if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO run_designs (run_id, design_id) VALUES (?1, ?2)", -1,
				       &q, NULL) != SQLITE_OK)
			rc = fail(db, "run", err, errsize);
		else {
			sqlite3_bind_int64(q, 1, run_id);
			sqlite3_bind_int64(q, 2, id);
			if (sqlite3_step(q) != SQLITE_DONE)
				rc = fail(db, "run", err, errsize);
			sqlite3_finalize(q);
		}
	}
	sqlite3_finalize(st.ied);
	sqlite3_finalize(st.addr);
	sqlite3_finalize(st.rcb);
	sqlite3_finalize(st.ds);
	free(buf);
	return rc;
}

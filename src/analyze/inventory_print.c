/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inventory_print.c - the inventory's block of the end-of-run summary: a few
 * lines per IED and per GOOSE/SV stream, the print hook of the inventory
 * analyzer (analyze/inventory.c, which observes; this file only reads the
 * inventory view, core/inventory.h). The whole inventory is the document
 * (output/inventory_doc.h, --inventory). */
#include <stdio.h>

#include "analyze/analyze.h"
#include "core/ied.h"
#include "core/inventory.h"
#include "core/summary_parts.h"
#include "dissectors/tls.h"


struct print_ctx {
	FILE *out;
	const struct inventory_view *view;
	size_t shown, total, clients, plcs;
};

static void count_ied(struct ied *d, void *arg)
{
	struct print_ctx *c = arg;
	const struct inv_ied *v = inventory_ied(c->view, d);
	c->total++;
	if (inv_is_plc(v))
		c->plcs++;
	if (v)
		c->clients += v->n_clients;
}

static void print_ied(struct ied *d, void *arg)
{
	struct print_ctx *c = arg;
	const struct inv_ied *v = inventory_ied(c->view, d);
	if (!v)
		return;
	if (summary_parts())
		parts_piece(c->out, 0, &d->first); /* every IED: the merge caps */
	else if (c->shown >= INV_PRINT_MAX)
		return;
	c->shown++;
	char ep[96], ip[64];
	endpoint_text(&d->ep, ep, sizeof(ep));
	fprintf(c->out, "  %s%s", inv_is_plc(v) ? "PLC " : "", ep);
	for (unsigned i = 0; i < d->ep.n_vlan; i++)
		fprintf(c->out, "%s%u", i ? "." : " vlan ", d->ep.vlan[i]);
	const char *name = d->name[0] ? d->name : d->n_lds ? d->lds[0] : NULL;
	if (name)
		fprintf(c->out, "  %s", name);
	if (d->vendor[0] || d->model[0] || d->revision[0])
		fprintf(c->out, "  %s %s %s", d->vendor, d->model, d->revision);
	fputc('\n', c->out);
	if (inv_is_plc(v)) {
		/* Nothing of IEC 61850 to list: who talks to it, and that it is not an IED. */
		fprintf(c->out, "    %u connection%s, from %u client%s", v->connections, v->connections == 1 ? "" : "s",
			v->n_clients, v->n_clients == 1 ? "" : "s");
	} else {
		unsigned nds = inv_dataset_count(d);
		fprintf(c->out,
			"    %u LD%s, %u LN%s, %u dataset%s, %u RCB%s; %u connection%s, %u association%s, from %u client%s",
			d->n_lds, d->n_lds == 1 ? "" : "s", v->n_lns, v->n_lns == 1 ? "" : "s", nds,
			nds == 1 ? "" : "s", d->n_rcbs, d->n_rcbs == 1 ? "" : "s", v->connections,
			v->connections == 1 ? "" : "s", v->associations, v->associations == 1 ? "" : "s", v->n_clients,
			v->n_clients == 1 ? "" : "s");
	}
	for (uint16_t i = 0; i < v->n_clients && i < 4; i++) {
		inv_client_address(&v->clients[i], ip, sizeof(ip));
		fprintf(c->out, "%s%s", i ? ", " : " (", ip);
	}
	fprintf(c->out, "%s\n", v->n_clients > 4 ? ", ...)" : v->n_clients ? ")" : "");
	fprintf(c->out, "    security: %s", v->plaintext_flagged ? "MMS in clear text" : "no MMS seen in clear");
	if (v->tls_connections)
		fprintf(c->out, ", TLS (%s) on %u connection%s",
			v->tls_version ? tls_version_name(v->tls_version) : "version not seen", v->tls_connections,
			v->tls_connections == 1 ? "" : "s");
	if (v->password_aarqs)
		fprintf(c->out, ", %u password%s sent in clear", v->password_aarqs, v->password_aarqs == 1 ? "" : "s");
	if (v->s7comm_connections || v->s7comm_plus_connections)
		fprintf(c->out, ", S7comm on %u connection%s", v->s7comm_connections + v->s7comm_plus_connections,
			v->s7comm_connections + v->s7comm_plus_connections == 1 ? "" : "s");
	fputc('\n', c->out);
}

void inventory_print_head(FILE *out, uint64_t ieds, uint64_t plcs, uint64_t clients, uint64_t goose, uint64_t sv)
{
	char plc_text[32] = "";
	if (plcs)
		snprintf(plc_text, sizeof(plc_text), ", %llu PLC%s", (unsigned long long)plcs, plcs == 1 ? "" : "s");
	fprintf(out,
		"\ninventory: %llu IED%s%s, %llu client%s, %llu GOOSE stream%s, %llu SV stream%s (--inventory PATH: all of it as JSON)\n",
		(unsigned long long)ieds, ieds == 1 ? "" : "s", plc_text, (unsigned long long)clients,
		clients == 1 ? "" : "s", (unsigned long long)goose, goose == 1 ? "" : "s", (unsigned long long)sv,
		sv == 1 ? "" : "s");
}

void inventory_print_more(FILE *out, uint64_t more)
{
	fprintf(out, "  ... %llu more IED%s or PLC%s\n", (unsigned long long)more, more == 1 ? "" : "s",
		more == 1 ? "" : "s");
}

void inventory_print(FILE *out)
{
	const struct inventory_view *view = inventory_view();
	struct print_ctx c = { out, view, 0, 0, 0, 0 };
	ied_foreach(count_ied, &c);
	size_t goose = 0, sv = 0;
	for (size_t i = 0; i < view->n_streams; i++) {
		if (view->streams[i].sv)
			sv++;
		else
			goose++;
	}
	if (summary_parts()) {
		parts_sum(out, "ieds", c.total - c.plcs);
		parts_sum(out, "plcs", c.plcs);
		parts_sum(out, "clients", c.clients);
		parts_sum(out, "goose", goose);
		parts_sum(out, "sv", sv);
		parts_sum(out, "total", c.total); /* listed or not */
	} else
		inventory_print_head(out, c.total - c.plcs, c.plcs, c.clients, goose, sv);
	ied_foreach(print_ied, &c);
	if (summary_parts())
		parts_section(out, "+inventory.l2"); /* GOOSE and SV: shard 0's, after the IEDs */
	else if (c.total > c.shown)
		inventory_print_more(out, c.total - c.shown);
	for (size_t i = 0; i < view->n_streams && i < INV_PRINT_MAX; i++) {
		const struct inv_l2_stream *s = &view->streams[i];
		char vl[64], mac[24] = "?";
		inv_vlan_text(&s->key, vl, sizeof(vl));
		if (s->has_mac)
			inv_mac_text(s->src, mac, sizeof(mac));
		fprintf(out, "  %s APPID 0x%04x %s from %s on %s: %llu frame%s%s\n", s->sv ? "SV" : "GOOSE", s->appid,
			s->id[0] ? s->id : "(no id)", mac, vl, (unsigned long long)s->frames, s->frames == 1 ? "" : "s",
			s->mms_vlan >= 0 ? ", shares the segment with MMS" : "");
	}
	if (view->n_streams > INV_PRINT_MAX)
		fprintf(out, "  ... %zu more GOOSE/SV streams\n", view->n_streams - INV_PRINT_MAX);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unread.c - tallies of what the sensor could not read; see unread.h. */
#include "core/unread.h"

#include <string.h>

#include "dissectors/tpkt.h"

/* EtherTypes the sensor does not decode as MMS and knows are not MMS: a capture
 * of only these is understood (no_mms_seen, info), never "not understood". An
 * EtherType that could carry IP (MPLS 0x8847, PBB 0x88e7, PPPoE 0x8864) or hide
 * it (MACsec 0x88e5) is deliberately absent: there MMS may be inside, unread.
 * Frames with a length instead of an EtherType (below 0x0600: 802.3 with LLC,
 * which carries STP/RSTP, CDP, IS-IS) are known too; IEC 61850-8-1 maps MMS to
 * TCP/IP only (its Ed.1 OSI T-profile is not met in practice). */
static const struct {
	uint16_t ethertype;
	const char *name;
} KNOWN_NOT_MMS[] = {
	{ 0x0806, "ARP" },                   /* address resolution: every IP host talks it */
	{ 0x8035, "RARP" },                  /* ditto, old boot loaders */
	{ 0x0842, "Wake-on-LAN" },           /* magic packets */
	{ 0x88b8, "GOOSE" },                 /* IEC 61850-8-1 GOOSE: decoded for the inventory */
	{ 0x88b9, "GSE management" },        /* IEC 61850-8-1 GSE management */
	{ 0x88ba, "SV" },                    /* IEC 61850-9-2 sampled values: decoded for the inventory */
	{ 0x88f7, "PTP" },                   /* IEEE 1588 / IEC 61850-9-3 time synchronisation */
	{ 0x88e3, "MRP" },                   /* IEC 62439-2 media redundancy (ring test frames) */
	{ 0x88fb, "PRP/HSR supervision" },   /* IEC 62439-3 supervision frames, counted by the link stage */
	{ 0x892f, "HSR" },                   /* IEC 62439-3 HSR tag: the link stage decodes what it carries */
	{ 0x88cc, "LLDP" },                  /* link layer discovery: switches and IEDs announce themselves */
	{ 0x8809, "LACP/slow protocols" },   /* 802.3ad link aggregation, 802.3ah OAM */
	{ 0x8808, "Ethernet flow control" }, /* 802.3x PAUSE */
	{ 0x888e, "802.1X" },                /* EAPOL: port authentication */
	{ 0x88f5, "MVRP" },                  /* 802.1ak VLAN registration */
	{ 0x88f6, "MMRP" },                  /* 802.1ak multicast registration */
	{ 0x8902, "CFM" },                   /* 802.1ag / Y.1731 connectivity fault management */
	{ 0x8899, "RRCP" },                  /* Realtek switch management (unmanaged switches) */
	{ 0x8892, "PROFINET" },              /* industrial real-time Ethernet, not MMS */
	{ 0x88a4, "EtherCAT" },              /* ditto */
	{ 0x88ab, "POWERLINK" },             /* ditto */
};
#define N_KNOWN (sizeof(KNOWN_NOT_MMS) / sizeof(KNOWN_NOT_MMS[0]))

/* TCP ports whose TPKT is known not to be MMS. RDP (3389) opens with an X.224
 * connection request in a TPKT, the same framing as MMS's transport. */
static const uint16_t TPKT_NOT_MMS_PORTS[] = { 3389 };

/* Names of what was understood besides the EtherTypes above. */
static const char *const LLC = "802.3/LLC (STP, CDP, ...)";
static const char *const IP_NOT_TCP = "IP, not TCP";
static const char *const TCP_OTHER = "TCP on other ports";
static const char *const FRAGMENTS = "IPv4 fragments";
static const char *const BROKEN = "truncated or invalid frames";

static struct unread_entry link_e[UNREAD_LINK_TYPES_MAX], et_e[UNREAD_ETHERTYPES_MAX], port_e[UNREAD_TPKT_PORTS_MAX],
	known_e[UNREAD_UNDERSTOOD_MAX];
struct unread g_unread = {
	.link_types = { .max = UNREAD_LINK_TYPES_MAX, .e = link_e },
	.ethertypes = { .max = UNREAD_ETHERTYPES_MAX, .e = et_e },
	.tpkt_ports = { .max = UNREAD_TPKT_PORTS_MAX, .e = port_e },
	.understood = { .max = UNREAD_UNDERSTOOD_MAX, .e = known_e },
};

static void table_reset(struct unread_table *t)
{
	t->n = 0;
	t->not_kept = 0;
}

void unread_reset(void)
{
	struct unread *u = &g_unread;
	u->frames = 0;
	table_reset(&u->link_types);
	table_reset(&u->ethertypes);
	table_reset(&u->tpkt_ports);
	table_reset(&u->understood);
	u->vlan_too_deep = u->cut_short = u->tcp_mms_port = u->encrypted_mms = u->mms_elsewhere = 0;
}

bool unread_any(void)
{
	const struct unread *u = &g_unread;
	return u->link_types.n || u->link_types.not_kept || u->ethertypes.n || u->ethertypes.not_kept ||
		u->tpkt_ports.n || u->tpkt_ports.not_kept || u->vlan_too_deep || u->cut_short;
}

/* Tables are small and hold few keys in practice: the entry tallied last (a
 * run of TCP on an MMS port costs one comparison per frame), else a linear
 * search. Keys are compared with their names, so "understood" entries are keyed
 * by name alone. */
static void tally(struct unread_table *t, uint32_t key, const char *name, const struct pkt_where *at)
{
	struct unread_entry *h = &t->e[t->hot];
	if (t->hot < t->n && h->key == key && h->name == name) {
		h->frames++;
		return;
	}
	for (uint16_t i = 0; i < t->n; i++)
		if (t->e[i].key == key && t->e[i].name == name) {
			t->e[i].frames++;
			t->hot = i;
			return;
		}
	if (t->n >= t->max) {
		t->not_kept++;
		return;
	}
	t->hot = t->n;
	struct unread_entry *e = &t->e[t->n++];
	e->key = key;
	e->name = name;
	e->frames = 1;
	e->first = *at;
}

void unread_link_type(int dlt, const char *name, const struct pkt_where *at)
{
	tally(&g_unread.link_types, (uint32_t)dlt, name, at);
}

bool unread_ethertype_known(uint16_t et, const char **name)
{
	if (et < 0x0600) {
		*name = LLC;
		return true;
	}
	for (size_t i = 0; i < N_KNOWN; i++)
		if (KNOWN_NOT_MMS[i].ethertype == et) {
			*name = KNOWN_NOT_MMS[i].name;
			return true;
		}
	return false;
}

void unread_not_ip(uint16_t et, const struct pkt_where *at)
{
	const char *name;
	if (unread_ethertype_known(et, &name))
		tally(&g_unread.understood, 0, name, at);
	else
		tally(&g_unread.ethertypes, et, NULL, at);
}

void unread_vlan_too_deep(const struct pkt_where *at)
{
	if (!g_unread.vlan_too_deep++)
		g_unread.vlan_too_deep_first = *at;
}

void unread_ip_not_tcp(const struct pkt_where *at)
{
	tally(&g_unread.understood, 0, IP_NOT_TCP, at);
}

void unread_ip_fragment(const struct pkt_where *at)
{
	tally(&g_unread.understood, 0, FRAGMENTS, at);
}

void unread_broken(const struct pkt_where *at)
{
	tally(&g_unread.understood, 0, BROKEN, at);
}

/* A segment that starts like MMS's transport: a TPKT (version 3, reserved 0, a
 * length that holds a COTP header) with a sane COTP header behind it, and a
 * length consistent with the segment (it ends here, continues in the next
 * segment, or another TPKT follows). A few bytes read, never past len. */
static bool looks_like_tpkt(const uint8_t *p, uint32_t len)
{
	uint16_t tlen;
	if (len < TPKT_HDR_LEN + 3 || !tpkt_plausible(rd_make(p, len), &tlen))
		return false;
	if (tlen >= len)
		return true;
	return len - tlen >= 2 && p[tlen] == 3 && p[tlen + 1] == 0;
}

void unread_tcp_other_port(uint16_t sport, uint16_t dport, const uint8_t *payload, uint32_t len,
			   const struct pkt_where *at)
{
	/* The server's port is not known without the SYN; servers listen on the
	 * lower port far more often than clients connect from it. */
	uint16_t port = sport < dport ? sport : dport;
	bool tpkt = len > 0 && looks_like_tpkt(payload, len);
	for (size_t i = 0; tpkt && i < sizeof(TPKT_NOT_MMS_PORTS) / sizeof(TPKT_NOT_MMS_PORTS[0]); i++)
		if (sport == TPKT_NOT_MMS_PORTS[i] || dport == TPKT_NOT_MMS_PORTS[i])
			tpkt = false;
	if (tpkt)
		tally(&g_unread.tpkt_ports, port, NULL, at);
	else
		tally(&g_unread.understood, 0, TCP_OTHER, at);
}

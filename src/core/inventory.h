/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inventory.h - the inventory model: what the traffic says about the installation
 * beyond the IED model itself (core/ied.h). Per IED: its clients, the logical nodes
 * of its logical devices, the services asked of it, what protected its
 * associations (TLS, ACSE authentication) and what else spoke on its port. Run
 * wide: the GOOSE and SV streams, and the segments (VLANs) that carry MMS.
 *
 * Plain types, so that the observation and its formatting can live apart: the
 * inventory analyzer (analyze/inventory.c) fills and owns them; the document
 * (output/inventory_doc.h), the store's copy of it and the summary block read
 * them through a struct inventory_view (an inventory record carries one, see
 * core/record.h) and never change them. */
#ifndef MMSW_INVENTORY_H
#define MMSW_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/finding.h"
#include "core/ied.h"
#include "core/packet.h"

/* Per-IED tables; the document states these limits (docs/inventory.md). */
#define INV_MAX_CLIENTS 64 /* clients listed per IED */
#define INV_MAX_LNS 512    /* logical nodes per IED (all its LDs) */
#define INV_LN_NAME 33     /* an LN name (prefix + class + instance) is far shorter */
#define INV_SVC_MAX 96     /* confirmed services counted by tag; higher ones are "other" */
#define INV_USVC_MAX 3     /* informationReport, unsolicitedStatus, eventNotification */
#define INV_MAX_ACSI 32    /* distinct ACSI service names per IED */
#define INV_MAX_SNI 4      /* distinct TLS server names per IED */
#define INV_DS_RECENT 4    /* datasets named by recent reports, checked before the table */
#define INV_MAX_VARS 256   /* variables whose type the IED described, per IED */
#define INV_VAR_NAME 130   /* an item name (LN$FC$DO...) as the request named it */
#define INV_VAR_TYPE 512   /* its type, one line (mms_type_summary) */
/* Run-wide. */
#define INV_MAX_L2 256 /* GOOSE and SV streams */

struct inv_client {
	uint8_t ipver, ip[16];
	int64_t first_seen, last_seen;
	uint32_t connections, associations, tls_connections;
	uint64_t requests;
	uint32_t svc[INV_SVC_MAX + 1]; /* requests by service tag; the last slot: higher tags */
	bool password_sent;
};

struct inv_ln {
	uint8_t ld; /* index into the IED's lds */
	char name[INV_LN_NAME];
};

/* A variable whose type the IED described to a client (GetVariableAccessAttributes,
 * ACSI GetDataDefinition): the data model as the IED itself states it, no SCL
 * needed. The latest description wins. */
struct inv_var {
	uint8_t ld; /* index into the IED's lds */
	char item[INV_VAR_NAME];
	char type[INV_VAR_TYPE]; /* "{Oper{ctlVal:boolean,...}}" */
	bool type_cut;           /* the line did not hold the whole tree */
	uint32_t nodes;          /* nodes in the tree */
};

/* One IED's inventory, in the analyzer's slot on the IED (inventory_ied()). */
struct inv_ied {
	int64_t first_seen, last_seen;
	uint32_t connections, associations;
	uint64_t requests[INV_SVC_MAX + 1];
	uint64_t unconfirmed[INV_USVC_MAX + 1];
	struct {
		const char *name;
		uint64_t n;
	} acsi[INV_MAX_ACSI];
	uint16_t n_acsi;
	uint32_t acsi_dropped;
	struct inv_client *clients;
	uint16_t n_clients;
	uint32_t unlisted_client_connections;
	struct inv_ln *lns; /* in order of discovery */
	uint16_t n_lns;
	uint32_t lns_dropped, lds_dropped, datasets_dropped;
	struct inv_var *vars; /* described variables, in order of description */
	uint16_t n_vars;
	uint32_t vars_dropped;
	bool plaintext_flagged; /* MMS was seen in clear */
	/* TLS (IEC 62351-4): nothing is decrypted, the hellos say version and name */
	uint32_t tls_connections;
	uint16_t tls_version; /* selected by the server (ServerHello) */
	uint16_t tls_offered; /* highest offered by a client (ClientHello) */
	uint8_t n_sni;
	char sni[INV_MAX_SNI][128];
	/* other protocols on the MMS port */
	uint32_t s7comm_connections, s7comm_plus_connections;
	/* ACSE authentication in association requests */
	uint32_t password_aarqs, other_auth_aarqs;
	char other_mechanism[64];
	/* The analyzer's lookups while it fills the above: not part of the model. */
	struct {
		uint16_t *ln_slot; /* hash of lns: index + 1; 0 empty */
		/* their strlen (< 160), read by every report before any name: beside
		 * the first name, one cache line for the usual case */
		uint8_t recent_ds_len[INV_DS_RECENT];
		char recent_ds[INV_DS_RECENT][160]; /* reports repeat a few DatSets endlessly */
		uint8_t next_recent_ds;
		int16_t last_ld; /* the LD matched last (names come in runs) */
	} work;
};

/* A VLAN stack as a segment: VID 0 tags are dropped (a priority-tagged frame
 * belongs to the port's native VLAN, like an untagged one; GOOSE is often sent so). */
struct inv_vlan_key {
	uint8_t n;
	uint16_t v[MMSW_MAX_VLAN];
};

/* A segment seen carrying MMS. */
struct inv_mms_vlan {
	struct inv_vlan_key key;
	struct endpoint ied; /* the first IED seen speaking MMS there */
	struct pkt_where at; /* and the frame that showed it */
};

/* A GOOSE or SV stream: one (kind, segment, APPID). */
struct inv_l2_stream {
	bool sv;
	uint16_t appid;
	struct inv_vlan_key key;
	bool has_mac, has_dst, other_sources;
	uint8_t src[6], dst[6];
	char id[130]; /* gocbRef (GOOSE) or svID (SV) */
	char datset[130];
	char go_id[130];
	bool has_conf_rev, has_tal;
	uint32_t conf_rev, tal, no_asdu;
	uint64_t frames, malformed;
	int64_t first_seen, last_seen, refreshed;
	struct pkt_where first_at, last_at;
	int16_t mms_vlan; /* index into the MMS segments once flagged; -1 before */
};

/* The whole inventory, read-only, as the analyzer has it at the moment it is
 * asked (the arrays may move or grow afterwards: read it, do not keep it). */
/* A PRP or HSR node, known by the supervision frames it sends (IEC 62439-3). */
#define INV_MAX_RED_NODES 256
struct inv_red_node {
	uint8_t mac[6];  /* the supervision frame's source */
	bool hsr;        /* HSR supervision (in an HSR tag); else PRP */
	uint8_t lans;    /* bit 0: seen on LAN/lane A, bit 1: on B */
	uint64_t frames; /* supervision frames, every copy */
	int64_t first_seen, last_seen;
	struct pkt_where first; /* its first supervision frame */
};

/* A time source seen on the wire: an SNTP server answering (UDP 123, mode 4 or
 * 5), or a PTP grandmaster named by Announce messages (EtherType 0x88F7, UDP
 * 319/320). SNTP servers are keyed by address, grandmasters by identity and
 * domain; the fields hold the latest message's. */
#define INV_MAX_TIME_SOURCES 64
enum inv_time_protocol { INV_TIME_SNTP = 0, INV_TIME_PTP };
struct inv_time_source {
	uint8_t protocol;      /* enum inv_time_protocol */
	bool over_udp;         /* PTP: over UDP (else Ethernet); SNTP: always */
	uint8_t ipver, ip[16]; /* the sender's address, when over UDP */
	bool has_mac;
	uint8_t mac[6]; /* the sender's MAC, when the link has one */
	struct inv_vlan_key key;
	/* SNTP */
	uint8_t version, leap, stratum, refid[4];
	/* PTP */
	uint8_t domain, grandmaster[8], sender[8];
	uint8_t priority1, priority2, clock_class, clock_accuracy, time_source;
	uint16_t steps_removed;
	uint64_t messages;
	int64_t first_seen, last_seen;
	struct pkt_where first;
};

struct inventory_view {
	int ied_slot;                        /* where an IED keeps its struct inv_ied (inventory_ied()) */
	int64_t first_seen, last_seen;       /* packet time of the first and last event; 0 none */
	const struct inv_l2_stream *streams; /* GOOSE and SV, in order of appearance */
	size_t n_streams;
	const struct inv_mms_vlan *mms_vlans; /* in order of appearance */
	size_t n_mms_vlans;
	uint64_t l2_frames_not_listed;        /* GOOSE/SV frames of streams beyond INV_MAX_L2 */
	uint64_t l2_frames_unusable;          /* no header or no PDU, and no stream of that APPID yet */
	const struct inv_red_node *red_nodes; /* PRP/HSR nodes, in order of appearance */
	size_t n_red_nodes;
	const struct inv_time_source *time_sources; /* SNTP servers, PTP grandmasters */
	size_t n_time_sources;
};

/* The IED's inventory; NULL when the traffic said nothing of it to the analyzer
 * (iterate the IEDs with ied_foreach). */
static inline const struct inv_ied *inventory_ied(const struct inventory_view *v, const struct ied *d)
{
	return (const struct inv_ied *)d->slot[v->ied_slot];
}

/* A server endpoint on an MMS port that spoke S7comm (TPKT/COTP, then protocol
 * id 0x32, or S7comm-plus 0x72) and never MMS, ACSE or TLS: a PLC (Siemens S7),
 * not an IED. */
static inline bool inv_is_plc(const struct inv_ied *v)
{
	return v && (v->s7comm_connections || v->s7comm_plus_connections) && !v->plaintext_flagged &&
		!v->tls_connections && !v->associations;
}

/* Readings of the model that the findings, the summary block and the document share. */
void inv_mac_text(const uint8_t *mac, char *buf, size_t size);               /* "00:30:a7:00:00:01" */
void inv_client_address(const struct inv_client *c, char *buf, size_t size); /* "10.0.0.1", "fe80::1" */
void inv_vlan_ids(const struct inv_vlan_key *k, char *buf, size_t size);     /* "10", "100.10"; "" untagged */
void inv_vlan_text(const struct inv_vlan_key *k, char *buf, size_t size);    /* "VLAN 10", "the untagged segment" */
/* RCB r names a dataset that is not listed (its DatSet was read or written, the
 * dataset itself never listed) and no earlier RCB names it. */
bool inv_rcb_only_dataset(const struct ied *d, uint16_t r);
/* The IED's datasets: the listed ones and those only its RCBs name. */
unsigned inv_dataset_count(const struct ied *d);

#endif

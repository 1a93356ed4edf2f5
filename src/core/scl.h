/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scl.h - the engineered substation: what the loaded SCL files (IEC 61850-6: SCD,
 * CID, ICD, IID, SED) say the IEDs are, read-only for analyzers and sinks.
 *
 * The model is built once before the run (scl_load(), src/core/scl_load.c) and then
 * never changes, so every pointer it hands out stays valid until scl_free(). All
 * strings are interned in the model: compare names with strcmp(), never keep a
 * pointer past scl_free(). An attribute the file does not give is "" (never NULL),
 * a number it does not give is 0 with its has_ flag false.
 *
 * Shape, from the file down:
 *   struct scl                      the whole design (opaque): files, IEDs, indexes
 *   struct scl_ied                  one IED (name, desc, manufacturer, type,
 *                                   configVersion, its file, TEMPLATE or installed)
 *     addrs[]  struct scl_access_addr   its ConnectedAPs: IP, MMS port, OSI selectors,
 *                                       AP title, AE qualifier; GSE/SMV addresses
 *     lds[]    struct scl_ldevice       LDevice: inst, ldName, its MMS domain
 *       lns[]      struct scl_ln            LN0 first, then each LN
 *       datasets[] struct scl_dataset       with ordered FCDAs (struct scl_fcda)
 *       rcbs[]     struct scl_rcb           ReportControl, in whatever LN holds it
 *       cbs[]      struct scl_cb            GSEControl and SampledValueControl
 *
 * MMS naming (IEC 61850-8-1) as the model renders it:
 *   domain   IED name + LD inst ("IED1LD0"), or the LDevice's ldName when given
 *   item     "[prefix]lnClass[inst]$FC$DO$DA..." (dots inside doName/daName -> '$')
 *   dataset  "LN$name"                   in the domain of the LDevice holding it
 *   RCB      "LN$RP$name01".."LN$RP$nameNN" (indexed, NN = RptEnabled max) or
 *            "LN$BR$..."; an unindexed RCB, or max 1 without `indexed`, is "LN$RP$name"
 *
 * Only core/ and the layers above include this file; dissectors know nothing of SCL.
 */
#ifndef MMSW_SCL_H
#define MMSW_SCL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/finding.h"

/* ---- caps (each hit is a named load error, see enum scl_error) -------------- */
#define SCL_MAX_FILES 64
#define SCL_MAX_FILE_BYTES (256u << 20) /* one file */
#define SCL_MAX_DEPTH 64                /* element nesting */
#define SCL_MAX_ATTR_BYTES 4096         /* one attribute value */
#define SCL_MAX_TEXT_BYTES 65536        /* one text node (Text, Private, P values) */
#define SCL_MAX_ELEMENTS (8u << 20)     /* elements over all files */
#define SCL_MAX_IEDS 16384
#define SCL_MAX_RCBS (1u << 20) /* ReportControl elements over all IEDs */
#define SCL_MAX_DATASETS (1u << 20)
#define SCL_MAX_FCDAS (4u << 20)
#define SCL_MAX_RCB_MAX 99 /* RptEnabled max: instances name01..name99 */

enum scl_error {
	SCL_OK = 0,
	SCL_ERR_IO,        /* cannot open or read the file */
	SCL_ERR_XML,       /* not well-formed XML (libxml2's message follows) */
	SCL_ERR_NOT_SCL,   /* the root is not <SCL> in the IEC 61850-6 namespace */
	SCL_ERR_DOCTYPE,   /* a DOCTYPE declaring entities or an external DTD */
	SCL_ERR_ENTITY,    /* an entity reference other than the five XML ones */
	SCL_ERR_FILE_SIZE, /* SCL_MAX_FILE_BYTES */
	SCL_ERR_DEPTH,     /* SCL_MAX_DEPTH */
	SCL_ERR_ATTR_SIZE, /* SCL_MAX_ATTR_BYTES */
	SCL_ERR_TEXT_SIZE, /* SCL_MAX_TEXT_BYTES */
	SCL_ERR_ELEMENTS,  /* SCL_MAX_ELEMENTS */
	SCL_ERR_IEDS,      /* SCL_MAX_IEDS */
	SCL_ERR_RCBS,      /* SCL_MAX_RCBS */
	SCL_ERR_DATASETS,  /* SCL_MAX_DATASETS */
	SCL_ERR_FCDAS,     /* SCL_MAX_FCDAS */
	SCL_ERR_FILES,     /* SCL_MAX_FILES */
	SCL_ERR_BAD_VALUE, /* an attribute the model needs is malformed (an IP, a MAC) */
	SCL_ERR_MEMORY,
	SCL_ERR_COUNT
};
/* "depth_limit", "attribute_too_long", ...: the name a test or a log greps for. */
const char *scl_error_name(enum scl_error e);

/* ---- the file each IED came from -------------------------------------------- */
enum scl_file_kind {
	SCL_FILE_OTHER = 0,
	SCL_FILE_SCD,
	SCL_FILE_CID,
	SCL_FILE_ICD,
	SCL_FILE_IID,
	SCL_FILE_SED,
	SCL_FILE_SSD
};
/* From the root's version/revision: none = 1 (2003), 2007 A = 2, 2007 B = 2.1. */
enum scl_edition { SCL_ED_1 = 10, SCL_ED_2 = 20, SCL_ED_2_1 = 21 };

struct scl_file {
	const char *path;                         /* as given to --scl */
	uint8_t kind;                             /* enum scl_file_kind, from the extension */
	uint8_t edition;                          /* enum scl_edition */
	const char *version, *revision, *release; /* the root's attributes ("" absent) */
	uint64_t bytes;
};
const char *scl_file_kind_text(uint8_t kind);  /* "SCD", "CID", ..., "SCL" */
const char *scl_edition_text(uint8_t edition); /* "1", "2", "2.1" */

/* ---- Communication ----------------------------------------------------------- */
/* An OSI selector as bytes (the SCL gives hex digits); len 0 = not given. */
struct scl_osi_sel {
	uint8_t len;
	uint8_t b[16];
};

struct scl_ied;

/* A GSE or SMV element of a ConnectedAP: where a control block publishes. */
struct scl_l2_addr {
	const char *ld_inst, *cb_name; /* the GSEControl / SampledValueControl it serves */
	bool is_smv;
	bool has_mac, has_appid, has_vlan;
	uint8_t mac[6];        /* MAC-Address */
	uint16_t appid;        /* APPID (hex in the file) */
	uint16_t vlan_id;      /* VLAN-ID (hex in the file) */
	uint8_t vlan_priority; /* VLAN-PRIORITY */
};

/* One ConnectedAP of an IED: the MMS address a client calls. */
struct scl_access_addr {
	const struct scl_ied *ied;
	const char *subnetwork; /* SubNetwork name */
	const char *ap_name;    /* apName */
	bool has_ip;
	uint8_t ipver;       /* 4 or 6 (P type IP / IPv6) */
	uint8_t ip[16];      /* as struct endpoint holds it (IPv4 in ip[0..3]) */
	const char *ip_text; /* as written */
	uint16_t mms_port;   /* P type MMS-Port; 102 when not given */
	struct scl_osi_sel psel, ssel, tsel;
	const char *ap_title;    /* OSI-AP-Title as written ("1 3 9999 33") */
	uint8_t n_ap_title_arcs; /* parsed arcs, 0 when absent or unparsable */
	uint32_t ap_title_arcs[16];
	bool has_ae_qualifier;
	int32_t ae_qualifier; /* OSI-AE-Qualifier */
	uint32_t n_l2;
	const struct scl_l2_addr *l2; /* GSE then SMV elements, in file order */
};

/* ---- IED --------------------------------------------------------------------- */
/* ReportSettings (IED Services): per setting, who may change it. */
enum scl_rs_setting {
	SCL_RS_CBNAME = 0,
	SCL_RS_DATSET,
	SCL_RS_RPTID,
	SCL_RS_OPTFIELDS,
	SCL_RS_BUFTIME,
	SCL_RS_TRGOPS,
	SCL_RS_INTGPD,
	SCL_RS_RESVTMS,
	SCL_RS_OWNER,
	SCL_RS_COUNT
};
/* SCL_SET_ABSENT: no ReportSettings element (nothing is known); an attribute left
 * out of a present element is Fix, the standard's default. */
enum scl_set { SCL_SET_ABSENT = 0, SCL_SET_FIX, SCL_SET_CONF, SCL_SET_DYN };
const char *scl_set_text(uint8_t set); /* "", "Fix", "Conf", "Dyn" */

struct scl_ldevice;

struct scl_ied {
	const char *name, *desc, *manufacturer, *type, *config_version;
	const char *original_scl_version, *original_scl_revision; /* ed2 IED attributes */
	const struct scl_file *file;           /* the file whose IED this is (the CID over the SCD) */
	bool is_template;                      /* named TEMPLATE (an ICD): types only, not installed */
	uint8_t report_settings[SCL_RS_COUNT]; /* enum scl_set per enum scl_rs_setting */
	uint32_t n_addrs;
	const struct scl_access_addr *addrs;
	uint32_t n_lds;
	const struct scl_ldevice *lds;
};

/* ---- LDevice, LN --------------------------------------------------------------- */
struct scl_ln {
	const struct scl_ldevice *ld;
	const char *prefix, *ln_class, *inst, *ln_type, *desc;
	const char *name; /* prefix + lnClass + inst: "LLN0", "XCBR1", "Q0XCBR1" */
};

/* One member of a dataset, in order. */
struct scl_fcda {
	const char *ld_inst, *prefix, *ln_class, *ln_inst, *do_name, *da_name, *fc, *ix;
	const char *domain;      /* MMS domain of the LDevice it names */
	const struct scl_ln *ln; /* the LN it names, NULL when not in the model */
	const char *item;        /* MMS item: "GGIO1$MX$AnIn1$mag$f" */
	const char *display;     /* "GGIO1.AnIn1.mag.f [MX]"; "LD2/GGIO1..." when the
	                                   member lies in another LDevice than its dataset */
	bool structured;         /* a whole DO (no daName) or a DA of a struct type:
	                                   one structured member in reports */
	bool resolved;           /* the DataTypeTemplates had its DO (and DA) */
	const char *btype;       /* the DA's bType when resolved and a leaf ("FLOAT32") */
};

struct scl_dataset {
	const struct scl_ln *ln; /* the LN that holds it (LLN0 most often) */
	const char *name, *desc;
	const char *ref; /* MMS: "IED1LD0/LLN0$Events" */
	uint32_t n_fcdas;
	const struct scl_fcda *fcdas;
};

struct scl_client_ln { /* RptEnabled/ClientLN: who the RCB is reserved for */
	const char *ied_name, *ld_inst, *prefix, *ln_class, *ln_inst, *ap_ref;
	const struct scl_ied *ied; /* that IED in the model, NULL when not loaded */
};

struct scl_rcb {
	const struct scl_ln *ln; /* any LN, not only LLN0 */
	const char *name, *desc, *datset, *rpt_id;
	bool buffered;
	bool indexed;       /* the attribute, true when absent */
	bool indexed_given; /* the attribute was written */
	uint16_t max;       /* RptEnabled max; 1 when absent */
	bool has_conf_rev;
	uint32_t conf_rev, buf_time, intg_pd; /* ms for the times; 0 when absent */
	uint8_t trgops;                       /* TRG_MASK bits (dissectors/iec61850_report.h) */
	uint16_t optflds;                     /* OptFlds bits as struct iec_report's optflds */
	uint32_t n_clients;
	const struct scl_client_ln *clients;
	const struct scl_dataset *dataset; /* datSet in the same LN, NULL when none */
};

/* GSEControl (GOOSE, GSSE) or SampledValueControl. */
struct scl_cb {
	const struct scl_ln *ln; /* LLN0 */
	const char *name, *desc, *datset;
	const char *app_id; /* GSEControl appID (GoID) or SMV smvID */
	bool is_smv;
	bool has_conf_rev;
	uint32_t conf_rev;
	const char *ref; /* MMS: "IED1LD0/LLN0$GO$gcb01" or "$MS$"/"$US$" */
	const struct scl_dataset *dataset;
	const struct scl_l2_addr *addr; /* its GSE/SMV in the Communication section, or NULL */
};

struct scl_ldevice {
	const struct scl_ied *ied;
	const char *inst, *ld_name, *desc;
	const char *domain; /* MMS domain: ldName, else IED name + inst */
	uint32_t n_lns;
	const struct scl_ln *lns; /* lns[0] is LLN0 */
	uint32_t n_datasets;
	const struct scl_dataset *datasets;
	uint32_t n_rcbs;
	const struct scl_rcb *rcbs;
	uint32_t n_cbs;
	const struct scl_cb *cbs;
};

/* ---- the model ------------------------------------------------------------------- */
struct scl;

/* The design loaded for this run (src/main.c sets it before the first packet); NULL
 * when no --scl was given. Analyzers and sinks read it, never change it. */
extern const struct scl *g_scl;

size_t scl_file_count(const struct scl *m);
const struct scl_file *scl_file_at(const struct scl *m, size_t i);
/* Installed IEDs only (TEMPLATE IEDs give types, they are not listed), in load order. */
size_t scl_ied_count(const struct scl *m);
const struct scl_ied *scl_ied_at(const struct scl *m, size_t i);
/* Hex SHA-256 of the loaded files' contents, in load order: one design, one hash. */
const char *scl_design_hash(const struct scl *m);

/* ---- look-ups ----------------------------------------------------------------- */
const struct scl_ied *scl_ied_by_name(const struct scl *m, const char *name);
/* The ConnectedAP at an address; port 0 matches any MMS port. */
const struct scl_access_addr *scl_addr_by_ip(const struct scl *m, uint8_t ipver, const uint8_t ip[16], uint16_t port);
const struct scl_access_addr *scl_addr_by_ipv4(const struct scl *m, struct in_addr a, uint16_t port);
/* "10.0.0.5" or "fe80::1"; NULL when not an address or not in the design. */
const struct scl_access_addr *scl_addr_by_text(const struct scl *m, const char *ip, uint16_t port);
/* An MMS server endpoint (VLANs ignored). */
const struct scl_access_addr *scl_addr_by_endpoint(const struct scl *m, const struct endpoint *ep);
/* The LDevice an MMS domain names: "IED1LD0" (IED name + inst) or an ldName. */
const struct scl_ldevice *scl_ld_by_domain(const struct scl *m, const char *domain);
/* Same, by IED name and LD inst. */
const struct scl_ldevice *scl_ld_by_inst(const struct scl_ied *d, const char *inst);
/* "GGIO1" in an LDevice. */
const struct scl_ln *scl_ln_by_name(const struct scl_ldevice *ld, const char *ln_name);
/* A dataset by MMS reference: domain "IED1LD0", item "LLN0$Events"; or by the
 * joined "IED1LD0/LLN0$Events" with domain NULL. */
const struct scl_dataset *scl_dataset_by_ref(const struct scl *m, const char *domain, const char *item);

/* An RCB instance by its MMS reference: domain + "LN$RP$name01" (or "$BR$"), or the
 * joined "domain/LN$RP$name01" with domain NULL. Indexed RCBs answer name01..nameNN
 * (NN = max); when max is 1 and `indexed` was not written, "name" answers too;
 * an unindexed RCB answers "name" only. */
struct scl_rcb_match {
	const struct scl_rcb *rcb; /* the instance's RCB, NULL when none */
	unsigned instance;         /* 1..max, 0 for the unindexed name */
	/* When rcb is NULL: the RCB whose name the reference carries with an index
	 * beyond its max (a client using an instance the design does not have). */
	const struct scl_rcb *beyond_max;
};
const struct scl_rcb *scl_rcb_by_ref(const struct scl *m, const char *domain, const char *item,
				     struct scl_rcb_match *out);
/* "LLN0$BR$brcbMeas03" for instance 3 (0: the bare name), into buf. */
const char *scl_rcb_instance_item(const struct scl_rcb *r, unsigned instance, char *buf, size_t size);

/* The designed dataset a report of IED d carries: by its DatSet reference when the
 * report or its RCB told it ("IED1LD0/LLN0$Events"), else by its RptID (an RCB's
 * rptID in d, or, for an RCB whose rptID is empty, the RCB reference the IED sends
 * instead). d may be NULL (then the DatSet and the RCB reference only). NULL when
 * the design does not say. */
const struct scl_dataset *scl_report_dataset(const struct scl *m, const struct scl_ied *d, const char *datset,
					     const char *rptid);

/* ---- DataTypeTemplates, resolved on demand ------------------------------------ */
struct scl_attr_info {
	bool found;        /* the path exists in the LN's type */
	bool structured;   /* a DO/SDO, or a DA/BDA of bType Struct */
	const char *fc;    /* the DA's FC ("" for a DO: it spans several) */
	const char *btype; /* "BOOLEAN", "FLOAT32", "Struct", "Enum", ... */
	const char *type;  /* DOType/DAType/EnumType id, "" for a basic type */
	const char *cdc;   /* the DO's CDC when the path ends at a DO */
	uint8_t trgops;    /* TRG_MASK bits of dchg/qchg/dupd on the DA */
};
/* Resolves "Pos" / "stVal" (dotted for SDOs and BDAs: "A.phsA", "cVal.mag.f") in
 * the LN's type; da may be NULL or "" for the DO itself. False when not found. */
bool scl_resolve(const struct scl_ln *ln, const char *do_path, const char *da_path, struct scl_attr_info *out);
/* The leaves of a structured member in the order MMS sends them, each as an item
 * ("GGIO1$ST$Ind1$stVal"); calls fn for each, at most max_leaves; returns the
 * count seen. For the member names inside one structured report member. */
size_t scl_fcda_leaves(const struct scl_fcda *f, void (*fn)(const char *item, const struct scl_attr_info *a, void *arg),
		       void *arg, size_t max_leaves);

/* ---- loading (src/core/scl_load.c) --------------------------------------------- */
/* Loads the files in order (an SCD and then CIDs, say). On failure returns NULL
 * with "file:line: reason" in err. Disagreements between files about one IED are
 * warned on stderr (the IED's own file, a CID or IID, wins over an SCD). */
struct scl *scl_load(const char *const *paths, size_t n, char *err, size_t err_size);
/* One in-memory file (the fuzz target, tests); name is used in messages. */
struct scl *scl_load_memory(const char *name, const void *buf, size_t len, char *err, size_t err_size);
/* The error the last failing scl_load*() met. */
enum scl_error scl_last_error(void);
void scl_free(struct scl *m);

#endif

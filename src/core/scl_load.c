/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scl_load.c - reads SCL files (IEC 61850-6) into the model of scl.h.
 *
 * libxml2's streaming reader (xmlTextReader) walks the file one node at a time and
 * frees what it has passed, so a 30 MB SCD never becomes a tree; the model keeps
 * only what analyzers use, with every string interned (an SCD repeats the same
 * lnClass, lnType, fc and bType names thousands of times).
 *
 * The file is hostile input. The reader runs with XML_PARSE_NONET and without
 * XML_PARSE_DTDLOAD, XML_PARSE_NOENT, XML_PARSE_DTDATTR or XML_PARSE_HUGE; an
 * external entity loader that refuses everything stands in while we read; any
 * DOCTYPE is refused (SCL never needs one, and it is where entities are declared),
 * as is any entity reference node. Depth, attribute and text sizes, element,
 * IED, RCB, dataset and FCDA counts are capped, each cap a named error.
 *
 * Building: entities go into flat arrays in document order, so the children of one
 * parent are a contiguous run. While loading, a parent's child pointer and a
 * child's parent pointer hold array indexes (the arrays still move as they grow);
 * freeze() turns them into pointers once no array will move again. */
#include "core/scl.h"

#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <dlfcn.h>

#include "core/scl_model.h"
#include "dissectors/iec61850_report.h"
#include "util/log.h"
#include "util/sha256.h"

/* libxml2 is opened only when a design is loaded: linked in, it and ICU behind it
 * cost every run about 2 MB of resident memory (tests/storm/run holds a run to
 * 64 MB). Each function used below is reached through a pointer of its own
 * declared type; the macros after the table make the calls read as usual. */
/* clang-format off */
#define XML_FUNCS(X)                                                                      \
	X(xmlFreeTextReader) X(xmlGetExternalEntityLoader) X(xmlGetLineNo) X(xmlInitParser) \
	X(xmlReaderForIO) X(xmlSetExternalEntityLoader) X(xmlSetGenericErrorFunc)          \
	X(xmlTextReaderConstLocalName) X(xmlTextReaderConstNamespaceUri)                   \
	X(xmlTextReaderConstValue) X(xmlTextReaderCurrentNode) X(xmlTextReaderDepth)       \
	X(xmlTextReaderGetParserLineNumber) X(xmlTextReaderIsEmptyElement)                 \
	X(xmlTextReaderMoveToElement) X(xmlTextReaderMoveToFirstAttribute)                 \
	X(xmlTextReaderMoveToNextAttribute) X(xmlTextReaderNodeType) X(xmlTextReaderRead)  \
	X(xmlTextReaderSetStructuredErrorHandler)
/* clang-format on */
#define X(f) static __typeof__(f) *p_##f;
XML_FUNCS(X)
#undef X

/* dlopen()s libxml2 once; false (with the reason in err) when it cannot be had. */
static bool xml_open(char *err, size_t err_size)
{
	static void *lib;
	if (lib)
		return true;
	void *h = dlopen("libxml2.so.2", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(err, err_size, "scl: cannot load libxml2 (install the Debian package libxml2): %s", dlerror());
		return false;
	}
#define X(f) \
	if (!(*(void **)&p_##f = dlsym(h, #f))) { \
		snprintf(err, err_size, "scl: libxml2 lacks %s", #f); \
		dlclose(h); \
		return false; \
	}
	XML_FUNCS(X)
#undef X
	lib = h;
	return true;
}

#define xmlFreeTextReader p_xmlFreeTextReader
#define xmlGetExternalEntityLoader p_xmlGetExternalEntityLoader
#define xmlGetLineNo p_xmlGetLineNo
#define xmlInitParser p_xmlInitParser
#define xmlReaderForIO p_xmlReaderForIO
#define xmlSetExternalEntityLoader p_xmlSetExternalEntityLoader
#define xmlSetGenericErrorFunc p_xmlSetGenericErrorFunc
#define xmlTextReaderConstLocalName p_xmlTextReaderConstLocalName
#define xmlTextReaderConstNamespaceUri p_xmlTextReaderConstNamespaceUri
#define xmlTextReaderConstValue p_xmlTextReaderConstValue
#define xmlTextReaderCurrentNode p_xmlTextReaderCurrentNode
#define xmlTextReaderDepth p_xmlTextReaderDepth
#define xmlTextReaderGetParserLineNumber p_xmlTextReaderGetParserLineNumber
#define xmlTextReaderIsEmptyElement p_xmlTextReaderIsEmptyElement
#define xmlTextReaderMoveToElement p_xmlTextReaderMoveToElement
#define xmlTextReaderMoveToFirstAttribute p_xmlTextReaderMoveToFirstAttribute
#define xmlTextReaderMoveToNextAttribute p_xmlTextReaderMoveToNextAttribute
#define xmlTextReaderNodeType p_xmlTextReaderNodeType
#define xmlTextReaderRead p_xmlTextReaderRead
#define xmlTextReaderSetStructuredErrorHandler p_xmlTextReaderSetStructuredErrorHandler

#define SCL_NS "http://www.iec.ch/61850/2003/SCL"
#define NONE UINT32_MAX
/* An index kept in a pointer field until freeze() (see the top of this file). */
#define IX(v) ((void *)(uintptr_t)(v))
#define UNIX(p) ((uint32_t)(uintptr_t)(p))
/* arr + the index held in p; NULL for an array never allocated (no children). */
#define AT(arr, p) ((arr) ? (arr) + UNIX(p) : NULL)

void scl_register_model(const struct scl *m, bool add);

static enum scl_error last_error;

enum scl_error scl_last_error(void)
{
	return last_error;
}

/* ---- growable arrays ------------------------------------------------------------ */
static bool grow(void *pp, size_t *cap, size_t need, size_t elsz)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? *cap * 2 : 64;
	while (n < need)
		n *= 2;
	void *p = realloc(*(void **)pp, n * elsz);
	if (!p)
		return false;
	*(void **)pp = p;
	*cap = n;
	return true;
}

/* What the loader keeps beside the model while files are read. */
struct build {
	struct scl *m;
	size_t cap_files, cap_ieds, cap_lds, cap_lns, cap_ds, cap_fcdas, cap_rcbs, cap_clients, cap_cbs, cap_addrs,
		cap_l2s, cap_types, cap_tchild;
	/* per IED */
	struct bied {
		uint64_t hash;
		uint32_t file;
		bool dropped;
	} * bied;
	/* per address: the IED it names, its file */
	struct baddr {
		const char *ied_name;
		uint32_t file;
		uint32_t first_l2;
	} * baddr;
	struct scl_map ied_seen;  /* (name, NULL) -> the IED in force so far */
	struct sha256_ctx design; /* over each file's own digest */
	size_t elements;
};

/* ---- one file ----------------------------------------------------------------------- */
enum el {
	E_OTHER = 0,
	E_SCL,
	E_COMM,
	E_SUBNET,
	E_CAP,
	E_ADDRESS,
	E_P,
	E_GSE,
	E_SMV,
	E_IED,
	E_SERVICES,
	E_RPTSET,
	E_AP,
	E_SERVER,
	E_LDEVICE,
	E_LN0,
	E_LN,
	E_DATASET,
	E_FCDA,
	E_RCB,
	E_TRGOPS,
	E_OPTFIELDS,
	E_RPTENABLED,
	E_CLIENTLN,
	E_GSECTL,
	E_SVCTL,
	E_DTT,
	E_LNODETYPE,
	E_DO,
	E_DOTYPE,
	E_SDO,
	E_DA,
	E_DATYPE,
	E_BDA,
	E_ENUMTYPE,
};

struct file_ctx {
	struct build *b;
	struct scl *m;
	const char *name;
	uint32_t file;
	xmlTextReaderPtr rd;
	/* input */
	int fd;
	const uint8_t *mem;
	size_t mem_len, mem_off;
	uint64_t bytes;
	bool too_big, io_error;
	struct sha256_ctx sha;
	/* failure */
	enum scl_error err;
	int err_line;
	char err_msg[256];
	/* where we are */
	uint8_t stack[SCL_MAX_DEPTH + 2];
	int depth;   /* elements open */
	int foreign; /* > 0: inside an element of another namespace */
	bool seen_root;
	uint32_t ied, ld, ln, ds, rcb, addr, l2, type;
	bool in_ied;
	uint64_t ied_hash;
	const char *p_type; /* the open <P>'s type */
	const char *subnet; /* the open SubNetwork's name */
	char text[SCL_MAX_TEXT_BYTES + 1];
	size_t text_len;
};

static bool fail(struct file_ctx *c, enum scl_error e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(struct file_ctx *c, enum scl_error e, const char *fmt, ...)
{
	if (c->err != SCL_OK)
		return false;
	c->err = e;
	/* the node's own line; the parser's line runs ahead of the reader */
	xmlNodePtr n = c->rd ? xmlTextReaderCurrentNode(c->rd) : NULL;
	long line = n ? xmlGetLineNo(n) : -1;
	c->err_line = line > 0 ? (int)line : c->rd ? xmlTextReaderGetParserLineNumber(c->rd) : 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err_msg, sizeof(c->err_msg), fmt, ap);
	va_end(ap);
	return false;
}

static int io_read(void *ctx, char *buf, int len)
{
	struct file_ctx *c = ctx;
	ssize_t n;
	if (c->mem) {
		size_t left = c->mem_len - c->mem_off;
		n = (ssize_t)(left < (size_t)len ? left : (size_t)len);
		memcpy(buf, c->mem + c->mem_off, (size_t)n);
		c->mem_off += (size_t)n;
	} else {
		do
			n = read(c->fd, buf, (size_t)len);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			c->io_error = true;
			return -1;
		}
	}
	c->bytes += (uint64_t)n;
	if (c->bytes > SCL_MAX_FILE_BYTES) {
		c->too_big = true;
		return -1;
	}
	sha256_update(&c->sha, (size_t)n, (const uint8_t *)buf);
	return (int)n;
}

static int io_close(void *ctx)
{
	(void)ctx;
	return 0;
}

/* libxml2's own complaints: the first one is the file's reason. */
#if LIBXML_VERSION >= 21200
static void on_xml_error(void *arg, const xmlError *e)
#else
static void on_xml_error(void *arg, xmlErrorPtr e)
#endif
{
	struct file_ctx *c = arg;
	if (!c || !e || e->level < XML_ERR_ERROR || c->err != SCL_OK)
		return;
	char msg[200];
	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "XML error");
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = 0;
	c->err = SCL_ERR_XML;
	c->err_line = e->line > 0 ? e->line : (c->rd ? xmlTextReaderGetParserLineNumber(c->rd) : 0);
	snprintf(c->err_msg, sizeof(c->err_msg), "not well-formed XML: %s", msg);
}

static void silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* Stands in for libxml2's loader while we read: no file, no URL, ever. */
static xmlParserInputPtr refuse_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

/* ---- values ---------------------------------------------------------------------------- */
static bool is_true(const char *v, bool dflt)
{
	if (!v || !*v)
		return dflt;
	return !strcmp(v, "true") || !strcmp(v, "1");
}

static uint32_t num(const char *v, int base, bool *ok)
{
	if (ok)
		*ok = false;
	if (!v || !*v)
		return 0;
	char *end;
	errno = 0;
	unsigned long x = strtoul(v, &end, base);
	while (*end == ' ')
		end++;
	if (errno || *end || x > UINT32_MAX || *v == '-')
		return 0;
	if (ok)
		*ok = true;
	return (uint32_t)x;
}

/* Dotted quad; tools write "010.000.000.001" too, which inet_pton refuses. */
static bool parse_ipv4(const char *s, uint8_t out[4])
{
	for (int i = 0; i < 4; i++) {
		unsigned v = 0, digits = 0;
		while (*s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(*s++ - '0');
			digits++;
		}
		if (!digits || v > 255)
			return false;
		out[i] = (uint8_t)v;
		if (i < 3 && *s++ != '.')
			return false;
	}
	return *s == 0;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Hex digits (an odd count gets a leading zero) to bytes; false when not hex. */
static bool parse_hex(const char *s, uint8_t *out, uint8_t cap, uint8_t *len)
{
	size_t n = strlen(s);
	if (!n || (n + 1) / 2 > cap)
		return false;
	size_t k = 0, i = 0;
	if (n & 1) {
		int v = hexval(s[0]);
		if (v < 0)
			return false;
		out[k++] = (uint8_t)v;
		i = 1;
	}
	for (; i < n; i += 2) {
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[k++] = (uint8_t)(hi << 4 | lo);
	}
	*len = (uint8_t)k;
	return true;
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[0]), lo = hi >= 0 ? hexval(s[1]) : -1;
		if (hi < 0 || lo < 0)
			return false;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5) {
			if (*s != '-' && *s != ':')
				return false;
			s++;
		}
	}
	return *s == 0;
}

/* ---- attributes ---------------------------------------------------------------------- */
static void hash_mix(uint64_t *h, const char *s)
{
	for (; *s; s++)
		*h = (*h ^ (uint8_t)*s) * 1099511628211ull;
	*h = (*h ^ 0xff) * 1099511628211ull;
}

/* Walks every attribute once: checks its size, feeds the IED's fingerprint, and
 * interns the values of the wanted names into out[] ("" when absent). */
static bool attrs(struct file_ctx *c, const char *const *names, size_t n, const char **out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = "";
	int r = xmlTextReaderMoveToFirstAttribute(c->rd);
	for (; r == 1; r = xmlTextReaderMoveToNextAttribute(c->rd)) {
		const char *name = (const char *)xmlTextReaderConstLocalName(c->rd);
		const char *val = (const char *)xmlTextReaderConstValue(c->rd);
		if (!name || !val)
			continue;
		size_t len = strlen(val);
		if (len > SCL_MAX_ATTR_BYTES && xmlTextReaderMoveToElement(c->rd) >= 0)
			return fail(c, SCL_ERR_ATTR_SIZE, "attribute %.40s is %zu bytes (at most %u)", name, len,
				    SCL_MAX_ATTR_BYTES);
		if (xmlTextReaderConstNamespaceUri(c->rd) != NULL)
			continue; /* xmlns declarations and other namespaces' attributes: not SCL's */
		if (c->in_ied) {
			hash_mix(&c->ied_hash, name);
			hash_mix(&c->ied_hash, val);
		}
		for (size_t i = 0; i < n; i++)
			if (!strcmp(name, names[i])) {
				if (!(out[i] = scl_intern(&c->m->str, val, len)))
					return fail(c, SCL_ERR_MEMORY, "out of memory");
				break;
			}
	}
	xmlTextReaderMoveToElement(c->rd);
	if (r < 0)
		return fail(c, SCL_ERR_XML, "not well-formed XML: bad attribute");
	return true;
}

#define ATTRS(c, out, ...) \
	do { \
		static const char *const names_[] = { __VA_ARGS__ }; \
		if (!attrs(c, names_, sizeof(names_) / sizeof(names_[0]), out)) \
			return false; \
	} while (0)

/* ---- elements ------------------------------------------------------------------------- */
static enum el classify(enum el parent, const char *n)
{
#define IS(s) (!strcmp(n, s))
	switch (parent) {
	case E_SCL:
		return IS("Communication") ? E_COMM : IS("IED") ? E_IED : IS("DataTypeTemplates") ? E_DTT : E_OTHER;
	case E_COMM:
		return IS("SubNetwork") ? E_SUBNET : E_OTHER;
	case E_SUBNET:
		return IS("ConnectedAP") ? E_CAP : E_OTHER;
	case E_CAP:
		return IS("Address") ? E_ADDRESS : IS("GSE") ? E_GSE : IS("SMV") ? E_SMV : E_OTHER;
	case E_GSE:
	case E_SMV:
		return IS("Address") ? E_ADDRESS : E_OTHER;
	case E_ADDRESS:
		return IS("P") ? E_P : E_OTHER;
	case E_IED:
		return IS("Services") ? E_SERVICES : IS("AccessPoint") ? E_AP : E_OTHER;
	case E_AP:
		return IS("Server") ? E_SERVER : IS("Services") ? E_SERVICES : E_OTHER;
	case E_SERVICES:
		return IS("ReportSettings") ? E_RPTSET : E_OTHER;
	case E_SERVER:
		return IS("LDevice") ? E_LDEVICE : E_OTHER;
	case E_LDEVICE:
		return IS("LN0") ? E_LN0 : IS("LN") ? E_LN : E_OTHER;
	case E_LN0:
	case E_LN:
		if (IS("DataSet"))
			return E_DATASET;
		if (IS("ReportControl"))
			return E_RCB;
		if (parent == E_LN0 && IS("GSEControl"))
			return E_GSECTL;
		if (parent == E_LN0 && IS("SampledValueControl"))
			return E_SVCTL;
		return E_OTHER;
	case E_DATASET:
		return IS("FCDA") ? E_FCDA : E_OTHER;
	case E_RCB:
		return IS("TrgOps")        ? E_TRGOPS
			: IS("OptFields")  ? E_OPTFIELDS
			: IS("RptEnabled") ? E_RPTENABLED
					   : E_OTHER;
	case E_RPTENABLED:
		return IS("ClientLN") ? E_CLIENTLN : E_OTHER;
	case E_DTT:
		return IS("LNodeType")   ? E_LNODETYPE
			: IS("DOType")   ? E_DOTYPE
			: IS("DAType")   ? E_DATYPE
			: IS("EnumType") ? E_ENUMTYPE
					 : E_OTHER;
	case E_LNODETYPE:
		return IS("DO") ? E_DO : E_OTHER;
	case E_DOTYPE:
		return IS("SDO") ? E_SDO : IS("DA") ? E_DA : E_OTHER;
	case E_DATYPE:
		return IS("BDA") ? E_BDA : E_OTHER;
	default:
		return E_OTHER;
	}
#undef IS
}

static uint8_t edition_of(const char *version, const char *revision)
{
	if (!*version)
		return SCL_ED_1;
	if (!strcmp(version, "2007") && !strcmp(revision, "B"))
		return SCL_ED_2_1;
	return SCL_ED_2;
}

static bool ied_start(struct file_ctx *c)
{
	struct scl *m = c->m;
	struct build *b = c->b;
	const char *v[7];
	ATTRS(c, v, "name", "desc", "manufacturer", "type", "configVersion", "originalSclVersion",
	      "originalSclRevision");
	if (m->n_ieds >= SCL_MAX_IEDS)
		return fail(c, SCL_ERR_IEDS, "more than %u IEDs", SCL_MAX_IEDS);
	if (!grow(&m->ieds, &b->cap_ieds, m->n_ieds + 1, sizeof(*m->ieds)) ||
	    !(b->bied = realloc(b->bied, b->cap_ieds * sizeof(*b->bied))))
		return fail(c, SCL_ERR_MEMORY, "out of memory");
	struct scl_ied *d = &m->ieds[m->n_ieds];
	memset(d, 0, sizeof(*d));
	d->name = v[0];
	d->desc = v[1];
	d->manufacturer = v[2];
	d->type = v[3];
	d->config_version = v[4];
	d->original_scl_version = v[5];
	d->original_scl_revision = v[6];
	d->file = IX(c->file);
	d->is_template = !strcmp(d->name, "TEMPLATE");
	d->lds = IX(m->n_lds);
	b->bied[m->n_ieds] = (struct bied){ .file = c->file };
	c->ied = (uint32_t)m->n_ieds++;
	c->in_ied = true;
	c->ied_hash = 1469598103934665603ull;
	return true;
}

static uint8_t file_priority(uint8_t kind)
{
	/* The IED's own file (CID, IID) is the more specific; an ICD's installed IED next;
	 * the SCD and SED describe the whole substation. */
	switch (kind) {
	case SCL_FILE_CID:
	case SCL_FILE_IID:
		return 3;
	case SCL_FILE_ICD:
		return 2;
	default:
		return 1;
	}
}

static bool ied_end(struct file_ctx *c)
{
	struct scl *m = c->m;
	struct build *b = c->b;
	struct scl_ied *d = &m->ieds[c->ied];
	d->n_lds = (uint32_t)(m->n_lds - UNIX(d->lds));
	b->bied[c->ied].hash = c->ied_hash;
	c->in_ied = false;
	if (d->is_template || !*d->name)
		return true;
	uint32_t prev = scl_map_get(&b->ied_seen, d->name, NULL);
	if (prev == NONE)
		return scl_map_put(&b->ied_seen, d->name, NULL, c->ied) || fail(c, SCL_ERR_MEMORY, "out of memory");
	const struct scl_ied *p = &m->ieds[prev];
	const struct scl_file *pf = &m->files[b->bied[prev].file], *nf = &m->files[c->file];
	uint8_t pp = file_priority(pf->kind), np = file_priority(nf->kind);
	bool same = b->bied[prev].hash == c->ied_hash;
	uint32_t keep = np > pp ? c->ied : prev;
	const struct scl_file *kf = keep == prev ? pf : nf;
	b->bied[keep == prev ? c->ied : prev].dropped = true;
	if (keep != prev) {
		/* the map keeps its first value: put the winner under a fresh key set */
		for (size_t i = 0; i < b->ied_seen.n_slots; i++)
			if (b->ied_seen.slot[i].a == d->name)
				b->ied_seen.slot[i].v = keep;
	}
	if (same)
		return true;
	char why[200] = "";
	if (strcmp(p->config_version, d->config_version))
		snprintf(why, sizeof(why), " (configVersion \"%s\" in %s, \"%s\" in %s)", p->config_version, pf->path,
			 d->config_version, nf->path);
	if (pf == nf)
		log_warn("scl: %s: IED %s is described twice; using the first", nf->path, d->name);
	else if (pp != np)
		log_warn("scl: IED %s: %s (%s) and %s (%s) disagree%s; using %s, the IED's own file, "
			 "which is more specific than the %s",
			 d->name, pf->path, scl_file_kind_text(pf->kind), nf->path, scl_file_kind_text(nf->kind), why,
			 kf->path, scl_file_kind_text(keep == prev ? nf->kind : pf->kind));
	else
		log_warn("scl: IED %s: %s and %s disagree%s; using %s, loaded first", d->name, pf->path, nf->path, why,
			 kf->path);
	return true;
}

static bool ld_start(struct file_ctx *c)
{
	struct scl *m = c->m;
	const char *v[3];
	ATTRS(c, v, "inst", "ldName", "desc");
	if (c->ied == NONE)
		return true;
	if (!grow(&m->lds, &c->b->cap_lds, m->n_lds + 1, sizeof(*m->lds)))
		return fail(c, SCL_ERR_MEMORY, "out of memory");
	struct scl_ldevice *ld = &m->lds[m->n_lds];
	memset(ld, 0, sizeof(*ld));
	ld->ied = IX(c->ied);
	ld->inst = v[0];
	ld->ld_name = v[1];
	ld->desc = v[2];
	ld->domain = "";
	ld->lns = IX(m->n_lns);
	ld->datasets = IX(m->n_datasets);
	ld->rcbs = IX(m->n_rcbs);
	ld->cbs = IX(m->n_cbs);
	c->ld = (uint32_t)m->n_lds++;
	return true;
}

static void ld_end(struct file_ctx *c)
{
	struct scl *m = c->m;
	if (c->ld == NONE)
		return;
	struct scl_ldevice *ld = &m->lds[c->ld];
	ld->n_lns = (uint32_t)(m->n_lns - UNIX(ld->lns));
	ld->n_datasets = (uint32_t)(m->n_datasets - UNIX(ld->datasets));
	ld->n_rcbs = (uint32_t)(m->n_rcbs - UNIX(ld->rcbs));
	ld->n_cbs = (uint32_t)(m->n_cbs - UNIX(ld->cbs));
	c->ld = NONE;
}

static bool ln_start(struct file_ctx *c, bool ln0)
{
	struct scl *m = c->m;
	const char *v[5];
	ATTRS(c, v, "prefix", "lnClass", "inst", "lnType", "desc");
	if (c->ld == NONE)
		return true;
	if (!grow(&m->lns, &c->b->cap_lns, m->n_lns + 1, sizeof(*m->lns)))
		return fail(c, SCL_ERR_MEMORY, "out of memory");
	struct scl_ln *ln = &m->lns[m->n_lns];
	ln->ld = IX(c->ld);
	ln->prefix = ln0 ? "" : v[0];
	ln->ln_class = ln0 && !*v[1] ? "LLN0" : v[1];
	ln->inst = ln0 ? "" : v[2];
	ln->ln_type = v[3];
	ln->desc = v[4];
	char name[200];
	int k = snprintf(name, sizeof(name), "%s%s%s", ln->prefix, ln->ln_class, ln->inst);
	if (!(ln->name = scl_intern(&m->str, name, (size_t)k < sizeof(name) ? (size_t)k : sizeof(name) - 1)))
		return fail(c, SCL_ERR_MEMORY, "out of memory");
	c->ln = (uint32_t)m->n_lns++;
	return true;
}

static bool dataset_start(struct file_ctx *c)
{
	struct scl *m = c->m;
	const char *v[2];
	ATTRS(c, v, "name", "desc");
	if (c->ln == NONE)
		return true;
	if (m->n_datasets >= SCL_MAX_DATASETS)
		return fail(c, SCL_ERR_DATASETS, "more than %u datasets", SCL_MAX_DATASETS);
	if (!grow(&m->datasets, &c->b->cap_ds, m->n_datasets + 1, sizeof(*m->datasets)))
		return fail(c, SCL_ERR_MEMORY, "out of memory");
	struct scl_dataset *s = &m->datasets[m->n_datasets];
	memset(s, 0, sizeof(*s));
	s->ln = IX(c->ln);
	s->name = v[0];
	s->desc = v[1];
	s->ref = "";
	s->fcdas = IX(m->n_fcdas);
	c->ds = (uint32_t)m->n_datasets++;
	return true;
}

static bool fcda_start(struct file_ctx *c)
{
	struct scl *m = c->m;
	const char *v[8];
	ATTRS(c, v, "ldInst", "prefix", "lnClass", "lnInst", "doName", "daName", "fc", "ix");
	if (c->ds == NONE)
		return true;
	if (m->n_fcdas >= SCL_MAX_FCDAS)
		return fail(c, SCL_ERR_FCDAS, "more than %u FCDAs", SCL_MAX_FCDAS);
	if (!grow(&m->fcdas, &c->b->cap_fcdas, m->n_fcdas + 1, sizeof(*m->fcdas)))
		return fail(c, SCL_ERR_MEMORY, "out of memory");
	struct scl_fcda *f = &m->fcdas[m->n_fcdas++];
	memset(f, 0, sizeof(*f));
	f->ld_inst = v[0];
	f->prefix = v[1];
	f->ln_class = v[2];
	f->ln_inst = v[3];
	f->do_name = v[4];
	f->da_name = v[5];
	f->fc = v[6];
	f->ix = v[7];
	f->domain = f->item = f->display = f->btype = "";
	m->datasets[c->ds].n_fcdas++;
	return true;
}

static bool rcb_start(struct file_ctx *c)
{
	struct scl *m = c->m;
	const char *v[9];
	ATTRS(c, v, "name", "desc", "datSet", "intgPd", "rptID", "confRev", "buffered", "bufTime", "indexed");
	if (c->ln == NONE)
		return true;
	if (m->n_rcbs >= SCL_MAX_RCBS)
		return fail(c, SCL_ERR_RCBS, "more than %u ReportControl blocks", SCL_MAX_RCBS);
	if (!grow(&m->rcbs, &c->b->cap_rcbs, m->n_rcbs + 1, sizeof(*m->rcbs)))
		return fail(c, SCL_ERR_MEMORY, "out of memory");
	struct scl_rcb *r = &m->rcbs[m->n_rcbs];
	memset(r, 0, sizeof(*r));
	r->ln = IX(c->ln);
	r->name = v[0];
	r->desc = v[1];
	r->datset = v[2];
	r->intg_pd = num(v[3], 10, NULL);
	r->rpt_id = v[4];
	r->conf_rev = num(v[5], 10, &r->has_conf_rev);
	r->buffered = is_true(v[6], false);
	r->buf_time = num(v[7], 10, NULL);
	r->indexed_given = *v[8] != 0;
	r->indexed = is_true(v[8], true);
	r->max = 1;
	/* TrgOps gi defaults to true; bufOvfl to true from Ed2 (the schemas' defaults) */
	r->trgops = TRG_MASK(TRG_GI);
	if (m->files[c->file].edition >= SCL_ED_2)
		r->optflds = 1u << OPT_BUFFER_OVERFLOW;
	r->clients = IX(m->n_clients);
	c->rcb = (uint32_t)m->n_rcbs++;
	return true;
}

static bool trgops(struct file_ctx *c)
{
	const char *v[5];
	ATTRS(c, v, "dchg", "qchg", "dupd", "period", "gi");
	if (c->rcb == NONE)
		return true;
	struct scl_rcb *r = &c->m->rcbs[c->rcb];
	r->trgops = (uint8_t)((is_true(v[0], false) ? TRG_MASK(TRG_DCHG) : 0) |
			      (is_true(v[1], false) ? TRG_MASK(TRG_QCHG) : 0) |
			      (is_true(v[2], false) ? TRG_MASK(TRG_DUPD) : 0) |
			      (is_true(v[3], false) ? TRG_MASK(TRG_INTEGRITY) : 0) |
			      (is_true(v[4], true) ? TRG_MASK(TRG_GI) : 0));
	return true;
}

static bool optfields(struct file_ctx *c)
{
	const char *v[9];
	ATTRS(c, v, "seqNum", "timeStamp", "reasonCode", "dataSet", "dataRef", "bufOvfl", "entryID", "configRef",
	      "segmentation");
	if (c->rcb == NONE)
		return true;
	struct scl_rcb *r = &c->m->rcbs[c->rcb];
	static const uint8_t bit[9] = { OPT_SEQ_NUM,  OPT_TIME_STAMP, OPT_REASON,
					OPT_DATA_SET, OPT_DATA_REF,   OPT_BUFFER_OVERFLOW,
					OPT_ENTRY_ID, OPT_CONF_REV,   OPT_SEGMENTATION };
	bool ovfl_default = c->m->files[c->file].edition >= SCL_ED_2;
	r->optflds = 0;
	for (int i = 0; i < 9; i++)
		if (is_true(v[i], i == 5 ? ovfl_default : false))
			r->optflds |= (uint16_t)(1u << bit[i]);
	return true;
}

static bool rpt_enabled(struct file_ctx *c)
{
	const char *v[1];
	ATTRS(c, v, "max");
	if (c->rcb == NONE || !*v[0])
		return true;
	bool ok;
	uint32_t max = num(v[0], 10, &ok);
	if (!ok || max < 1 || max > SCL_MAX_RCB_MAX)
		return fail(c, SCL_ERR_BAD_VALUE, "RptEnabled max=\"%.20s\" is not 1..%u", v[0], SCL_MAX_RCB_MAX);
	c->m->rcbs[c->rcb].max = (uint16_t)max;
	return true;
}

static bool client_ln(struct file_ctx *c)
{
	struct scl *m = c->m;
	const char *v[6];
	ATTRS(c, v, "iedName", "ldInst", "prefix", "lnClass", "lnInst", "apRef");
	if (c->rcb == NONE)
		return true;
	if (!grow(&m->clients, &c->b->cap_clients, m->n_clients + 1, sizeof(*m->clients)))
		return fail(c, SCL_ERR_MEMORY, "out of memory");
	m->clients[m->n_clients++] = (struct scl_client_ln){
		.ied_name = v[0], .ld_inst = v[1], .prefix = v[2], .ln_class = v[3], .ln_inst = v[4], .ap_ref = v[5]
	};
	m->rcbs[c->rcb].n_clients++;
	return true;
}

static bool cb_start(struct file_ctx *c, bool smv)
{
	struct scl *m = c->m;
	const char *v[6];
	if (smv)
		ATTRS(c, v, "name", "desc", "datSet", "confRev", "smvID", "multicast");
	else
		ATTRS(c, v, "name", "desc", "datSet", "confRev", "appID", "type");
	if (c->ln == NONE)
		return true;
	if (!grow(&m->cbs, &c->b->cap_cbs, m->n_cbs + 1, sizeof(*m->cbs)))
		return fail(c, SCL_ERR_MEMORY, "out of memory");
	struct scl_cb *cb = &m->cbs[m->n_cbs++];
	memset(cb, 0, sizeof(*cb));
	cb->ln = IX(c->ln);
	cb->name = v[0];
	cb->desc = v[1];
	cb->datset = v[2];
	cb->conf_rev = num(v[3], 10, &cb->has_conf_rev);
	cb->app_id = v[4];
	cb->is_smv = smv;
	/* the control block's MMS FC: GO (GOOSE), GS (GSSE), MS/US (multicast/unicast SV) */
	cb->ref = smv ? (is_true(v[5], true) ? "MS" : "US") : (!strcmp(v[5], "GSSE") ? "GS" : "GO");
	return true;
}

static bool rpt_settings(struct file_ctx *c)
{
	const char *v[SCL_RS_COUNT];
	ATTRS(c, v, "cbName", "datSet", "rptID", "optFields", "bufTime", "trgOps", "intgPd", "resvTms", "owner");
	if (c->ied == NONE)
		return true;
	struct scl_ied *d = &c->m->ieds[c->ied];
	for (int i = 0; i < SCL_RS_COUNT; i++)
		d->report_settings[i] = !strcmp(v[i], "Dyn") ? SCL_SET_DYN
			: !strcmp(v[i], "Conf")              ? SCL_SET_CONF
							     : SCL_SET_FIX;
	return true;
}

static bool cap_start(struct file_ctx *c, const char *subnet)
{
	struct scl *m = c->m;
	struct build *b = c->b;
	const char *v[2];
	ATTRS(c, v, "iedName", "apName");
	if (!grow(&m->addrs, &b->cap_addrs, m->n_addrs + 1, sizeof(*m->addrs)) ||
	    !(b->baddr = realloc(b->baddr, b->cap_addrs * sizeof(*b->baddr))))
		return fail(c, SCL_ERR_MEMORY, "out of memory");
	struct scl_access_addr *a = &m->addrs[m->n_addrs];
	memset(a, 0, sizeof(*a));
	a->subnetwork = subnet;
	a->ap_name = v[1];
	a->ip_text = a->ap_title = "";
	a->mms_port = 102;
	b->baddr[m->n_addrs] = (struct baddr){ .ied_name = v[0], .file = c->file, .first_l2 = (uint32_t)m->n_l2s };
	c->addr = (uint32_t)m->n_addrs++;
	return true;
}

static bool l2_start(struct file_ctx *c, bool smv)
{
	struct scl *m = c->m;
	const char *v[2];
	ATTRS(c, v, "ldInst", "cbName");
	if (c->addr == NONE)
		return true;
	if (!grow(&m->l2s, &c->b->cap_l2s, m->n_l2s + 1, sizeof(*m->l2s)))
		return fail(c, SCL_ERR_MEMORY, "out of memory");
	struct scl_l2_addr *l = &m->l2s[m->n_l2s];
	memset(l, 0, sizeof(*l));
	l->ld_inst = v[0];
	l->cb_name = v[1];
	l->is_smv = smv;
	c->l2 = (uint32_t)m->n_l2s++;
	m->addrs[c->addr].n_l2++;
	return true;
}

/* A <P type="..."> value, into the open ConnectedAP or GSE/SMV. */
static bool p_end(struct file_ctx *c, enum el where)
{
	const char *t = c->p_type;
	char *v = c->text;
	v[c->text_len] = 0;
	while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
		v++;
	size_t n = strlen(v);
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\n' || v[n - 1] == '\r'))
		v[--n] = 0;
	if (!t)
		return true;
	if (where == E_GSE || where == E_SMV) {
		if (c->l2 == NONE)
			return true;
		struct scl_l2_addr *l = &c->m->l2s[c->l2];
		if (!strcmp(t, "MAC-Address")) {
			if (!parse_mac(v, l->mac))
				return fail(c, SCL_ERR_BAD_VALUE, "MAC-Address \"%.40s\" is not a MAC address", v);
			l->has_mac = true;
		} else if (!strcmp(t, "APPID")) {
			l->appid = (uint16_t)num(v, 16, &l->has_appid);
		} else if (!strcmp(t, "VLAN-ID")) {
			l->vlan_id = (uint16_t)(num(v, 16, &l->has_vlan) & 0xfff);
		} else if (!strcmp(t, "VLAN-PRIORITY")) {
			l->vlan_priority = (uint8_t)(num(v, 10, NULL) & 7);
		}
		return true;
	}
	if (c->addr == NONE)
		return true;
	struct scl_access_addr *a = &c->m->addrs[c->addr];
	uint8_t len;
	if (!strcmp(t, "IP")) {
		memset(a->ip, 0, sizeof(a->ip));
		if (!parse_ipv4(v, a->ip))
			return fail(c, SCL_ERR_BAD_VALUE, "IP \"%.60s\" is not an IPv4 address", v);
		a->has_ip = true;
		a->ipver = 4;
		if (!(a->ip_text = scl_intern(&c->m->str, v, n)))
			return fail(c, SCL_ERR_MEMORY, "out of memory");
	} else if (!strcmp(t, "IPv6")) {
		if (inet_pton(AF_INET6, v, a->ip) != 1)
			return fail(c, SCL_ERR_BAD_VALUE, "IPv6 \"%.60s\" is not an IPv6 address", v);
		a->has_ip = true;
		a->ipver = 6;
		if (!(a->ip_text = scl_intern(&c->m->str, v, n)))
			return fail(c, SCL_ERR_MEMORY, "out of memory");
	} else if (!strcmp(t, "MMS-Port")) {
		bool ok;
		uint32_t port = num(v, 10, &ok);
		if (ok && port > 0 && port < 65536)
			a->mms_port = (uint16_t)port;
	} else if (!strcmp(t, "OSI-PSEL")) {
		if (parse_hex(v, a->psel.b, sizeof(a->psel.b), &len))
			a->psel.len = len;
	} else if (!strcmp(t, "OSI-SSEL")) {
		if (parse_hex(v, a->ssel.b, sizeof(a->ssel.b), &len))
			a->ssel.len = len;
	} else if (!strcmp(t, "OSI-TSEL")) {
		if (parse_hex(v, a->tsel.b, sizeof(a->tsel.b), &len))
			a->tsel.len = len;
	} else if (!strcmp(t, "OSI-AP-Title")) {
		if (!(a->ap_title = scl_intern(&c->m->str, v, n)))
			return fail(c, SCL_ERR_MEMORY, "out of memory");
		/* "1 3 9999 33" (commas and dots seen too) */
		uint8_t k = 0;
		const char *p = v;
		bool ok = true;
		while (*p && ok) {
			while (*p == ' ' || *p == ',' || *p == '.')
				p++;
			if (!*p)
				break;
			char *end;
			unsigned long arc = strtoul(p, &end, 10);
			if (end == p || k >= 16 || arc > UINT32_MAX)
				ok = false;
			else
				a->ap_title_arcs[k++] = (uint32_t)arc;
			p = end;
		}
		a->n_ap_title_arcs = ok ? k : 0;
	} else if (!strcmp(t, "OSI-AE-Qualifier")) {
		char *end;
		long q = strtol(v, &end, 10);
		if (end != v && !*end && q >= INT32_MIN && q <= INT32_MAX) {
			a->ae_qualifier = (int32_t)q;
			a->has_ae_qualifier = true;
		}
	}
	return true;
}

static bool type_start(struct file_ctx *c, uint8_t kind)
{
	struct scl *m = c->m;
	const char *v[3];
	ATTRS(c, v, "id", "cdc", "lnClass");
	if (!grow(&m->types, &c->b->cap_types, m->n_types + 1, sizeof(*m->types)))
		return fail(c, SCL_ERR_MEMORY, "out of memory");
	struct scl_type *t = &m->types[m->n_types];
	t->id = v[0];
	t->cdc = kind == SCL_T_LNODE ? v[2] : v[1];
	t->kind = kind;
	t->first = (uint32_t)m->n_tchild;
	t->n = 0;
	if (*t->id &&
	    (!scl_map_put(&m->type_by_id, IX(c->file + 1), t->id, (uint32_t)m->n_types) ||
	     !scl_map_put(&m->type_by_id, t->id, NULL, (uint32_t)m->n_types)))
		return fail(c, SCL_ERR_MEMORY, "out of memory");
	c->type = (uint32_t)m->n_types++;
	return true;
}

static bool tchild(struct file_ctx *c, uint8_t kind)
{
	struct scl *m = c->m;
	const char *v[7];
	ATTRS(c, v, "name", "type", "bType", "fc", "dchg", "qchg", "dupd");
	if (c->type == NONE)
		return true;
	if (!grow(&m->tchild, &c->b->cap_tchild, m->n_tchild + 1, sizeof(*m->tchild)))
		return fail(c, SCL_ERR_MEMORY, "out of memory");
	struct scl_tchild *k = &m->tchild[m->n_tchild++];
	k->name = v[0];
	k->type = v[1];
	k->btype = v[2];
	k->fc = v[3];
	k->kind = kind;
	k->trgops = (uint8_t)((is_true(v[4], false) ? TRG_MASK(TRG_DCHG) : 0) |
			      (is_true(v[5], false) ? TRG_MASK(TRG_QCHG) : 0) |
			      (is_true(v[6], false) ? TRG_MASK(TRG_DUPD) : 0));
	m->types[c->type].n++;
	return true;
}

static bool root(struct file_ctx *c)
{
	const char *v[3];
	ATTRS(c, v, "version", "revision", "release");
	struct scl_file *f = &c->m->files[c->file];
	f->version = v[0];
	f->revision = v[1];
	f->release = v[2];
	f->edition = edition_of(v[0], v[1]);
	return true;
}

static bool element_start(struct file_ctx *c, const char *name, enum el parent, enum el e)
{
	switch (e) {
	case E_SCL:
		return root(c);
	case E_SUBNET: {
		const char *v[1];
		ATTRS(c, v, "name");
		c->subnet = v[0];
		return true;
	}
	case E_CAP:
		return cap_start(c, c->subnet ? c->subnet : "");
	case E_GSE:
		return l2_start(c, false);
	case E_SMV:
		return l2_start(c, true);
	case E_P: {
		const char *v[1];
		ATTRS(c, v, "type");
		c->p_type = v[0];
		c->text_len = 0;
		return true;
	}
	case E_IED:
		return ied_start(c);
	case E_RPTSET:
		return rpt_settings(c);
	case E_LDEVICE:
		return ld_start(c);
	case E_LN0:
		return ln_start(c, true);
	case E_LN:
		return ln_start(c, false);
	case E_DATASET:
		return dataset_start(c);
	case E_FCDA:
		return fcda_start(c);
	case E_RCB:
		return rcb_start(c);
	case E_TRGOPS:
		return trgops(c);
	case E_OPTFIELDS:
		return optfields(c);
	case E_RPTENABLED:
		return rpt_enabled(c);
	case E_CLIENTLN:
		return client_ln(c);
	case E_GSECTL:
		return cb_start(c, false);
	case E_SVCTL:
		return cb_start(c, true);
	case E_LNODETYPE:
		return type_start(c, SCL_T_LNODE);
	case E_DOTYPE:
		return type_start(c, SCL_T_DO);
	case E_DATYPE:
		return type_start(c, SCL_T_DA);
	case E_ENUMTYPE:
		return type_start(c, SCL_T_ENUM);
	case E_DO:
		return tchild(c, SCL_C_DO);
	case E_SDO:
		return tchild(c, SCL_C_SDO);
	case E_DA:
		return tchild(c, SCL_C_DA);
	case E_BDA:
		return tchild(c, SCL_C_BDA);
	default: {
		(void)name;
		(void)parent;
		const char *none[1];
		return attrs(c, NULL, 0, none); /* still sized and fingerprinted */
	}
	}
}

static bool element_end(struct file_ctx *c, enum el e, enum el parent)
{
	switch (e) {
	case E_IED: {
		bool ok = ied_end(c);
		c->ied = NONE;
		return ok;
	}
	case E_LDEVICE:
		ld_end(c);
		return true;
	case E_LN0:
	case E_LN:
		c->ln = NONE;
		return true;
	case E_DATASET:
		c->ds = NONE;
		return true;
	case E_RCB:
		c->rcb = NONE;
		return true;
	case E_CAP:
		c->addr = NONE;
		return true;
	case E_GSE:
	case E_SMV:
		c->l2 = NONE;
		return true;
	case E_P: {
		/* P sits in Address, whose parent tells whose address it is */
		enum el owner = c->depth >= 1 ? (enum el)c->stack[c->depth - 1] : E_OTHER;
		(void)parent;
		bool ok = p_end(c, owner);
		c->p_type = NULL;
		return ok;
	}
	case E_LNODETYPE:
	case E_DOTYPE:
	case E_DATYPE:
	case E_ENUMTYPE:
		c->type = NONE;
		return true;
	case E_SUBNET:
		c->subnet = NULL;
		return true;
	default:
		return true;
	}
}

static bool node(struct file_ctx *c)
{
	int type = xmlTextReaderNodeType(c->rd);
	switch (type) {
	case XML_READER_TYPE_DOCUMENT_TYPE:
		return fail(c, SCL_ERR_DOCTYPE, "DOCTYPE refused (SCL needs none; it could declare entities)");
	case XML_READER_TYPE_ENTITY_REFERENCE:
	case XML_READER_TYPE_ENTITY:
		return fail(c, SCL_ERR_ENTITY, "entity reference refused");
	case XML_READER_TYPE_TEXT:
	case XML_READER_TYPE_CDATA:
	case XML_READER_TYPE_SIGNIFICANT_WHITESPACE: {
		const char *t = (const char *)xmlTextReaderConstValue(c->rd);
		size_t len = t ? strlen(t) : 0;
		if (len > SCL_MAX_TEXT_BYTES)
			return fail(c, SCL_ERR_TEXT_SIZE, "text of %zu bytes (at most %u)", len, SCL_MAX_TEXT_BYTES);
		if (!c->foreign && c->depth && c->stack[c->depth] == E_P) {
			if (c->text_len + len > SCL_MAX_TEXT_BYTES)
				return fail(c, SCL_ERR_TEXT_SIZE, "text of more than %u bytes", SCL_MAX_TEXT_BYTES);
			memcpy(c->text + c->text_len, t, len);
			c->text_len += len;
		}
		return true;
	}
	case XML_READER_TYPE_ELEMENT:
		break;
	case XML_READER_TYPE_END_ELEMENT:
		if (c->foreign) {
			c->foreign--;
			return true;
		}
		if (c->depth > 0) {
			enum el e = (enum el)c->stack[c->depth];
			enum el parent = (enum el)c->stack[c->depth - 1];
			c->depth--;
			return element_end(c, e, parent);
		}
		return true;
	default:
		return true;
	}
	/* an element */
	if (++c->b->elements > SCL_MAX_ELEMENTS)
		return fail(c, SCL_ERR_ELEMENTS, "more than %u elements", SCL_MAX_ELEMENTS);
	int depth = xmlTextReaderDepth(c->rd);
	if (depth >= SCL_MAX_DEPTH)
		return fail(c, SCL_ERR_DEPTH, "elements nested deeper than %d", SCL_MAX_DEPTH);
	bool empty = xmlTextReaderIsEmptyElement(c->rd) == 1;
	const char *name = (const char *)xmlTextReaderConstLocalName(c->rd);
	const char *ns = (const char *)xmlTextReaderConstNamespaceUri(c->rd);
	if (!name)
		return fail(c, SCL_ERR_XML, "not well-formed XML: element without a name");
	if (!c->seen_root) {
		c->seen_root = true;
		if (strcmp(name, "SCL") || (ns && strcmp(ns, SCL_NS)))
			return fail(c, SCL_ERR_NOT_SCL,
				    "not an SCL file: the root is <%.40s>%s%.80s, "
				    "not <SCL> in " SCL_NS,
				    name, ns ? " in " : "", ns ? ns : "");
		c->stack[0] = E_OTHER;
		c->stack[1] = E_SCL;
		if (!element_start(c, name, E_OTHER, E_SCL))
			return false;
		if (!empty)
			c->depth = 1;
		return true;
	}
	if (c->foreign || (ns && strcmp(ns, SCL_NS))) {
		/* another namespace's element (a tool's private data): skip it whole, but
		 * its attributes still count against the caps */
		const char *none[1];
		if (!attrs(c, NULL, 0, none))
			return false;
		if (!empty)
			c->foreign++;
		return true;
	}
	enum el parent = (enum el)c->stack[c->depth];
	enum el e = classify(parent, name);
	if (!element_start(c, name, parent, e))
		return false;
	if (empty)
		return element_end(c, e, parent);
	c->stack[++c->depth] = (uint8_t)e;
	return true;
}

static uint8_t kind_of_path(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (!dot)
		return SCL_FILE_OTHER;
	static const char *const ext[] = { "", "scd", "cid", "icd", "iid", "sed", "ssd" };
	for (uint8_t i = 1; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (!strcasecmp(dot + 1, ext[i]))
			return i;
	return SCL_FILE_OTHER;
}

static bool load_file(struct build *b, const char *name, int fd, const void *mem, size_t len, char *err,
		      size_t err_size)
{
	struct scl *m = b->m;
	if (m->n_files >= SCL_MAX_FILES) {
		last_error = SCL_ERR_FILES;
		snprintf(err, err_size, "%s:0: more than %d SCL files", name, SCL_MAX_FILES);
		return false;
	}
	if (!grow(&m->files, &b->cap_files, m->n_files + 1, sizeof(*m->files))) {
		last_error = SCL_ERR_MEMORY;
		snprintf(err, err_size, "%s:0: out of memory", name);
		return false;
	}
	struct scl_file *f = &m->files[m->n_files];
	memset(f, 0, sizeof(*f));
	f->path = scl_intern(&m->str, name, strlen(name));
	f->kind = kind_of_path(name);
	f->version = f->revision = f->release = "";
	f->edition = SCL_ED_1;
	if (!f->path) {
		last_error = SCL_ERR_MEMORY;
		snprintf(err, err_size, "%s:0: out of memory", name);
		return false;
	}

	struct file_ctx *c = calloc(1, sizeof(*c));
	if (!c) {
		last_error = SCL_ERR_MEMORY;
		snprintf(err, err_size, "%s:0: out of memory", name);
		return false;
	}
	c->b = b;
	c->m = m;
	c->name = f->path;
	c->file = (uint32_t)m->n_files++;
	c->fd = fd;
	c->mem = mem;
	c->mem_len = len;
	c->ied = c->ld = c->ln = c->ds = c->rcb = c->addr = c->l2 = c->type = NONE;
	sha256_init(&c->sha);

	/* NONET: no URL is ever fetched. No DTDLOAD, NOENT, DTDATTR or HUGE: no DTD is
	 * read, no entity is substituted, libxml2's own size limits stay on. */
	int options = XML_PARSE_NONET | XML_PARSE_NOXINCNODE;
	c->rd = xmlReaderForIO(io_read, io_close, c, name, NULL, options);
	if (!c->rd) {
		last_error = SCL_ERR_MEMORY;
		snprintf(err, err_size, "%s:0: cannot start the XML reader", name);
		free(c);
		return false;
	}
	xmlTextReaderSetStructuredErrorHandler(c->rd, on_xml_error, c);
	int r;
	while ((r = xmlTextReaderRead(c->rd)) == 1)
		if (!node(c))
			break;
	if (c->err == SCL_OK) {
		if (c->too_big)
			fail(c, SCL_ERR_FILE_SIZE, "file larger than %u bytes", SCL_MAX_FILE_BYTES);
		else if (c->io_error)
			fail(c, SCL_ERR_IO, "read error: %s", strerror(errno));
		else if (r < 0)
			fail(c, SCL_ERR_XML, "not well-formed XML");
		else if (!c->seen_root)
			fail(c, SCL_ERR_NOT_SCL, "no root element: not an SCL file");
	}
	/* a read cut short by our cap shows as an XML error: name the cap instead */
	if (c->err == SCL_ERR_XML && c->too_big) {
		c->err = SCL_ERR_FILE_SIZE;
		snprintf(c->err_msg, sizeof(c->err_msg), "file larger than %u bytes", SCL_MAX_FILE_BYTES);
	}
	f->bytes = c->bytes;
	bool ok = c->err == SCL_OK;
	if (!ok) {
		last_error = c->err;
		snprintf(err, err_size, "%s:%d: %s", name, c->err_line, c->err_msg);
	} else {
		uint8_t digest[32];
		sha256_digest(&c->sha, SHA256_BYTES, digest);
		sha256_update(&b->design, sizeof(digest), digest);
	}
	xmlFreeTextReader(c->rd);
	free(c);
	return ok;
}

/* ---- freezing: indexes become pointers, names are rendered ------------------------- */
static bool fail_mem(char *err, size_t err_size)
{
	last_error = SCL_ERR_MEMORY;
	snprintf(err, err_size, "scl: out of memory");
	return false;
}

#define SHRINK(arr, n) \
	do { \
		if ((n) && (arr)) { \
			void *p_ = realloc((arr), (n) * sizeof(*(arr))); \
			if (p_) \
				(arr) = p_; \
		} \
	} while (0)

static const char *intern_fmt(struct scl *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *intern_fmt(struct scl *m, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (k < 0)
		return "";
	return scl_intern(&m->str, buf, (size_t)k < sizeof(buf) ? (size_t)k : sizeof(buf) - 1);
}

/* "A.phsA" -> "A$phsA" into out. */
static void dollars(const char *s, char *out, size_t size)
{
	snprintf(out, size, "%s", s);
	for (char *p = out; *p; p++)
		if (*p == '.')
			*p = '$';
}

static int addr_sort_cmp(const void *x, const void *y, void *arg)
{
	const struct scl *m = arg;
	const struct scl_access_addr *a = &m->addrs[*(const uint32_t *)x];
	const struct scl_access_addr *b = &m->addrs[*(const uint32_t *)y];
	if (a->ipver != b->ipver)
		return a->ipver < b->ipver ? -1 : 1;
	int c = memcmp(a->ip, b->ip, 16);
	if (c)
		return c;
	if (a->mms_port != b->mms_port)
		return a->mms_port < b->mms_port ? -1 : 1;
	return *(const uint32_t *)x < *(const uint32_t *)y ? -1 : 1;
}

static int baddr_cmp(const void *x, const void *y, void *arg)
{
	const struct build *b = arg;
	uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
	uintptr_t a = (uintptr_t)b->baddr[i].ied_name, c = (uintptr_t)b->baddr[j].ied_name;
	if (a != c)
		return a < c ? -1 : 1;
	return i < j ? -1 : i > j;
}

static bool freeze(struct build *b, char *err, size_t err_size)
{
	struct scl *m = b->m;
	SHRINK(m->ieds, m->n_ieds);
	SHRINK(m->lds, m->n_lds);
	SHRINK(m->lns, m->n_lns);
	SHRINK(m->datasets, m->n_datasets);
	SHRINK(m->fcdas, m->n_fcdas);
	SHRINK(m->rcbs, m->n_rcbs);
	SHRINK(m->clients, m->n_clients);
	SHRINK(m->cbs, m->n_cbs);
	SHRINK(m->l2s, m->n_l2s);
	SHRINK(m->types, m->n_types);
	SHRINK(m->tchild, m->n_tchild);

	/* IEDs: listed, by name, their file */
	m->listed = calloc(m->n_ieds + 1, sizeof(*m->listed));
	m->ied_file = calloc(m->n_ieds + 1, sizeof(*m->ied_file));
	if (!m->listed || !m->ied_file)
		return fail_mem(err, err_size);
	for (size_t i = 0; i < m->n_ieds; i++) {
		struct scl_ied *d = &m->ieds[i];
		m->ied_file[i] = UNIX(d->file);
		d->file = &m->files[UNIX(d->file)];
		d->lds = AT(m->lds, d->lds);
		if (d->is_template || b->bied[i].dropped || !*d->name)
			continue;
		if (scl_map_get(&m->by_name, d->name, NULL) != NONE)
			continue;
		if (!scl_map_put(&m->by_name, d->name, NULL, (uint32_t)i))
			return fail_mem(err, err_size);
		m->listed[m->n_listed++] = (uint32_t)i;
	}
	for (size_t i = 0; i < m->n_lds; i++) {
		struct scl_ldevice *ld = &m->lds[i];
		ld->ied = &m->ieds[UNIX(ld->ied)];
		ld->lns = AT(m->lns, ld->lns);
		ld->datasets = AT(m->datasets, ld->datasets);
		ld->rcbs = AT(m->rcbs, ld->rcbs);
		ld->cbs = AT(m->cbs, ld->cbs);
		ld->domain = *ld->ld_name ? ld->ld_name : intern_fmt(m, "%s%s", ld->ied->name, ld->inst);
		if (!ld->domain)
			return fail_mem(err, err_size);
		const struct scl_ied *d = ld->ied;
		if (scl_map_get(&m->by_name, d->name, NULL) == (uint32_t)(d - m->ieds) &&
		    !scl_map_put(&m->by_domain, ld->domain, NULL, (uint32_t)i))
			return fail_mem(err, err_size);
	}
	struct scl_map ln_map = { 0 };
	for (size_t i = 0; i < m->n_lns; i++) {
		m->lns[i].ld = &m->lds[UNIX(m->lns[i].ld)];
		if (!scl_map_put(&ln_map, m->lns[i].ld, m->lns[i].name, (uint32_t)i)) {
			free(ln_map.slot);
			return fail_mem(err, err_size);
		}
	}
	for (size_t i = 0; i < m->n_datasets; i++) {
		struct scl_dataset *s = &m->datasets[i];
		s->ln = &m->lns[UNIX(s->ln)];
		s->fcdas = AT(m->fcdas, s->fcdas);
		s->ref = intern_fmt(m, "%s/%s$%s", s->ln->ld->domain, s->ln->name, s->name);
		if (!s->ref) {
			free(ln_map.slot);
			return fail_mem(err, err_size);
		}
		const struct scl_ied *d = s->ln->ld->ied;
		for (uint32_t k = 0; k < s->n_fcdas; k++) {
			struct scl_fcda *f = (struct scl_fcda *)&s->fcdas[k];
			const struct scl_ldevice *fld = !*f->ld_inst ? s->ln->ld : scl_ld_by_inst(d, f->ld_inst);
			f->domain = fld ? fld->domain : intern_fmt(m, "%s%s", d->name, f->ld_inst);
			char lnname[200];
			snprintf(lnname, sizeof(lnname), "%s%s%s", f->prefix, f->ln_class, f->ln_inst);
			const char *lnn = scl_interned(&m->str, lnname);
			uint32_t li = fld && lnn ? scl_map_get(&ln_map, fld, lnn) : NONE;
			f->ln = li == NONE ? NULL : &m->lns[li];
			struct scl_attr_info a = { 0 };
			f->resolved = f->ln && scl_resolve(f->ln, f->do_name, f->da_name, &a);
			if (f->resolved) {
				if (!*f->fc && *a.fc)
					f->fc = a.fc;
				f->structured = a.structured;
				f->btype = a.structured ? "" : a.btype;
			} else {
				f->structured = !*f->da_name;
			}
			char dn[200], da[200];
			dollars(f->do_name, dn, sizeof(dn));
			dollars(f->da_name, da, sizeof(da));
			f->item = intern_fmt(m, "%s$%s$%s%s%s", lnname, f->fc, dn, *da ? "$" : "", da);
			bool other_ld = fld != s->ln->ld && strcmp(f->ld_inst, s->ln->ld->inst);
			f->display =
				intern_fmt(m, "%s%s%s.%s%s%s [%s]", other_ld ? f->ld_inst : "", other_ld ? "/" : "",
					   lnname, f->do_name, *f->da_name ? "." : "", f->da_name, f->fc);
			if (!f->item || !f->display || !f->domain) {
				free(ln_map.slot);
				return fail_mem(err, err_size);
			}
		}
	}
	free(ln_map.slot);
	for (size_t i = 0; i < m->n_rcbs; i++) {
		struct scl_rcb *r = &m->rcbs[i];
		r->ln = &m->lns[UNIX(r->ln)];
		r->clients = AT(m->clients, r->clients);
		const struct scl_ldevice *ld = r->ln->ld;
		for (uint32_t k = 0; k < ld->n_datasets && *r->datset; k++)
			if (ld->datasets[k].name == r->datset &&
			    (ld->datasets[k].ln == r->ln || (!r->dataset && ld->datasets[k].ln == &ld->lns[0])))
				r->dataset = &ld->datasets[k];
	}
	for (size_t i = 0; i < m->n_clients; i++)
		m->clients[i].ied = scl_ied_by_name(m, m->clients[i].ied_name);
	for (size_t i = 0; i < m->n_cbs; i++) {
		struct scl_cb *cb = &m->cbs[i];
		cb->ln = &m->lns[UNIX(cb->ln)];
		const struct scl_ldevice *ld = cb->ln->ld;
		cb->ref = intern_fmt(m, "%s/%s$%s$%s", ld->domain, cb->ln->name, cb->ref, cb->name);
		if (!cb->ref)
			return fail_mem(err, err_size);
		for (uint32_t k = 0; k < ld->n_datasets && *cb->datset; k++)
			if (ld->datasets[k].name == cb->datset && ld->datasets[k].ln == cb->ln)
				cb->dataset = &ld->datasets[k];
	}

	/* Addresses: each listed IED's, from its own file first; an address of an IED
	 * no file describes names nothing and is dropped. */
	struct scl_access_addr *addrs = calloc(m->n_addrs + 1, sizeof(*addrs));
	if (!addrs)
		return fail_mem(err, err_size);
	size_t n = 0;
	/* the addresses grouped by the IED name they give, in file order within */
	uint32_t *by_ied = calloc(m->n_addrs + 1, sizeof(*by_ied));
	if (!by_ied) {
		free(addrs);
		return fail_mem(err, err_size);
	}
	for (size_t i = 0; i < m->n_addrs; i++)
		by_ied[i] = (uint32_t)i;
	qsort_r(by_ied, m->n_addrs, sizeof(*by_ied), baddr_cmp, b);
	for (size_t li = 0; li < m->n_listed; li++) {
		struct scl_ied *d = &m->ieds[m->listed[li]];
		uint32_t own = m->ied_file[d - m->ieds];
		size_t first = n;
		size_t lo = 0, hi = m->n_addrs;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if ((uintptr_t)b->baddr[by_ied[mid]].ied_name < (uintptr_t)d->name)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (int pass = 0; pass < 2; pass++)
			for (size_t j = lo; j < m->n_addrs && b->baddr[by_ied[j]].ied_name == d->name; j++) {
				size_t i = by_ied[j];
				struct baddr *ba = &b->baddr[i];
				if ((pass == 0) != (ba->file == own))
					continue;
				struct scl_access_addr *a = &m->addrs[i];
				bool dup = false;
				for (size_t k = first; k < n; k++)
					if (addrs[k].ap_name == a->ap_name) {
						dup = true;
						if (addrs[k].has_ip && a->has_ip && memcmp(addrs[k].ip, a->ip, 16))
							log_warn(
								"scl: IED %s access point %s: %s gives %s, %s gives %s; "
								"using %s",
								d->name, a->ap_name, m->files[own].path,
								addrs[k].ip_text, m->files[ba->file].path, a->ip_text,
								addrs[k].ip_text);
					}
				if (dup)
					continue;
				addrs[n] = *a;
				addrs[n].ied = d;
				addrs[n].l2 = AT(m->l2s, ba->first_l2);
				n++;
			}
		d->addrs = addrs + first;
		d->n_addrs = (uint32_t)(n - first);
	}
	free(by_ied);
	free(m->addrs);
	m->addrs = addrs;
	m->n_addrs = n;
	for (size_t i = 0; i < m->n_cbs; i++) {
		struct scl_cb *cb = &m->cbs[i];
		const struct scl_ied *d = cb->ln->ld->ied;
		for (uint32_t a = 0; a < d->n_addrs && !cb->addr; a++)
			for (uint32_t k = 0; k < d->addrs[a].n_l2; k++) {
				const struct scl_l2_addr *l = &d->addrs[a].l2[k];
				if (l->cb_name == cb->name && l->ld_inst == cb->ln->ld->inst &&
				    l->is_smv == cb->is_smv) {
					cb->addr = l;
					break;
				}
			}
	}
	m->addr_order = calloc(m->n_addrs + 1, sizeof(*m->addr_order));
	if (!m->addr_order)
		return fail_mem(err, err_size);
	for (size_t i = 0; i < m->n_addrs; i++)
		m->addr_order[i] = (uint32_t)i;
	qsort_r(m->addr_order, m->n_addrs, sizeof(*m->addr_order), addr_sort_cmp, m);

	uint8_t digest[32];
	sha256_digest(&b->design, SHA256_BYTES, digest);
	sha256_hex(digest, m->hash);
	return true;
}

/* ---- entry points ------------------------------------------------------------------------ */
static struct scl *load(const char *const *paths, size_t n, const char *mem_name, const void *mem, size_t mem_len,
			char *err, size_t err_size)
{
	last_error = SCL_OK;
	struct build b = { 0 };
	b.m = calloc(1, sizeof(*b.m));
	if (!b.m) {
		fail_mem(err, err_size);
		return NULL;
	}
	sha256_init(&b.design);
	if (!xml_open(err, err_size)) {
		last_error = SCL_ERR_IO;
		free(b.m);
		return NULL;
	}
	xmlInitParser();
	xmlExternalEntityLoader saved = xmlGetExternalEntityLoader();
	xmlSetExternalEntityLoader(refuse_entity);
	xmlSetGenericErrorFunc(NULL, silent);
	bool ok = true;
	if (mem_name) {
		ok = load_file(&b, mem_name, -1, mem, mem_len, err, err_size);
	} else {
		for (size_t i = 0; i < n && ok; i++) {
			int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				last_error = SCL_ERR_IO;
				snprintf(err, err_size, "%s:0: cannot open: %s", paths[i], strerror(errno));
				ok = false;
				break;
			}
			ok = load_file(&b, paths[i], fd, NULL, 0, err, err_size);
			close(fd);
		}
	}
	xmlSetExternalEntityLoader(saved);
	xmlSetGenericErrorFunc(NULL, NULL);
	/* registered first: freeze() resolves types through the model's LNs */
	scl_register_model(b.m, true);
	if (ok)
		ok = freeze(&b, err, err_size);
	free(b.bied);
	free(b.baddr);
	free(b.ied_seen.slot);
	if (!ok) {
		/* the arrays still hold indexes, not pointers: free them flat */
		scl_free(b.m);
		return NULL;
	}
	return b.m;
}

struct scl *scl_load(const char *const *paths, size_t n, char *err, size_t err_size)
{
	return load(paths, n, NULL, NULL, 0, err, err_size);
}

struct scl *scl_load_memory(const char *name, const void *buf, size_t len, char *err, size_t err_size)
{
	return load(NULL, 0, name ? name : "(memory)", buf ? buf : "", len, err, err_size);
}

void scl_free(struct scl *m)
{
	if (!m)
		return;
	scl_register_model(m, false);
	if (g_scl == m)
		g_scl = NULL;
	for (size_t i = 0; i < m->str.n_chunks; i++)
		free(m->str.chunks[i]);
	free(m->str.chunks);
	free(m->str.slot);
	free(m->files);
	free(m->ieds);
	free(m->listed);
	free(m->lds);
	free(m->lns);
	free(m->datasets);
	free(m->fcdas);
	free(m->rcbs);
	free(m->clients);
	free(m->cbs);
	free(m->addrs);
	free(m->l2s);
	free(m->types);
	free(m->tchild);
	free(m->by_name.slot);
	free(m->by_domain.slot);
	free(m->ld_by_inst.slot);
	free(m->ln_by_name.slot);
	free(m->type_by_id.slot);
	free(m->addr_order);
	free(m->ied_file);
	free(m);
}

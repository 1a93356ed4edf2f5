/* SPDX-License-Identifier: GPL-2.0-or-later */
/* capture_live.c - live capture; see capture_live.h.
 *
 * One interface is read as it always was: each packet goes on from libpcap's
 * buffer at once. Several interfaces (PRP's LAN A and LAN B on two ports) are
 * separate kernel buffers read in turns, so a frame of one can reach us after a
 * later frame of the other: each interface's packets are copied into a bounded
 * reorder buffer, and the earliest held frame goes on only when nothing earlier
 * can still come from any other interface. That is so for an interface with a
 * frame queued (each interface delivers in its own order), and for one whose
 * kernel buffer was read empty at a wall time at least the hold after the
 * frame's timestamp: by then the kernel had handed over every frame it stamped
 * earlier (its buffer timeout is shorter than the hold). The watermark is the
 * time of that empty read, not the time now, so a sensor that lags behind its
 * traffic still merges correctly. */
#include "stages/capture_live.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stages/decode_link.h"
#include "util/fnv.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/ptime.h"

/* The default filter's terms for one VLAN depth (see below). */
static void default_base(const uint16_t *ports, size_t n, char *buf, size_t size)
{
	/* TCP on the MMS ports, IPv4 fragments (later fragments carry no port), GOOSE
	 * and SV for the VLAN check, HSR (0x892F: BPF cannot see past the tag, so
	 * all of it) and PRP/HSR supervision (0x88FB); each also behind one or two
	 * VLAN tags (a BPF 'vlan' moves the offsets for the rest of the expression).
	 * PRP frames need nothing more: the trailer sits after the IP datagram,
	 * where no port or fragment test looks. Time sources for the inventory:
	 * SNTP (UDP 123) and PTP (UDP 319/320, EtherType 0x88F7). */
	char tcp[512] = "";
	size_t used = 0;
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(tcp + used, sizeof(tcp) - used, "%stcp port %u", i ? " or " : "", ports[i]);
	snprintf(buf, size,
		 "(%s) or (ip[6:2] & 0x3fff != 0) or ether proto 0x88b8 or ether proto 0x88ba"
		 " or ether proto 0x892f or ether proto 0x88fb or udp port 123 or udp port 319 or udp port 320"
		 " or ether proto 0x88f7",
		 tcp);
}

/* A BPF 'vlan' moves the offsets for the rest of the expression, so the terms
 * are written once per depth: untagged, one tag, two tags. */
static bool nest_vlans(const char *base, char *buf, size_t size)
{
	int w = snprintf(buf, size, "(%s) or (vlan and ((%s) or (vlan and (%s))))", base, base, base);
	return w >= 0 && (size_t)w < size;
}

void live_default_filter(const uint16_t *ports, size_t n, char *buf, size_t size)
{
	char base[896];
	default_base(ports, n, base, sizeof(base));
	nest_vlans(base, buf, size);
}

/* core/shard.h's hash of the IPv4 address at ip[off], in the filter language
 * (32-bit FNV-1a; BPF's arithmetic is 32-bit too). Every operation in
 * parentheses: the filter language does not rank * above ^ as C does. */
static void fnv_expr(unsigned off, char *buf, size_t size)
{
	snprintf(buf, size, "((((((((%u ^ ip[%u]) * %u) ^ ip[%u]) * %u) ^ ip[%u]) * %u) ^ ip[%u]) * %u)", FNV1A32_INIT,
		 off, FNV1A32_PRIME, off + 1, FNV1A32_PRIME, off + 2, FNV1A32_PRIME, off + 3, FNV1A32_PRIME);
}

/* Where a TCP segment's data begins, in the filter language. */
#define TCP_DATA "((tcp[12:1] & 0xf0) >> 2)"

bool live_shard_filter(const uint16_t *ports, size_t n, uint32_t k, uint32_t shards, char *buf, size_t size)
{
	char src[256] = "", dst[256] = "", hs[200], hd[200];
	size_t us = 0, ud = 0;
	for (size_t i = 0; i < n; i++) {
		us += (size_t)snprintf(src + us, sizeof(src) - us, "%stcp src port %u", i ? " or " : "", ports[i]);
		ud += (size_t)snprintf(dst + ud, sizeof(dst) - ud, "%stcp dst port %u", i ? " or " : "", ports[i]);
		if (us >= sizeof(src) || ud >= sizeof(dst))
			return false;
	}
	fnv_expr(12, hs, sizeof(hs));
	fnv_expr(16, hd, sizeof(hd));
	char own[1700], base[896], both[2700];
	/* IPv4 TCP with exactly one side on an MMS port: by that side's hash */
	int w;
	if (k == 0) /* shard 0 also takes all that is not an MMS connection, and the
		     * other shards' frames that open an association (a TPKT, COTP DT,
		     * session CN or AC): which segments carry MMS is shard 0's to know
		     * (pipeline.c mms_elsewhere) */
		w = snprintf(
			own, sizeof(own),
			"not ((ip and (%s) and not (%s) and %s %% %u != 0) or (ip and (%s) and not (%s) and %s %% %u "
			"!= 0)) or (ip and tcp[" TCP_DATA ":2] = 0x0300 and tcp[" TCP_DATA " + 5:1] = 0xf0 and "
			"(tcp[" TCP_DATA " + 7:1] = 0x0d or tcp[" TCP_DATA " + 7:1] = 0x0e))",
			src, dst, hs, shards, dst, src, hd, shards);
	else
		w = snprintf(
			own, sizeof(own),
			"(ip and (%s) and not (%s) and %s %% %u = %u) or (ip and (%s) and not (%s) and %s %% %u = %u)"
			" or (ip and (%s) and (%s)) or (ip6 and ((%s) or (%s))) or (ip[6:2] & 0x3fff != 0)",
			src, dst, hs, shards, k, dst, src, hd, shards, k, src, dst, src, dst);
	if (w < 0 || (size_t)w >= sizeof(own))
		return false;
	default_base(ports, n, base, sizeof(base));
	w = snprintf(both, sizeof(both), "(%s) and (%s)", base, own);
	if (w < 0 || (size_t)w >= sizeof(both))
		return false;
	return nest_vlans(both, buf, size);
}

pcap_t *live_open(const struct live_config *c, char *err, size_t errsize)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_create(c->iface, ebuf);
	if (!p) {
		snprintf(err, errsize, "%s: cannot capture: %s", c->iface, ebuf);
		return NULL;
	}
	pcap_set_snaplen(p, c->snaplen > 0 ? c->snaplen : 65535);
	pcap_set_promisc(p, !c->no_promisc);
	pcap_set_buffer_size(p, (c->buffer_mb > 0 ? c->buffer_mb : 64) * 1024 * 1024);
	pcap_set_timeout(p, c->timeout_ms > 0 ? c->timeout_ms : 100);
	if (c->immediate)
		pcap_set_immediate_mode(p, 1);
	int rc = pcap_activate(p);
	if (rc < 0) {
		switch (rc) {
		case PCAP_ERROR_PERM_DENIED:
			snprintf(err, errsize,
				 "%s: permission denied: run as root, or grant the capabilities "
				 "(setcap cap_net_raw,cap_net_admin=eip %s, or AmbientCapabilities=CAP_NET_RAW "
				 "CAP_NET_ADMIN in the systemd unit)",
				 c->iface, "/usr/local/bin/mmswatch");
			break;
		case PCAP_ERROR_NO_SUCH_DEVICE:
			snprintf(err, errsize, "%s: no such interface (see 'ip link')", c->iface);
			break;
		case PCAP_ERROR_IFACE_NOT_UP:
			snprintf(err, errsize, "%s: the interface is down ('ip link set %s up')", c->iface, c->iface);
			break;
		default:
			snprintf(err, errsize, "%s: cannot capture: %s", c->iface, pcap_geterr(p));
		}
		pcap_close(p);
		return NULL;
	}
	if (rc > 0)
		log_warn("%s: %s", c->iface, pcap_statustostr(rc));
	int dlt = pcap_datalink(p);
	if (!link_supported(dlt)) {
		snprintf(err, errsize, "%s: link type %s is not supported", c->iface,
			 pcap_datalink_val_to_name(dlt) ? pcap_datalink_val_to_name(dlt) : "?");
		pcap_close(p);
		return NULL;
	}
	char filter[8192];
	struct bpf_program prog;
	bool sharded = false;
	if (c->filter)
		snprintf(filter, sizeof(filter), "%s", c->filter);
	else if (c->shards && live_shard_filter(c->ports, c->n_ports, c->shard, c->shards, filter, sizeof(filter)))
		sharded = pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == 0;
	/* --shard with many MMS ports: a filter too long to write or to compile
	 * is left to the pipeline (in_shard), which sorts every frame anyway */
	if (!c->filter && !sharded)
		live_default_filter(c->ports, c->n_ports, filter, sizeof(filter));
	if (!c->filter && c->shards && !sharded)
		log_warn("%s: --shard %u/%u: the kernel filter that gives this process only its share is too long with "
			 "%zu MMS ports; it receives every frame on those ports and leaves the others' (more CPU, "
			 "and a --shards job's summed capture.received counts such a frame once per process that "
			 "received it)",
			 c->iface, c->shard, c->shards, c->n_ports);
	if (!sharded && pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errsize, "bad capture filter '%s': %s", filter, pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	if (pcap_setfilter(p, &prog) != 0) {
		snprintf(err, errsize, "%s: cannot set the capture filter: %s", c->iface, pcap_geterr(p));
		pcap_freecode(&prog);
		pcap_close(p);
		return NULL;
	}
	pcap_freecode(&prog);
	/* Non-blocking reads: the loop waits in poll() with a timeout, so signals,
	 * --duration and statistics stay timely on a quiet link. */
	if (pcap_setnonblock(p, 1, ebuf) != 0)
		log_warn("%s: cannot make the capture non-blocking: %s", c->iface, ebuf);
	return p;
}

bool live_stats_read(pcap_t *p, struct live_stats *s)
{
	struct pcap_stat ps;
	if (pcap_stats(p, &ps) != 0)
		return false;
	s->received = ps.ps_recv;
	s->dropped = ps.ps_drop;
	s->if_dropped = ps.ps_ifdrop;
	return true;
}

/* A frame waiting in its interface's reorder buffer. */
struct held {
	struct pcap_pkthdr h;
	uint32_t off;    /* its bytes in the interface's byte ring */
	int64_t ts_us;   /* packet time */
	int64_t read_us; /* monotonic time it was read */
};

struct live_if {
	struct live_capture *lc;
	pcap_t *p;
	const char *name;
	uint32_t idx;
	int dlt, fd;
	/* the reorder buffer (several interfaces only): a ring of frames, and a
	 * ring of their bytes, each record contiguous (a record that does not fit
	 * before the end starts again at 0) */
	struct held *frames;
	uint32_t head, count;
	uint8_t *bytes;
	uint32_t wr;        /* just past the newest record's bytes */
	int64_t drained_us; /* wall time of the last read that left nothing behind */
	bool pending;       /* the last read stopped at its budget: more may wait */
	uint64_t reorder_full, out_of_order, late;
};

struct live_capture {
	size_t n, want; /* interfaces attached, and to be */
	struct live_if *ifs;
	struct live_stats *stats; /* one per interface, for on_stats */
	/* the loop */
	live_packet_fn fn;
	void *ctx;
	uint64_t frame, max_packets;
	int64_t last_ts;     /* the latest packet time delivered */
	int64_t read_us;     /* monotonic time of the current read round */
	int64_t dispatch_us; /* wall time the current interface's read began */
	size_t nonempty;     /* interfaces with a frame held */
};

static int64_t clock_us(clockid_t id)
{
	struct timespec t;
	clock_gettime(id, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static int64_t wall_s(void)
{
	return clock_us(CLOCK_MONOTONIC) / 1000000;
}

static struct live_capture *capture_new(size_t n, char *err, size_t errsize)
{
	struct live_capture *lc = calloc(1, sizeof(*lc));
	if (!lc || !n || n > MMSW_MAX_INTERFACES || !(lc->ifs = calloc(n, sizeof(*lc->ifs))) ||
	    !(lc->stats = calloc(n, sizeof(*lc->stats)))) {
		snprintf(err, errsize,
			 !n                                ? "no interface to capture from"
				 : n > MMSW_MAX_INTERFACES ? "too many interfaces"
							   : "out of memory opening the capture");
		live_capture_close(lc);
		return NULL;
	}
	lc->want = n;
	return lc;
}

/* Take p (open, activated) as the next interface; 0, or -1 with err (p is
 * closed either way by live_capture_close). */
static int capture_attach(struct live_capture *lc, pcap_t *p, const char *name, char *err, size_t errsize)
{
	struct live_if *f = &lc->ifs[lc->n];
	f->lc = lc;
	f->p = p;
	f->idx = (uint32_t)lc->n;
	f->name = name;
	f->dlt = pcap_datalink(p);
	f->fd = pcap_get_selectable_fd(p);
	lc->n++;
	if (lc->want > 1 &&
	    (!(f->frames = malloc(MMSW_LIVE_REORDER_FRAMES * sizeof(*f->frames))) ||
	     !(f->bytes = malloc(MMSW_LIVE_REORDER_BYTES)))) {
		snprintf(err, errsize, "%s: out of memory for the reorder buffer", name);
		return -1;
	}
	return 0;
}

struct live_capture *live_capture_open(const struct live_config *c, const struct input_iface *ifaces, size_t n,
				       char *err, size_t errsize)
{
	struct live_capture *lc = capture_new(n, err, errsize);
	for (size_t i = 0; lc && i < n; i++) {
		struct live_config one = *c;
		one.iface = ifaces[i].name;
		if (n > 1 && !c->immediate)
			one.timeout_ms = MMSW_LIVE_MERGE_TIMEOUT_MS;
		pcap_t *p = live_open(&one, err, errsize);
		if (!p || capture_attach(lc, p, ifaces[i].name, err, errsize) != 0) {
			live_capture_close(lc);
			lc = NULL;
		}
	}
	return lc;
}

struct live_capture *live_capture_from(pcap_t *const *handles, const char *const *names, size_t n, char *err,
				       size_t errsize)
{
	struct live_capture *lc = capture_new(n, err, errsize);
	for (size_t i = 0; lc && i < n; i++)
		if (capture_attach(lc, handles[i], names[i], err, errsize) != 0) {
			live_capture_close(lc);
			lc = NULL;
		}
	return lc;
}

void live_capture_close(struct live_capture *lc)
{
	if (!lc)
		return;
	for (size_t i = 0; i < lc->n; i++) {
		pcap_close(lc->ifs[i].p);
		free(lc->ifs[i].frames);
		free(lc->ifs[i].bytes);
	}
	free(lc->ifs);
	free(lc->stats);
	free(lc);
}

/* ---- one interface: straight from libpcap's buffer --------------------------------- */

static void on_packet_direct(u_char *user, const struct pcap_pkthdr *h, const u_char *d)
{
	struct live_if *f = (struct live_if *)user;
	struct live_capture *lc = f->lc;
	lc->fn(lc->ctx, f->idx, f->dlt, ++lc->frame, h, d);
}

/* ---- several interfaces: the reorder buffers ----------------------------------------- */

/* Where a record of len bytes goes in f's byte ring; false when it does not fit. */
static bool ring_place(const struct live_if *f, uint32_t len, uint32_t *off)
{
	if (!f->count) {
		*off = 0;
		return len <= MMSW_LIVE_REORDER_BYTES;
	}
	uint32_t rd = f->frames[f->head].off;
	if (f->wr > rd) { /* in use: [rd, wr) */
		if (len <= MMSW_LIVE_REORDER_BYTES - f->wr) {
			*off = f->wr;
			return true;
		}
		*off = 0; /* start again at the front, before the oldest record */
		return len <= rd;
	}
	/* wrapped: [rd, end) and [0, wr) in use */
	*off = f->wr;
	return len <= rd - f->wr;
}

/* The interface whose oldest held frame is the earliest (ties: the lower index),
 * NULL when nothing is held. */
static struct live_if *earliest(struct live_capture *lc)
{
	struct live_if *best = NULL;
	for (size_t i = 0; i < lc->n; i++) {
		struct live_if *f = &lc->ifs[i];
		if (f->count && (!best || f->frames[f->head].ts_us < best->frames[best->head].ts_us))
			best = f;
	}
	return best;
}

/* Hand f's oldest held frame on (or, past the count, forget it). */
static void deliver_head(struct live_capture *lc, struct live_if *f)
{
	struct held *x = &f->frames[f->head];
	if (!lc->max_packets || lc->frame < lc->max_packets) {
		if (lc->frame && x->ts_us < lc->last_ts)
			f->out_of_order++;
		else
			lc->last_ts = x->ts_us;
		lc->fn(lc->ctx, f->idx, f->dlt, ++lc->frame, &x->h, f->bytes + x->off);
	}
	f->head = (f->head + 1) % MMSW_LIVE_REORDER_FRAMES;
	if (!--f->count)
		lc->nonempty--;
}

/* While every interface has a frame queued, the earliest is safe to go: each
 * interface delivers in its own order, so nothing earlier can still come. */
static void deliver_safe(struct live_capture *lc)
{
	while (lc->nonempty == lc->n)
		deliver_head(lc, earliest(lc));
}

/* Whether the earliest held frame x (of interface f) is safe to go: every other
 * interface with nothing queued was read empty at least the hold after x's
 * timestamp. When one was not (yet), its next read will say. */
static bool safe(const struct live_capture *lc, const struct live_if *f, const struct held *x)
{
	for (size_t i = 0; i < lc->n; i++) {
		const struct live_if *o = &lc->ifs[i];
		if (o != f && !o->count && o->drained_us - MMSW_LIVE_MERGE_HOLD_US < x->ts_us)
			return false;
	}
	return true;
}

/* Then the earliest frame goes on while it is safe (above), or once it has
 * waited MMSW_LIVE_MERGE_STALL_US since it was read (a clock stepped back, an
 * interface that cannot be read empty); with `all`, everything held goes on. */
static void deliver_ready(struct live_capture *lc, bool all)
{
	deliver_safe(lc);
	int64_t mono = clock_us(CLOCK_MONOTONIC);
	struct live_if *f;
	while ((f = earliest(lc))) {
		const struct held *x = &f->frames[f->head];
		if (!all && !safe(lc, f, x) && mono - x->read_us < MMSW_LIVE_MERGE_STALL_US)
			return;
		deliver_head(lc, f);
		deliver_safe(lc);
	}
}

/* How long to wait for more before looking again (us): until the earliest held
 * frame is the hold old (the quiet interfaces' next empty read can then release
 * it), or until its stall time; -1 when nothing is held. */
static int64_t hold_left(struct live_capture *lc)
{
	struct live_if *f = earliest(lc);
	if (!f)
		return -1;
	const struct held *x = &f->frames[f->head];
	int64_t by_ts = x->ts_us + MMSW_LIVE_MERGE_HOLD_US - clock_us(CLOCK_REALTIME);
	int64_t by_read = x->read_us + MMSW_LIVE_MERGE_STALL_US - clock_us(CLOCK_MONOTONIC);
	int64_t left = by_ts < by_read ? by_ts : by_read;
	return left > 0 ? left : 0;
}

/* libpcap caps a frame at 256 KiB (its MAXIMUM_SNAPLEN; --snaplen at most that):
 * every frame fits an empty byte ring. */
_Static_assert(MMSW_LIVE_REORDER_BYTES >= 262144, "a reorder buffer holds at least one frame");

static void on_packet_held(u_char *user, const struct pcap_pkthdr *h, const u_char *d)
{
	struct live_if *f = (struct live_if *)user;
	struct live_capture *lc = f->lc;
	if (lc->max_packets && lc->frame >= lc->max_packets) {
		pcap_breakloop(f->p);
		return;
	}
	struct pcap_pkthdr hc = *h;
	if (hc.caplen > MMSW_LIVE_REORDER_BYTES) /* cannot happen (above); never overrun */
		hc.caplen = MMSW_LIVE_REORDER_BYTES;
	uint32_t len = hc.caplen ? hc.caplen : 1, off;
	/* Full (frames or bytes): the earliest held frames go on early (counted),
	 * whichever interface holds them, until this one fits. */
	while (f->count >= MMSW_LIVE_REORDER_FRAMES || !ring_place(f, len, &off)) {
		f->reorder_full++;
		deliver_head(lc, earliest(lc));
	}
	struct held *x = &f->frames[(f->head + f->count) % MMSW_LIVE_REORDER_FRAMES];
	x->h = hc;
	x->off = off;
	/* Kernel time is sane, but checked like any packet time (util/ptime.h): one
	 * that is not merges at the time it was read. */
	if (!ptime_us(hc.ts.tv_sec, hc.ts.tv_usec, &x->ts_us))
		x->ts_us = clock_us(CLOCK_REALTIME);
	x->read_us = lc->read_us;
	/* Read later than the hold after its stamp: an empty read of this
	 * interface may already have let later-stamped frames of another go on
	 * (the safe() test assumes the kernel hands a frame over within the
	 * hold), so this one may be delivered out of order. Counted, so that
	 * each out_of_order has its cause in the statistics. */
	if (lc->dispatch_us - x->ts_us > MMSW_LIVE_MERGE_HOLD_US)
		f->late++;
	memcpy(f->bytes + off, d, hc.caplen);
	f->wr = off + len;
	if (!f->count++)
		lc->nonempty++;
	deliver_safe(lc);
}

/* ---- the loop ----------------------------------------------------------------------- */

bool live_capture_stats(const struct live_capture *lc, uint32_t i, struct live_stats *s)
{
	memset(s, 0, sizeof(*s));
	if (i >= lc->n)
		return false;
	s->reorder_full = lc->ifs[i].reorder_full;
	s->out_of_order = lc->ifs[i].out_of_order;
	s->late = lc->ifs[i].late;
	struct live_stats k;
	if (!live_stats_read(lc->ifs[i].p, &k))
		return false;
	s->received = k.received;
	s->dropped = k.dropped;
	s->if_dropped = k.if_dropped;
	return true;
}

static void stats_all(struct live_capture *lc, void (*on_stats)(const struct live_stats *, size_t, void *), void *sctx)
{
	for (size_t i = 0; i < lc->n; i++)
		if (!live_capture_stats(lc, (uint32_t)i, &lc->stats[i]))
			return; /* as with one interface: no record rather than a wrong one */
	on_stats(lc->stats, lc->n, sctx);
}

/* Several interfaces are read in batches of LIVE_BATCH, the interface with the
 * fewest frames held first (it is the one holding the others back), pass after
 * pass while one has more, up to LIVE_ROUND_MAX frames (then signals, statistics
 * and the rest get their turn). Small batches keep every reorder buffer short
 * while all interfaces are busy: the earliest frames go on as soon as each has
 * one queued. */
#define LIVE_BATCH 1024
#define LIVE_ROUND_MAX 16384

/* f's buffer is full and its kernel buffer holds more, yet nothing held may go
 * on: the earliest frames go on early (counted) to make room for a batch, rather
 * than leave the kernel to drop. */
static void make_room(struct live_capture *lc, struct live_if *f)
{
	while (f->count > MMSW_LIVE_REORDER_FRAMES - LIVE_BATCH) {
		f->reorder_full++;
		deliver_head(lc, earliest(lc));
	}
}

static int read_merged(struct live_capture *lc)
{
	size_t read = 0;
	bool more = true;
	lc->read_us = clock_us(CLOCK_MONOTONIC);
	while (more && read < LIVE_ROUND_MAX) {
		struct live_if *order[MMSW_MAX_INTERFACES];
		for (size_t i = 0; i < lc->n; i++) {
			size_t k = i;
			for (; k > 0 && order[k - 1]->count > lc->ifs[i].count; k--)
				order[k] = order[k - 1];
			order[k] = &lc->ifs[i];
		}
		more = false;
		for (size_t i = 0; i < lc->n; i++) {
			struct live_if *f = order[i];
			if (f->count == MMSW_LIVE_REORDER_FRAMES && f->pending)
				make_room(lc, f);
			uint64_t budget = MMSW_LIVE_REORDER_FRAMES - f->count;
			if (budget > LIVE_BATCH)
				budget = LIVE_BATCH;
			/* near the count, read no more than it lets through (what is
			 * held past it is never delivered) */
			if (lc->max_packets && budget > lc->max_packets - lc->frame)
				budget = lc->max_packets - lc->frame;
			if (!budget)
				continue;
			lc->dispatch_us = clock_us(CLOCK_REALTIME);
			int got = pcap_dispatch(f->p, (int)budget, on_packet_held, (u_char *)f);
			if (got == PCAP_ERROR) {
				log_error("capture on %s: %s", f->name, pcap_geterr(f->p));
				return -1;
			}
			if (got < 0)
				continue; /* the count was reached */
			read += (size_t)got;
			f->pending = (uint64_t)got >= budget;
			if (f->pending)
				more = true;
			else
				f->drained_us = lc->dispatch_us; /* all it had stamped by then is read */
		}
		deliver_ready(lc, false);
	}
	return 0;
}

int live_loop(struct live_capture *lc, live_packet_fn fn, void *ctx, volatile int *stop, uint64_t max_packets,
	      int64_t deadline_s, int interval_s, void (*on_stats)(const struct live_stats *s, size_t n, void *sctx),
	      void (*idle)(void *), void *sctx)
{
	struct pollfd pfd[MMSW_MAX_INTERFACES];
	size_t npfd = 0;
	bool merge = lc->n > 1;
	lc->fn = fn;
	lc->ctx = ctx;
	lc->max_packets = max_packets;
	int64_t start = wall_s(), next_stats = start + interval_s;
	for (size_t i = 0; i < lc->n && npfd < MMSW_MAX_INTERFACES; i++)
		if (lc->ifs[i].fd >= 0)
			pfd[npfd++] = (struct pollfd){ lc->ifs[i].fd, POLLIN, 0 };
	int rc = 0;
	while (!*stop) {
		if (max_packets && lc->frame >= max_packets)
			break;
		if (deadline_s && wall_s() - start >= deadline_s)
			break;
		if (npfd) {
			/* Wait a little so signals, deadlines, statistics and held
			 * frames stay timely on a quiet link. */
			int timeout = 200;
			int64_t left = merge ? hold_left(lc) : -1;
			if (left >= 0 && left / 1000 + 1 < timeout)
				timeout = (int)(left / 1000) + 1;
			poll(pfd, npfd, timeout);
		}
		if (merge) {
			rc = read_merged(lc);
		} else {
			struct live_if *f = &lc->ifs[0];
			uint64_t room = max_packets ? max_packets - lc->frame : 10000;
			int budget = room < 10000 ? (int)room : 10000;
			if (pcap_dispatch(f->p, budget, on_packet_direct, (u_char *)f) == PCAP_ERROR) {
				log_error("capture on %s: %s", f->name, pcap_geterr(f->p));
				rc = -1;
			}
		}
		if (rc)
			break;
		if (idle)
			idle(sctx);
		if (on_stats && interval_s > 0 && wall_s() >= next_stats) {
			stats_all(lc, on_stats, sctx);
			next_stats = wall_s() + interval_s;
		}
	}
	/* A stop, the deadline or an error: what was read goes on, in order. */
	if (merge)
		deliver_ready(lc, true);
	if (on_stats)
		stats_all(lc, on_stats, sctx);
	return rc;
}

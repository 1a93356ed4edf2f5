/* capture_live.c - live capture; see capture_live.h. */
#include "stages/capture_live.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "stages/decode_link.h"
#include "util/log.h"

void live_default_filter(const uint16_t *ports, size_t n, char *buf, size_t size)
{
	/* TCP on the MMS ports, IPv4 fragments (later fragments carry no port), GOOSE
	 * and SV for the VLAN check, HSR (0x892F: BPF cannot see past the tag, so
	 * all of it) and PRP/HSR supervision (0x88FB); each also behind one or two
	 * VLAN tags (a BPF 'vlan' moves the offsets for the rest of the expression).
	 * PRP frames need nothing more: the trailer sits after the IP datagram,
	 * where no port or fragment test looks. */
	char tcp[512] = "";
	size_t used = 0;
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(tcp + used, sizeof(tcp) - used, "%stcp port %u", i ? " or " : "", ports[i]);
	char base[768];
	snprintf(base, sizeof(base), "(%s) or (ip[6:2] & 0x3fff != 0) or ether proto 0x88b8 or ether proto 0x88ba"
		 " or ether proto 0x892f or ether proto 0x88fb", tcp);
	snprintf(buf, size, "(%s) or (vlan and ((%s) or (vlan and (%s))))", base, base, base);
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
	pcap_set_timeout(p, 100);
	if (c->immediate)
		pcap_set_immediate_mode(p, 1);
	int rc = pcap_activate(p);
	if (rc < 0) {
		switch (rc) {
		case PCAP_ERROR_PERM_DENIED:
			snprintf(err, errsize, "%s: permission denied: run as root, or grant the capabilities "
				 "(setcap cap_net_raw,cap_net_admin=eip %s, or AmbientCapabilities=CAP_NET_RAW "
				 "CAP_NET_ADMIN in the systemd unit)", c->iface, "/usr/local/bin/mmswatch");
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
	char filter[4096];
	if (c->filter)
		snprintf(filter, sizeof(filter), "%s", c->filter);
	else
		live_default_filter(c->ports, c->n_ports, filter, sizeof(filter));
	struct bpf_program prog;
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
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

struct loop_ctx {
	packet_fn fn;
	void *ctx;
	int dlt;
	uint64_t frame;
};

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *d)
{
	struct loop_ctx *l = (struct loop_ctx *)user;
	l->fn(l->ctx, l->dlt, 0, ++l->frame, h, d);
}

static int64_t wall_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec;
}

int live_loop(pcap_t *p, packet_fn fn, void *ctx, volatile int *stop, uint64_t max_packets,
	      int64_t deadline_s, int interval_s, void (*on_stats)(const struct live_stats *, void *),
	      void (*idle)(void *), void *sctx)
{
	struct loop_ctx l = { fn, ctx, pcap_datalink(p), 0 };
	int64_t start = wall_s(), next_stats = start + interval_s;
	int fd = pcap_get_selectable_fd(p);
	while (!*stop) {
		if (max_packets && l.frame >= max_packets)
			break;
		if (deadline_s && wall_s() - start >= deadline_s)
			break;
		if (fd >= 0) {
			/* Wait a little so signals, deadlines and statistics stay timely
			 * on a quiet link. */
			struct pollfd pfd = { fd, POLLIN, 0 };
			poll(&pfd, 1, 200);
		}
		int budget = max_packets ? (int)((max_packets - l.frame) < 10000 ? max_packets - l.frame : 10000) : 10000;
		int n = pcap_dispatch(p, budget, on_packet, (u_char *)&l);
		if (n == PCAP_ERROR) {
			log_error("capture: %s", pcap_geterr(p));
			return -1;
		}
		if (n == PCAP_ERROR_BREAK)
			break;
		if (idle)
			idle(sctx);
		if (on_stats && interval_s > 0 && wall_s() >= next_stats) {
			struct live_stats s;
			if (live_stats_read(p, &s))
				on_stats(&s, sctx);
			next_stats = wall_s() + interval_s;
		}
	}
	if (on_stats) {
		struct live_stats s;
		if (live_stats_read(p, &s))
			on_stats(&s, sctx);
	}
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* syslog_out.c - RFC 5424 findings to a local socket; see syslog_out.h.
 * glibc's syslog(3) writes the older RFC 3164 format, hence a writer of our own. */
#include "output/syslog_out.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "core/finding.h"
#include "util/log.h"

static int sock = -1;
static uint8_t min_sev;
static char host[256];
static bool warned;

int syslog_out_open(const char *path, uint8_t min_severity, char *err, size_t errsize)
{
	struct sockaddr_un sa;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errsize, "--syslog-socket %s: path too long", path);
		return -1;
	}
	sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		snprintf(err, errsize, "syslog: socket: %s", strerror(errno));
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, path);
	if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		snprintf(err, errsize, "syslog: %s: %s", path, strerror(errno));
		close(sock);
		sock = -1;
		return -1;
	}
	min_sev = min_severity;
	if (gethostname(host, sizeof(host) - 1) != 0 || !host[0])
		strcpy(host, "-");
	return 0;
}

/* RFC 5424 PARAM-VALUE escaping: '"', '\' and ']' get a backslash. */
static size_t sd_escape(char *out, size_t size, const char *s)
{
	size_t n = 0;
	for (; *s && n + 2 < size; s++) {
		if (*s == '"' || *s == '\\' || *s == ']')
			out[n++] = '\\';
		out[n++] = *s;
	}
	out[n] = 0;
	return n;
}

int syslog_out_format(const struct finding *f, char *buf, size_t size)
{
	/* facility daemon (3); severity: critical -> crit, high -> err, medium ->
	 * warning, low -> notice, info -> info */
	static const int sev_map[SEV_COUNT] = { 6, 5, 4, 3, 2 };
	int pri = 3 * 8 + sev_map[f->severity < SEV_COUNT ? f->severity : 0];
	char ts[40], ied[96], kind[96], obj[600], summary[FINDING_SUMMARY_MAX];
	time_t sec = (time_t)(f->last_seen / 1000000);
	struct tm tm;
	gmtime_r(&sec, &tm);
	size_t n = strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts + n, sizeof(ts) - n, ".%06dZ", (int)(f->last_seen % 1000000));
	endpoint_text(&f->ied, ied, sizeof(ied));
	sd_escape(kind, sizeof(kind), f->kind);
	sd_escape(obj, sizeof(obj), f->object);
	/* The message part is free text, but keep it to one line. */
	snprintf(summary, sizeof(summary), "%s", f->summary);
	for (char *p = summary; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return snprintf(buf, size,
			"<%d>1 %s %s mmswatch %ld finding [mmswatch@32473 id=\"%llu\" kind=\"%s\" severity=\"%s\" "
			"ied=\"%s\" object=\"%s\" count=\"%llu\"] %s",
			pri, ts, host[0] ? host : "-", (long)getpid(), (unsigned long long)f->id, kind,
			severity_name(f->severity), ied, obj, (unsigned long long)f->count, summary);
}

void syslog_out_finding(const struct finding *f)
{
	if (sock < 0 || f->severity < min_sev)
		return;
	char msg[2048];
	int n = syslog_out_format(f, msg, sizeof(msg));
	if (n <= 0)
		return;
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	if (send(sock, msg, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && !warned) {
		warned = true; /* a full or gone log socket must not stall capture */
		log_warn("syslog: %s (further failures are not reported)", strerror(errno));
	}
}

void syslog_out_close(void)
{
	if (sock >= 0)
		close(sock);
	sock = -1;
}

const struct sink syslog_out_sink = {
	.name = "syslog",
	.finding = syslog_out_finding,
};

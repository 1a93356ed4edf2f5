/* SPDX-License-Identifier: GPL-2.0-or-later */
/* alert.c - --alert-exec; see alert.h. */
#include "output/alert.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/finding.h"
#include "output/eve.h"
#include "util/json.h"
#include "util/log.h"

static const char *command;
static uint8_t min_sev;
static int running;
static uint64_t sent, skipped_busy, skipped_rate, failed_runs;
static int64_t window_start;
static unsigned in_window;

void alert_init(const char *cmd, uint8_t min_severity)
{
	command = cmd;
	min_sev = min_severity;
	/* A child that exits while we write to it must not kill us. */
	signal(SIGPIPE, SIG_IGN);
}

void alert_reap(void)
{
	int status;
	pid_t pid;
	while (running > 0 && (pid = waitpid(-1, &status, WNOHANG)) > 0) {
		running--;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed_runs++;
	}
}

static int64_t now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec;
}

/* The finding as one JSON object (the same fields as the EVE finding record). */
static size_t finding_json(const struct finding *f, char *buf, size_t size)
{
	struct jw w;
	char ied[96], filter[1024];
	jw_init(&w, buf, size - 1);
	jw_obj(&w, NULL);
	jw_u64(&w, "id", f->id);
	jw_str(&w, "kind", f->kind);
	jw_str(&w, "severity", severity_name(f->severity));
	jw_timestamp(&w, "first_seen", f->first_seen);
	jw_timestamp(&w, "last_seen", f->last_seen);
	jw_u64(&w, "count", f->count);
	endpoint_text(&f->ied, ied, sizeof(ied));
	jw_str(&w, "ied", ied);
	if (f->has_client) {
		endpoint_text(&f->client, ied, sizeof(ied));
		jw_str(&w, "client", ied);
	}
	jw_str(&w, "object", f->object);
	jw_str(&w, "summary", f->summary);
	jw_raw(&w, "details", f->details, strlen(f->details));
	finding_tshark_filter(f, filter, sizeof(filter));
	jw_str(&w, "tshark_filter", filter);
	jw_obj_end(&w);
	if (w.overflow)
		return 0;
	buf[w.len++] = '\n';
	return w.len;
}

void alert_finding(const struct finding *f)
{
	if (!command || f->severity < min_sev || f->emitted)
		return; /* one alert per finding: the first record, not its updates */
	alert_reap();
	int64_t t = now_s();
	if (t - window_start >= 60) {
		window_start = t;
		in_window = 0;
	}
	if (in_window >= ALERT_MAX_PER_MINUTE) {
		skipped_rate++;
		return;
	}
	if (running >= ALERT_MAX_CHILDREN) {
		skipped_busy++;
		return;
	}
	char json[16384];
	size_t n = finding_json(f, json, sizeof(json));
	if (!n)
		return;
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		return;
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		failed_runs++;
		return;
	}
	if (pid == 0) {
		/* The child: the finding on stdin, the command through the shell. */
		dup2(fds[0], 0);
		close(fds[1]);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	/* The pipe holds 64 KiB; a finding is far smaller, so this write does not
	 * block, and if the child is gone already it fails quietly (SIGPIPE off). */
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	if (write(fds[1], json, n) != (ssize_t)n)
		failed_runs++;
	close(fds[1]);
	running++;
	in_window++;
	sent++;
}

void alert_finish(void)
{
	if (!command)
		return;
	/* Give running alerts a few seconds to finish, then leave them be. */
	for (int i = 0; i < 50 && running > 0; i++) {
		alert_reap();
		if (running > 0)
			usleep(100000);
	}
	if (skipped_busy || skipped_rate || failed_runs)
		log_warn("alert-exec: %llu run, %llu skipped (too many at once), %llu skipped (more than %d a minute), "
			 "%llu failed",
			 (unsigned long long)sent, (unsigned long long)skipped_busy, (unsigned long long)skipped_rate,
			 ALERT_MAX_PER_MINUTE, (unsigned long long)failed_runs);
}

const struct sink alert_sink = {
	.name = "alert",
	.finding = alert_finding,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eve_unix.c - EVE to a Unix socket: unix-dgram:PATH (one record per datagram,
 * without the newline) or unix-stream:PATH (newline-delimited lines, as a
 * Logstash or Vector socket source reads them). See eve_net.h. */
#include "output/eve_net.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct unix_transport {
	struct net_transport t; /* first */
	struct sockaddr_un addr;
	bool stream;
	int fd;
};

static int unix_connect(struct net_transport *tp, char *err, size_t errsize)
{
	struct unix_transport *u = (struct unix_transport *)tp;
	int fd = socket(AF_UNIX, (u->stream ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errsize, "socket: %s", strerror(errno));
		return -1;
	}
	/* A reader that stops reading holds the thread for this long per try, never
	 * the capture. */
	struct timeval tv = { EVE_NET_IO_TIMEOUT_MS / 1000, (EVE_NET_IO_TIMEOUT_MS % 1000) * 1000 };
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (const struct sockaddr *)&u->addr, sizeof(u->addr)) != 0) {
		snprintf(err, errsize, "cannot connect to %s: %s", u->addr.sun_path, strerror(errno));
		close(fd);
		return -1;
	}
	u->fd = fd;
	return 0;
}

static void unix_send(struct net_transport *tp, struct net_line *const *lines, size_t n, struct net_result *r)
{
	struct unix_transport *u = (struct unix_transport *)tp;
	for (size_t i = 0; i < n; i++) {
		const char *p = lines[i]->text;
		size_t left = u->stream ? lines[i]->len : lines[i]->len - 1;
		if (!u->stream) {
			ssize_t w = send(u->fd, p, left, MSG_NOSIGNAL);
			if (w < 0 && errno == EMSGSIZE) { /* bigger than the socket takes: never will */
				r->done++;
				r->refused++;
				continue;
			}
			if (w != (ssize_t)left) {
				r->broken = true;
				return;
			}
			r->done++;
			continue;
		}
		/* A line cut by a failure is sent again whole on the next connection;
		 * a reader drops the unterminated piece at the end of the old one. */
		while (left) {
			ssize_t w = send(u->fd, p, left, MSG_NOSIGNAL);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				r->broken = true;
				return;
			}
			p += w;
			left -= (size_t)w;
		}
		r->done++;
	}
}

static void unix_disconnect(struct net_transport *tp)
{
	struct unix_transport *u = (struct unix_transport *)tp;
	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
}

static void unix_free(struct net_transport *tp)
{
	unix_disconnect(tp);
	free(tp);
}

struct net_transport *eve_unix_transport(const char *path, bool stream, char *err, size_t errsize)
{
	struct unix_transport *u = calloc(1, sizeof(*u));
	if (!u) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	if (!*path || strlen(path) >= sizeof(u->addr.sun_path)) {
		snprintf(err, errsize, "--eve unix-%s:%s: a socket path of 1 to %zu characters",
			 stream ? "stream" : "dgram", path, sizeof(u->addr.sun_path) - 1);
		free(u);
		return NULL;
	}
	u->addr.sun_family = AF_UNIX;
	memcpy(u->addr.sun_path, path, strlen(path) + 1);
	u->stream = stream;
	u->fd = -1;
	u->t.connect = unix_connect;
	u->t.send = unix_send;
	u->t.disconnect = unix_disconnect;
	u->t.free = unix_free;
	return &u->t;
}

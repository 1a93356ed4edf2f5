/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eve_net.h - a network EVE output: a bounded queue of lines and a thread of its
 * own that sends them through a transport (eve_unix.c, eve_redis.c). The capture
 * thread only queues (a full queue drops the line and counts it); the thread
 * connects, sends, and on a broken connection reconnects with a growing backoff
 * and sends again what was not taken (counted as retried). Delivery is at least
 * once: a peer that dies while answering may keep a line that is sent again.
 * Closing drains the queue for at most the drain time and counts what is left. */
#ifndef MMSW_EVE_NET_H
#define MMSW_EVE_NET_H

#include <stdbool.h>
#include <stddef.h>

#include "output/eve_out.h"

/* Defaults: lines and bytes one network output may hold. */
#define EVE_NET_QUEUE_DEFAULT 10000
#define EVE_NET_QUEUE_BYTES (64u << 20)
/* Reconnection backoff: doubles from the first to the last. */
#define EVE_NET_BACKOFF_FIRST_MS 100
#define EVE_NET_BACKOFF_MAX_MS 2000
/* A connection attempt or a send waits at most this long on the peer. */
#define EVE_NET_IO_TIMEOUT_MS 1000
/* Lines handed to a transport at once (Redis pipelines them). */
#define EVE_NET_BATCH 64

/* A queued line, '\n' included (a transport that frames records drops it). */
struct net_line {
	size_t len;
	char text[];
};

/* What a transport did with a batch, from its head. */
struct net_result {
	size_t done;    /* lines dealt with, in order: taken, refused or unheard */
	size_t refused; /* of those, answered with an error (never sent again) */
	size_t unheard; /* of those, published to nobody */
	bool broken;    /* the connection failed: the rest go again after a reconnect */
};

struct net_transport {
	/* 0 when connected; -1 with the reason in err. */
	int (*connect)(struct net_transport *t, char *err, size_t errsize);
	void (*send)(struct net_transport *t, struct net_line *const *lines, size_t n, struct net_result *r);
	void (*disconnect)(struct net_transport *t);
	void (*free)(struct net_transport *t);
};

/* Transports, from the part of the --eve argument after its scheme. NULL with
 * the reason in err. */
struct net_transport *eve_unix_transport(const char *path, bool stream, char *err, size_t errsize);
struct net_transport *eve_redis_transport(const char *url, char *err, size_t errsize);

/* A network output around a transport (taken over, freed on close). queue_max
 * lines at most. NULL with the reason in err. */
struct eve_out *eve_net_open(const char *name, struct net_transport *t, size_t queue_max, char *err, size_t errsize);
/* unix-dgram:PATH, unix-stream:PATH, redis://...: whether spec names a network
 * output, and opening one from its spec. */
bool eve_net_spec(const char *spec);
struct eve_out *eve_net_open_spec(const char *spec, size_t queue_max, char *err, size_t errsize);

#endif

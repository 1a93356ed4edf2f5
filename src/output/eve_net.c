/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eve_net.c - the queue and the thread of a network EVE output; see eve_net.h.
 * The capture thread's only costs are a copy of the line and a short lock. */
#include "output/eve_net.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/log.h"
#include "util/thread.h"

struct eve_net {
	struct eve_out out; /* first: the writer sees only this */
	struct net_transport *t;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake; /* a line came, or the run is closing */
	struct net_line **ring;
	size_t cap, head, count, bytes;
	bool stopping, connected, ever_connected, thread_started;
	struct timespec deadline; /* when stopping: the drain ends here */
	struct eve_out_counts n;
	char last_err[256];
};

static void now_plus(struct timespec *t, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += ms / 1000;
	t->tv_nsec += (ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

static bool passed(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > t->tv_sec || (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

static void net_put(struct eve_out *o, const char *head, size_t head_len)
{
	struct eve_net *q = (struct eve_net *)o;
	size_t len = head_len + o->tail_len;
	/* The copy is made before the lock: the thread may be holding it. */
	struct net_line *l = malloc(sizeof(*l) + len);
	if (l) {
		l->len = len;
		memcpy(l->text, head, head_len);
		memcpy(l->text + head_len, o->tail, o->tail_len);
	}
	pthread_mutex_lock(&q->lock);
	q->n.produced++;
	if (!l || q->count == q->cap || q->bytes + len > EVE_NET_QUEUE_BYTES) {
		q->n.dropped_full++;
		pthread_mutex_unlock(&q->lock);
		free(l);
		return;
	}
	q->ring[(q->head + q->count) % q->cap] = l;
	q->count++;
	q->bytes += len;
	pthread_cond_signal(&q->wake);
	pthread_mutex_unlock(&q->lock);
}

/* Wait (lock held) until ms have passed, a line arrives while idle is asked, or
 * the drain deadline comes. */
static void wait_ms(struct eve_net *q, long ms)
{
	struct timespec until;
	now_plus(&until, ms);
	if (q->stopping &&
	    (until.tv_sec > q->deadline.tv_sec ||
	     (until.tv_sec == q->deadline.tv_sec && until.tv_nsec > q->deadline.tv_nsec)))
		until = q->deadline;
	pthread_cond_timedwait(&q->wake, &q->lock, &until);
}

static void *net_thread(void *arg)
{
	struct eve_net *q = arg;
	long backoff = EVE_NET_BACKOFF_FIRST_MS;
	struct net_line *batch[EVE_NET_BATCH];
	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (!q->count && !q->stopping)
			pthread_cond_wait(&q->wake, &q->lock);
		if (!q->count || (q->stopping && passed(&q->deadline)))
			break;
		if (!q->connected) {
			char err[256] = "";
			pthread_mutex_unlock(&q->lock);
			int rc = q->t->connect(q->t, err, sizeof(err));
			pthread_mutex_lock(&q->lock);
			if (rc != 0) {
				/* Said once per outage, not once per attempt. */
				if (strcmp(err, q->last_err)) {
					log_warn("EVE output %s: %s (retrying, %zu lines queued)", q->out.name, err,
						 q->count);
					snprintf(q->last_err, sizeof(q->last_err), "%s", err);
				}
				wait_ms(q, backoff);
				backoff = backoff * 2 > EVE_NET_BACKOFF_MAX_MS ? EVE_NET_BACKOFF_MAX_MS : backoff * 2;
				continue;
			}
			if (q->ever_connected)
				q->n.reconnects++;
			if (q->last_err[0])
				log_info("EVE output %s: connected", q->out.name);
			q->last_err[0] = 0;
			q->connected = q->ever_connected = true;
			backoff = EVE_NET_BACKOFF_FIRST_MS;
		}
		/* Only this thread takes from the head, and the capture thread only
		 * adds past count: the batch can be read without the lock. */
		size_t n = q->count < EVE_NET_BATCH ? q->count : EVE_NET_BATCH;
		for (size_t i = 0; i < n; i++)
			batch[i] = q->ring[(q->head + i) % q->cap];
		pthread_mutex_unlock(&q->lock);
		struct net_result r = { 0 };
		q->t->send(q->t, batch, n, &r);
		if (r.broken)
			q->t->disconnect(q->t);
		pthread_mutex_lock(&q->lock);
		for (size_t i = 0; i < r.done && i < n; i++) {
			q->bytes -= batch[i]->len;
			free(batch[i]);
		}
		q->head = (q->head + r.done) % q->cap;
		q->count -= r.done;
		q->n.sent += r.done - r.refused;
		q->n.refused += r.refused;
		q->n.unheard += r.unheard;
		if (r.broken) {
			q->connected = false;
			q->n.retried += n - r.done;
			snprintf(q->last_err, sizeof(q->last_err), "connection lost");
			log_warn("EVE output %s: connection lost, %zu lines queued (reconnecting)", q->out.name,
				 q->count);
		}
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

static void net_flush(struct eve_out *o)
{
	(void)o; /* the thread sends as lines come */
}

static int net_reopen(struct eve_out *o)
{
	(void)o;
	return 0;
}

static void net_counts(struct eve_out *o, struct eve_out_counts *c)
{
	struct eve_net *q = (struct eve_net *)o;
	pthread_mutex_lock(&q->lock);
	*c = q->n;
	c->dropped = c->dropped_full + c->dropped_exit + c->refused;
	c->depth = q->count;
	c->capacity = q->cap;
	c->connected = q->connected;
	c->network = true;
	pthread_mutex_unlock(&q->lock);
}

static void net_free(struct eve_net *q)
{
	for (size_t i = 0; i < q->count; i++)
		free(q->ring[(q->head + i) % q->cap]);
	if (q->t)
		q->t->free(q->t);
	pthread_cond_destroy(&q->wake);
	pthread_mutex_destroy(&q->lock);
	free(q->ring);
	free(q->out.name);
	free(q);
}

static int net_close(struct eve_out *o, int drain_ms, struct eve_out_counts *last)
{
	struct eve_net *q = (struct eve_net *)o;
	pthread_mutex_lock(&q->lock);
	q->stopping = true;
	now_plus(&q->deadline, drain_ms);
	pthread_cond_signal(&q->wake);
	pthread_mutex_unlock(&q->lock);
	if (q->thread_started)
		pthread_join(q->thread, NULL);
	if (q->connected)
		q->t->disconnect(q->t);
	q->n.dropped_exit += q->count;
	struct eve_out_counts c;
	net_counts(o, &c);
	*last = c;
	log_info("EVE output %s: %llu lines, %llu sent, %llu dropped (%llu queue full, %llu unsent at exit, "
		 "%llu refused), %llu retried%s",
		 o->name, (unsigned long long)c.produced, (unsigned long long)c.sent, (unsigned long long)c.dropped,
		 (unsigned long long)c.dropped_full, (unsigned long long)c.dropped_exit, (unsigned long long)c.refused,
		 (unsigned long long)c.retried, c.unheard ? ", some published to no subscriber" : "");
	if (c.unheard)
		log_info("EVE output %s: %llu published to no subscriber", o->name, (unsigned long long)c.unheard);
	net_free(q);
	return 0;
}

static const struct eve_out_ops NET_OPS = {
	.put = net_put,
	.flush = net_flush,
	.reopen = net_reopen,
	.close = net_close,
	.counts = net_counts,
};

struct eve_out *eve_net_open(const char *name, struct net_transport *t, size_t queue_max, char *err, size_t errsize)
{
	struct eve_net *q = calloc(1, sizeof(*q));
	if (!q || !(q->out.name = strdup(name)) || !(q->ring = calloc(queue_max, sizeof(*q->ring)))) {
		if (q)
			free(q->out.name);
		free(q);
		t->free(t);
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	q->t = t;
	q->cap = queue_max;
	q->out.ops = &NET_OPS;
	q->out.types = EVE_TYPES_ALL;
	eve_out_set_sensor(&q->out, NULL);
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->wake, &ca);
	pthread_condattr_destroy(&ca);
	/* The thread takes no signals (util/thread.h): SIGPIPE from a peer that
	 * went away is an error return there (hiredis writes with write()). */
	int rc = thread_start(&q->thread, net_thread, q, NULL);
	if (rc != 0) {
		snprintf(err, errsize, "%s: cannot start its thread: %s", name, strerror(rc));
		net_free(q);
		return NULL;
	}
	q->thread_started = true;
	return &q->out;
}

bool eve_net_spec(const char *spec)
{
	return !strncmp(spec, "unix-dgram:", 11) || !strncmp(spec, "unix-stream:", 12) || !strncmp(spec, "redis://", 8);
}

struct eve_out *eve_net_open_spec(const char *spec, size_t queue_max, char *err, size_t errsize)
{
	struct net_transport *t;
	if (!strncmp(spec, "unix-dgram:", 11))
		t = eve_unix_transport(spec + 11, false, err, errsize);
	else if (!strncmp(spec, "unix-stream:", 12))
		t = eve_unix_transport(spec + 12, true, err, errsize);
	else
		t = eve_redis_transport(spec, err, errsize);
	if (!t)
		return NULL;
	return eve_net_open(spec, t, queue_max, err, errsize);
}

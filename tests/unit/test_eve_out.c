/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_eve_out.c - the EVE outputs' pieces without a network: event-type
 * selections, the sensor tail, Redis URLs, and a network output's queue and
 * thread over a transport of the test's own (drops when full, retries after a
 * broken connection, refusals, the drain deadline). tests/fleet/run does the
 * same against a real Redis and real sockets. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "tcheck.h"
#include "output/eve_net.h"
#include "output/eve_out.h"

static void types(void)
{
	char err[300] = "";
	CHECK_EQ(eve_types_parse("finding,association,stats", err, sizeof(err)),
		 (1u << EVE_T_FINDING) | (1u << EVE_T_ASSOCIATION) | (1u << EVE_T_STATS));
	CHECK_EQ(eve_types_parse("mms", err, sizeof(err)), 1u << EVE_T_MMS);
	CHECK_EQ(eve_types_parse("finding,bogus", err, sizeof(err)), 0);
	CHECK(strstr(err, "'bogus'") != NULL);
	CHECK_EQ(eve_types_parse("", err, sizeof(err)), 0);
	CHECK_EQ(eve_types_parse("finding,", err, sizeof(err)), 0);
	CHECK_EQ(eve_types_parse(",finding", err, sizeof(err)), 0);
	CHECK_EQ(eve_type_of("file"), EVE_T_FILE);
	CHECK_EQ(eve_type_of("files"), -1);
}

static void tails(void)
{
	struct eve_out o;
	eve_out_set_sensor(&o, NULL);
	CHECK_STR(o.tail, "}\n");
	CHECK_EQ(o.tail_len, 2);
	eve_out_set_sensor(&o, "bay \"3\"\\\n");
	CHECK_STR(o.tail, ",\"sensor\":\"bay \\\"3\\\"\\\\\\n\"}\n");
	CHECK_EQ(o.tail_len, strlen(o.tail));
	char big[1000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	eve_out_set_sensor(&o, big); /* too long for a tail: left out, never cut */
	CHECK_STR(o.tail, "}\n");
}

static void redis_urls(void)
{
	static const char *const good[] = {
		"redis://127.0.0.1/k",
		"redis://h:6380/k?mode=list",
		"redis://[::1]:6379/k?mode=publish&maxlen=10",
		"redis://h/a/b?mode=stream",
	};
	static const char *const bad[] = {
		"redis://127.0.0.1",
		"redis://127.0.0.1/",
		"redis:///k",
		"redis://h:0/k",
		"redis://h:99999/k",
		"redis://h/k?mode=queue",
		"redis://h/k?maxlen=0",
		"redis://h/k?nope=1",
		"redis://h/k?mode",
		"redis://[::1/k",
		"redis://h/k?password-file=/nonexistent/pw",
	};
	char err[600];
#ifdef HAVE_HIREDIS /* without it, every redis:// is refused, good or not */
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct net_transport *t = eve_redis_transport(good[i], err, sizeof(err));
		CHECK(t != NULL);
		if (t)
			t->free(t);
		else
			fprintf(stderr, "%s: %s\n", good[i], err);
	}
#else
	(void)good;
#endif
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		struct net_transport *t = eve_redis_transport(bad[i], err, sizeof(err));
		CHECK(t == NULL && err[0]);
		if (t)
			t->free(t);
	}
	/* the password is read from the file and never appears in a message */
	char path[] = "/tmp/mmsw-pw-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(write(fd, "s3cret\n", 7) == 7);
	close(fd);
	char url[200];
	snprintf(url, sizeof(url), "redis://h/k?password-file=%s&mode=bogus", path);
	CHECK(eve_redis_transport(url, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "s3cret") == NULL);
	unlink(path);
}

/* A transport of the test's own: it can refuse to connect, break a batch after
 * taking some lines, and refuse lines holding "bad". */
struct fake {
	struct net_transport t;
	int connects, fail_connects, break_once_after;
	size_t got;
	char last[256];
};

static int fake_connect(struct net_transport *tp, char *err, size_t errsize)
{
	struct fake *f = (struct fake *)tp;
	f->connects++;
	if (f->fail_connects < 0 || f->connects <= f->fail_connects) {
		snprintf(err, errsize, "refused by the test");
		return -1;
	}
	return 0;
}

static void fake_send(struct net_transport *tp, struct net_line *const *lines, size_t n, struct net_result *r)
{
	struct fake *f = (struct fake *)tp;
	for (size_t i = 0; i < n; i++) {
		if (f->break_once_after >= 0 && (int)f->got == f->break_once_after) {
			f->break_once_after = -1;
			r->broken = true;
			return;
		}
		r->done++;
		if (memmem(lines[i]->text, lines[i]->len, "bad", 3)) { /* a line is not NUL-terminated */
			r->refused++;
			continue;
		}
		f->got++;
		snprintf(f->last, sizeof(f->last), "%.*s", (int)lines[i]->len, lines[i]->text);
	}
}

static void fake_noop(struct net_transport *tp)
{
	(void)tp;
}

static struct fake *fake_new(int fail_connects, int break_once_after)
{
	struct fake *f = calloc(1, sizeof(*f));
	f->t.connect = fake_connect;
	f->t.send = fake_send;
	f->t.disconnect = fake_noop;
	f->t.free = fake_noop; /* the test frees it after reading it */
	f->fail_connects = fail_connects;
	f->break_once_after = break_once_after;
	return f;
}

static void put(struct eve_out *o, const char *text)
{
	o->ops->put(o, text, strlen(text));
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void queue_full_and_drain(void)
{
	char err[200];
	struct fake *f = fake_new(-1, -1); /* never connects */
	struct eve_out *o = eve_net_open("fake://down", &f->t, 3, err, sizeof(err));
	CHECK(o != NULL);
	if (!o)
		return;
	for (int i = 0; i < 10; i++)
		put(o, "{\"n\":1");
	struct eve_out_counts c;
	o->ops->counts(o, &c);
	CHECK_EQ(c.produced, 10);
	CHECK_EQ(c.dropped_full, 7);
	CHECK_EQ(c.depth, 3);
	CHECK(c.network);
	double t0 = now_s();
	CHECK_EQ(o->ops->close(o, 300, &c), 0);
	double took = now_s() - t0;
	CHECK(took >= 0.25 && took < 1.5); /* the drain waited, and no longer than asked */
	CHECK_EQ(c.sent, 0);
	CHECK_EQ(c.dropped_exit, 3);
	CHECK_EQ(c.dropped, 10);
	CHECK(f->connects >= 2); /* it kept trying, with backoff */
	free(f);
}

static void retry_and_refuse(void)
{
	char err[200];
	struct fake *f = fake_new(0, 2); /* the connection breaks once, after 2 lines */
	struct eve_out *o = eve_net_open("fake://flaky", &f->t, 100, err, sizeof(err));
	CHECK(o != NULL);
	if (!o)
		return;
	eve_out_set_sensor(o, "s1");
	for (int i = 0; i < 6; i++)
		put(o, "{\"n\":1");
	put(o, "{\"bad\":1");
	struct eve_out_counts c;
	CHECK_EQ(o->ops->close(o, 2000, &c), 0);
	CHECK_EQ(c.produced, 7);
	CHECK_EQ(f->got, 6); /* every good line arrived once */
	CHECK_EQ(c.sent, 6);
	CHECK_EQ(c.refused, 1);
	CHECK_EQ(c.dropped, 1);
	CHECK_EQ(c.reconnects, 1);
	CHECK(c.retried >= 1 && c.retried <= 5);
	CHECK_EQ(c.depth, 0);
	CHECK_STR(f->last, "{\"n\":1,\"sensor\":\"s1\"}\n");
	free(f);
}

int main(void)
{
	types();
	tails();
	redis_urls();
	queue_full_and_drain();
	retry_and_refuse();
	TCHECK_DONE();
}

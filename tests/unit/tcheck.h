/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tcheck.h - the unit tests' few assertions. A failed check prints file:line and
 * the expression, and the test binary exits 1 at the end (automake's test driver
 * counts it as FAIL). */
#ifndef MMSW_TCHECK_H
#define MMSW_TCHECK_H

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int tcheck_failures;
static int tcheck_checks;

#define CHECK(expr) \
	do { \
		tcheck_checks++; \
		if (!(expr)) { \
			tcheck_failures++; \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #expr); \
		} \
	} while (0)
#define CHECK_EQ(a, b) \
	do { \
		long long _a = (long long)(a), _b = (long long)(b); \
		tcheck_checks++; \
		if (_a != _b) { \
			tcheck_failures++; \
			fprintf(stderr, "%s:%d: %s == %s: %lld != %lld\n", __FILE__, __LINE__, #a, #b, _a, _b); \
		} \
	} while (0)
#define CHECK_STR(a, b) \
	do { \
		const char *_a = (a), *_b = (b); \
		tcheck_checks++; \
		if (!_a || !_b || strcmp(_a, _b) != 0) { \
			tcheck_failures++; \
			fprintf(stderr, "%s:%d: %s == \"%s\": got \"%s\"\n", __FILE__, __LINE__, #a, \
				_b ? _b : "(null)", _a ? _a : "(null)"); \
		} \
	} while (0)
/* A view compared with a C string. */
#define CHECK_VIEW(v, s) \
	do { \
		struct bview _v = (v); \
		const char *_s = (s); \
		tcheck_checks++; \
		if (_v.len != strlen(_s) || memcmp(_v.p, _s, _v.len) != 0) { \
			tcheck_failures++; \
			fprintf(stderr, "%s:%d: %s == \"%s\": got \"%.*s\"\n", __FILE__, __LINE__, #v, _s, \
				(int)_v.len, (const char *)_v.p); \
		} \
	} while (0)

/* Run fn in a child process (a case that leaves global state behind, or may
 * crash); its checks count there, its verdict here. */
static inline void tcheck_in_child(const char *name, void (*fn)(void))
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		tcheck_checks = tcheck_failures = 0; /* the parent's verdicts are not this case's */
		fn();
		printf("%s: %d checks, %d failed\n", name, tcheck_checks, tcheck_failures);
		fflush(stdout);
		_exit(tcheck_failures ? 1 : 0);
	}
	int st = 0;
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		fprintf(stderr, "%s: failed\n", name);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

#define TCHECK_DONE() \
	do { \
		printf("%d checks, %d failed\n", tcheck_checks, tcheck_failures); \
		return tcheck_failures ? 1 : 0; \
	} while (0)

#endif

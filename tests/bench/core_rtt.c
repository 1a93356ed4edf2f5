/* SPDX-License-Identifier: GPL-2.0-or-later */
/* core_rtt: how long a cache line takes to go from one core to another and back
 * on this machine, printed in the benchmark's header. mmswatch's threads hand the
 * frames (the reader's ring), the decoded PDUs and the database's rows across
 * cores; on a VM whose two vCPUs land on distant cores (another chiplet, another
 * socket) every such line costs more, and the threaded rows slow down while the
 * single-threaded ones do not. Two threads, pinned to the first two CPUs the
 * process may use, pass a flag back and forth; the median of 5 rounds of 100,000
 * round trips is printed.
 *
 * With --speed it times the same fixed arithmetic on each CPU the process may
 * use, one after the other: on this VM one vCPU at times runs the work 1.5 to 3
 * times slower than the other for minutes (the host runs something else under
 * it, and the guest sees no steal time). The threaded rows then depend on which
 * vCPU the pipeline thread lands on; a pair of runs measured in such a spell is
 * not comparable with one measured out of it.
 *
 * With --miss it times a load that misses the caches, on each CPU in turn: a
 * chase through 64 MiB of lines in a random cycle, each load waiting for the
 * one before. The arithmetic of --speed can run at one speed on both vCPUs
 * while a miss costs 1.3 to 1.7 times more on one of them, or twice as much on
 * both as half an hour before (how much of the host's cache and memory the
 * neighbours leave): the pipeline thread's work is mostly such misses, so its
 * times follow this figure, and the cost per byte with twice the IEDs, which is
 * about misses, is only comparable between runs with similar figures.
 *
 * With --llc it runs the same chase through 1 to 64 MiB on the first CPU, and
 * prints what a load costs at each size and the largest size whose loads cost
 * under a quarter of the 64 MiB chase's: about how much the last-level cache
 * holds for this process. On the AMD EPYC VM of 2026-12-07 the loads cost
 * 15-23 ns up to the edge and 90-130 ns past it, and the edge moved between
 * 2 and 8 MiB from one minute to the next: the VM gets that much of the L3 its
 * host's other guests leave, not the 32 MiB of a whole Zen 5 CCD. The cost per
 * byte with twice the IEDs is about whether the analyzers' state of the bigger
 * capture still fits there (tests/bench/cachesim --l2 4096 counts it).
 *
 *   cc -O2 -pthread -o core_rtt tests/bench/core_rtt.c
 *   core_rtt           ->  "round trip N ns between CPUs A and B" (or a reason it could not)
 *   core_rtt --speed   ->  "cpu 0 N ms, cpu 1 M ms: slowest X.XXx fastest"
 *   core_rtt --miss    ->  "cpu 0 N ns, cpu 1 M ns per miss: slowest X.XXx fastest"
 *   core_rtt --llc     ->  "about N MiB (1 MiB A ns, 2 MiB B ns, ... 64 MiB Z ns per load)"
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TRIPS 100000
#define ROUNDS 5

static _Alignas(64) atomic_int turn; /* 1: the echo thread's turn, 0: main's */
static int cpu_echo;

static int pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *echo(void *arg)
{
	(void)arg;
	if (pin(cpu_echo) != 0)
		return NULL;
	for (int i = 0; i < TRIPS * ROUNDS; i++) {
		while (atomic_load_explicit(&turn, memory_order_acquire) != 1)
			;
		atomic_store_explicit(&turn, 0, memory_order_release);
	}
	return NULL;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* A fixed amount of dependent arithmetic (about 0.1 s on a 3 GHz core): the
 * volatile keeps the compiler from folding the loop. */
static double spin_ms(void)
{
	volatile uint64_t acc = 0;
	double a = now_ms();
	for (uint64_t i = 0; i < 300000000ull; i++)
		acc = acc + i;
	return now_ms() - a;
}

/* The allowed CPUs, up to 8. */
static int cpu_list(const cpu_set_t *allowed, int cpus[8])
{
	int n = 0;
	for (int c = 0; c < CPU_SETSIZE && n < 8; c++)
		if (CPU_ISSET(c, allowed))
			cpus[n++] = c;
	return n;
}

static void print_spread(const int *cpus, const double *v, int n, const char *unit, const char *what)
{
	double lo = v[0], hi = v[0];
	for (int i = 0; i < n; i++) {
		printf("%scpu %d %.0f %s", i ? ", " : "", cpus[i], v[i], unit);
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
	}
	printf("%s: slowest %.2fx fastest\n", what, lo > 0 ? hi / lo : 0.0);
}

/* Each allowed CPU in turn (up to 8), the median of 3 spins on it. */
static int speed(const cpu_set_t *allowed)
{
	int cpus[8], n = cpu_list(allowed, cpus);
	double ms[8];
	for (int i = 0; i < n; i++) {
		if (pin(cpus[i]) != 0) {
			puts("not measured: cannot pin a thread");
			return 0;
		}
		double t[3];
		for (int r = 0; r < 3; r++)
			t[r] = spin_ms();
		qsort(t, 3, sizeof(t[0]), by_value);
		ms[i] = t[1];
	}
	print_spread(cpus, ms, n, "ms", "");
	return 0;
}

#define CHASE_BYTES (64u << 20)
#define CHASE_LINE 64
#define CHASE_LOADS 1000000

/* One pointer per 64-byte line of a block of `bytes`, each line linked to the
 * next in a shuffled order and the last back to the first: one cycle through
 * every line, in an order no prefetcher guesses, so that every load misses
 * whatever cache is smaller than the block (the TLB too, on 4 KiB pages) and
 * waits for the one before. */
static void **chase_build(size_t bytes)
{
	size_t n = bytes / CHASE_LINE, step = CHASE_LINE / sizeof(void *);
	void **mem = aligned_alloc(CHASE_LINE, bytes);
	size_t *order = malloc(n * sizeof(*order));
	if (!mem || !order) {
		free(mem);
		free(order);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	uint64_t x = 88172645463325252ull; /* xorshift: the same cycle every run */
	for (size_t i = n - 1; i > 0; i--) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		size_t j = (size_t)(x % i);
		size_t t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (size_t i = 0; i < n; i++)
		mem[order[i] * step] = &mem[order[(i + 1) % n] * step];
	free(order);
	return mem;
}

static double chase_ns(void **start, int loads)
{
	void **p = start;
	double a = now_ms();
	for (int i = 0; i < loads; i++)
		p = (void **)*p;
	double ms = now_ms() - a;
	/* keep the chain's end alive, so the loop is not folded away */
	if (p == NULL)
		puts("");
	return ms * 1e6 / loads;
}

/* Each allowed CPU in turn (up to 8), the median of 3 chases on it. */
static int miss(const cpu_set_t *allowed)
{
	int cpus[8], n = cpu_list(allowed, cpus);
	double ns[8];
	void **mem = chase_build(CHASE_BYTES);
	if (!mem) {
		puts("not measured: no memory");
		return 0;
	}
	for (int i = 0; i < n; i++) {
		if (pin(cpus[i]) != 0) {
			puts("not measured: cannot pin a thread");
			free(mem);
			return 0;
		}
		double t[3];
		for (int r = 0; r < 3; r++)
			t[r] = chase_ns(mem, CHASE_LOADS);
		qsort(t, 3, sizeof(t[0]), by_value);
		ns[i] = t[1];
	}
	free(mem);
	print_spread(cpus, ns, n, "ns", " per miss");
	return 0;
}

/* The chase at each size on the first allowed CPU (median of 3, after one
 * pass through the block to bring what fits into the caches). */
static int llc(const cpu_set_t *allowed)
{
	static const unsigned mib[] = { 1, 2, 3, 4, 5, 6, 8, 12, 16, 32, 64 };
	enum { SIZES = sizeof(mib) / sizeof(mib[0]) };
	int cpus[8];
	if (cpu_list(allowed, cpus) < 1 || pin(cpus[0]) != 0) {
		puts("not measured: cannot pin a thread");
		return 0;
	}
	double ns[SIZES];
	for (int s = 0; s < SIZES; s++) {
		size_t bytes = (size_t)mib[s] << 20;
		void **mem = chase_build(bytes);
		if (!mem) {
			puts("not measured: no memory");
			return 0;
		}
		void **p = mem;
		for (size_t i = 0; i < bytes / CHASE_LINE; i++)
			p = (void **)*p;
		double t[3];
		for (int r = 0; r < 3; r++)
			t[r] = chase_ns(p, CHASE_LOADS / 4);
		qsort(t, 3, sizeof(t[0]), by_value);
		ns[s] = t[1];
		free(mem);
	}
	unsigned holds = 0;
	for (int s = 0; s < SIZES && ns[s] < ns[SIZES - 1] / 4; s++)
		holds = mib[s];
	if (holds)
		printf("about %u MiB (", holds);
	else
		printf("under %u MiB (", mib[0]);
	for (int s = 0; s < SIZES; s++)
		printf("%s%u MiB %.0f ns", s ? ", " : "", mib[s], ns[s]);
	puts(" per load)");
	return 0;
}

int main(int argc, char **argv)
{
	cpu_set_t allowed;
	int cpus[2], n = 0;
	if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) {
		puts("not measured: no CPU affinity");
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "--speed"))
		return speed(&allowed);
	if (argc > 1 && !strcmp(argv[1], "--miss"))
		return miss(&allowed);
	if (argc > 1 && !strcmp(argv[1], "--llc"))
		return llc(&allowed);
	for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, &allowed))
			cpus[n++] = c;
	if (n < 2) {
		puts("not measured: one CPU");
		return 0;
	}
	cpu_echo = cpus[1];
	if (pin(cpus[0]) != 0) {
		puts("not measured: cannot pin a thread");
		return 0;
	}
	pthread_t th;
	if (pthread_create(&th, NULL, echo, NULL) != 0) {
		puts("not measured: no thread");
		return 0;
	}
	double ns[ROUNDS];
	for (int r = 0; r < ROUNDS; r++) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		for (int i = 0; i < TRIPS; i++) {
			atomic_store_explicit(&turn, 1, memory_order_release);
			while (atomic_load_explicit(&turn, memory_order_acquire) != 0)
				;
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		ns[r] = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / TRIPS;
	}
	pthread_join(th, NULL);
	qsort(ns, ROUNDS, sizeof(ns[0]), by_value);
	printf("round trip %.0f ns between CPUs %d and %d\n", ns[ROUNDS / 2], cpus[0], cpus[1]);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* thread.h - starting a worker thread that takes no signals (docs/threads.md).
 *
 * SIGINT, SIGTERM and SIGHUP must reach the main thread: their handlers set
 * flags it reads. A worker that took one would be interrupted in the middle of a
 * read() or write() for nothing (a reader's read() cut short looks like a
 * truncated file), and SIGPIPE from a peer that went away is an EPIPE return
 * where the write was made. So every worker starts with all signals blocked. */
#ifndef MMSW_THREAD_H
#define MMSW_THREAD_H

#include <pthread.h>

/* Start fn(arg) on a thread named name (15 characters at most are kept), with
 * every signal blocked; the caller's mask is left as it was. 0, or
 * pthread_create's error number. */
int thread_start(pthread_t *th, void *(*fn)(void *), void *arg, const char *name);

#endif

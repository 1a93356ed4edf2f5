/* SPDX-License-Identifier: GPL-2.0-or-later */
/* thread.c - starting a worker thread that takes no signals; see thread.h. */
#include "util/thread.h"

#include <signal.h>

int thread_start(pthread_t *th, void *(*fn)(void *), void *arg, const char *name)
{
	/* A new thread inherits the mask of the thread that creates it. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int rc = pthread_create(th, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc == 0 && name)
		pthread_setname_np(*th, name);
	return rc;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shards.h - --shards N: one job as N processes of this program, each with the
 * same arguments and --shard K/N in place of --shards N (core/shard.h). They
 * share the database and the EVE file (a --shard process appends to its EVE
 * file and numbers its findings apart from the others'); what each prints on
 * stdout (its summary) is printed when all have ended, one after the other in
 * shard order; SIGINT, SIGTERM and SIGHUP are passed on to them. */
#ifndef MMSW_SHARDS_H
#define MMSW_SHARDS_H

#include "options.h"

/* Run the o->spawn_shards processes and wait for them. Offline, each EVE file
 * is emptied first, as a single run's would be. Returns the worst of their exit
 * statuses (the highest), EXIT_FAILURE_RUN for one a signal ended or one that
 * could not start, EXIT_USAGE for an EVE file that cannot be written. argv is
 * the command line with the --config file's options in it (main.c
 * with_config): the processes are given them directly. */
int shards_run(int argc, char **argv, const struct options *o);

#endif

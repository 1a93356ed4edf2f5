/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shards.c - --shards N, one job as N --shard K/N processes; see shards.h. */
#include "shards.h"

#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/summary_parts.h"
#include "daemon.h"
#include "options.h"
#include "shards_db.h"
#include "shards_inventory.h"
#include "shards_summary.h"
#include "output/eve_net.h"
#include "util/log.h"

extern char **environ;

/* The processes, for the signal handler (0: not running). */
static volatile pid_t kids[MMSW_SHARDS_MAX];

static void pass_on(int sig)
{
	for (uint32_t i = 0; i < MMSW_SHARDS_MAX; i++)
		if (kids[i] > 0)
			kill(kids[i], sig);
}

/* Is argv[i] the option `name` (--name VALUE: *skip 1, or --name=VALUE)? */
static bool is_option(char **argv, int i, const char *name, int *skip)
{
	size_t len = strlen(name);
	if (!strcmp(argv[i], name)) {
		*skip = 1;
		return true;
	}
	*skip = 0;
	return !strncmp(argv[i], name, len) && argv[i][len] == '=';
}

/* The command line of shard k: argv (the configuration file's options already
 * in it) without --config FILE and --shards N, --inventory's path replaced by
 * inventory (the process's parts; NULL: none), then --shard k/n. out has room
 * for argc + 3 and the NULL. */
static void child_argv(int argc, char **argv, char **out, char *shard_arg, char *inventory)
{
	int j = 0;
	for (int i = 0; i < argc; i++) {
		int skip;
		if (i > 0 &&
		    (is_option(argv, i, "--shards", &skip) || is_option(argv, i, "--config", &skip) ||
		     (inventory && is_option(argv, i, "--inventory", &skip)))) {
			i += skip; /* and its value (options_parse has checked it is there) */
			continue;
		}
		out[j++] = argv[i];
	}
	if (inventory) {
		out[j++] = "--inventory";
		out[j++] = inventory;
	}
	out[j++] = "--shard";
	out[j++] = shard_arg;
	out[j] = NULL;
}

/* The processes' environment: this one's, and the token that makes each print
 * its summary in parts (core/summary_parts.h), fresh for every job so that no
 * text of a capture can pass for a marker. NULL (and an empty token) when
 * there is no randomness or memory: each process then prints a summary of its
 * own, one after the other. */
static char **child_environment(char *token, char *entry, size_t entry_size)
{
	unsigned char r[SUMMARY_PARTS_TOKEN_LEN / 2];
	token[0] = 0;
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return NULL;
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(token + 2 * i, 3, "%02x", r[i]);
	snprintf(entry, entry_size, "%s=%s", SUMMARY_PARTS_ENV, token);
	size_t n = 0, len = strlen(SUMMARY_PARTS_ENV);
	while (environ[n])
		n++;
	char **env = calloc(n + 2, sizeof(*env));
	if (!env) {
		token[0] = 0;
		return NULL;
	}
	size_t j = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], SUMMARY_PARTS_ENV, len) || environ[i][len] != '=')
			env[j++] = environ[i];
	env[j++] = entry;
	env[j] = NULL;
	return env;
}

/* Where process k writes its parts of the --inventory document: beside it
 * (the same file system, a directory the user can write), named for this
 * process and the shard. */
static int inventory_parts_paths(const char *path, uint32_t n, char **out)
{
	for (uint32_t k = 0; k < n; k++)
		if (asprintf(&out[k], "%s.%ld.%u.parts", path, (long)getpid(), k) < 0) {
			out[k] = NULL;
			return -1;
		}
	return 0;
}

/* Copy what a process printed to stdout. */
static void print_output(FILE *f)
{
	char buf[65536];
	size_t n;
	rewind(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (fwrite(buf, 1, n, stdout) != n)
			break;
}

/* Offline, each EVE file starts empty, as one process's offline run starts it
 * (the processes then append to it); a sensor's keeps its history. */
static int eve_files_start(const struct options *o)
{
	for (size_t i = 0; !o->n_ifaces && i < o->n_eves; i++) {
		const char *t = o->eves[i].target;
		if (eve_net_spec(t) || !strcmp(t, "-"))
			continue;
		FILE *f = fopen(t, "w");
		if (!f || fclose(f) != 0) {
			log_error("%s: cannot write EVE output: %s", t, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* shards_db_settle, then shards_db_finish, on the job's database. */
static bool settle_here(const char *path, const char *token, unsigned n)
{
	return shards_db_settle(path, token, n) == 0 && shards_db_finish(path, token) == 0;
}

/* The same as the processes' user (--user, and in their --chroot): in a child
 * that drops privileges as each process did, so the path means what it meant
 * to them and the file is touched only by its owner. */
static bool settle_as_user(const struct options *o, const char *token, unsigned n)
{
	fflush(NULL); /* nothing buffered written twice */
	pid_t pid = fork();
	if (pid < 0) {
		log_error("--shards: cannot settle the job's run in %s: %s", o->db_path, strerror(errno));
		return false;
	}
	if (pid == 0) {
		char err[512];
		if (daemon_drop_privileges(o->user, o->chroot_dir, err, sizeof(err)) != 0) {
			log_error("--shards: settling the job's run: %s", err);
			_exit(1);
		}
		_exit(settle_here(o->db_path, token, n) ? 0 : 1);
	}
	int st;
	pid_t r;
	while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	if (r != pid) {
		log_error("--shards: settling the job's run: %s", strerror(errno));
		return false;
	}
	if (WIFSIGNALED(st))
		log_error("--shards: the process settling the job's run was ended by signal %d", WTERMSIG(st));
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* The job's run settled (see shards_run). No database file: no process got as
 * far as its store (each said why), and there is nothing to settle. SIGINT,
 * SIGTERM and SIGHUP wait until it is done (a child inherits the mask): a run
 * half settled would stay running. */
static int settle_job_run(const struct options *o, const char *token, unsigned n)
{
	char path[4096]; /* where the processes opened it: --chroot comes with --user */
	int w = snprintf(path, sizeof(path), "%s%s%s", o->chroot_dir ? o->chroot_dir : "", o->chroot_dir ? "/" : "",
			 o->db_path);
	if (w > 0 && (size_t)w < sizeof(path) && access(path, F_OK) != 0)
		return 0;
	sigset_t stop_signals, old_mask;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop_signals, &old_mask);
	bool ok = o->user ? settle_as_user(o, token, n) : settle_here(o->db_path, token, n);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	return ok ? 0 : -1;
}

int shards_run(int argc, char **argv, const struct options *o)
{
	uint32_t n = o->spawn_shards;
	char **args = calloc((size_t)argc + 4, sizeof(*args));
	char *inventory[MMSW_SHARDS_MAX] = { 0 }; /* each process's parts of the --inventory document */
	FILE *outs[MMSW_SHARDS_MAX] = { 0 };
	char shard_arg[MMSW_SHARDS_MAX][24];
	int worst = EXIT_DONE;
	if (!args) {
		log_error("--shards: out of memory");
		return EXIT_FAILURE_RUN;
	}
	if (eve_files_start(o) != 0) {
		free(args);
		return EXIT_USAGE;
	}
	struct sigaction sa, old_int, old_term, old_hup;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = pass_on;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	char token[SUMMARY_PARTS_TOKEN_LEN + 1], env_entry[sizeof(SUMMARY_PARTS_ENV) + SUMMARY_PARTS_TOKEN_LEN + 2];
	char **env = child_environment(token, env_entry, sizeof(env_entry));
	if (o->inventory_path && (!token[0] || inventory_parts_paths(o->inventory_path, n, inventory) != 0)) {
		log_error("--shards: no room for the processes' parts of the --inventory document");
		for (uint32_t k = 0; k < n; k++)
			free(inventory[k]);
		free(env);
		free(args);
		return EXIT_FAILURE_RUN;
	}
	fflush(stdout);
	for (uint32_t k = 0; k < n; k++) {
		/* stdout to a file of its own, printed once every process has ended:
		 * N summaries one after the other, not interleaved */
		posix_spawn_file_actions_t fa;
		snprintf(shard_arg[k], sizeof(shard_arg[k]), "%u/%u", k, n);
		child_argv(argc, argv, args, shard_arg[k], inventory[k]);
		outs[k] = tmpfile();
		pid_t pid = 0;
		int err = outs[k] ? ENOMEM : errno;
		if (outs[k] && posix_spawn_file_actions_init(&fa) == 0) {
			posix_spawn_file_actions_adddup2(&fa, fileno(outs[k]), STDOUT_FILENO);
			err = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, args, env ? env : environ);
			posix_spawn_file_actions_destroy(&fa);
		}
		if (err) {
			log_error("--shards: cannot start the process of shard %s: %s", shard_arg[k], strerror(err));
			worst = EXIT_FAILURE_RUN;
			pass_on(SIGTERM); /* the job is not whole: stop the others */
			break;
		}
		kids[k] = pid;
	}
	for (uint32_t k = 0; k < n; k++) {
		if (kids[k] <= 0)
			continue;
		int st;
		pid_t r;
		while ((r = waitpid(kids[k], &st, 0)) < 0 && errno == EINTR)
			;
		kids[k] = 0;
		int rc = EXIT_FAILURE_RUN;
		if (r < 0)
			log_error("--shards: shard %s: %s", shard_arg[k], strerror(errno));
		else if (WIFEXITED(st))
			rc = WEXITSTATUS(st);
		else if (WIFSIGNALED(st))
			log_error("--shards: the process of shard %s was ended by signal %d", shard_arg[k],
				  WTERMSIG(st));
		if (rc > worst)
			worst = rc;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	/* The job's run in the database: one that a process left running (it died)
	 * is marked failed, and one that ended without its inventory (the last
	 * process failed between the two) gets it. */
	if (o->db_path && token[0] && settle_job_run(o, token, n) != 0 && worst < EXIT_FAILURE_RUN)
		worst = EXIT_FAILURE_RUN;
	/* one inventory document, when every process wrote its parts */
	if (o->inventory_path && worst != EXIT_FAILURE_RUN && worst != EXIT_USAGE &&
	    shards_inventory_write(o->inventory_path, inventory, n, token) != 0)
		worst = EXIT_FAILURE_RUN;
	for (uint32_t k = 0; k < n; k++)
		if (inventory[k]) {
			unlink(inventory[k]);
			free(inventory[k]);
		}
	/* one summary of them all, or (no token) each process's, in shard order */
	if (token[0])
		shards_summary_print(stdout, outs, n, token);
	for (uint32_t k = 0; k < n; k++)
		if (outs[k]) {
			if (!token[0])
				print_output(outs[k]);
			fclose(outs[k]);
		}
	free(env);
	free(args);
	return worst;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* daemon.c - privileges, pidfile, config file; see daemon.h. */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int daemon_drop_privileges(const char *user, const char *chroot_dir, char *err, size_t errsize)
{
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		snprintf(err, errsize, "-Z %s: no such user", user);
		return -1;
	}
	uid_t uid = pw->pw_uid;
	gid_t gid = pw->pw_gid;
	if (initgroups(pw->pw_name, gid) != 0) {
		snprintf(err, errsize, "-Z %s: cannot set supplementary groups: %s", user, strerror(errno));
		return -1;
	}
	if (chroot_dir) {
		if (chroot(chroot_dir) != 0 || chdir("/") != 0) {
			snprintf(err, errsize, "--chroot %s: %s", chroot_dir, strerror(errno));
			return -1;
		}
	}
	if (setgid(gid) != 0 || setuid(uid) != 0) {
		snprintf(err, errsize, "-Z %s: cannot switch to uid %u gid %u: %s", user, (unsigned)uid, (unsigned)gid,
			 strerror(errno));
		return -1;
	}
	/* Verify: we must not be able to get root back. */
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		snprintf(err, errsize, "-Z %s: root could be regained after dropping privileges; refusing to run",
			 user);
		return -1;
	}
	if (getuid() != uid || geteuid() != uid || getgid() != gid || getegid() != gid) {
		snprintf(err, errsize, "-Z %s: the switch did not take (uid %u euid %u)", user, (unsigned)getuid(),
			 (unsigned)geteuid());
		return -1;
	}
	return 0;
}

static char *pidfile_path;

int daemon_pidfile(const char *path, char *err, size_t errsize)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd >= 0) {
			char buf[32];
			int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
			if (write(fd, buf, (size_t)n) != n) {
				snprintf(err, errsize, "%s: %s", path, strerror(errno));
				close(fd);
				unlink(path);
				return -1;
			}
			close(fd);
			pidfile_path = strdup(path);
			return 0;
		}
		if (errno != EEXIST) {
			snprintf(err, errsize, "--pidfile %s: %s", path, strerror(errno));
			return -1;
		}
		/* Exists: stale if the process it names is gone. */
		FILE *f = fopen(path, "r");
		long pid = 0;
		if (f) {
			if (fscanf(f, "%ld", &pid) != 1)
				pid = 0;
			fclose(f);
		}
		if (pid > 0 && kill((pid_t)pid, 0) == 0) {
			snprintf(err, errsize, "--pidfile %s: mmswatch is already running as pid %ld", path, pid);
			return -1;
		}
		unlink(path);
	}
	snprintf(err, errsize, "--pidfile %s: cannot create it", path);
	return -1;
}

void daemon_pidfile_remove(void)
{
	if (pidfile_path) {
		unlink(pidfile_path);
		free(pidfile_path);
		pidfile_path = NULL;
	}
}

#define CONFIG_MAX_LINES 1000
#define CONFIG_LINE_MAX 1024

int daemon_config_read(const char *path, int *argc, char ***argv, char *err, size_t errsize)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errsize, "--config %s: %s", path, strerror(errno));
		return -1;
	}
	char **v = calloc(2 * CONFIG_MAX_LINES + 2, sizeof(char *));
	int n = 0;
	unsigned line = 0;
	char buf[CONFIG_LINE_MAX + 2];
	int rc = 0;
	if (!v) {
		fclose(f);
		return -1;
	}
	while (fgets(buf, sizeof(buf), f)) {
		line++;
		size_t len = strlen(buf);
		if (len > CONFIG_LINE_MAX || line > CONFIG_MAX_LINES) {
			snprintf(err, errsize, "%s:%u: line too long or too many lines", path, line);
			rc = -1;
			break;
		}
		char *s = buf;
		while (*s == ' ' || *s == '\t')
			s++;
		char *hash = strchr(s, '#');
		if (hash)
			*hash = 0;
		len = strlen(s);
		while (len && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t'))
			s[--len] = 0;
		if (!len)
			continue;
		char *key = s, *val = NULL;
		char *sp = strpbrk(s, " \t=");
		if (sp) {
			*sp++ = 0;
			while (*sp == ' ' || *sp == '\t' || *sp == '=')
				sp++;
			val = *sp ? sp : NULL;
		}
		for (char *k = key; *k; k++)
			if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '-')) {
				snprintf(
					err, errsize,
					"%s:%u: '%s' is not an option name (use the long option, e.g. 'eve /var/log/mmswatch/eve.json')",
					path, line, key);
				rc = -1;
				goto done;
			}
		size_t kl = strlen(key) + 3;
		v[n] = malloc(kl);
		if (!v[n]) {
			rc = -1;
			break;
		}
		snprintf(v[n++], kl, "--%s", key);
		if (val && !(v[n++] = strdup(val))) {
			rc = -1;
			break;
		}
	}
done:
	fclose(f);
	if (rc != 0) {
		daemon_config_free(n, v);
		return -1;
	}
	*argc = n;
	*argv = v;
	return 0;
}

void daemon_config_free(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

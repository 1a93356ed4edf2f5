/* SPDX-License-Identifier: GPL-2.0-or-later */
/* daemon.h - what makes mmswatch a sensor that runs for weeks: dropping
 * privileges after the capture is open, an optional chroot, a pidfile, and a
 * config file with the same keys as the long options. */
#ifndef MMSW_DAEMON_H
#define MMSW_DAEMON_H

#include <stddef.h>

/* Drop to USER (supplementary groups, gid, uid), after an optional chroot.
 * Verifies root cannot be regained. 0, or -1 with a message in err. */
int daemon_drop_privileges(const char *user, const char *chroot_dir, char *err, size_t errsize);
/* Write the pid to path (O_EXCL on a fresh file; a stale file naming a dead
 * process is replaced). 0 or -1 with err. */
int daemon_pidfile(const char *path, char *err, size_t errsize);
void daemon_pidfile_remove(void);
/* Read a config file into an argv-style list: "key value" per line becomes
 * "--key" "value", "key" alone becomes "--key"; '#' comments. The caller frees
 * with daemon_config_free. 0 or -1 with "file:line: message" in err. */
int daemon_config_read(const char *path, int *argc, char ***argv, char *err, size_t errsize);
void daemon_config_free(int argc, char **argv);

#endif

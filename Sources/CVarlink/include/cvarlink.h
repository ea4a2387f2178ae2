#ifndef CVARLINK_H
#define CVARLINK_H

#include <stdint.h>
#include <sys/types.h>

/// Sets FD_CLOEXEC on fd; returns 0 or -errno.
int cvarlink_set_cloexec(int fd);
/// Sets or clears O_NONBLOCK; returns 0 or -errno.
int cvarlink_set_nonblocking(int fd, int on);

/// A listening unix socket bound to the abstract name (without the leading '@'); returns fd or -errno.
int cvarlink_listen_abstract(const char *name, int backlog);
/// A unix socket connected to the abstract name; returns fd or -errno.
int cvarlink_connect_abstract(const char *name);
/// A listening unix socket bound to path with permissions mode (replacing a stale socket file); fd or -errno.
int cvarlink_listen_unix(const char *path, int mode, int group, int backlog);

/// Spawns path for socket activation: listen_fd becomes fd 3 and the environment gets LISTEN_FDS=1,
/// LISTEN_FDNAMES=varlink and LISTEN_PID=<the child's pid> besides envp. Returns the pid or -errno.
pid_t cvarlink_spawn_activated(const char *path, char *const argv[], char *const envp[], int listen_fd);

/// pipe2(fds, O_CLOEXEC); returns 0 or -errno.
int cvarlink_pipe(int fds[2]);

#endif

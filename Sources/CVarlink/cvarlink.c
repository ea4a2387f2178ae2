#define _GNU_SOURCE
#include "cvarlink.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/prctl.h>
#include <signal.h>
#include <unistd.h>

int cvarlink_set_cloexec(int fd) {
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0) return -errno;
    if (fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0) return -errno;
    return 0;
}

int cvarlink_set_nonblocking(int fd, int on) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -errno;
    flags = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    if (fcntl(fd, F_SETFL, flags) < 0) return -errno;
    return 0;
}

static socklen_t abstract_address(const char *name, struct sockaddr_un *address) {
    memset(address, 0, sizeof(*address));
    address->sun_family = AF_UNIX;
    size_t length = strlen(name);
    if (length + 1 > sizeof(address->sun_path)) return 0;
    memcpy(address->sun_path + 1, name, length);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + length);
}

int cvarlink_listen_abstract(const char *name, int backlog) {
    struct sockaddr_un address;
    socklen_t length = abstract_address(name, &address);
    if (length == 0) return -ENAMETOOLONG;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    if (bind(fd, (struct sockaddr *)&address, length) < 0 || listen(fd, backlog) < 0) {
        int saved = errno;
        close(fd);
        return -saved;
    }
    return fd;
}

int cvarlink_connect_abstract(const char *name) {
    struct sockaddr_un address;
    socklen_t length = abstract_address(name, &address);
    if (length == 0) return -ENAMETOOLONG;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    if (connect(fd, (struct sockaddr *)&address, length) < 0) {
        int saved = errno;
        close(fd);
        return -saved;
    }
    return fd;
}

int cvarlink_listen_unix(const char *path, int mode, int group, int backlog) {
    struct sockaddr_un address;
    memset(&address, 0, sizeof(address));
    address.sun_family = AF_UNIX;
    size_t length = strlen(path);
    if (length + 1 > sizeof(address.sun_path)) return -ENAMETOOLONG;
    memcpy(address.sun_path, path, length);
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) return -EEXIST;
        /* A socket someone still listens on is never taken over; only a stale one is replaced. */
        int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (probe < 0) return -errno;
        int live = connect(probe, (struct sockaddr *)&address, sizeof(address)) == 0;
        close(probe);
        if (live) return -EADDRINUSE;
        unlink(path);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    mode_t old = umask(0777 & ~mode);
    int rc = bind(fd, (struct sockaddr *)&address, sizeof(address));
    int saved = errno;
    umask(old);
    if (rc == 0 && chmod(path, (mode_t)mode) < 0) { rc = -1; saved = errno; }
    /* The group gets the socket before anyone can connect. */
    if (rc == 0 && group >= 0 && chown(path, (uid_t)-1, (gid_t)group) < 0) { rc = -1; saved = errno; }
    if (rc == 0 && listen(fd, backlog) < 0) { rc = -1; saved = errno; }
    if (rc < 0) {
        close(fd);
        return -saved;
    }
    return fd;
}

pid_t cvarlink_spawn_activated(const char *path, char *const argv[], char *const envp[], int listen_fd) {
    size_t count = 0;
    while (envp[count]) count++;
    char **environment = calloc(count + 4, sizeof(char *));
    if (!environment) return -ENOMEM;
    static char fds[] = "LISTEN_FDS=1";
    static char names[] = "LISTEN_FDNAMES=varlink";
    char pid_variable[32] = "LISTEN_PID=";
    for (size_t i = 0; i < count; i++) environment[i] = envp[i];
    environment[count] = fds;
    environment[count + 1] = names;
    environment[count + 2] = pid_variable;
    environment[count + 3] = NULL;
    int status_pipe[2];
    if (pipe2(status_pipe, O_CLOEXEC) < 0) { int saved = errno; free(environment); return -saved; }
    // Keep the status pipe clear of fd 3, which the child's listening socket takes.
    for (int i = 0; i < 2; i++) {
        if (status_pipe[i] < 4) {
            int moved = fcntl(status_pipe[i], F_DUPFD_CLOEXEC, 4);
            close(status_pipe[i]);
            status_pipe[i] = moved;
        }
    }
    pid_t pid = fork();
    if (pid == 0) {
        // Only async-signal-safe calls from here on.
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        pid_t self = getpid();
        char digits[16];
        int n = 0;
        do { digits[n++] = (char)('0' + self % 10); self /= 10; } while (self > 0);
        char *p = pid_variable + 11;
        while (n > 0) *p++ = digits[--n];
        *p = 0;
        if (listen_fd != 3) {
            if (dup2(listen_fd, 3) < 0) goto fail;
        } else {
            int flags = fcntl(3, F_GETFD);
            if (flags < 0 || fcntl(3, F_SETFD, flags & ~FD_CLOEXEC) < 0) goto fail;
        }
        // Close everything above 3 but the status pipe (close-on-exec, so exec closes it).
        int keep = status_pipe[1];
        if (keep > 4) close_range(4, (unsigned)keep - 1, 0);
        close_range((unsigned)(keep >= 4 ? keep + 1 : 4), ~0U, 0);
        execve(path, argv, environment);
    fail:;
        int error = errno;
        (void)!write(status_pipe[1], &error, sizeof(error));
        _exit(127);
    }
    int saved = errno;
    free(environment);
    close(status_pipe[1]);
    if (pid < 0) { close(status_pipe[0]); return -saved; }
    int child_error = 0;
    ssize_t got = read(status_pipe[0], &child_error, sizeof(child_error));
    close(status_pipe[0]);
    if (got == (ssize_t)sizeof(child_error)) return -child_error;
    return pid;
}

int cvarlink_pipe(int fds[2]) { return pipe2(fds, O_CLOEXEC) < 0 ? -errno : 0; }

#define _GNU_SOURCE
#include "csystemd.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>

int csystemd_listen_fds(char ***names) {
    *names = NULL;
    int n = sd_listen_fds_with_names(1, names);
    return n;
}

void csystemd_free_names(char **names) {
    if (!names) return;
    for (char **p = names; *p; p++) free(*p);
    free(names);
}

static char notify_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static int notify_taken = 0;

int csystemd_notify(const char *state) {
    // Take NOTIFY_SOCKET out of the environment on first use so that children (runc, conmon) never see it.
    if (!notify_taken) {
        notify_taken = 1;
        const char *path = getenv("NOTIFY_SOCKET");
        if (path && strlen(path) < sizeof(notify_path)) strcpy(notify_path, path);
        unsetenv("NOTIFY_SOCKET");
    }
    if (!notify_path[0]) return 0;
    struct sockaddr_un address;
    memset(&address, 0, sizeof(address));
    address.sun_family = AF_UNIX;
    size_t length = strlen(notify_path);
    memcpy(address.sun_path, notify_path, length);
    if (address.sun_path[0] == '@') address.sun_path[0] = 0;
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    ssize_t sent = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&address,
                          (socklen_t)(offsetof(struct sockaddr_un, sun_path) + length));
    int saved = errno;
    close(fd);
    return sent < 0 ? -saved : 1;
}

/* The RPC benchmark's reference server: the floor a varlink server can get to on this kernel.
 *
 * Listens on the unix socket given as argv[1] and answers every frame (every NUL byte read) with the fixed reply
 * {"parameters":{"pong":"ping"}} and a NUL, without parsing anything: one thread, epoll, nonblocking sockets, the
 * replies for all frames of one read sent with one write(), whatever the kernel does not take buffered per
 * connection until the socket is writable again. Connections are closed on EOF or error.
 *
 * gcc -O2 -Wall -Wextra -o reference-server reference_server.c && ./reference-server /path/to/socket
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char reply[] = "{\"parameters\":{\"pong\":\"ping\"}}"; /* sizeof includes the NUL that ends a frame */

struct connection { int fd, writing; char *out; size_t length, capacity; };

static void drop(struct connection *c) { close(c->fd); free(c->out); free(c); }

/* Writes what is buffered with one write(); watches for writability while something is left. */
static int flush(int epoll, struct connection *c) {
    if (c->length > 0) {
        ssize_t n = write(c->fd, c->out, c->length);
        if (n < 0 && errno != EAGAIN && errno != EINTR) return -1;
        if (n > 0) memmove(c->out, c->out + n, c->length -= (size_t)n);
    }
    int writing = c->length > 0;
    if (writing != c->writing) {
        struct epoll_event event = { .events = EPOLLIN | (writing ? EPOLLOUT : 0), .data.ptr = c };
        if (epoll_ctl(epoll, EPOLL_CTL_MOD, c->fd, &event) < 0) return -1;
        c->writing = writing;
    }
    return 0;
}

/* Reads once and queues one reply per NUL read; -1 on EOF or error. */
static int serve(struct connection *c) {
    static char in[1 << 16];
    ssize_t n = read(c->fd, in, sizeof in);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
    if (n <= 0) return -1;
    size_t frames = 0;
    for (char *p = in; (p = memchr(p, 0, (size_t)(in + n - p))) != NULL; p++) frames++;
    size_t needed = c->length + frames * sizeof reply;
    if (needed > c->capacity) {
        char *grown = realloc(c->out, needed * 2);
        if (grown == NULL) return -1;
        c->out = grown, c->capacity = needed * 2;
    }
    for (; frames > 0; frames--, c->length += sizeof reply) memcpy(c->out + c->length, reply, sizeof reply);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: %s SOCKET-PATH\n", argv[0]); return 2; }
    struct sockaddr_un address = { .sun_family = AF_UNIX };
    if (strlen(argv[1]) >= sizeof address.sun_path) { fprintf(stderr, "socket path too long\n"); return 2; }
    strcpy(address.sun_path, argv[1]);
    unlink(argv[1]);
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int epoll = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event event = { .events = EPOLLIN, .data.ptr = NULL };
    if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof address) < 0
        || listen(listener, SOMAXCONN) < 0 || epoll < 0 || epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &event) < 0) {
        perror("reference-server");
        return 1;
    }
    struct epoll_event events[64];
    for (;;) {
        int ready = epoll_wait(epoll, events, 64, -1);
        if (ready < 0 && errno != EINTR) { perror("epoll_wait"); return 1; }
        for (int i = 0; i < ready; i++) {
            struct connection *c = events[i].data.ptr;
            if (c == NULL) { /* the listener: accept everything pending */
                int fd;
                while ((fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    c = calloc(1, sizeof *c);
                    if (c == NULL) { close(fd); continue; }
                    c->fd = fd;
                    struct epoll_event added = { .events = EPOLLIN, .data.ptr = c };
                    if (epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &added) < 0) drop(c);
                }
                continue;
            }
            if ((events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && serve(c) < 0) { drop(c); continue; }
            if (flush(epoll, c) < 0) drop(c);
        }
    }
}

#define _GNU_SOURCE
#include <linux/openat2.h>
#include <sys/syscall.h>
#include "cspawn.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <stdio.h>
#include <unistd.h>

int cspawn_spawn(const char *path, char *const argv[], char *const envp[], const int *fd_from, const int *fd_to,
                 size_t nfds, int new_session, const char *directory, pid_t *pid) {
    int maxto = 2;
    for (size_t i = 0; i < nfds; i++)
        if (fd_to[i] > maxto) maxto = fd_to[i];
    /* A source inside the child's range [0, maxto] could be overwritten by an earlier dup2 in the child. Such
       sources are copied above the range here first: F_DUPFD_CLOEXEC takes the lowest free number above it, so any
       fd numbers and any RLIMIT_NOFILE with a free slot work. Every dup2 in the child then has source != target,
       which also clears close-on-exec on the target. */
    int *source = calloc(nfds ? nfds : 1, sizeof(int));
    int *moved = calloc(nfds ? nfds : 1, sizeof(int));
    if (!source || !moved) { free(source); free(moved); return ENOMEM; }
    int rc = 0;
    for (size_t i = 0; i < nfds; i++) {
        source[i] = fd_from[i];
        moved[i] = -1;
        if (rc == 0 && fd_from[i] >= 0 && fd_from[i] <= maxto) {
            moved[i] = fcntl(fd_from[i], F_DUPFD_CLOEXEC, maxto + 1);
            if (moved[i] < 0) rc = errno;
            source[i] = moved[i];
        }
    }
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    int have_actions = 0, have_attr = 0;
    if (rc == 0) rc = posix_spawn_file_actions_init(&actions);
    if (rc == 0) { have_actions = 1; rc = posix_spawnattr_init(&attr); }
    if (rc == 0) {
        have_attr = 1;
        short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
        if (new_session) flags |= POSIX_SPAWN_SETSID;
        sigset_t empty, all;
        sigemptyset(&empty);
        sigfillset(&all);
        posix_spawnattr_setsigmask(&attr, &empty);
        posix_spawnattr_setsigdefault(&attr, &all);
        rc = posix_spawnattr_setflags(&attr, flags);
    }
    /* A source of -1 leaves its target as this process has it for 0-2 and closed above. */
    for (size_t i = 0; i < nfds && rc == 0; i++)
        if (source[i] >= 0) rc = posix_spawn_file_actions_adddup2(&actions, source[i], fd_to[i]);
    for (int target = 3; target <= maxto && rc == 0; target++) {
        int mapped = 0;
        for (size_t i = 0; i < nfds; i++)
            if (fd_to[i] == target && source[i] >= 0) mapped = 1;
        if (!mapped) rc = posix_spawn_file_actions_addclose(&actions, target);
    }
    if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&actions, maxto + 1);
    if (rc == 0 && directory) rc = posix_spawn_file_actions_addchdir_np(&actions, directory);
    if (rc == 0) rc = posix_spawn(pid, path, &actions, &attr, argv, envp);
    if (have_actions) posix_spawn_file_actions_destroy(&actions);
    if (have_attr) posix_spawnattr_destroy(&attr);
    for (size_t i = 0; i < nfds; i++)
        if (moved[i] >= 0) close(moved[i]);
    free(source);
    free(moved);
    return rc;
}

int cspawn_openat2(int dirfd, const char *path, uint64_t flags, uint64_t resolve) {
    struct open_how how;
    memset(&how, 0, sizeof(how));
    how.flags = flags | O_CLOEXEC;
    how.resolve = resolve;
    long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
    return fd < 0 ? -errno : (int)fd;
}

const uint64_t cspawn_resolve_beneath = RESOLVE_BENEATH, cspawn_resolve_in_root = RESOLVE_IN_ROOT,
               cspawn_resolve_no_symlinks = RESOLVE_NO_SYMLINKS, cspawn_resolve_no_magiclinks = RESOLVE_NO_MAGICLINKS;
const int cspawn_o_path = O_PATH;

int cspawn_pipe(int fds[2]) { return pipe2(fds, O_CLOEXEC) == 0 ? 0 : errno; }

int cspawn_set_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 0 : errno; }

static int decode_status(const siginfo_t *info) {
    if (info->si_code == CLD_EXITED) return info->si_status;
    return 128 + info->si_status;
}

int cspawn_pidfd_open(pid_t pid) {
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    return fd >= 0 ? fd : -errno;
}

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

int cspawn_pidfd_reap(int pidfd, int *status) {
    for (;;) {
        siginfo_t info;
        memset(&info, 0, sizeof info);
        if (waitid(P_PIDFD, (id_t)pidfd, &info, WEXITED | WNOHANG) == 0) {
            if (info.si_pid == 0) return 0;
            *status = decode_status(&info);
            return 1;
        }
        if (errno == EINTR) continue;
        return -errno;
    }
}

int cspawn_wait_pid(pid_t pid) {
    for (;;) {
        siginfo_t info;
        memset(&info, 0, sizeof info);
        if (waitid(P_PID, (id_t)pid, &info, WEXITED) == 0) return decode_status(&info);
        if (errno == EINTR) continue;
        return -1;
    }
}

uint64_t cspawn_hard_limit(int resource, uint64_t fallback) {
    struct rlimit limit;
    if (getrlimit(resource, &limit) != 0 || limit.rlim_max == RLIM_INFINITY) return fallback;
    return (uint64_t)limit.rlim_max;
}

int cspawn_connect_seqpacket(const char *directory, const char *name) {
    int dir = open(directory, O_PATH | O_CLOEXEC);
    if (dir < 0) return -errno;
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0) { int e = errno; close(dir); return -e; }
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/%s", dir, name);
    int rc = connect(fd, (struct sockaddr *)&addr, sizeof addr);
    int e = errno;
    close(dir);
    if (rc != 0) { close(fd); return -e; }
    return fd;
}

/* SHA-256 (FIPS 180-4). */
static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
    0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
    0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
    0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(cspawn_sha256_ctx *ctx, const uint8_t *p) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = ctx->state[0], b = ctx->state[1], c = ctx->state[2], d = ctx->state[3];
    uint32_t e = ctx->state[4], f = ctx->state[5], g = ctx->state[6], h = ctx->state[7];
    for (int i = 0; i < 64; i++) {
        uint32_t S1 = ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = h + S1 + ch + K[i] + w[i];
        uint32_t S0 = ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = S0 + maj;
        h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    ctx->state[0] += a; ctx->state[1] += b; ctx->state[2] += c; ctx->state[3] += d;
    ctx->state[4] += e; ctx->state[5] += f; ctx->state[6] += g; ctx->state[7] += h;
}

void cspawn_sha256_init(cspawn_sha256_ctx *ctx) {
    static const uint32_t init[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(ctx->state, init, sizeof init);
    ctx->length = 0;
    ctx->used = 0;
}

void cspawn_sha256_update(cspawn_sha256_ctx *ctx, const void *data, size_t length) {
    const uint8_t *p = data;
    ctx->length += length;
    if (ctx->used) {
        size_t take = 64 - ctx->used < length ? 64 - ctx->used : length;
        memcpy(ctx->buffer + ctx->used, p, take);
        ctx->used += take; p += take; length -= take;
        if (ctx->used == 64) { sha256_block(ctx, ctx->buffer); ctx->used = 0; }
    }
    while (length >= 64) { sha256_block(ctx, p); p += 64; length -= 64; }
    if (length) { memcpy(ctx->buffer, p, length); ctx->used = length; }
}

void cspawn_sha256_final(cspawn_sha256_ctx *ctx, uint8_t digest[32]) {
    uint64_t bits = ctx->length * 8;
    uint8_t pad = 0x80;
    cspawn_sha256_update(ctx, &pad, 1);
    uint8_t zero = 0;
    while (ctx->used != 56) cspawn_sha256_update(ctx, &zero, 1);
    uint8_t len[8];
    for (int i = 0; i < 8; i++) len[i] = (uint8_t)(bits >> (56 - 8 * i));
    cspawn_sha256_update(ctx, len, 8);
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (uint8_t)(ctx->state[i] >> 24); digest[4 * i + 1] = (uint8_t)(ctx->state[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(ctx->state[i] >> 8); digest[4 * i + 3] = (uint8_t)ctx->state[i];
    }
}

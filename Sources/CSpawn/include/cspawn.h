#ifndef CSPAWN_H
#define CSPAWN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <sys/mount.h>
#include <sys/inotify.h>
#include <sys/file.h>

/// Spawns `path` with `argv` and `envp`, every signal unblocked and at its default, in a new session when
/// `new_session`, in `directory` when not NULL. The child gets `fd_from[i]` as `fd_to[i]` (any numbers, in any
/// order; a source of -1 leaves 0-2 inherited and closes a higher target) and no other fd >= 3. Returns 0 and sets
/// *pid, or an errno value.
int cspawn_spawn(const char *path, char *const argv[], char *const envp[], const int *fd_from, const int *fd_to,
                 size_t nfds, int new_session, const char *directory, pid_t *pid);

/// openat2(2): opens `path` relative to `dirfd` with `flags` (O_CLOEXEC added) and the RESOLVE_* bits in
/// `resolve`. Returns the fd or -errno.
int cspawn_openat2(int dirfd, const char *path, uint64_t flags, uint64_t resolve);
/// RESOLVE_* values of openat2(2), for Swift.
extern const uint64_t cspawn_resolve_beneath, cspawn_resolve_in_root, cspawn_resolve_no_symlinks,
    cspawn_resolve_no_magiclinks;
/// O_PATH, which Swift's Glibc module does not show.
extern const int cspawn_o_path;
/// pipe2 with O_CLOEXEC. Returns 0 or an errno value.
int cspawn_pipe(int fds[2]);

/// Makes the calling process a child subreaper. Returns 0 or an errno value.
int cspawn_set_subreaper(void);

/// A pidfd for `pid` (close-on-exec), or -errno.
int cspawn_pidfd_open(pid_t pid);

/// Reaps the child behind `pidfd` without blocking. Returns 1 and sets *status (exit code, or 128+signal) when it
/// was reaped, 0 when it still runs, -errno otherwise (-ECHILD: not a child of this process).
int cspawn_pidfd_reap(int pidfd, int *status);

/// Blocking waitpid on one pid; returns the exit code or 128+signal, or -1.
int cspawn_wait_pid(pid_t pid);

/// The hard limit of an rlimit resource (RLIMIT_NOFILE = 7, RLIMIT_NPROC = 6), or `fallback` when unknown.
uint64_t cspawn_hard_limit(int resource, uint64_t fallback);

/// Connects a SOCK_SEQPACKET socket to `directory`/`name` through /proc/self/fd (paths past 108 bytes work).
/// Returns the fd (close-on-exec) or -errno.
int cspawn_connect_seqpacket(const char *directory, const char *name);

/// SHA-256 of a streamed input.
typedef struct {
    uint32_t state[8];
    uint64_t length;
    uint8_t buffer[64];
    size_t used;
} cspawn_sha256_ctx;
void cspawn_sha256_init(cspawn_sha256_ctx *ctx);
void cspawn_sha256_update(cspawn_sha256_ctx *ctx, const void *data, size_t length);
void cspawn_sha256_final(cspawn_sha256_ctx *ctx, uint8_t digest[32]);

#endif

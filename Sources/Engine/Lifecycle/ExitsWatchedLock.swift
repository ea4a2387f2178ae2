internal import Glibc

/// The run root's `exits.watched` lock, which says whether an engine process records exits as they happen.
///
/// An engine that watches exits holds it exclusively for its lifetime. conmon's exit command is guarded by a test
/// of it: a shared lock tried without waiting, which fails only while a watching engine holds it (testers never
/// exclude each other, so two containers ending at once both do their work when no engine watches). The guard is
/// a shell and flock(1), about 1.5 ms, where a whole podlinkd costs 13 ms of CPU on every exit, run beside the
/// next container's start.
final class ExitsWatchedLock: Sendable {
    /// The open lock file; -1 when another engine holds the lock already (its hold stands for both).
    private let descriptor: Int32

    /// The lock file of `runRoot`.
    static func path(runRoot: String) -> String { runRoot + "/exits.watched" }

    /// Takes the lock of `runRoot` for this engine's lifetime.
    init(holding runRoot: String) {
        let fd = open(Self.path(runRoot: runRoot), O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            descriptor = -1
        } else {
            descriptor = fd
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Whether an engine watching exits holds the lock of `runRoot`.
    static func isHeld(runRoot: String) -> Bool {
        let fd = open(path(runRoot: runRoot), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK
    }

    /// `command` behind the test: run by `sh`, which ends at once (status 0) while a watching engine holds the lock
    /// of `runRoot`, and otherwise becomes `command` with the arguments appended after it. A lock file that cannot
    /// be opened counts as not held; it is never created here.
    static func guarding(_ command: [String], runRoot: String) -> [String] {
        // $0 is the lock file; flock(1) tries a shared lock on descriptor 9 and exits 75 on a conflict.
        let script = #"if { flock -s -n -E 75 9; [ $? -eq 75 ]; } 2>/dev/null 9<"$0"; then exit 0; fi; exec "$@""#
        return ["/bin/sh", "-c", script, path(runRoot: runRoot)] + command
    }
}

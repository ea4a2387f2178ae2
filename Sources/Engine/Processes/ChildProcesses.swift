internal import CSpawn
internal import Glibc
internal import Synchronization

/// What a finished process printed and how it ended.
struct ProcessOutput: Sendable {
    /// Exit code, or 128 + signal.
    var status: Int32
    var stdout: [UInt8]
    var stderr: [UInt8]

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// Spawns children with chosen fds and reaps them through pidfds: one thread polls the pidfds of the children the
/// engine spawned (and of the conmons it adopts as a subreaper) and reaps exactly those, so children that other code
/// in the process spawned (Foundation's `Process`) are never taken from it.
final class ChildProcesses: Sendable {
    /// The one reaper of the process.
    static let shared = ChildProcesses()

    private struct Watched {
        var pid: pid_t
        /// Nobody waits for an adopted process: it is only reaped.
        var adopted: Bool
    }

    private struct State {
        var waiters: [pid_t: CheckedContinuation<Int32, Never>] = [:]
        var finished: [pid_t: Int32] = [:]
        var watched: [Int32: Watched] = [:]
        var reaperStarted = false
    }

    private let state = Mutex(State())
    private let wakeReader: Int32
    private let wakeWriter: Int32

    private init() {
        var fds: [Int32] = [-1, -1]
        _ = cspawn_pipe(&fds)
        wakeReader = fds[0]
        wakeWriter = fds[1]
        _ = fcntl(wakeReader, F_SETFL, fcntl(wakeReader, F_GETFL) | O_NONBLOCK)
    }

    /// The environment children get: a fixed PATH, nothing inherited (no `LISTEN_FDS` reaches runc).
    static let environment = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]

    /// Makes this process a subreaper so that orphaned descendants (conmon) are reaped here at once.
    static func becomeSubreaper() {
        _ = cspawn_set_subreaper()
    }

    /// Watches `pid` through a pidfd; false when none could be opened.
    @discardableResult
    private func watch(_ pid: pid_t, adopted: Bool) -> Bool {
        let pidfd = cspawn_pidfd_open(pid)
        guard pidfd >= 0 else { return false }
        state.withLock { state in
            state.watched[pidfd] = Watched(pid: pid, adopted: adopted)
            if !state.reaperStarted {
                state.reaperStarted = true
                startReaper()
            }
        }
        var byte: UInt8 = 1
        _ = write(wakeWriter, &byte, 1)
        return true
    }

    /// Spawns `path` with `arguments` (argv[0] included); `fds` maps this process's fds to the child's.
    func spawn(
        _ path: String, _ arguments: [String], environment: [String] = ChildProcesses.environment,
        fds: [(from: Int32, to: Int32)], newSession: Bool = false, directory: String? = nil
    ) throws(EngineError) -> pid_t {
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        let from = fds.map(\.from)
        let to = fds.map(\.to)
        var pid: pid_t = 0
        let rc = cspawn_spawn(path, argv, envp, from, to, fds.count, newSession ? 1 : 0, directory, &pid)
        guard rc == 0 else { throw .system("spawn \(path)", rc) }
        // A child that already exited is a zombie until reaped, so its pidfd still opens. One that cannot be
        // watched would never be reaped: it is killed and reaped here, and the spawn fails.
        guard watch(pid, adopted: false) else {
            let error = errno
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            throw .system("pidfd_open for \(path)", error)
        }
        return pid
    }

    /// Reaps `pid` when it ends if it becomes this process's child (a daemonised conmon adopted as subreaper).
    func adopt(_ pid: pid_t) {
        guard pid > 0 else { return }
        watch(pid, adopted: true)
    }

    /// Waits for a spawned child to end; returns its exit code or 128 + signal.
    func wait(_ pid: pid_t) async -> Int32 {
        await withCheckedContinuation { continuation in
            state.withLock { state in
                if let status = state.finished.removeValue(forKey: pid) {
                    continuation.resume(returning: status)
                } else {
                    state.waiters[pid] = continuation
                }
            }
        }
    }

    private func startReaper() {
        Offload.thread { [self] in
            var drain = [UInt8](repeating: 0, count: 256)
            while true {
                let watched = state.withLock { $0.watched }
                var fds = [pollfd(fd: wakeReader, events: Int16(POLLIN), revents: 0)]
                fds += watched.keys.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
                if poll(&fds, nfds_t(fds.count), -1) < 0 {
                    if errno != EINTR { usleep(10_000) }
                    continue
                }
                if fds[0].revents != 0 { _ = read(wakeReader, &drain, drain.count) }
                for entry in fds.dropFirst() where entry.revents != 0 {
                    var status: Int32 = 0
                    let rc = cspawn_pidfd_reap(entry.fd, &status)
                    // Not reaped (rc <= 0) means the process is not our child: an adoptee that went to another reaper.
                    close(entry.fd)
                    let waiter = state.withLock { state -> CheckedContinuation<Int32, Never>? in
                        guard let process = state.watched.removeValue(forKey: entry.fd), !process.adopted, rc == 1
                        else { return nil }
                        if let waiter = state.waiters.removeValue(forKey: process.pid) { return waiter }
                        state.finished[process.pid] = status
                        return nil
                    }
                    waiter?.resume(returning: status)
                }
            }
        }
    }
}

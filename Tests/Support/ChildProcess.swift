internal import CSpawn
import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A process the tests start, without Foundation's `Process`.
///
/// Foundation waits for every child on one shared thread, woken when a socket the child inherits closes; a child
/// that closes inherited descriptors while it runs (`systemd-socket-activate` does) makes that thread block until
/// it exits, and every other child's end goes unseen meanwhile. Here each child has a waiting thread of its own,
/// inherits no descriptor but its standard three, and starts with no signal blocked (test threads block some).
public final class ChildProcess: Sendable {
    /// The child's pid.
    public let pid: Int32
    private let state = Mutex<State>(State())
    private let ended = DispatchSemaphore(value: 0)

    private struct State {
        public var status: Int32?
        var waiters: [CheckedContinuation<Int32, Never>] = []
    }

    /// A process that could not be started.
    public struct SpawnError: Error, CustomStringConvertible {
        /// Why.
        public var description: String
    }

    /// Starts `executable` (an absolute path) with `arguments` (without argv[0]); standard input, output and error
    /// are the given paths (`/dev/null` when nil), output files appended to.
    public init(
        _ executable: String, arguments: [String], environment: [String: String]? = nil, output: String? = nil,
        error: String? = nil
    ) throws {
        let input = open("/dev/null", O_RDONLY | O_CLOEXEC)
        let out = open(output ?? "/dev/null", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        let err = open(error ?? output ?? "/dev/null", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        defer { for fd in [input, out, err] where fd >= 0 { close(fd) } }
        guard input >= 0, out >= 0, err >= 0 else { throw SpawnError(description: "open: \(errno)") }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: Int32 = 0
        let from: [Int32] = [input, out, err]
        let to: [Int32] = [0, 1, 2]
        let rc = cspawn_spawn(executable, argv, envp, from, to, 3, 0, nil, &pid)
        guard rc == 0 else {
            throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        self.pid = pid
        let thread = Thread { [self, pid] in
            // Seen ended first (not reaped), then reaped under the lock: `terminate` never signals a reused pid.
            var info = siginfo_t()
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
            let (status, waiters) = state.withLock { state in
                let status = cspawn_wait_pid(pid)
                state.status = status
                defer { state.waiters = [] }
                return (status, state.waiters)
            }
            ended.signal()
            for waiter in waiters { waiter.resume(returning: status) }
        }
        thread.start()
    }

    /// Whether it has not ended yet.
    public var isRunning: Bool { state.withLock { $0.status == nil } }

    /// Its exit code, or 128 + the signal that ended it; nil while it runs.
    public var status: Int32? { state.withLock { $0.status } }

    /// How it stands, for failure messages: its status once ended, else where the kernel has it waiting.
    public var summary: String {
        if let status { return "pid \(pid) ended with \(status)" }
        let wchan = (try? String(contentsOfFile: "/proc/\(pid)/wchan", encoding: .utf8)) ?? "?"
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? "?"
        return "pid \(pid) running, waiting in \(wchan), stat \(stat.prefix(80))"
    }

    /// Sends `signal` (SIGTERM by default) unless it has ended.
    public func terminate(_ signal: Int32 = 15) {
        state.withLock { state in
            // Under the lock: the pid is not reaped (and so not reused) while it is signalled.
            if state.status == nil { _ = kill(pid, signal) }
        }
    }

    /// Waits for it to end and returns its status.
    @discardableResult
    public func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = state.withLock { state -> Int32? in
                if state.status == nil { state.waiters.append(continuation) }
                return state.status
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    /// Waits for it to end, blocking the calling thread, at most `timeout` seconds; its status, or nil on timeout.
    public func waitBlocking(timeout: Double) -> Int32? {
        guard ended.wait(timeout: .now() + timeout) == .success else { return nil }
        ended.signal()
        return status
    }

    /// Waits, on a thread of its own, at most `timeout` seconds for it to end; its status, or nil on timeout.
    public func wait(timeout: Double) async -> Int32? {
        await withCheckedContinuation { continuation in
            Thread { [self] in continuation.resume(returning: waitBlocking(timeout: timeout)) }.start()
        }
    }

    /// Waits, on a thread of its own, at most `timeout` seconds for any process `pid` (not only a child) to end,
    /// through a pidfd; whether it ended (a pid that is already gone counts).
    public static func waitForEnd(of pid: Int32, timeout: Double) async -> Bool {
        await withCheckedContinuation { continuation in
            Thread {
                let pidfd = cspawn_pidfd_open(pid)
                guard pidfd >= 0 else { return continuation.resume(returning: pidfd == -ESRCH) }
                defer { close(pidfd) }
                var entry = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
                continuation.resume(returning: poll(&entry, 1, Int32(timeout * 1000)) > 0)
            }
            .start()
        }
    }
}

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

    private func watch(_ pid: pid_t, adopted: Bool) {
        let pidfd = cspawn_pidfd_open(pid)
        guard pidfd >= 0 else { return }
        state.withLock { state in
            state.watched[pidfd] = Watched(pid: pid, adopted: adopted)
            if !state.reaperStarted {
                state.reaperStarted = true
                startReaper()
            }
        }
        var byte: UInt8 = 1
        _ = write(wakeWriter, &byte, 1)
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
        // A child that already exited is a zombie until reaped, so its pidfd still opens.
        watch(pid, adopted: false)
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

    /// Runs a program to its end and collects its output. `stdin` is written then closed, or /dev/null is given.
    func run(
        _ path: String, _ arguments: [String], stdin: [UInt8]? = nil,
        environment: [String] = ChildProcesses.environment,
        timeout: Duration? = nil
    ) async throws(EngineError) -> ProcessOutput {
        let collected = Collected()
        let status = try await run(path, arguments, stdin: stdin, environment: environment, timeout: timeout) {
            stream, bytes in
            collected.append(stream, bytes)
        }
        let (out, err) = collected.take()
        return ProcessOutput(status: status, stdout: out, stderr: err)
    }

    /// Output gathered from the reading thread.
    private final class Collected: Sendable {
        private let buffers = Mutex<([UInt8], [UInt8])>(([], []))
        func append(_ stream: Int, _ bytes: [UInt8]) {
            buffers.withLock { if stream == 1 { $0.0 += bytes } else { $0.1 += bytes } }
        }
        func take() -> ([UInt8], [UInt8]) { buffers.withLock { $0 } }
    }

    /// Runs a program to its end, handing its output to `output` as it comes (1: stdout, 2: stderr); returns its exit
    /// code. `stdin` is written (concurrently with the reading) then closed, or /dev/null is given.
    func run(
        _ path: String, _ arguments: [String], stdin: [UInt8]? = nil,
        environment: [String] = ChildProcesses.environment, timeout: Duration? = nil,
        output: @escaping @Sendable (Int, [UInt8]) -> Void
    ) async throws(EngineError) -> Int32 {
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        var inPipe: [Int32] = [-1, -1]
        guard cspawn_pipe(&outPipe) == 0 else { throw .system("pipe", errno) }
        guard cspawn_pipe(&errPipe) == 0 else {
            close(outPipe[0]); close(outPipe[1])
            throw .system("pipe", errno)
        }
        if stdin != nil {
            guard cspawn_pipe(&inPipe) == 0 else {
                for fd in outPipe + errPipe { close(fd) }
                throw .system("pipe", errno)
            }
        } else {
            inPipe[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)
        }
        let pid: pid_t
        do {
            pid = try spawn(
                path, arguments, environment: environment, fds: [(inPipe[0], 0), (outPipe[1], 1), (errPipe[1], 2)])
        } catch {
            for fd in outPipe + errPipe + inPipe where fd >= 0 { close(fd) }
            throw error
        }
        close(outPipe[1]); close(errPipe[1]); close(inPipe[0])
        // A child past its time is killed: its exit then ends the wait below (status 137).
        let watchdog = timeout.map { limit in
            Task {
                try? await Task.sleep(for: limit)
                if !Task.isCancelled { Glibc.kill(pid, SIGKILL) }
            }
        }
        defer { watchdog?.cancel() }
        if let stdin {
            let fd = inPipe[1]
            Offload.thread {
                stdin.withUnsafeBytes { buffer in
                    var offset = 0
                    while offset < buffer.count {
                        let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                        if n < 0 { if errno == EINTR { continue } else { break } }
                        offset += n
                    }
                }
                close(fd)
            }
        }
        let out = outPipe[0]
        let err = errPipe[0]
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Offload.thread {
                Self.pump(out, err, output)
                continuation.resume()
            }
        }
        return await wait(pid)
    }

    /// Reads two fds until both end, handing chunks to `output` (1 for the first, 2 for the second), then closes them.
    static func pump(_ a: Int32, _ b: Int32, _ output: (Int, [UInt8]) -> Void) {
        var fds = [pollfd(fd: a, events: Int16(POLLIN), revents: 0), pollfd(fd: b, events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 65536)
        var open = 2
        while open > 0 {
            let rc = poll(&fds, 2, -1)
            if rc < 0 { if errno == EINTR { continue } else { break } }
            for i in 0..<2 where fds[i].fd >= 0 && fds[i].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(fds[i].fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    output(i + 1, Array(buffer[0..<n]))
                } else if n == 0 || errno != EINTR {
                    close(fds[i].fd)
                    fds[i].fd = -1
                    open -= 1
                }
            }
        }
    }
}

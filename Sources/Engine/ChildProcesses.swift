internal import CSpawn
internal import Dispatch
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

/// Spawns children with chosen fds and reaps every child of the process, adopted orphans too.
///
/// One thread blocks in `waitid(P_ALL)`; statuses of the children the engine spawned go to their waiters, orphans
/// adopted as a subreaper (conmon's daemonised half, `runc exec -d` children) are reaped and forgotten. Nothing else in
/// the process should wait for children it did not spawn through here.
final class ChildProcesses: Sendable {
    /// The one reaper of the process.
    static let shared = ChildProcesses()

    private struct State {
        var waiters: [pid_t: CheckedContinuation<Int32, Never>] = [:]
        var finished: [pid_t: Int32] = [:]
        var tracked: Set<pid_t> = []
        var reaperStarted = false
    }

    private let state = Mutex(State())
    private let wakeup = DispatchSemaphore(value: 0)

    /// The environment children get: a fixed PATH, nothing inherited (no `LISTEN_FDS` reaches runc).
    static let environment = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]

    /// Makes this process a subreaper so that orphaned descendants (conmon) are reaped here at once.
    static func becomeSubreaper() {
        _ = cspawn_set_subreaper()
    }

    /// Spawns `path` with `arguments` (argv[0] included); `fds` maps this process's fds to the child's.
    func spawn(
        _ path: String, _ arguments: [String], environment: [String] = ChildProcesses.environment,
        fds: [(from: Int32, to: Int32)], newSession: Bool = false
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
        let rc = state.withLock { state -> Int32 in
            let rc = cspawn_spawn(path, argv, envp, from, to, fds.count, newSession ? 1 : 0, &pid)
            if rc == 0 {
                state.tracked.insert(pid)
                if !state.reaperStarted {
                    state.reaperStarted = true
                    startReaper()
                }
            }
            return rc
        }
        guard rc == 0 else { throw .system("spawn \(path)", rc) }
        wakeup.signal()
        return pid
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
        let thread = DispatchQueue(label: "podlink.reaper")
        thread.async { [self] in
            while true {
                var status: Int32 = 0
                let pid = cspawn_wait_any(&status)
                if pid > 0 {
                    let waiter = state.withLock { state -> CheckedContinuation<Int32, Never>? in
                        guard state.tracked.remove(pid) != nil else { return nil }
                        if let waiter = state.waiters.removeValue(forKey: pid) { return waiter }
                        state.finished[pid] = status
                        return nil
                    }
                    waiter?.resume(returning: status)
                } else if pid == 0 {
                    wakeup.wait()
                } else {
                    usleep(10_000)
                }
            }
        }
    }

    /// Runs a program to its end and collects its output. `stdin` is written then closed, or /dev/null is given.
    func run(
        _ path: String, _ arguments: [String], stdin: [UInt8]? = nil, environment: [String] = ChildProcesses.environment
    ) async throws(EngineError) -> ProcessOutput {
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        var inPipe: [Int32] = [-1, -1]
        guard cspawn_pipe(&outPipe) == 0 else { throw .system("pipe", errno) }
        guard cspawn_pipe(&errPipe) == 0 else {
            close(outPipe[0]); close(outPipe[1])
            throw .system("pipe", errno)
        }
        if stdin != nil {
            guard cspawn_pipe(&inPipe) == 0 else { throw .system("pipe", errno) }
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
        let input = stdin
        let inFd = inPipe[1]
        let (out, err) = await Self.collect(stdout: outPipe[0], stderr: errPipe[0], stdin: inFd, input: input ?? [])
        let status = await wait(pid)
        return ProcessOutput(status: status, stdout: out, stderr: err)
    }

    /// Reads both fds to their end on a thread outside the cooperative pool (and feeds `input` to `stdin`).
    static func collect(stdout: Int32, stderr: Int32, stdin: Int32 = -1, input: [UInt8] = [])
        async -> ([UInt8], [UInt8])
    {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                if stdin >= 0 {
                    input.withUnsafeBytes { buffer in
                        var offset = 0
                        while offset < buffer.count {
                            let n = write(stdin, buffer.baseAddress! + offset, buffer.count - offset)
                            if n < 0 { if errno == EINTR { continue } else { break } }
                            offset += n
                        }
                    }
                    close(stdin)
                }
                continuation.resume(returning: readBoth(stdout, stderr))
            }
        }
    }

    /// Reads two fds until both end, then closes them.
    static func readBoth(_ a: Int32, _ b: Int32) -> ([UInt8], [UInt8]) {
        var outputs: [[UInt8]] = [[], []]
        var fds = [pollfd(fd: a, events: Int16(POLLIN), revents: 0), pollfd(fd: b, events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 65536)
        var open = 2
        while open > 0 {
            let rc = poll(&fds, 2, -1)
            if rc < 0 { if errno == EINTR { continue } else { break } }
            for i in 0..<2 where fds[i].fd >= 0 && fds[i].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(fds[i].fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    outputs[i].append(contentsOf: buffer[0..<n])
                } else if n == 0 || errno != EINTR {
                    close(fds[i].fd)
                    fds[i].fd = -1
                    open -= 1
                }
            }
        }
        return (outputs[0], outputs[1])
    }
}

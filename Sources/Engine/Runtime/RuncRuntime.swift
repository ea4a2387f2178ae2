internal import CSpawn
internal import Glibc

/// runc under conmon: each container's process is parented by a conmon of its own, which writes its log and its
/// exit file and owns its attach socket, so containers outlive the engine process.
public struct RuncRuntime: ContainerRuntime {
    let runc: Runc
    let conmonPath: String
    let socketDirectory: String
    let exitCommand: [String]?
    let criuPath: String
    let adoptsMonitors: Bool
    let logSizeMax: Int?

    /// The runtime the engine makes from its options.
    init(options: EngineOptions, runcRoot: String, socketDirectory: String) {
        runc = Runc(path: options.runtimePath, root: runcRoot, timeout: options.runtimeTimeout)
        conmonPath = options.conmonPath
        self.socketDirectory = socketDirectory
        // Run only while no engine watches exits; a watching engine records them itself.
        exitCommand = options.exitCommand.map { ExitsWatchedLock.guarding($0, runRoot: options.runRoot) }
        criuPath = options.criuPath
        adoptsMonitors = options.subreaper
        logSizeMax = options.logSizeMax
    }

    /// The runtime binary's name.
    public var name: String { String(runc.path.split(separator: "/").last ?? "runc") }

    /// Starts conmon, which runs `runc create` (or `runc restore`), and returns the container's pid once conmon
    /// reports it on the sync pipe.
    public func create(_ request: RuntimeCreateRequest) async throws(EngineError) -> RuntimeProcess {
        var sync: [Int32] = [-1, -1]
        guard cspawn_pipe(&sync) == 0 else { throw .system("pipe", errno) }
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(null) }
        let conmon: pid_t
        do {
            conmon = try ChildProcesses.shared.spawn(
                conmonPath, arguments(request), environment: ChildProcesses.environment + ["_OCI_SYNCPIPE=3"],
                fds: [(null, 0), (null, 1), (null, 2), (sync[1], 3)], newSession: true, directory: request.bundle)
        } catch {
            close(sync[0]); close(sync[1])
            throw error
        }
        close(sync[1])
        let reader = sync[0]
        defer { close(reader) }
        Task.detached { _ = await ChildProcesses.shared.wait(conmon) }
        // conmon answers on the sync pipe once runc has made the container; a runtime that hangs instead (a
        // stuck mount, a hook) must not hold the container's lock for ever.
        let reply: ConmonMessage
        do {
            reply = try await ConmonMessage.read(reader, what: "the container")
        } catch {
            Glibc.kill(conmon, SIGKILL)
            throw error
        }
        guard reply.data > 0 else {
            throw .runtimeError(Runc.message(reply.message ?? "conmon failed to create the container"))
        }
        let monitor = Int32(FileSystem.readText(request.monitorPidFile)?.filter(\.isNumber) ?? "") ?? 0
        // conmon daemonised: as a subreaper this process is its parent now, and reaps it when it ends.
        if adoptsMonitors { ChildProcesses.shared.adopt(monitor) }
        return RuntimeProcess(pid: reply.data, monitorPID: monitor)
    }

    /// conmon's command line for `request`.
    func arguments(_ request: RuntimeCreateRequest) -> [String] {
        var arguments = [
            conmonPath, "--api-version", "1", "-c", request.id, "-u", request.id, "-r", runc.path,
            "-b", request.bundle, "-p", request.pidFile, "-n", request.name, "--exit-dir", request.exitDirectory,
            "--full-attach", "--socket-dir-path", socketDirectory, "-l", "k8s-file:" + request.logPath,
            "--log-level", "error", "--runtime-arg", "--root", "--runtime-arg", runc.root,
            "--conmon-pidfile", request.monitorPidFile,
        ]
        if let logSizeMax { arguments += ["--log-size-max", String(logSizeMax)] }
        if let command = exitCommand, let program = command.first {
            // Records the exit in the store even while no engine process runs (the service may exit when idle).
            arguments += ["--exit-command", program]
            for argument in command.dropFirst() + [request.id] { arguments += ["--exit-command-arg", argument] }
        }
        if let restore = request.restore {
            // conmon runs `runc restore --image-path IMAGES ... --detach` in place of `runc create`.
            arguments += ["--restore", restore.images, "--runtime-arg", "--criu", "--runtime-arg", criuPath]
            arguments += ["--runtime-opt", "--work-path", "--runtime-opt", restore.images + "-work"]
            if restore.tcpEstablished { arguments += ["--runtime-opt", "--tcp-established"] }
        }
        if request.tty { arguments.append("-t") }
        if request.stdin { arguments.append("-i") }
        // A terminal's input outlives every attachment (one detaches and attaches again); without one, the last
        // attachment's end (its half-close) is the end of the process's standard input.
        if request.tty && request.stdin { arguments.append("--leave-stdin-open") }
        return arguments
    }

    /// `runc start`.
    public func start(_ id: String) async throws(EngineError) { try await runc.start(id) }

    /// `runc kill [--all]`.
    public func kill(_ id: String, signal: Int32, all: Bool) async throws(EngineError) {
        try await runc.kill(id, signal: signal, all: all)
    }

    /// `runc pause`, retried while cgroup v1's freezer does not settle.
    public func pause(_ id: String) async throws(EngineError) { try await runc.pause(id) }

    /// `runc resume`.
    public func resume(_ id: String) async throws(EngineError) { try await runc.resume(id) }

    /// `runc state`.
    public func state(_ id: String) async throws(EngineError) -> RuntimeState? { try await runc.state(id) }

    /// `runc delete --force`.
    public func delete(_ id: String) async throws(EngineError) { try await runc.delete(id) }
}

internal import CSpawn
internal import Glibc

extension Engine {
    func connectAttach(_ id: String) throws(EngineError) -> Int32 {
        let fd = cspawn_connect_seqpacket(paths(id).bundle, "attach")
        guard fd >= 0 else { throw .runtimeError("cannot attach to conmon: \(String(cString: strerror(-fd)))") }
        return fd
    }

    /// Starts the container with its output attached before it starts, so none is lost; calls `output` for every
    /// chunk written to stdout or stderr, feeds `stdin` (the container must keep stdin open), and returns the exit
    /// code once it exits.
    public func startAndAttach(
        _ reference: String, stdin: [UInt8]? = nil, output: @escaping @Sendable (LogStream, [UInt8]) -> Void
    ) async throws(EngineError) -> Int32 {
        try await follow(try await attachSession(reference, start: true, stdin: stdin != nil), stdin: stdin, output)
    }

    /// Feeds `stdin` (then ends it) and hands the output to `output` until it ends; the exit code.
    private func follow(
        _ session: AttachSession, stdin: [UInt8]?, _ output: @escaping @Sendable (LogStream, [UInt8]) -> Void
    ) async throws(EngineError) -> Int32 {
        defer { session.close() }
        if let stdin {
            try await session.write(stdin)
            session.closeInput()
        }
        while let (stream, bytes) = try await session.read() { output(stream, bytes) }
        return try await waitContainer(session.containerID)
    }

    /// Attaches to the container's process: its output from now on, its standard input when it keeps one open.
    /// With `start`, a container that is not running is started after the attachment is made (the seed's
    /// StartAndAttach), so no byte of its output is lost. Without, it must be created or running.
    /// `stdin` asks for the process's standard input, which the container must keep open (created with `stdin`).
    public func attachSession(
        _ reference: String, start: Bool, stdin: Bool = false
    ) async throws(EngineError)
        -> AttachSession
    {
        try await locked(reference) { (record) throws(EngineError) -> AttachSession in
            try await syncLocked(&record)
            if stdin && !record.config.stdin {
                throw .invalidArgument("stdin", "container \(record.config.name) does not keep stdin open")
            }
            let starting = start && record.state.status != .running
            if starting {
                try ContainerLifecycle.check(.start, from: record.state.status, container: record.config.name)
                try await checkDependencies(record)
                if ContainerLifecycle.allows(.initialize, from: record.state.status) { try await initLocked(&record) }
            } else {
                try ContainerLifecycle.check(.attach, from: record.state.status, container: record.config.name)
            }
            let socket = try connectAttach(record.config.id)
            let session = AttachSession(
                containerID: record.config.id, tty: record.config.tty, acceptsInput: record.config.stdin,
                socket: socket)
            if starting { try await startLocked(&record) }
            return session
        }
    }
}

extension Engine {
    /// Sets the size of a container's terminal (conmon's control FIFO: `1 ROWS COLUMNS`); the process gets
    /// SIGWINCH. Only for containers with a terminal, created or running.
    public func resizeTerminal(_ reference: String, rows: Int, columns: Int) async throws(EngineError) {
        let record = live(try store.container(reference))
        guard record.config.tty else {
            throw .invalidArgument("name", "container \(record.config.name) has no terminal")
        }
        try ContainerLifecycle.check(.attach, from: record.state.status, container: record.config.name)
        try Self.resize(control: paths(record.config.id).bundle + "/ctl", rows: rows, columns: columns)
    }

    /// Writes a resize to conmon's control fifo `control`.
    static func resize(control: String, rows: Int, columns: Int) throws(EngineError) {
        try Checked.terminalSize(rows: rows, columns: columns)
        let fd = open(control, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw .system("open \(control)", errno) }
        defer { close(fd) }
        let line = Array("1 \(rows) \(columns)\n".utf8)
        guard line.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == line.count else {
            throw .system("write \(control)", errno)
        }
    }
}

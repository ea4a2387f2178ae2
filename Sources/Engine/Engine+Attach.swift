internal import CSpawn
internal import Glibc

extension Engine {
    /// Reads conmon's attach socket until it closes (the container exited), handing each packet to `output`.
    static func pump(
        _ socket: Int32, stdin: [UInt8]?, output: @escaping @Sendable (LogStream, [UInt8]) -> Void
    )
        async throws(EngineError)
    {
        try await Offload.run { () throws(EngineError) in
            defer { close(socket) }
            if let stdin {
                var offset = 0
                while offset < stdin.count {
                    let n = stdin.withUnsafeBytes {
                        write(socket, $0.baseAddress! + offset, min(8192, $0.count - offset))
                    }
                    if n < 0 { if errno == EINTR { continue } else { break } }
                    offset += n
                }
                shutdown(socket, Int32(SHUT_WR))
            }
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw .system("read attach socket", errno)
                }
                if n == 0 { return }
                guard n > 1 else { continue }
                output(buffer[0] == 3 ? .stderr : .stdout, Array(buffer[1..<n]))
            }
        }
    }

    func connectAttach(_ id: String) throws(EngineError) -> Int32 {
        let fd = cspawn_connect_seqpacket(paths(id).bundle, "attach")
        guard fd >= 0 else { throw .runtimeError("cannot attach to conmon: \(String(cString: strerror(-fd)))") }
        return fd
    }

    /// Starts the container with its output attached before it starts, so none is lost; calls `output` for every
    /// chunk written to stdout or stderr, feeds `stdin` (when the container keeps stdin open), and returns the exit
    /// code once it exits.
    public func startAndAttach(
        _ reference: String, stdin: [UInt8]? = nil, output: @escaping @Sendable (LogStream, [UInt8]) -> Void
    ) async throws(EngineError) -> Int32 {
        let (id, socket) = try await locked(reference) { (record) throws(EngineError) -> (String, Int32) in
            try await syncLocked(&record)
            try ContainerLifecycle.check(.start, from: record.state.status, container: record.config.name)
            try await checkDependencies(record)
            if ContainerLifecycle.allows(.initialize, from: record.state.status) {
                try await initLocked(&record)
            }
            let socket = try connectAttach(record.config.id)
            do throws(EngineError) {
                try await startLocked(&record)
            } catch {
                close(socket)
                throw error
            }
            return (record.config.id, socket)
        }
        try await Self.pump(socket, stdin: stdin, output: output)
        return try await waitContainer(id)
    }

    /// Attaches to a running container's output until it exits; returns its exit code.
    public func attach(
        _ reference: String, output: @escaping @Sendable (LogStream, [UInt8]) -> Void
    )
        async throws(EngineError) -> Int32
    {
        let (id, socket) = try await locked(reference) { (record) throws(EngineError) -> (String, Int32) in
            try await syncLocked(&record)
            try ContainerLifecycle.check(.attach, from: record.state.status, container: record.config.name)
            return (record.config.id, try connectAttach(record.config.id))
        }
        try await Self.pump(socket, stdin: nil, output: output)
        return try await waitContainer(id)
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
        guard (1...65535).contains(rows), (1...65535).contains(columns) else {
            throw .invalidArgument("size", "\(rows)x\(columns) is not a terminal size (1 to 65535 each)")
        }
        let record = live(try store.container(reference))
        guard record.config.tty else {
            throw .invalidArgument("name", "container \(record.config.name) has no terminal")
        }
        try ContainerLifecycle.check(.attach, from: record.state.status, container: record.config.name)
        try Self.resize(control: paths(record.config.id).bundle + "/ctl", rows: rows, columns: columns)
    }

    /// Writes a resize to conmon's control fifo `control`.
    static func resize(control: String, rows: Int, columns: Int) throws(EngineError) {
        guard (1...65535).contains(rows), (1...65535).contains(columns) else {
            throw .invalidArgument("size", "\(rows)x\(columns) is not a terminal size (1 to 65535 each)")
        }
        let fd = open(control, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw .system("open \(control)", errno) }
        defer { close(fd) }
        let line = Array("1 \(rows) \(columns)\n".utf8)
        guard line.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == line.count else {
            throw .system("write \(control)", errno)
        }
    }
}

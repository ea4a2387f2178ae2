internal import CSpawn
internal import FoundationEssentials
internal import Glibc

/// Exec sessions under conmon (libpod's and Docker's exec sessions): made, started attached or detached,
/// resized, inspected and removed. conmon runs each one, so a session outlives the connection that started it and
/// the engine's process; its exit code is conmon's exit file, read whenever the session is.
extension Engine {
    /// How long a session that ended is kept before it is removed.
    static let execSessionRetention: TimeInterval = 300

    /// The session's own directory (conmon's bundle for it: its spec, sync fifo, attach socket, ctl fifo, exit
    /// file, log).
    func execDirectory(_ id: String) -> String { options.runRoot + "/exec/" + id }

    /// Makes an exec session in a running container; nothing runs before ``startExecSession(_:attach:)``.
    public func createExecSession(_ reference: String, _ exec: ExecOptions) async throws(EngineError) -> ExecSession {
        guard !exec.command.isEmpty else { throw .invalidArgument("command", "empty") }
        _ = try Self.merging(exec.environment, into: [])
        _ = try DetachKeys(parsing: exec.detachKeys)
        return try await locked(reference) { (record) throws(EngineError) -> ExecSession in
            try await syncLocked(&record)
            try ContainerLifecycle.check(.exec, from: record.state.status, container: record.config.name)
            let session = ExecSession(
                id: Identifier.random(), containerID: record.config.id, command: exec.command, tty: exec.tty,
                stdin: exec.interactive, environment: exec.environment, user: exec.user,
                workingDirectory: exec.workingDirectory, detachKeys: exec.detachKeys, state: .created,
                underConmon: true)
            try store.saveExecSession(session, event: false)
            return session
        }
    }

    /// Starts a session's process. With `attach`, the returned attachment is connected before the process starts
    /// (no byte of its output is lost); without, it runs detached and its output goes to the session's log. A
    /// command that cannot run ends the session at once (126 or 127) and `failure` says why. `size` (rows,
    /// columns) is its terminal's size from the start.
    public func startExecSession(
        _ id: String, attach: Bool, size: (rows: Int, columns: Int)? = nil
    ) async throws(EngineError) -> (session: ExecSession, attachment: AttachSession?, failure: String?) {
        let containerID = try store.execSession(id).containerID
        return try await locked(containerID) {
            (record) throws(EngineError) -> (session: ExecSession, attachment: AttachSession?, failure: String?) in
            var session = try store.execSession(id)
            guard session.state == .created else { throw .execSessionInvalidState(id, session.state, "start") }
            try await syncLocked(&record)
            try ContainerLifecycle.check(.exec, from: record.state.status, container: record.config.name)
            let directory = execDirectory(id)
            try FileSystem.makePrivateDirectory(options.runRoot + "/exec")
            try FileSystem.makePrivateDirectory(directory)
            // conmon writes the exit code in both and makes neither.
            try FileSystem.makeDirectories(directory + "/exit")
            try FileSystem.makeDirectories(directory + "/persist")
            var process = try execProcess(record, session)
            if let size, session.tty {
                try Checked.terminalSize(rows: size.rows, columns: size.columns)
                process.consoleSize = .init(height: size.rows, width: size.columns)
            }
            try FileSystem.write(directory + "/process.json", try OCISpec.encode(process))
            let launched = try await launchExecConmon(record.config, session, directory: directory, attach: attach)
            if let failure = launched.failure {
                session.state = .exited
                session.exitCode = Self.execFailureCode(failure)
                session.endedAt = Date()
            } else {
                session.state = .running
                session.pid = launched.pid
            }
            try store.saveExecSession(session, event: true, containerName: record.config.name)
            return (session, launched.attachment, launched.failure)
        }
    }

    /// Sets the size of a running session's terminal (conmon's ctl fifo); its process gets SIGWINCH.
    public func resizeExecSession(_ id: String, rows: Int, columns: Int) async throws(EngineError) {
        let session = try liveExecSession(id)
        guard session.tty else { throw .invalidArgument("session", "exec session \(id.prefix(12)) has no terminal") }
        guard session.state == .running else { throw .execSessionInvalidState(id, session.state, "resize") }
        try Self.resize(control: execDirectory(id) + "/ctl", rows: rows, columns: columns)
    }

    /// A session as it stands: its exit once conmon recorded it, also one this process did not start.
    public func inspectExecSession(_ id: String) async throws(EngineError) -> ExecSession {
        try liveExecSession(id)
    }

    /// A container's sessions as they stand (sessions that ended a while ago are removed first).
    public func listExecSessions(_ reference: String) async throws(EngineError) -> [ExecSession] {
        let id = try store.container(reference).config.id
        return try liveExecSessions(of: id)
    }

    /// Waits for a session's process to end and returns its exit code (-1 when conmon went away without one).
    public func waitExecSession(_ id: String) async throws(EngineError) -> Int32 {
        let session = try liveExecSession(id)
        if let code = session.exitCode, session.state == .exited { return code }
        guard session.state == .running else { throw .execSessionInvalidState(id, session.state, "wait for") }
        let directory = execDirectory(id)
        let watcher = try InotifyMonitor.subscribe([directory + "/exit"], mask: UInt32(IN_CLOSE_WRITE | IN_MOVED_TO))
        let conmonPID = Int32(FileSystem.readText(directory + "/conmon.pid")?.filter(\.isNumber) ?? "") ?? 0
        let conmon = ProcessEndWatch(pid: conmonPID) { watcher.poke() }
        var changes = watcher.events.makeAsyncIterator()
        while true {
            if let code = execExitCode(session) { return try recordExecExit(id, code: code) }
            // conmon writes the exit file before it exits: gone without one, there will be none.
            if conmon.ended && execExitCode(session) == nil { return try recordExecExit(id, code: -1) }
            guard await changes.next() != nil, !Task.isCancelled else {
                throw .runtimeError("waiting for exec session \(id.prefix(12)) was cancelled")
            }
        }
    }

    /// Removes a session and its files; a running one needs `force` (its process is killed first).
    public func removeExecSession(_ id: String, force: Bool) async throws(EngineError) {
        let session = try liveExecSession(id)
        if session.state == .running {
            guard force else { throw .execSessionInvalidState(id, session.state, "remove") }
            if session.pid > 0 { kill(session.pid, SIGKILL) }
            _ = try? await waitExecSession(id)
        }
        try store.deleteExecSession(id)
        try? FileSystem.removeTree(execDirectory(id))
    }

    // MARK: Live state

    /// The exit code conmon recorded for a session (its exit file is named after the container).
    func execExitCode(_ session: ExecSession) -> Int32? {
        guard let text = FileSystem.readText(execDirectory(session.id) + "/exit/" + session.containerID) else {
            return nil
        }
        return Int32(text.filter { !$0.isWhitespace })
    }

    /// Records a session's exit (once) and returns its code.
    @discardableResult
    func recordExecExit(_ id: String, code: Int32) throws(EngineError) -> Int32 {
        var session = try store.execSession(id)
        guard session.state != .exited else { return session.exitCode ?? code }
        session.state = .exited
        session.exitCode = code
        session.pid = 0
        session.endedAt = Date()
        // An update only: a removal that raced with this exit is not undone.
        try store.updateExecSession(session)
        return code
    }

    /// A session read from the store with its exit file overlaid (and recorded).
    func liveExecSession(_ id: String) throws(EngineError) -> ExecSession {
        var session = try store.execSession(id)
        if session.underConmon && session.state == .running, let code = execExitCode(session) {
            try recordExecExit(id, code: code)
            session = try store.execSession(id)
        }
        return session
    }

    /// A container's sessions, live; those that ended more than ``execSessionRetention`` ago are removed.
    func liveExecSessions(of containerID: String) throws(EngineError) -> [ExecSession] {
        var sessions: [ExecSession] = []
        for stored in try store.execSessions(of: containerID) {
            let session = try liveExecSession(stored.id)
            if let ended = session.endedAt, Date().timeIntervalSince(ended) > Self.execSessionRetention {
                try store.deleteExecSession(session.id)
                try? FileSystem.removeTree(execDirectory(session.id))
                continue
            }
            sessions.append(session)
        }
        return sessions
    }

    /// Forgets every session of a container whose process ended (the container stopped), with their files.
    func removeExecSessions(of containerID: String) throws(EngineError) {
        for session in try store.execSessions(of: containerID) {
            try store.deleteExecSession(session.id)
            if session.underConmon { try? FileSystem.removeTree(execDirectory(session.id)) }
        }
    }

    /// The exit code for runc's refusal to start a session's process: 126 when it cannot be run, 127 when it is
    /// not there (as a shell's), 125 otherwise (as Podman's).
    static func execFailureCode(_ message: String) -> Int32 {
        if message.contains("permission denied") || message.contains("operation not permitted") { return 126 }
        if message.contains("not found") || message.contains("no such file") { return 127 }
        return 125
    }

    /// The process spec of a session: the container's process with the session's command, terminal,
    /// environment, user and working directory.
    func execProcess(_ record: ContainerRecord, _ session: ExecSession) throws(EngineError) -> OCISpec.Process {
        let config = record.config
        let user = try OCISpec.resolveUser(session.user ?? config.user, rootfs: record.state.mountPoint)
        var process = OCISpec.make(config: config, rootfs: record.state.mountPoint, user: user, bundle: "").process
        process.args = session.command
        process.terminal = session.tty
        // A session's KEY=VALUE replaces the container's (getenv finds the first of two).
        process.env = try Self.merging(session.environment, into: process.env)
        if session.tty && !process.env.contains(where: { $0.hasPrefix("TERM=") }) { process.env.append("TERM=xterm") }
        if let directory = session.workingDirectory { process.cwd = directory }
        return process
    }
}

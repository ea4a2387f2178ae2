internal import FoundationEssentials
internal import Synchronization

extension Engine {
    /// Runs a command in a running container and returns its exit code and output. The session is recorded (with
    /// an `exec` event) while it runs; the container's lock is not held meanwhile.
    public func execContainer(_ reference: String, _ exec: ExecOptions) async throws(EngineError) -> ExecResult {
        let collected = ExecOutput()
        let (session, code) = try await execContainer(reference, exec) { stream, bytes in
            collected.append(stream, bytes)
        }
        let (stdout, stderr) = collected.take()
        return ExecResult(sessionID: session, exitCode: code, stdout: stdout, stderr: stderr)
    }

    /// Runs a command in a running container, handing its output to `output` as it comes, and returns the session
    /// id and the exit code (126: cannot run, 127: not found, with runc's words on stderr).
    public func execContainer(
        _ reference: String, _ exec: ExecOptions, output: @escaping @Sendable (LogStream, [UInt8]) -> Void
    ) async throws(EngineError) -> (sessionID: String, exitCode: Int32) {
        guard !exec.command.isEmpty else { throw .invalidArgument("command", "empty") }
        for entry in exec.environment where !entry.contains("=") {
            throw .invalidArgument("environment", "\(entry) is not KEY=VALUE")
        }
        let session = ExecSession(
            id: Identifier.random(), containerID: "", command: exec.command, environment: exec.environment,
            user: exec.user, workingDirectory: exec.workingDirectory, state: .running)
        let (config, saved, rootfs) = try await locked(reference) {
            (record) throws(EngineError) -> (ContainerConfig, ExecSession, String) in
            try await syncLocked(&record)
            try ContainerLifecycle.check(.exec, from: record.state.status, container: record.config.name)
            var session = session
            session.containerID = record.config.id
            try store.saveExecSession(session, event: true, containerName: record.config.name)
            return (record.config, session, record.state.mountPoint)
        }
        defer { try? store.deleteExecSession(saved.id) }
        var arguments = ["exec"]
        for entry in exec.environment { arguments += ["--env", entry] }
        arguments += ["--cwd", exec.workingDirectory ?? config.workingDirectory]
        if let user = exec.user {
            let resolved = try OCISpec.resolveUser(user, rootfs: rootfs)
            arguments += ["--user", "\(resolved.uid):\(resolved.gid)"]
        }
        arguments += [config.id] + exec.command
        // runc's own failure (exit 255, its words on stderr) is held back and rewritten; the process's stderr is not.
        let runcError = ExecOutput()
        let status = try await ProcessRunner.run(
            runc.path, [runc.path, "--root", runc.root] + arguments, stdin: exec.stdin
        ) { stream, bytes in
            if stream == 2, Self.looksLikeRuncError(bytes) || runcError.hasStderr {
                runcError.append(.stderr, bytes)
            } else {
                output(stream == 1 ? .stdout : .stderr, bytes)
            }
        }
        var code = status
        let held = String(decoding: runcError.take().1, as: UTF8.self)
        if !held.isEmpty {
            if status == 255 && (held.contains("exec failed") || held.contains("starting container process")) {
                code = held.contains("permission denied") ? 126 : 127
                output(.stderr, Array((Runc.message(held) + "\n").utf8))
            } else {
                output(.stderr, Array(held.utf8))
            }
        }
        return (saved.id, code)
    }

    /// Whether a stderr chunk is runc's own log line (`time="..." level=error msg="..."`).
    static func looksLikeRuncError(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: Array("time=\"".utf8)) || bytes.starts(with: Array("runc exec failed".utf8))
    }
}

/// Output of an exec gathered across threads.
final class ExecOutput: Sendable {
    private let buffers = Mutex<([UInt8], [UInt8])>(([], []))

    func append(_ stream: LogStream, _ bytes: [UInt8]) {
        buffers.withLock { if stream == .stdout { $0.0 += bytes } else { $0.1 += bytes } }
    }

    var hasStderr: Bool { buffers.withLock { !$0.1.isEmpty } }

    func take() -> ([UInt8], [UInt8]) { buffers.withLock { $0 } }
}

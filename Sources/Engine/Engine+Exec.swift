internal import FoundationEssentials

extension Engine {
    /// Runs a command in a running container and returns its exit code and output. The session is recorded (with
    /// an `exec` event) while it runs; the container's lock is not held meanwhile.
    public func execContainer(_ reference: String, _ exec: ExecOptions) async throws(EngineError) -> ExecResult {
        guard !exec.command.isEmpty else { throw .invalidArgument("command", "empty") }
        for entry in exec.environment where !entry.contains("=") {
            throw .invalidArgument("environment", "\(entry) is not KEY=VALUE")
        }
        let session = ExecSession(
            id: Identifier.random(), containerID: "", command: exec.command, pid: 0, running: true, exitCode: nil)
        let (config, saved, rootfs) = try await locked(reference) {
            (record) throws(EngineError) -> (ContainerConfig, ExecSession, String) in
            try await syncLocked(&record)
            guard record.state.status == .running else {
                throw .invalidState(record.state.status, "exec", container: record.config.name)
            }
            var session = session
            session.containerID = record.config.id
            try store.saveExecSession(session, event: true, containerName: record.config.name)
            return (record.config, session, record.state.mountPoint)
        }
        var arguments = ["exec"]
        for entry in exec.environment { arguments += ["--env", entry] }
        arguments += ["--cwd", exec.workingDirectory ?? config.workingDirectory]
        if let user = exec.user {
            let resolved = try OCISpec.resolveUser(user, rootfs: rootfs)
            arguments += ["--user", "\(resolved.uid):\(resolved.gid)"]
        }
        arguments += [config.id] + exec.command
        let output: ProcessOutput
        do {
            output = try await ChildProcesses.shared.run(
                runc.path, [runc.path, "--root", runc.root] + arguments, stdin: exec.stdin)
        } catch {
            try? store.deleteExecSession(saved.id)
            throw error
        }
        var code = output.status
        var stderr = output.stderr
        let text = output.stderrText
        if code == 255 && (text.contains("exec failed") || text.contains("starting container process")) {
            code = text.contains("permission denied") ? 126 : 127
            stderr = Array((Runc.message(text) + "\n").utf8)
        }
        try store.deleteExecSession(saved.id)
        return ExecResult(sessionID: saved.id, exitCode: code, stdout: output.stdout, stderr: stderr)
    }
}

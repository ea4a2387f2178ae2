internal import Subprocess
internal import Synchronization
internal import SystemPackage

/// Runs programs that need no descriptor but their standard three (runc's control commands, `runc exec`, nsenter)
/// to their end, through swift-subprocess. Programs that must inherit more (conmon) go through ``ChildProcesses``.
enum ProcessRunner {
    /// The most output of one stream kept by ``run(_:_:stdin:environment:timeout:)``: runc's words are short.
    static let outputLimit = 16 << 20

    /// Runs `path` with `arguments` (argv[0] included) and collects its output. `stdin` is written then closed,
    /// or its input is empty. Past `timeout` the program is killed (its status is then 137).
    static func run(
        _ path: String, _ arguments: [String], stdin: [UInt8]? = nil,
        environment: [String] = ChildProcesses.environment, timeout: Duration? = nil
    ) async throws(EngineError) -> ProcessOutput {
        let collected = Mutex<([UInt8], [UInt8])>(([], []))
        let status = try await run(path, arguments, stdin: stdin, environment: environment, timeout: timeout) {
            stream, bytes in
            collected.withLock { buffers in
                if stream == 1 {
                    if buffers.0.count < outputLimit { buffers.0 += bytes.prefix(outputLimit - buffers.0.count) }
                } else if buffers.1.count < outputLimit {
                    buffers.1 += bytes.prefix(outputLimit - buffers.1.count)
                }
            }
        }
        let (out, err) = collected.withLock { $0 }
        return ProcessOutput(status: status, stdout: out, stderr: err)
    }

    /// Runs `path` with `arguments` (argv[0] included), handing its output to `output` as it comes (1: stdout,
    /// 2: stderr); returns its exit code, or 128 + the signal that ended it.
    static func run(
        _ path: String, _ arguments: [String], stdin: [UInt8]? = nil,
        environment: [String] = ChildProcesses.environment, timeout: Duration? = nil,
        output: @escaping @Sendable (Int, [UInt8]) -> Void
    ) async throws(EngineError) -> Int32 {
        let configuration = Configuration(
            executable: .path(FilePath(path)),
            arguments: Arguments(
                executablePathOverride: arguments.first, remainingValues: Array(arguments.dropFirst())),
            // The raw form passes entries as they are (none dropped or merged); each must end in a NUL.
            environment: .custom(environment.map { Array($0.utf8) + [0] }))
        do {
            let result = try await Subprocess.run(
                configuration, input: .array(stdin ?? []), output: .sequence, error: .sequence
            ) { execution in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await chunk in execution.standardOutput {
                            output(1, chunk.withUnsafeBytes { Array($0) })
                        }
                    }
                    group.addTask {
                        for try await chunk in execution.standardError {
                            output(2, chunk.withUnsafeBytes { Array($0) })
                        }
                    }
                    // A program past its time is killed; its end then ends both streams.
                    if let timeout {
                        let killer = Task {
                            try await Task.sleep(for: timeout)
                            try? execution.send(signal: .kill)
                        }
                        defer { killer.cancel() }
                        try await group.waitForAll()
                    } else {
                        try await group.waitForAll()
                    }
                }
            }
            switch result.terminationStatus {
            case .exited(let code): return Int32(code)
            case .signaled(let signal): return 128 + Int32(signal)
            }
        } catch let error as SubprocessError {
            throw .runtimeError("cannot run \(path): \(error)")
        } catch {
            throw .internalError("running \(path): \(error)")
        }
    }
}

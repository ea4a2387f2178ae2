internal import FoundationEssentials

/// The OCI runtime's command line, always with the engine's own `--root`.
struct Runc: Sendable {
    let path: String
    let root: String
    /// How long a control command (state, start, kill, pause, resume, delete) may take before it is killed: a
    /// runtime stuck on a container must not hold that container's lock for ever.
    var timeout: Duration = .seconds(60)

    /// Runs `runc --root ROOT args...`; a non-zero exit becomes ``EngineError/Code/runtimeError`` with runc's words.
    @discardableResult
    func run(_ arguments: [String], stdin: [UInt8]? = nil) async throws(EngineError) -> ProcessOutput {
        let output = try await ProcessRunner.run(
            path, [path, "--root", root] + arguments, stdin: stdin, timeout: timeout)
        guard output.status == 0 else {
            throw .runtimeError("\(arguments.first ?? "runc") failed: \(Self.message(output.stderrText))")
        }
        return output
    }

    /// The `msg="..."` of runc's log line, or the whole text.
    static func message(_ text: String) -> String {
        let trimmed = text.split(separator: "\n").last.map(String.init) ?? text
        if let start = trimmed.firstRange(of: "msg=\"") {
            var message = String(trimmed[start.upperBound...])
            if message.hasSuffix("\"") { message.removeLast() }
            return message
        }
        return trimmed
    }

    /// The container's runtime state, or nil when runc does not know it.
    func state(_ id: String) async throws(EngineError) -> RuntimeState? {
        let output = try await ProcessRunner.run(
            path, [path, "--root", root, "state", id], timeout: timeout)
        guard output.status == 0 else { return nil }
        do {
            return try JSONDecoder().decode(RuntimeState.self, from: Data(output.stdout))
        } catch {
            throw .runtimeError("cannot parse runc state: \(error)")
        }
    }

    func start(_ id: String) async throws(EngineError) { try await run(["start", id]) }

    func kill(_ id: String, signal: Int32, all: Bool = false) async throws(EngineError) {
        try await run(["kill"] + (all ? ["--all"] : []) + [id, String(signal)])
    }

    /// Deletes the container from the runtime; a container runc does not know is fine.
    /// Deletes the container, killing what is left of it. The processes of its pid namespace die after its init,
    /// not with it: while they are still leaving, its cgroup cannot be removed ("device or resource busy"), and the
    /// delete is tried again for up to 10 s.
    func delete(_ id: String) async throws(EngineError) {
        let deadline = ContinuousClock.now + .seconds(10)
        var pause = Duration.milliseconds(10)
        while true {
            let output = try await ProcessRunner.run(
                path, [path, "--root", root, "delete", "--force", id], timeout: timeout)
            let words = output.stderrText
            if output.status == 0 || words.contains("does not exist") { return }
            let draining = words.contains("busy") || words.contains("still running") || words.contains("not stopped")
            guard draining, ContinuousClock.now < deadline else {
                throw .runtimeError("delete failed: \(Self.message(words))")
            }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(200))
        }
    }

    /// Freezes the container. cgroup v1's freezer can fail to settle while processes fork ("unable to freeze",
    /// after which runc thaws it): tried again a few times before the error is the caller's.
    func pause(_ id: String) async throws(EngineError) {
        var attempt = 0
        while true {
            do {
                try await run(["pause", id])
                return
            } catch  where error.message.contains("unable to freeze") && attempt < 4 {
                attempt += 1
                try? await Task.sleep(for: .milliseconds(20 * attempt))
            }
        }
    }
    func resume(_ id: String) async throws(EngineError) { try await run(["resume", id]) }

    /// Dumps the container's processes with CRIU (`criu`) into `images`; they stop unless `leaveRunning`.
    func checkpoint(
        _ id: String, criu: String, images: String, work: String, leaveRunning: Bool, tcpEstablished: Bool,
        fileLocks: Bool
    ) async throws(EngineError) {
        var arguments = ["--criu", criu, "checkpoint", "--image-path", images, "--work-path", work]
        if leaveRunning { arguments.append("--leave-running") }
        if tcpEstablished { arguments.append("--tcp-established") }
        if fileLocks { arguments.append("--file-locks") }
        let output = try await ProcessRunner.run(
            path, [path, "--root", root] + arguments + [id], timeout: timeout)
        guard output.status == 0 else {
            let log = FileSystem.readText(work + "/dump.log").map(Self.criuError) ?? ""
            throw .runtimeError("checkpoint failed: \(Self.message(output.stderrText))\(log)")
        }
    }

    /// CRIU's first error line from its log, after a colon (empty when none).
    static func criuError(_ log: String) -> String {
        guard let line = log.split(separator: "\n").first(where: { $0.contains("Error") }) else { return "" }
        return ": " + line.trimmingPrefix(while: { $0 != "E" })
    }
}

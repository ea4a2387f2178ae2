import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How a command the tests ran to its end finished, and what it printed.
public struct CommandResult: Sendable, CustomStringConvertible {
    /// Its exit code, 128 + a signal, or -1 when it could not start.
    public var status: Int32
    /// Its standard output.
    public var output: String
    /// Its standard error.
    public var error: String

    /// The status and both outputs, for failure messages.
    public var description: String { "status \(status)\n\(output)\(error)" }
}

extension ChildProcess {
    /// Where tests keep their files: the test runner's own directory, `/dev/shm` without one.
    public static let testRoot = ProcessInfo.processInfo.environment["PODLINK_TEST_TMP"] ?? "/dev/shm"

    /// Runs `arguments` through `/usr/bin/env` to its end (killed after `timeout` seconds), its output through
    /// files under `scratch` (so no pipe fills up), blocking the calling thread.
    public static func runBlocking(
        _ arguments: [String], timeout: Double = 120, environment: [String: String]? = nil,
        scratch: String = ChildProcess.testRoot
    ) -> CommandResult {
        let directory = scratch + "/run-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process: ChildProcess
        do {
            process = try ChildProcess(
                "/usr/bin/env", arguments: arguments, environment: environment, output: directory + "/out",
                error: directory + "/err")
        } catch {
            return CommandResult(status: -1, output: "", error: "\(error)")
        }
        var status = process.waitBlocking(timeout: timeout)
        if status == nil {
            process.terminate(SIGKILL)
            status = process.waitBlocking(timeout: 30)
        }
        return CommandResult(
            status: status ?? -1,
            output: (try? String(contentsOfFile: directory + "/out", encoding: .utf8)) ?? "",
            error: (try? String(contentsOfFile: directory + "/err", encoding: .utf8)) ?? "")
    }

    /// ``runBlocking(_:timeout:environment:scratch:)`` on a thread of its own: the cooperative pool has as many
    /// threads as cores, and tests running in parallel must not block it.
    public static func run(
        _ arguments: [String], timeout: Double = 120, environment: [String: String]? = nil,
        scratch: String = ChildProcess.testRoot
    ) async -> CommandResult {
        await withCheckedContinuation { continuation in
            Thread {
                continuation.resume(
                    returning: runBlocking(arguments, timeout: timeout, environment: environment, scratch: scratch))
            }
            .start()
        }
    }
}

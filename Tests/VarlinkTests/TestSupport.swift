import Foundation
import PodlinkTestSupport
import Synchronization
import Testing
import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// Paths, processes and raw sockets for the runtime's tests.
enum TestSupport {
    /// The test storage root: the runner's own directory, `/dev/shm` without one.
    static let root = ChildProcess.testRoot

    /// A new directory under the test storage root.
    static func temporaryDirectory() -> String {
        let path = "\(root)/varlink-test-\(UUID().uuidString.prefix(12))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The directory holding the built products (beside the test bundle).
    static var productsDirectory: String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().path
    }

    static var certificationBinary: String { productsDirectory + "/varlink-certification" }

    /// Whether an executable is on PATH.
    static func have(_ command: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(command)")
        }
    }

    static var havePython: Bool {
        ChildProcess.runBlocking(["python3", "-c", "import varlink"], timeout: 20).status == 0
    }

    /// Starts a long-running process; the caller stops it.
    static func start(
        _ arguments: [String], environment: [String: String]? = nil, log: String? = nil
    ) throws
        -> ChildProcess
    {
        // The interpreter itself, not a wrapper (pyenv's shim) that a kill would leave its python behind.
        let command = arguments.first == "python3" ? [python] + arguments.dropFirst() : arguments
        return try ChildProcess("/usr/bin/env", arguments: command, environment: environment, output: log)
    }

    /// Ends a started process with SIGKILL and reaps it.
    static func kill(_ process: ChildProcess) {
        guard process.isRunning else { return }
        process.terminate(SIGKILL)
        _ = process.waitBlocking(timeout: 30)
    }

    /// The path of the python interpreter `python3` runs.
    static let python: String = {
        let result = ChildProcess.runBlocking(["python3", "-c", "import sys; print(sys.executable)"], timeout: 20)
        let path = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return result.status == 0 && !path.isEmpty ? path : "python3"
    }()

    /// Waits until a unix socket accepts connections.
    static func waitForSocket(_ path: String, timeout: Double = 20) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let socket = try? RawSocket(path: path) {
                socket.close()
                return true
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// The number of open descriptors of this process.
    static func openDescriptors() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
    }
}

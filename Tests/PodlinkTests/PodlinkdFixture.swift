import Foundation
import PodlinkAPI
import PodlinkClient
import PodlinkTestSupport
import Synchronization
import Testing
import Varlink
import VarlinkNIO

#if canImport(Glibc)
import Glibc
#endif

/// A podlinkd process with storage of its own under /dev/shm, and a test image.
final class PodlinkdFixture: @unchecked Sendable {
    static let root = ProcessInfo.processInfo.environment["PODLINK_TEST_TMP"] ?? "/dev/shm"
    static var products: String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().path
    }
    static var podlinkd: String { products + "/podlinkd" }
    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: podlinkd)
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/runc")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/conmon") && getuid() == 0
    }

    /// Calls the service with Debian's own python, no varlink package needed: `SOCKET [COUNT [METHOD]]` makes COUNT
    /// connections (1) with one call of METHOD (`io.podlink.GetVersion`) on each, and prints each reply on a line.
    static let rawCalls = """
        import socket, sys
        method = sys.argv[3] if len(sys.argv) > 3 else "io.podlink.GetVersion"
        for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 1):
            s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
            s.sendall(b'{"method":"' + method.encode() + b'"}\\0')
            data = b""
            while not data.endswith(b"\\0"):
                chunk = s.recv(4096)
                if not chunk: break
                data += chunk
            s.close()
            print(data.rstrip(b"\\0").decode())
        """

    /// The OCI layout every test loads, built once per process.
    static let image: String = {
        let path = root + "/podlink-e2e-image-\(getpid())"
        if !FileManager.default.fileExists(atPath: path + "/index.json") {
            let result = ChildProcess.runBlocking([repository + "/scripts/make-test-image.sh", path, "latest"])
            precondition(result.status == 0, "cannot build the test image: \(result.error)")
        }
        return path
    }()

    let directory: String
    let socket: String
    var process: ChildProcess?
    /// This service's networks: a /16 and bridge names of its own, so that services of tests running at once
    /// never share a subnet or a bridge.
    let networkPool: String
    let bridgePrefix: String
    /// The arguments it was made with besides the storage's (a bridged podlinkd on its storage needs them too).
    let arguments: [String]

    /// How many services this test process started: each takes the next pool and prefix.
    static let started = Atomic<Int>(0)

    init(arguments: [String] = [], socketMode: String? = nil) async throws {
        let number = Self.started.add(1, ordering: .relaxed).newValue
        networkPool = "10.\(100 + number % 150).0.0/16"
        bridgePrefix = "plt\(getpid() % 1000)n\(number % 1000)"
        directory = Self.root + "/podlink-e2e-\(UUID().uuidString.prefix(12))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        socket = directory + "/io.podlink"
        self.arguments = arguments
        try await start(arguments: arguments, socketMode: socketMode)
    }

    var storageArguments: [String] {
        [
            "--storage-root", directory + "/storage", "--run-root", directory + "/run", "--network-pool", networkPool,
            "--bridge-prefix", bridgePrefix,
        ]
    }

    func start(
        arguments: [String] = [], socketMode: String? = nil, environment extra: [String: String] = [:]
    ) async throws {
        let address = "unix:\(socket)" + (socketMode.map { ";mode=\($0)" } ?? "")
        // The service says READY=1 on its notify socket once it listens: the test waits for that, not a poll.
        let notify = try NotifySocket(path: directory + "/notify")
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notify.path
        environment.merge(extra) { _, new in new }
        process = try ChildProcess(
            Self.podlinkd,
            arguments: [
                "--address", address, "--timeout", "0", "--config", "/nonexistent", "--registry",
                directory + "/registry",
            ] + storageArguments + arguments,
            environment: environment, output: directory + "/log")
        guard await notify.wait() else {
            throw Failure(description: "podlinkd did not become ready (\(process?.summary ?? "")): \(self.log)")
        }
    }

    var log: String { (try? String(contentsOfFile: directory + "/log", encoding: .utf8)) ?? "" }

    /// The last 40 lines of the service's log.
    var logTail: String {
        log.split(separator: "\n", omittingEmptySubsequences: false).suffix(40).joined(separator: "\n")
    }

    /// Stops the service (SIGTERM) and waits for it, off the cooperative thread pool.
    func stop() async {
        guard let process, process.isRunning else { return }
        process.terminate()
        await process.wait()
    }

    /// Stops the service and removes every container and the storage. A service that ended without being stopped
    /// (a crash) fails the test with the end of its log, and is started once more to remove what it left.
    func tearDown(sourceLocation: SourceLocation = #_sourceLocation) async {
        if let process, !process.isRunning, process.status != 0, process.status != 143 {
            Issue.record(
                "podlinkd ended during the test (\(process.summary)); its log ends:\n\(logTail)",
                sourceLocation: sourceLocation)
            try? await start()
        }
        // Every error a call can meet is declared: one the service had to answer by closing the connection, or a
        // trap, is a bug whatever the test expected.
        for sign in ["raised an undeclared error", "Fatal error", "Program crashed"] where log.contains(sign) {
            Issue.record("podlinkd logged \"\(sign)\"; its log ends:\n\(logTail)", sourceLocation: sourceLocation)
        }
        if let (client, connection) = try? await connect() {
            // Several passes: a container others depend on can go only after them.
            for _ in 0..<4 {
                guard let containers = try? await client.listContainers().containers, !containers.isEmpty else { break }
                for container in containers { _ = try? await client.removeContainer(name: container.id, force: true) }
            }
            await connection.close()
        }
        await stop()
        await waitForItsProcesses(sourceLocation: sourceLocation)
        _ = await ChildProcess.run(["umount", "-R", directory + "/storage"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Waits up to ten seconds for every process that names this service's directory to end: a container's
    /// conmon runs its exit command (podlinkd, on this storage) once the container has ended, and may still be at
    /// it when the service has stopped. One still there after that is a leak: recorded, then killed.
    func waitForItsProcesses(sourceLocation: SourceLocation) async {
        let deadline = ContinuousClock.now + .seconds(10)
        // Looked for again after each wait: an ending conmon starts its exit command.
        while case let running = Self.processes(naming: directory), !running.isEmpty, ContinuousClock.now < deadline {
            for process in running {
                let seconds = (deadline - ContinuousClock.now) / .seconds(1)
                _ = await ChildProcess.waitForEnd(of: process.pid, timeout: max(seconds, 0.01))
            }
        }
        let left = Self.processes(naming: directory)
        guard !left.isEmpty else { return }
        Issue.record("processes outlived the service: \(left.map(\.command))", sourceLocation: sourceLocation)
        for process in left { kill(process.pid, SIGKILL) }
    }

    /// The processes whose command line contains `text`.
    static func processes(naming text: String) -> [(pid: pid_t, command: String)] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = pid_t(entry), pid != getpid(), let line = KernelFile.read("/proc/\(entry)/cmdline")
            else { return nil }
            let command = line.replacingOccurrences(of: "\0", with: " ")
            return command.contains(text) ? (pid, command) : nil
        }
    }

    func connect() async throws -> (IoPodlinkClient, VarlinkConnection) {
        let (client, connection) = try await Podlink.connect(.address("unix:\(socket)"))
        return (client, connection)
    }

    /// Runs `body` with a fresh service and a client with the test image loaded as `test:latest`; closes the
    /// connection and tears the service down afterwards, whatever happens.
    static func withClient(
        _ body: (PodlinkdFixture, IoPodlinkClient) async throws -> Void
    ) async throws {
        try await withTearDown(try await PodlinkdFixture(), tearDown: { await $0.tearDown() }) { fixture in
            let (client, connection) = try await fixture.clientWithImage()
            try await withTearDown(connection, tearDown: { await $0.close() }) { _ in
                do {
                    try await body(fixture, client)
                } catch {
                    // What the service saw when the test met an error it did not expect.
                    Issue.record("the test failed with \(error); the service's log ends:\n\(fixture.logTail)")
                    throw error
                }
            }
        }
    }

    /// A client with the test image loaded as `test:latest`.
    func clientWithImage() async throws -> (IoPodlinkClient, VarlinkConnection) {
        let (client, connection) = try await connect()
        _ = try await client.loadImage(name: "test:latest", inputFile: Self.image)
        return (client, connection)
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    static func waitForSocket(_ path: String, timeout: Double = 30) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if connectable(path) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    static func connectable(_ path: String) -> Bool {
        guard let socket = try? RawSocket(path: path) else { return false }
        socket.close()
        return true
    }

}

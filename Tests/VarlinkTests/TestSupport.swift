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

/// A blocking unix socket for speaking raw bytes to a server.
final class RawSocket: @unchecked Sendable {
    let fd: Int32

    struct Failure: Error { var message: String }

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() where index < buffer.count - 1 { buffer[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if result != 0 {
            let message = String(cString: strerror(errno))
            Glibc.close(fd)
            throw Failure(message: message)
        }
    }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    /// Reads until `count` NUL-terminated messages arrived, the peer closed, or `timeout` passed. The blocking
    /// reads run on a thread of their own, off the (small) cooperative and dispatch pools the server needs.
    func receive(messages count: Int, timeout: Double = 5) async -> (messages: [String], closed: Bool) {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.receiveBlocking(messages: count, timeout: timeout)) }.start()
        }
    }

    /// Whether the peer closes the connection within `timeout` (off the cooperative pool).
    func closedByPeer(timeout: Double = 5) async -> Bool {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.closedByPeerBlocking(timeout: timeout)) }.start()
        }
    }

    func receiveBlocking(messages count: Int, timeout: Double = 5) -> (messages: [String], closed: Bool) {
        var buffer: [UInt8] = []
        var messages: [String] = []
        let deadline = Date().addingTimeInterval(timeout)
        while messages.count < count {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { return (messages, false) }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, Int32(remaining * 1000)) <= 0 { return (messages, false) }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { return (messages, true) }
            buffer += chunk[0..<n]
            while let end = buffer.firstIndex(of: 0) {
                messages.append(String(decoding: buffer[..<end], as: UTF8.self))
                buffer.removeSubrange(...end)
            }
        }
        return (messages, false)
    }

    func closedByPeerBlocking(timeout: Double = 5) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while deadline.timeIntervalSinceNow > 0 {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, 100) > 0 {
                var chunk = [UInt8](repeating: 0, count: 4096)
                if recv(fd, &chunk, chunk.count, 0) <= 0 { return true }
            }
        }
        return false
    }

    func close() { Glibc.close(fd) }
}

extension RawSocket {
    /// Ends what this side sends (the server reads end of input) while still reading.
    func closeWrite() { shutdown(fd, Int32(SHUT_WR)) }
}

extension RawSocket {
    /// Sends all of `text`; false once the peer no longer takes bytes.
    func trySend(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }
}

extension RawSocket {
    /// Shuts the socket down both ways (waking a thread blocked sending on it), then closes it.
    func abort() {
        shutdown(fd, Int32(SHUT_RDWR))
        close()
    }
}

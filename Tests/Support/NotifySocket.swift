import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A service manager's notify socket for one test: a service started with `NOTIFY_SOCKET` set to ``path`` says
/// `READY=1` here once it listens, so a test waits for that event instead of polling the service's socket.
public final class NotifySocket: Sendable {
    /// The datagram socket's path, for `NOTIFY_SOCKET`.
    public let path: String
    private let fd: Int32

    /// A socket bound at `path` (at most 107 bytes).
    public init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ChildProcess.SpawnError(description: "socket: \(errno)") }
        unlink(path)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        guard path.utf8.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw ChildProcess.SpawnError(description: "notify socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            close(fd)
            throw ChildProcess.SpawnError(description: "bind \(path): \(errno)")
        }
    }

    deinit {
        close(fd)
        unlink(path)
    }

    /// Waits, on a thread of its own, until a datagram carries `state` (a line such as `READY=1`), or gives up
    /// after `timeout` seconds (a service that died says nothing); whether it came.
    public func wait(for state: String = "READY=1", timeout: Double = 30) async -> Bool {
        let fd = fd
        return await withCheckedContinuation { continuation in
            Thread {
                let deadline = Date().addingTimeInterval(timeout)
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let left = deadline.timeIntervalSinceNow
                    guard left > 0 else { return continuation.resume(returning: false) }
                    var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    guard poll(&entry, 1, Int32(left * 1000) + 1) > 0 else { continue }
                    let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                    guard count > 0 else { continue }
                    let text = String(decoding: buffer[0..<count], as: UTF8.self)
                    if text.split(separator: "\n").contains(Substring(state)) {
                        return continuation.resume(returning: true)
                    }
                }
            }
            .start()
        }
    }
}

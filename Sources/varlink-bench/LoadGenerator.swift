import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Drives a varlink server with `org.example.ping.Ping` calls over raw blocking sockets, so that the client costs
/// the same whichever server is measured.
struct LoadGenerator {
    let path: String
    let seconds: Double

    static let call = Array(#"{"method":"org.example.ping.Ping","parameters":{"ping":"ping"}}"#.utf8) + [0]

    struct Failure: Error, CustomStringConvertible { var description: String }

    static func connect(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() where index < buffer.count - 1 { buffer[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if result != 0 { throw Failure(description: "connect \(path): \(String(cString: strerror(errno)))") }
        return fd
    }

    /// Sends `count` calls in one write and reads `count` replies; returns false on a broken connection.
    static func roundTrip(_ fd: Int32, count: Int, buffer: inout [UInt8]) -> Bool {
        var out: [UInt8] = []
        out.reserveCapacity(call.count * count)
        for _ in 0..<count { out += call }
        var sent = 0
        while sent < out.count {
            let n = out[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return false }
            sent += n
        }
        var replies = 0
        while replies < count {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return false }
            for index in 0..<n where buffer[index] == 0 { replies += 1 }
        }
        return true
    }

    /// Calls per second with `connections` connections, each sending `batch` calls per write.
    func measure(connections: Int, batch: Int) throws -> Double {
        let fds = try (0..<connections).map { _ in try Self.connect(path) }
        defer { for fd in fds { close(fd) } }
        let counts = (0..<connections).map { _ in Counter() }
        let deadline = Date().addingTimeInterval(seconds)
        let group = DispatchGroup()
        let start = Date()
        for (index, fd) in fds.enumerated() {
            group.enter()
            Thread {
                var buffer = [UInt8](repeating: 0, count: 1 << 16)
                while Date() < deadline {
                    if !Self.roundTrip(fd, count: batch, buffer: &buffer) { break }
                    counts[index].value.add(batch, ordering: .relaxed)
                }
                group.leave()
            }.start()
        }
        group.wait()
        let elapsed = Date().timeIntervalSince(start)
        return Double(counts.reduce(0) { $0 + $1.value.load(ordering: .relaxed) }) / elapsed
    }
}

/// A count shared with a load thread.
final class Counter: Sendable {
    let value = Atomic<Int>(0)
}

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A blocking unix socket for speaking raw bytes to a server.
public final class RawSocket: @unchecked Sendable {
    /// The socket's descriptor.
    public let fd: Int32

    /// A connection that could not be made.
    public struct Failure: Error, CustomStringConvertible {
        /// Why, as strerror says.
        public var message: String
        /// The error as a sentence.
        public var description: String { message }
        /// A failure saying `message`.
        public init(message: String) { self.message = message }
    }

    /// Connects to the unix socket at `path`.
    public init(path: String) throws {
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

    /// Sends all of `text`, or as much as the peer takes.
    public func send(_ text: String) { _ = trySend(text) }

    /// Reads until `count` NUL-terminated messages arrived, the peer closed, or `timeout` passed. The blocking
    /// reads run on a thread of their own, off the (small) cooperative and dispatch pools the server needs.
    public func receive(messages count: Int, timeout: Double = 5) async -> (messages: [String], closed: Bool) {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.receiveBlocking(messages: count, timeout: timeout)) }.start()
        }
    }

    /// Whether the peer closes the connection within `timeout` (off the cooperative pool).
    public func closedByPeer(timeout: Double = 5) async -> Bool {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.closedByPeerBlocking(timeout: timeout)) }.start()
        }
    }

    /// ``receive(messages:timeout:)`` on the calling thread.
    public func receiveBlocking(messages count: Int, timeout: Double = 5) -> (messages: [String], closed: Bool) {
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

    /// ``closedByPeer(timeout:)`` on the calling thread.
    public func closedByPeerBlocking(timeout: Double = 5) -> Bool {
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

    /// Closes the socket.
    public func close() { Glibc.close(fd) }
}

extension RawSocket {
    /// Ends what this side sends (the server reads end of input) while still reading.
    public func closeWrite() { shutdown(fd, Int32(SHUT_WR)) }
}

extension RawSocket {
    /// Sends all of `text`; false once the peer no longer takes bytes.
    public func trySend(_ text: String) -> Bool {
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
    /// Shuts the socket down both ways: a thread blocked sending on it wakes with an error.
    public func shutDown() { shutdown(fd, Int32(SHUT_RDWR)) }

    /// Runs `body` (blocking sends on this socket) on a thread of its own; the task ends when the thread does.
    /// Close the socket only after that: a thread still sending to a closed descriptor writes to whatever
    /// another test opens under the same number next.
    public func sendOnThread(_ body: @escaping @Sendable (RawSocket) -> Void) -> Task<Void, Never> {
        Task {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                Thread {
                    body(self)
                    continuation.resume()
                }
                .start()
            }
        }
    }
}

internal import CSpawn
internal import Glibc
internal import Synchronization

/// A live attachment to a container's process through conmon's attach socket (a SOCK_SEQPACKET socket whose
/// packets carry one byte of stream, 2 for stdout and 3 for stderr, then the data; what is written to it is the
/// process's standard input). Reads are back-pressured: nothing is read from conmon until the caller asks.
public final class AttachSession: Sendable {
    /// The container's id.
    public let containerID: String
    /// Whether the container has a terminal (its output is then one stream, `stdout`).
    public let tty: Bool
    /// Whether the container keeps its standard input open, so that writes reach it.
    public let acceptsInput: Bool
    private let socket: Int32
    private let closed = Atomic<Bool>(false)

    init(containerID: String, tty: Bool, acceptsInput: Bool, socket: Int32) {
        self.containerID = containerID
        self.tty = tty
        self.acceptsInput = acceptsInput
        self.socket = socket
    }

    /// The next chunk of output; nil once conmon has closed the socket (the process ended and its output is
    /// drained) or the session was closed.
    public func read() async throws(EngineError) -> (stream: LogStream, bytes: [UInt8])? {
        let socket = self.socket
        return try await Offload.run { () throws(EngineError) -> (stream: LogStream, bytes: [UInt8])? in
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
                if n < 0 {
                    if errno == EINTR { continue }
                    if errno == EBADF || errno == ECONNRESET { return nil }
                    throw .system("read attach socket", errno)
                }
                if n == 0 { return nil }
                guard n > 1 else { continue }
                return (buffer[0] == 3 ? .stderr : .stdout, Array(buffer[1..<n]))
            }
        }
    }

    /// Feeds `bytes` to the process's standard input (blocking while conmon does not take them: a process that
    /// never reads holds the writer back instead of filling memory).
    public func write(_ bytes: [UInt8]) async throws(EngineError) {
        guard !bytes.isEmpty else { return }
        let socket = self.socket
        try await Offload.run { () throws(EngineError) in
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes {
                    send(socket, $0.baseAddress! + offset, min(32768, $0.count - offset), Int32(MSG_NOSIGNAL))
                }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw .system("write attach socket", errno)
                }
                offset += n
            }
        }
    }

    /// Ends the process's standard input (conmon closes it when its attached peer stops writing).
    public func closeInput() {
        shutdown(socket, Int32(SHUT_WR))
    }

    /// Detaches: a blocked read returns nil; the container goes on.
    public func close() {
        if !closed.exchange(true, ordering: .acquiringAndReleasing) { shutdown(socket, Int32(SHUT_RDWR)) }
    }

    deinit {
        Glibc.close(socket)
    }
}

import PodlinkAPI
public import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// The client's side of io.podlink's byte transfers (UploadFile, and the downloads of SaveImage, ExportContainer
/// and CopyFromContainer), in AttachContainer's frames.
public enum ByteStreams {
    /// A transfer the service could not complete, in its words, or cut off.
    public struct TransferFailed: Error, Sendable, CustomStringConvertible {
        /// What went wrong.
        public var reason: String
        /// A sentence for humans.
        public var description: String { reason }
    }

    /// Bytes read or sent at once (below the service's 1 MiB frame limit).
    static let chunk = 1 << 18

    /// Sends everything `fd` holds to its end as an upload, then the end frame, and waits for the service to store
    /// it. `progress` hears of the bytes sent so far.
    public static func upload(
        _ fd: Int32, over connection: any VarlinkUpgradedConnection, progress: (Int64) -> Void = { _ in }
    ) async throws {
        var buffer = [UInt8](repeating: 0, count: chunk)
        var sent: Int64 = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw TransferFailed(reason: "read: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            try await connection.write(AttachFrames.frame(AttachFrames.stdin, Array(buffer[..<n])))
            sent += Int64(n)
            progress(sent)
        }
        try await connection.write(AttachFrames.frame(AttachFrames.stdin, []))
        try await finish(connection) { _ in }
    }

    /// Writes a download's bytes to `fd` as they come, until the service's exit frame. `progress` hears of the
    /// bytes received so far.
    public static func download(
        over connection: any VarlinkUpgradedConnection, to fd: Int32, progress: (Int64) -> Void = { _ in }
    ) async throws {
        var received: Int64 = 0
        try await finish(connection) { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw TransferFailed(reason: "write: \(String(cString: strerror(errno)))") }
                offset += n
            }
            received += Int64(bytes.count)
            progress(received)
        }
    }

    /// Reads frames until the exit frame: stream 1 to `take`, stream 2 kept as the reason of a failure.
    private static func finish(
        _ connection: any VarlinkUpgradedConnection, _ take: ([UInt8]) throws -> Void
    ) async throws {
        var decoder = AttachFrames.Decoder()
        var words: [UInt8] = []
        defer { Task { try? await connection.close() } }
        while let bytes = try await connection.read() {
            for frame in try decoder.feed(bytes) {
                switch frame.stream {
                case AttachFrames.stdout: try take(frame.bytes)
                case AttachFrames.stderr: words += frame.bytes
                case AttachFrames.exit where frame.bytes.count == 4:
                    let code = frame.bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                    guard code == 0 else {
                        throw TransferFailed(
                            reason: words.isEmpty ? "the transfer failed" : String(decoding: words, as: UTF8.self))
                    }
                    return
                default: break
                }
            }
        }
        throw TransferFailed(reason: "the connection closed before the transfer's end")
    }
}

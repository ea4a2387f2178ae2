internal import CSpawn
internal import Glibc

/// Where a download's bytes go, in order (a caller's connection); a sink that throws ends the download.
public typealias ByteSink = @Sendable ([UInt8]) async throws -> Void

/// Moves bytes from a descriptor to a ``ByteSink``.
enum BytePump {
    /// Bytes read at once.
    static let chunk = 1 << 18

    /// Reads `fd` to its end, each read on an offload thread, and hands each piece to `sink`. When the sink
    /// fails (the caller went away), the rest is read and dropped, so that a writer at the other end of a pipe
    /// ends too, and the failure is thrown.
    static func drain(_ fd: Int32, to sink: ByteSink) async throws(EngineError) {
        var failure: (any Error)?
        while true {
            let bytes = try await Offload.run { () throws(EngineError) -> [UInt8] in
                var buffer = [UInt8](repeating: 0, count: chunk)
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if n < 0 && errno == EINTR { continue }
                    guard n >= 0 else { throw .system("read", errno) }
                    buffer.removeLast(chunk - n)
                    return buffer
                }
            }
            if bytes.isEmpty { break }
            guard failure == nil else { continue }
            do {
                try await sink(bytes)
            } catch {
                failure = error
            }
        }
        if let failure { throw .internalError("the receiver went away: \(failure)") }
    }

    /// A pipe (close-on-exec both ends), its buffer enlarged so that fewer reads carry the same bytes.
    static func pipe() throws(EngineError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        let rc = cspawn_pipe(&fds)
        guard rc == 0 else { throw .system("pipe", rc) }
        _ = fcntl(fds[1], 1031 /* F_SETPIPE_SZ */, Int32(1 << 20))
        return (fds[0], fds[1])
    }

    /// Runs `produce` with the write end of a pipe while the read end drains into `sink`; the producer's error
    /// first, then the sink's.
    static func stream(
        to sink: @escaping ByteSink, _ produce: @escaping @Sendable (Int32) async throws(EngineError) -> Void
    ) async throws(EngineError) {
        let (reader, writer) = try pipe()
        let producer = Task { () async -> EngineError? in
            defer { close(writer) }
            do throws(EngineError) {
                try await produce(writer)
                return nil
            } catch {
                return error
            }
        }
        let drained: EngineError?
        do throws(EngineError) {
            try await drain(reader, to: sink)
            drained = nil
        } catch {
            drained = error
        }
        close(reader)
        if let error = await producer.value { throw error }
        if let drained { throw drained }
    }
}

import Engine
import PodlinkAPI
import Varlink

/// Moves the bytes of uploads and downloads over an upgraded connection, in AttachContainer's frames: stream 0
/// from the caller (an empty frame ends an upload), stream 1 to the caller, stream 2 for why a transfer failed,
/// stream 3 last, with 0 when all went through and 1 when not.
enum ByteTransfer {
    /// Receives an upload's bytes until the caller's empty stream 0 frame, stores them and answers 0. A caller
    /// that goes away first, a malformed frame or a failed write drops the upload.
    static func receive(_ upload: Upload, over connection: any VarlinkUpgradedConnection) async throws {
        var decoder = AttachFrames.Decoder()
        do {
            reading: while let bytes = try await connection.read() {
                for frame in try decoder.feed(bytes) {
                    guard frame.stream == AttachFrames.stdin else {
                        throw EngineError.invalidArgument("upload", "a frame of stream \(frame.stream) in an upload")
                    }
                    if frame.bytes.isEmpty {
                        try upload.finish()
                        try await connection.write(AttachFrames.exitFrame(0))
                        break reading
                    }
                    try upload.write(frame.bytes)
                }
            }
        } catch {
            upload.abandon()
            try? await fail(connection, error is AttachFrames.Decoder.Malformed ? "a malformed frame" : "\(error)")
        }
        upload.abandon()
        try? await connection.close()
    }

    /// Sends what `produce` hands its sink as stream 1 frames, then the exit frame: 0, or 1 after a stream 2
    /// frame with the error.
    static func send(
        over connection: any VarlinkUpgradedConnection,
        _ produce: @Sendable (@escaping ByteSink) async throws(EngineError) -> Void
    ) async throws {
        do throws(EngineError) {
            try await produce { bytes in try await connection.write(AttachFrames.frame(AttachFrames.stdout, bytes)) }
        } catch {
            try? await fail(connection, error.description)
            try? await connection.close()
            return
        }
        try? await connection.write(AttachFrames.exitFrame(0))
        try? await connection.close()
    }

    private static func fail(_ connection: any VarlinkUpgradedConnection, _ reason: String) async throws {
        try await connection.write(AttachFrames.frame(AttachFrames.stderr, Array(reason.utf8)))
        try await connection.write(AttachFrames.exitFrame(1))
    }

    /// The one of `path` and `upload` given; both or neither is InvalidArgument.
    static func oneOf(path: String?, _ pathArgument: String, upload: String?) throws(EngineError) -> Source {
        switch (path, upload) {
        case (let path?, nil): return .path(path)
        case (nil, let upload?): return .upload(upload)
        default: throw .invalidArgument(pathArgument, "give either \(pathArgument) or upload, not both or neither")
        }
    }

    /// Where a call's bytes are.
    enum Source {
        /// A path on the service's host.
        case path(String)
        /// An upload's id.
        case upload(String)
    }
}

/// The byte framing of an attached connection without a terminal: an 8-byte header `[stream, 0, 0, 0, length as
/// a big-endian u32]`, then the bytes (Docker's and Podman REST's attach framing). Streams: 0 stdin, 1 stdout,
/// 2 stderr, 3 the exit code (4 bytes, big-endian), the last frame the server sends.
public enum AttachFrames {
    /// Standard input, from the caller.
    public static let stdin: UInt8 = 0
    /// Standard output.
    public static let stdout: UInt8 = 1
    /// Standard error.
    public static let stderr: UInt8 = 2
    /// The exit code, last.
    public static let exit: UInt8 = 3
    /// The largest frame accepted from a caller.
    public static let maximumLength = 1 << 20

    /// One frame.
    public static func frame(_ stream: UInt8, _ bytes: [UInt8]) -> [UInt8] {
        let length = UInt32(bytes.count)
        return [
            stream, 0, 0, 0, UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff),
            UInt8(length & 0xff),
        ] + bytes
    }

    /// The frame that carries an exit code.
    public static func exitFrame(_ code: Int32) -> [UInt8] {
        let value = UInt32(bitPattern: code)
        return frame(
            exit, [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)])
    }

    /// Splits a byte stream into frames as the bytes arrive.
    public struct Decoder: Sendable {
        private var buffer: [UInt8] = []

        /// A decoder with nothing buffered.
        public init() {}

        /// A frame whose header is malformed or announces more than ``maximumLength`` bytes.
        public struct Malformed: Error, Sendable {}

        /// Adds `bytes` and returns the frames now complete.
        public mutating func feed(_ bytes: [UInt8]) throws(Malformed) -> [(stream: UInt8, bytes: [UInt8])] {
            buffer += bytes
            var frames: [(stream: UInt8, bytes: [UInt8])] = []
            var offset = 0
            while buffer.count - offset >= 8 {
                guard buffer[offset + 1] == 0, buffer[offset + 2] == 0, buffer[offset + 3] == 0 else {
                    throw Malformed()
                }
                let length =
                    Int(buffer[offset + 4]) << 24 | Int(buffer[offset + 5]) << 16 | Int(buffer[offset + 6]) << 8
                    | Int(buffer[offset + 7])
                guard length <= AttachFrames.maximumLength else { throw Malformed() }
                guard buffer.count - offset - 8 >= length else { break }
                frames.append((buffer[offset], Array(buffer[(offset + 8)..<(offset + 8 + length)])))
                offset += 8 + length
            }
            buffer.removeFirst(offset)
            return frames
        }

        /// Whether bytes of an incomplete frame are buffered.
        public var isEmpty: Bool { buffer.isEmpty }
    }
}

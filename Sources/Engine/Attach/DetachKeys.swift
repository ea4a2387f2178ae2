/// The key sequence that detaches a caller from a container's (or an exec session's) input and leaves the process
/// running, written as Docker and Podman write it: keys separated by commas, each a single character or `ctrl-X`
/// (`X` one of `a`–`z`, `@`, `[`, `\`, `]`, `^`, `_`). The default is `ctrl-p,ctrl-q`; an empty text turns
/// detaching off.
public struct DetachKeys: Sendable, Equatable, CustomStringConvertible {
    /// The bytes that detach, in order (empty: never).
    public let bytes: [UInt8]
    /// The sequence as it was written.
    public let description: String

    /// Podman's and Docker's default: ctrl-p then ctrl-q.
    public static let `default` = DetachKeys(bytes: [0x10, 0x11], description: "ctrl-p,ctrl-q")

    private init(bytes: [UInt8], description: String) {
        self.bytes = bytes
        self.description = description
    }

    /// Parses `text` (nil: the default); throws ``EngineError/Code/invalidArgument`` naming `detachKeys` when a key
    /// is not valid.
    public init(parsing text: String?) throws(EngineError) {
        guard let text else {
            self = .default
            return
        }
        guard !text.isEmpty else {
            self.init(bytes: [], description: "")
            return
        }
        var bytes: [UInt8] = []
        for key in text.split(separator: ",", omittingEmptySubsequences: false) {
            let lowered = key.lowercased()
            if lowered.hasPrefix("ctrl-"), lowered.count == 6, let last = lowered.utf8.last {
                switch last {
                case UInt8(ascii: "a")...UInt8(ascii: "z"): bytes.append(last - UInt8(ascii: "a") + 1)
                case UInt8(ascii: "@"): bytes.append(0)
                case UInt8(ascii: "["), UInt8(ascii: "\\"), UInt8(ascii: "]"), UInt8(ascii: "^"), UInt8(ascii: "_"):
                    bytes.append(last - 64)
                default: throw .invalidArgument("detachKeys", "\(key) is not a key")
                }
            } else if key.utf8.count == 1, let byte = key.utf8.first, byte >= 0x20, byte < 0x7f {
                bytes.append(byte)
            } else {
                throw .invalidArgument("detachKeys", "\(key) is not a key (a character or ctrl-X)")
            }
        }
        self.init(bytes: bytes, description: text)
    }

    /// Finds the sequence in a caller's input as it arrives: bytes that may begin the sequence are held back until
    /// the next bytes show whether they do.
    public struct Scanner: Sendable {
        private let keys: [UInt8]
        private var matched = 0

        /// A scanner for `keys`.
        public init(_ keys: DetachKeys) { self.keys = keys.bytes }

        /// What to pass on of `input`, and whether the sequence was completed (what follows it is dropped).
        public mutating func scan(_ input: [UInt8]) -> (forward: [UInt8], detached: Bool) {
            guard !keys.isEmpty else { return (input, false) }
            var forward: [UInt8] = []
            forward.reserveCapacity(input.count)
            for byte in input {
                if byte == keys[matched] {
                    matched += 1
                    if matched == keys.count { return (forward, true) }
                } else {
                    // The held bytes were not the sequence after all; this byte may begin it anew.
                    forward += keys[0..<matched]
                    matched = 0
                    if byte == keys[0] {
                        matched = 1
                        if matched == keys.count { return (forward, true) }
                    } else {
                        forward.append(byte)
                    }
                }
            }
            return (forward, false)
        }
    }
}

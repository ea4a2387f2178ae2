/// Why a copy archive could not be made, read or unpacked.
public struct CopyArchiveError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a value that can gain new cases without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Wrapped: String, Sendable, Hashable {
            case unsafeEntry, failed
        }

        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// An entry would land outside the destination (``CopyArchiveError/entry``); nothing was written.
        public static let unsafeEntry = Code(.unsafeEntry)
        /// Reading, writing or walking failed (a missing path, a truncated archive, a full disk).
        public static let failed = Code(.failed)

        /// The code's name.
        public var description: String { wrapped.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// The entry it is about, when there is one.
    public var entry: String?
    /// Why, in words.
    public var reason: String

    /// An entry refused for `reason`.
    public static func unsafe(_ entry: String, _ reason: String) -> CopyArchiveError {
        CopyArchiveError(code: .unsafeEntry, entry: entry, reason: reason)
    }

    /// A failure of libarchive or of the system, described by `reason`.
    public static func failed(_ reason: String) -> CopyArchiveError {
        CopyArchiveError(code: .failed, entry: nil, reason: reason)
    }

    /// A sentence for humans.
    public var description: String {
        if let entry { return "archive entry \(entry): \(reason)" }
        return reason
    }
}

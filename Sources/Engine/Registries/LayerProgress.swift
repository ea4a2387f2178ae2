/// Where one blob of a pull or push stands.
public struct LayerProgress: Sendable, Hashable {
    /// The blob's state.
    public enum State: String, Sendable, Hashable {
        /// Not started.
        case waiting
        /// Bytes are moving.
        case copying
        /// Not moved: the other side holds it already.
        case present
        /// Moved whole.
        case done
    }

    /// The blob's digest.
    public var digest: String
    /// Bytes moved so far.
    public var done: Int64
    /// The blob's size.
    public var total: Int64
    /// The blob's state.
    public var state: State

    /// Creates a blob's progress.
    public init(digest: String, done: Int64, total: Int64, state: State) {
        self.digest = digest
        self.done = done
        self.total = total
        self.state = state
    }
}

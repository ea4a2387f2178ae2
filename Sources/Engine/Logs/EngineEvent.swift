public import FoundationEssentials

/// Something that happened to a container or an image, stored and queryable.
public struct EngineEvent: Sendable, Hashable, Codable {
    /// What the event is about.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A container.
        case container
        /// An image.
        case image
        /// A network.
        case network
    }

    /// Sequence number in the store.
    public var sequence: Int64
    /// When.
    public var time: Date
    /// Container or image.
    public var kind: Kind
    /// What happened (``Action``).
    public var action: Action
    /// Container or image id.
    public var id: String
    /// Container or image name.
    public var name: String
    /// Extra facts (`exitCode`, `signal`, `image`).
    public var attributes: [String: String]
}

/// Which events to return.
public struct EventFilter: Sendable, Hashable {
    /// Only events at or after this time.
    public var since: Date?
    /// Only events before this time.
    public var until: Date?
    /// Only these kinds (all when empty).
    public var kinds: Set<EngineEvent.Kind>
    /// Only these actions (all when empty).
    public var actions: Set<EngineEvent.Action>
    /// Only events about this id or name.
    public var subject: String?

    /// Creates a filter.
    public init(
        since: Date? = nil, until: Date? = nil, kinds: Set<EngineEvent.Kind> = [],
        actions: Set<EngineEvent.Action> = [],
        subject: String? = nil
    ) {
        self.since = since
        self.until = until
        self.kinds = kinds
        self.actions = actions
        self.subject = subject
    }
}

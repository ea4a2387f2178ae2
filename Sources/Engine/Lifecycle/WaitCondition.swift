/// What a wait waits for: a container reaching a state, or its removal.
public enum WaitCondition: Sendable, Hashable, RawRepresentable {
    /// The container is in this state.
    case state(ContainerStatus)
    /// The container is no longer in the store.
    case removed

    /// The condition a state meets.
    init(_ status: ContainerStatus) { self = .state(status) }

    /// A state's name, or `removed`.
    public init?(rawValue: String) {
        if rawValue == "removed" {
            self = .removed
        } else if let status = ContainerStatus(rawValue: rawValue) {
            self = .state(status)
        } else {
            return nil
        }
    }

    /// The state's name, or `removed`.
    public var rawValue: String {
        switch self {
        case .state(let status): status.rawValue
        case .removed: "removed"
        }
    }

    /// What a wait without conditions waits for: the process has ended, by itself or by a caller's stop.
    public static let processEnded: Set<WaitCondition> = [.state(.stopped), .state(.exited)]
}

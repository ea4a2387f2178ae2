/// What a wait waits for: a container reaching one of these states, or its removal.
public enum WaitCondition: String, Sendable, Hashable, CaseIterable, Codable {
    /// In the store, not in the runtime.
    case configured
    /// Made in the runtime, not started.
    case created
    /// Its process runs.
    case running
    /// Frozen.
    case paused
    /// Stopped by a caller.
    case stopped
    /// Its process ended by itself.
    case exited
    /// Being removed.
    case removing
    /// No longer in the store.
    case removed

    /// The condition a state meets.
    init(_ status: ContainerStatus) {
        switch status {
        case .configured: self = .configured
        case .created: self = .created
        case .running: self = .running
        case .paused: self = .paused
        case .stopped: self = .stopped
        case .exited: self = .exited
        case .removing: self = .removing
        }
    }

    /// What a wait without conditions waits for: the process has ended, by itself or by a caller's stop.
    public static let processEnded: Set<WaitCondition> = [.stopped, .exited]
}

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

    /// The condition a state meets (every state has the condition of its name).
    init(_ status: ContainerStatus) {
        self.init(rawValue: status.rawValue)!
    }

    /// What a wait without conditions waits for: the process has ended, by itself or by a caller's stop.
    public static let processEnded: Set<WaitCondition> = [.stopped, .exited]
}

/// The lifecycle's rules in one table: which states each operation is allowed from and the state it leads to.
/// Every operation of the engine checks its rule here; nothing else compares states to decide what is allowed.
public enum ContainerLifecycle {
    /// One operation's rule.
    public struct Rule: Sendable, Hashable {
        /// The states it is allowed from.
        public var from: Set<ContainerStatus>
        /// The state it leads to (nil: the state does not change).
        public var to: ContainerStatus?
    }

    /// States whose container exists in the runtime with a process made or running.
    public static let active: Set<ContainerStatus> = [.created, .running, .paused]
    /// States whose container has no process and can be made in the runtime again.
    public static let initialisable: Set<ContainerStatus> = [.configured, .stopped, .exited]

    /// The table.
    public static let rules: [ContainerOperation: Rule] = [
        .initialize: Rule(from: initialisable, to: .created),
        .start: Rule(from: initialisable.union([.created]), to: .running),
        .stop: Rule(from: active, to: .stopped),
        .kill: Rule(from: [.running], to: nil),
        .pause: Rule(from: [.running], to: .paused),
        .unpause: Rule(from: [.paused], to: .running),
        .restart: Rule(from: initialisable.union([.created, .running]), to: .running),
        .cleanup: Rule(from: initialisable.union([.created]), to: nil),
        .exec: Rule(from: [.running], to: nil),
        .attach: Rule(from: [.created, .running], to: nil),
        .exit: Rule(from: active, to: .exited),
        // A checkpoint stops the process (the exit then leads to `exited`); a restore needs a checkpoint too.
        .checkpoint: Rule(from: [.running], to: nil),
        .restore: Rule(from: initialisable, to: .running),
        // Running and paused containers need `force`; a removal a crash interrupted may be finished.
        .remove: Rule(from: Set(ContainerStatus.allCases), to: nil),
    ]

    /// Whether `operation` is allowed from `status`.
    public static func allows(_ operation: ContainerOperation, from status: ContainerStatus) -> Bool {
        rules[operation]?.from.contains(status) ?? false
    }

    /// Throws the operation's error when it is not allowed from `status`: ``EngineError/Code/alreadyStopped``
    /// for a stop of a container without a process, ``EngineError/Code/invalidState`` otherwise.
    static func check(
        _ operation: ContainerOperation, from status: ContainerStatus, container name: String
    ) throws(EngineError) {
        guard !allows(operation, from: status) else { return }
        if operation == .stop && status != .removing { throw .alreadyStopped(name) }
        throw .invalidState(status, operation.rawValue, container: name)
    }

    /// The state `operation` leads to from `status` (the same state when it changes none). `removing` is
    /// sticky: a removal once begun is finished, never undone, so an exit recorded meanwhile (after a crash, say)
    /// leaves it removing.
    public static func next(after operation: ContainerOperation, from status: ContainerStatus) -> ContainerStatus {
        if status == .removing { return .removing }
        return rules[operation]?.to ?? status
    }
}

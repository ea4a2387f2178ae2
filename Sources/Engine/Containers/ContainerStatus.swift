/// The lifecycle state of a container, as libpod names them.
public enum ContainerStatus: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Created in the store; nothing exists in the runtime.
    case configured
    /// Created in the runtime (runc create under conmon), not started.
    case created
    /// Its process runs.
    case running
    /// Frozen by the cgroup freezer.
    case paused
    /// Stopped by the engine (stop, kill) and cleaned up so it can be initialised again.
    case stopped
    /// Its process ended; the exit code is recorded.
    case exited
    /// Being removed.
    case removing

    /// The state's name.
    public var description: String { rawValue }
}

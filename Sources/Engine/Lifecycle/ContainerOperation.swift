/// What can happen to a container; ``ContainerLifecycle`` says from which states.
public enum ContainerOperation: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Made in the runtime (the seed's Init).
    case initialize = "init"
    /// Its process started (initialised first when needed).
    case start
    /// Stopped by a caller.
    case stop
    /// A signal sent by a caller.
    case kill
    /// Frozen.
    case pause
    /// Thawed.
    case unpause
    /// Stopped when it runs, then started.
    case restart
    /// Runtime state removed after its process ended.
    case cleanup
    /// A command run inside it.
    case exec
    /// Its output followed live and its input fed.
    case attach
    /// Its process ended (nobody asks for this: the runtime reports it).
    case exit
    /// Taken out of the store.
    case remove
    /// Its processes dumped by CRIU (they stop, unless left running).
    case checkpoint
    /// Its processes brought back from a checkpoint.
    case restore

    /// The operation's name in messages.
    public var description: String { rawValue }
}

public import FoundationEssentials

/// Where an exec session is in its life.
public enum ExecSessionState: String, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Made, not started.
    case created
    /// Its process runs.
    case running
    /// Its process ended (its exit code is known).
    case exited

    /// The state's name.
    public var description: String { rawValue }
}

/// A command run in a running container: one-shot (``Engine/execContainer(_:_:)``, recorded while it runs) or an
/// interactive session under conmon (``Engine/createExecSession(_:_:)``), which outlives the engine's process.
public struct ExecSession: Sendable, Hashable, Codable {
    /// Session id (64 hex digits).
    public var id: String
    /// The container's id.
    public var containerID: String
    /// The command.
    public var command: [String]
    /// Whether it has a terminal.
    public var tty: Bool
    /// Whether its standard input is kept open for attachments.
    public var stdin: Bool
    /// `KEY=VALUE` entries added to the container's environment.
    public var environment: [String]
    /// `user[:group]`; the container's user when nil.
    public var user: String?
    /// Working directory; the container's when nil.
    public var workingDirectory: String?
    /// The detach keys of its attachments, as written (nil: the default).
    public var detachKeys: String?
    /// Where it is in its life.
    public var state: ExecSessionState
    /// PID of the process, while it runs.
    public var pid: Int32
    /// Its exit code, once ended.
    public var exitCode: Int32?
    /// When it ended.
    public var endedAt: Date?
    /// Whether it runs under conmon (a session) rather than as a one-shot `runc exec`.
    public var underConmon: Bool

    /// Whether it still runs.
    public var running: Bool { state == .running }

    /// A session from its parts.
    public init(
        id: String, containerID: String, command: [String], tty: Bool = false, stdin: Bool = false,
        environment: [String] = [], user: String? = nil, workingDirectory: String? = nil, detachKeys: String? = nil,
        state: ExecSessionState, pid: Int32 = 0, exitCode: Int32? = nil, endedAt: Date? = nil,
        underConmon: Bool = false
    ) {
        self.id = id
        self.containerID = containerID
        self.command = command
        self.tty = tty
        self.stdin = stdin
        self.environment = environment
        self.user = user
        self.workingDirectory = workingDirectory
        self.detachKeys = detachKeys
        self.state = state
        self.pid = pid
        self.exitCode = exitCode
        self.endedAt = endedAt
        self.underConmon = underConmon
    }
}

/// What to run in a running container (non-interactive).
public struct ExecOptions: Sendable, Hashable {
    /// The argv.
    public var command: [String]
    /// `KEY=VALUE` entries added to the container's environment.
    public var environment: [String]
    /// `user[:group]`; the container's user when nil.
    public var user: String?
    /// Working directory; the container's when nil.
    public var workingDirectory: String?
    /// Bytes fed to the process's stdin (then closed); /dev/null when nil. One-shot exec only.
    public var stdin: [UInt8]?
    /// Whether the process gets a terminal. Sessions only.
    public var tty: Bool
    /// Whether its standard input stays open for attachments. Sessions only.
    public var interactive: Bool
    /// The detach keys of its attachments (nil: ctrl-p,ctrl-q). Sessions only.
    public var detachKeys: String?

    /// Creates exec options.
    public init(
        command: [String], environment: [String] = [], user: String? = nil, workingDirectory: String? = nil,
        stdin: [UInt8]? = nil, tty: Bool = false, interactive: Bool = false, detachKeys: String? = nil
    ) {
        self.command = command
        self.environment = environment
        self.user = user
        self.workingDirectory = workingDirectory
        self.stdin = stdin
        self.tty = tty
        self.interactive = interactive
        self.detachKeys = detachKeys
    }
}

/// How an exec ended and what it printed.
public struct ExecResult: Sendable, Hashable {
    /// The session's id.
    public var sessionID: String
    /// Exit code (126: cannot run, 127: not found, 128+n: killed by signal n).
    public var exitCode: Int32
    /// Everything written to stdout.
    public var stdout: [UInt8]
    /// Everything written to stderr.
    public var stderr: [UInt8]
}

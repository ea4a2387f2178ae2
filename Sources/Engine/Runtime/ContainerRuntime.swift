/// The OCI runtime under the engine, with the monitor that parents each container's process: what the engine asks
/// of runc and conmon, and all it asks of them for a container's lifecycle.
///
/// ``RuncRuntime`` is the implementation the service uses. Its contract, which any other must keep: a created
/// container's process is parented by a monitor that outlives the engine process, and when the process ends the
/// monitor writes its exit code, as decimal text, to the file named after the container in
/// ``RuntimeCreateRequest/exitDirectory``. That file is the only exit signal the engine reads.
public protocol ContainerRuntime: Sendable {
    /// The runtime's name, as inspect and GetInfo report it (`runc`).
    var name: String { get }

    /// Creates the container from its bundle under a new monitor, ready to start (or, with
    /// ``RuntimeCreateRequest/restore``, already running from a checkpoint).
    func create(_ request: RuntimeCreateRequest) async throws(EngineError) -> RuntimeProcess

    /// Starts a created container's process.
    func start(_ id: String) async throws(EngineError)

    /// Sends `signal` to the container's process, or with `all` to every process in it.
    func kill(_ id: String, signal: Int32, all: Bool) async throws(EngineError)

    /// Freezes every process of the container.
    func pause(_ id: String) async throws(EngineError)

    /// Thaws a paused container.
    func resume(_ id: String) async throws(EngineError)

    /// The container's state as the runtime knows it, or nil when it does not know the container.
    func state(_ id: String) async throws(EngineError) -> RuntimeState?

    /// Forgets the container (killing what is left of it); a container it does not know is fine.
    func delete(_ id: String) async throws(EngineError)
}

extension ContainerRuntime {
    /// Sends `signal` to the container's process.
    func kill(_ id: String, signal: Int32) async throws(EngineError) {
        try await kill(id, signal: signal, all: false)
    }
}

/// What ``ContainerRuntime/create(_:)`` makes a container from.
public struct RuntimeCreateRequest: Sendable {
    /// The container's id.
    public var id: String
    /// Its name, for the monitor's messages.
    public var name: String
    /// The OCI bundle (its `config.json` written).
    public var bundle: String
    /// Where the runtime writes the process's pid.
    public var pidFile: String
    /// Where the monitor writes its own pid.
    public var monitorPidFile: String
    /// The log the monitor writes the process's output to (k8s-file format).
    public var logPath: String
    /// Where the monitor writes the exit code (a file named after `id`).
    public var exitDirectory: String
    /// Whether the process gets a terminal.
    public var tty: Bool
    /// Whether its standard input is kept open for attachments.
    public var stdin: Bool
    /// The CRIU images to restore from instead of starting afresh, with whether established TCP connections are
    /// restored too.
    public var restore: (images: String, tcpEstablished: Bool)?
    /// The command the process runs (informational for runc, which reads the bundle; used by fakes).
    public var command: [String]
}

/// The process a runtime created.
public struct RuntimeProcess: Sendable, Hashable {
    /// The container's process.
    public var pid: Int32
    /// Its monitor (conmon); 0 when unknown.
    public var monitorPID: Int32

    /// Creates a process description.
    public init(pid: Int32, monitorPID: Int32) {
        self.pid = pid
        self.monitorPID = monitorPID
    }
}

/// A container as the runtime reports it.
public struct RuntimeState: Sendable, Hashable, Decodable {
    /// `created`, `running`, `paused` or `stopped`.
    public var status: String
    /// The process's pid, when it has one.
    public var pid: Int32?

    /// Creates a state.
    public init(status: String, pid: Int32? = nil) {
        self.status = status
        self.pid = pid
    }
}

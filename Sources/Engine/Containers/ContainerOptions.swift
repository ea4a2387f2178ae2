/// The network a container joins.
public enum NetworkMode: String, Sendable, Hashable, Codable {
    /// A network namespace of its own, with only loopback up.
    case none
    /// The host's network namespace.
    case host
    /// A network namespace of its own on bridge networks (netavark).
    case bridge
}

/// A host path bound into a container.
public struct BindMount: Sendable, Hashable, Codable {
    /// Path on the host.
    public var source: String
    /// Path in the container.
    public var destination: String
    /// Whether the container sees it read-only.
    public var readOnly: Bool

    /// Creates a bind mount.
    public init(source: String, destination: String, readOnly: Bool = false) {
        self.source = source
        self.destination = destination
        self.readOnly = readOnly
    }
}

/// Resource limits of a container.
public struct ResourceLimits: Sendable, Hashable, Codable {
    /// Memory limit in bytes.
    public var memoryBytes: Int64?
    /// Maximum number of processes.
    public var pids: Int64?
    /// CPU share as a number of CPUs (1.5 = one and a half), turned into quota/period.
    public var cpus: Double?

    /// Creates limits; nil means none.
    public init(memoryBytes: Int64? = nil, pids: Int64? = nil, cpus: Double? = nil) {
        self.memoryBytes = memoryBytes
        self.pids = pids
        self.cpus = cpus
    }
}

/// What to create a container from: an image and overrides of its config.
public struct ContainerCreateOptions: Sendable, Hashable {
    /// Image name, `name:tag`, id or id prefix.
    public var image: String
    /// Unique name; generated when nil.
    public var name: String?
    /// Replaces the image's `Cmd`.
    public var command: [String]?
    /// Replaces the image's `Entrypoint`.
    public var entrypoint: [String]?
    /// `KEY=VALUE` entries added to (and overriding) the image's environment.
    public var environment: [String]
    /// Replaces the image's working directory.
    public var workingDirectory: String?
    /// `user[:group]` (names or numbers) replacing the image's user.
    public var user: String?
    /// Labels added to the image's.
    public var labels: [String: String]
    /// Hostname; the short id when nil.
    public var hostname: String?
    /// Whether the container gets a terminal.
    public var tty: Bool
    /// Whether stdin is kept open.
    public var stdin: Bool
    /// The network.
    public var network: NetworkMode
    /// With `bridge`, the networks to join (the default network when empty), in the order of their interfaces.
    public var networks: [NetworkJoin] = []
    /// With `bridge`, the ports to publish.
    public var ports: [PortMapping] = []
    /// Host paths bound in.
    public var mounts: [BindMount]
    /// Memory, pids and CPU limits.
    public var limits: ResourceLimits
    /// Signal that Stop sends first (1 to 64); the image's or SIGTERM when nil.
    public var stopSignal: Int?
    /// Seconds Stop waits before SIGKILL (0 to a day); 10 when nil.
    public var stopTimeout: Int?
    /// Whether the root filesystem is read-only.
    public var readOnlyRootfs: Bool
    /// Containers (names or ids) that must run before this one starts.
    public var dependencies: [String]
    /// The restart policy as `--restart` writes it (`no`, `on-failure[:N]`, `always`, `unless-stopped`).
    public var restartPolicy: String?
    /// The seccomp profile: nil for the default, `unconfined` for none, or the path of a profile on the host.
    public var seccompProfile: String?
    /// Whether its processes may never gain privileges.
    public var noNewPrivileges: Bool

    /// Creates options for `image` with everything else taken from the image.
    public init(
        image: String, name: String? = nil, command: [String]? = nil, entrypoint: [String]? = nil,
        environment: [String] = [], workingDirectory: String? = nil, user: String? = nil,
        labels: [String: String] = [:], hostname: String? = nil, tty: Bool = false, stdin: Bool = false,
        network: NetworkMode = .none, mounts: [BindMount] = [], limits: ResourceLimits = ResourceLimits(),
        stopSignal: Int? = nil, stopTimeout: Int? = nil, readOnlyRootfs: Bool = false,
        dependencies: [String] = [], restartPolicy: String? = nil, seccompProfile: String? = nil,
        noNewPrivileges: Bool = false
    ) {
        self.seccompProfile = seccompProfile
        self.noNewPrivileges = noNewPrivileges
        self.restartPolicy = restartPolicy
        self.image = image
        self.name = name
        self.command = command
        self.entrypoint = entrypoint
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.user = user
        self.labels = labels
        self.hostname = hostname
        self.tty = tty
        self.stdin = stdin
        self.network = network
        self.mounts = mounts
        self.limits = limits
        self.stopSignal = stopSignal
        self.stopTimeout = stopTimeout
        self.readOnlyRootfs = readOnlyRootfs
        self.dependencies = dependencies
    }
}

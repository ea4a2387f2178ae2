public import FoundationEssentials

/// A container's configuration, fixed at create time and stored.
public struct ContainerConfig: Sendable, Hashable, Codable {
    /// 64 hex digits.
    public var id: String
    /// Unique name.
    public var name: String
    /// The image's id.
    public var imageID: String
    /// The image as the caller named it.
    public var imageName: String
    /// The full argv of the process (entrypoint + command).
    public var command: [String]
    /// `KEY=VALUE` environment.
    public var environment: [String]
    /// Working directory in the container.
    public var workingDirectory: String
    /// `user[:group]` as given (empty: root).
    public var user: String
    /// Labels.
    public var labels: [String: String]
    /// Hostname.
    public var hostname: String
    /// Whether it has a terminal.
    public var tty: Bool
    /// Whether stdin is kept open.
    public var stdin: Bool
    /// Network mode.
    public var network: NetworkMode
    /// Bind mounts.
    public var mounts: [BindMount]
    /// Resource limits.
    public var limits: ResourceLimits
    /// Signal Stop sends first.
    public var stopSignal: Int32
    /// Seconds Stop waits before SIGKILL.
    public var stopTimeout: UInt32
    /// Read-only root filesystem.
    public var readOnlyRootfs: Bool
    /// Ids of the containers this one depends on.
    public var dependencies: [String]
    /// When it was created.
    public var createdAt: Date
    /// What happens when its process ends (nil: `no`; containers stored before policies existed have none).
    public var restartPolicy: RestartPolicy?
    /// The seccomp profile: nil for the engine's default (containers-common's), `unconfined` for none, else the
    /// path of a profile in that format on the engine's host.
    public var seccompProfile: String?
    /// Whether its processes may never gain privileges (setuid, file capabilities): `no_new_privs`.
    public var noNewPrivileges: Bool?
    /// The bridge networks it joins, in the order of its interfaces (eth0 first); nil without bridge.
    public var networks: [NetworkJoin]? = nil
    /// The ports it publishes (bridge only).
    public var ports: [PortMapping]? = nil
}

/// How a container's root filesystem is made.
public enum RootfsKind: String, Sendable, Hashable, Codable {
    /// Kernel overlayfs over the image's layers.
    case overlay
    /// A copy of the layers (where overlay cannot mount).
    case copy
}

/// Everything known about one container, served from the store.
public struct ContainerInspect: Sendable, Hashable, Codable {
    /// The configuration.
    public var config: ContainerConfig
    /// The state.
    public var state: ContainerState
    /// Path of its k8s-file log.
    public var logPath: String
    /// Its OCI bundle directory.
    public var bundlePath: String
    /// The OCI runtime's name (`runc`).
    public var runtime: String
    /// Names of the containers it depends on.
    public var dependencyNames: [String]
    /// Exec sessions recorded for it.
    public var execSessions: [ExecSession]
}

/// A line of a container's list: what ListContainers shows.
public struct ContainerSummary: Sendable, Hashable, Codable {
    /// Id.
    public var id: String
    /// Name.
    public var name: String
    /// Image as named at create.
    public var image: String
    /// Command.
    public var command: [String]
    /// State.
    public var status: ContainerStatus
    /// Exit code of the last run.
    public var exitCode: Int32?
    /// Created at.
    public var createdAt: Date
    /// Labels.
    public var labels: [String: String]
    /// Its published ports, with the host ports in use while its network is set up (as asked otherwise).
    public var ports: [PortMapping]
}

public import FoundationEssentials

/// A container's mutable state, stored and kept in line with the runtime.
public struct ContainerState: Sendable, Hashable, Codable {
    /// Lifecycle state.
    public var status: ContainerStatus = .configured
    /// PID of its process on the host while it runs (0 otherwise).
    public var pid: Int32 = 0
    /// PID of its conmon (0 when none).
    public var conmonPID: Int32 = 0
    /// Exit code of its last run.
    public var exitCode: Int32?
    /// Whether the last run ended by the OOM killer.
    public var oomKilled: Bool = false
    /// When it last started.
    public var startedAt: Date?
    /// When its last run ended.
    public var finishedAt: Date?
    /// Where its root filesystem is mounted (empty when not mounted).
    public var mountPoint: String = ""
    /// How many Mount calls hold the root filesystem (the runtime's use counts as one).
    public var mountCount: Int = 0
    /// How the root filesystem was made, once mounted.
    public var rootfsKind: RootfsKind?
    /// Times it was started again: by a caller's Restart or by its restart policy.
    public var restartCount: Int = 0
    /// Whether the runtime holds the container (created under runc).
    public var inRuntime: Bool = false
    /// Whether a caller stopped or killed it: its restart policy then leaves it alone until a caller starts it.
    public var stoppedByUser: Bool = false
    /// Restarts by the policy since a caller last started it (what `on-failure:N` counts).
    public var policyRestarts: Int = 0
    /// The delay before the last restart by the policy, in milliseconds (it doubles while runs stay short).
    public var restartDelayMilliseconds: Int = 0
    /// Whether its process was checkpointed (CRIU images kept) and can be restored.
    public var checkpointed: Bool = false
    /// When it was last checkpointed.
    public var checkpointedAt: Date?
    /// Where its last checkpoint's CRIU images are (empty when none are kept).
    public var checkpointPath: String = ""
    /// Whether the checkpoint's images outlive a restore (the checkpoint's `keep`).
    public var keepsCheckpoint: Bool = false

    /// The network namespace netavark set up (a bind mount under `/run/netns`); empty when none is set up.
    public var networkNamespace: String = ""
    /// Where it is on each network, while its network is set up.
    public var networks: [NetworkStatus] = []
    /// Its published ports with the host ports chosen, while its network is set up.
    public var ports: [PortMapping] = []

    /// A state of a container never initialised.
    public init() {}

    private enum CodingKeys: String, CodingKey {
        case status, pid, conmonPID, exitCode, oomKilled, startedAt, finishedAt, mountPoint, mountCount, rootfsKind
        case restartCount, inRuntime, stoppedByUser, policyRestarts, restartDelayMilliseconds
        case checkpointed, checkpointedAt, checkpointPath, keepsCheckpoint
        case networkNamespace, networks, ports
    }

    /// Decodes a stored state; members an older version did not store take their defaults.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        status = try values.decode(ContainerStatus.self, forKey: .status)
        pid = try values.decodeIfPresent(Int32.self, forKey: .pid) ?? 0
        conmonPID = try values.decodeIfPresent(Int32.self, forKey: .conmonPID) ?? 0
        exitCode = try values.decodeIfPresent(Int32.self, forKey: .exitCode)
        oomKilled = try values.decodeIfPresent(Bool.self, forKey: .oomKilled) ?? false
        startedAt = try values.decodeIfPresent(Date.self, forKey: .startedAt)
        finishedAt = try values.decodeIfPresent(Date.self, forKey: .finishedAt)
        mountPoint = try values.decodeIfPresent(String.self, forKey: .mountPoint) ?? ""
        mountCount = try values.decodeIfPresent(Int.self, forKey: .mountCount) ?? 0
        rootfsKind = try values.decodeIfPresent(RootfsKind.self, forKey: .rootfsKind)
        restartCount = try values.decodeIfPresent(Int.self, forKey: .restartCount) ?? 0
        inRuntime = try values.decodeIfPresent(Bool.self, forKey: .inRuntime) ?? false
        stoppedByUser = try values.decodeIfPresent(Bool.self, forKey: .stoppedByUser) ?? false
        policyRestarts = try values.decodeIfPresent(Int.self, forKey: .policyRestarts) ?? 0
        restartDelayMilliseconds = try values.decodeIfPresent(Int.self, forKey: .restartDelayMilliseconds) ?? 0
        checkpointed = try values.decodeIfPresent(Bool.self, forKey: .checkpointed) ?? false
        checkpointedAt = try values.decodeIfPresent(Date.self, forKey: .checkpointedAt)
        checkpointPath = try values.decodeIfPresent(String.self, forKey: .checkpointPath) ?? ""
        keepsCheckpoint = try values.decodeIfPresent(Bool.self, forKey: .keepsCheckpoint) ?? false
        networkNamespace = try values.decodeIfPresent(String.self, forKey: .networkNamespace) ?? ""
        networks = try values.decodeIfPresent([NetworkStatus].self, forKey: .networks) ?? []
        ports = try values.decodeIfPresent([PortMapping].self, forKey: .ports) ?? []
    }
}

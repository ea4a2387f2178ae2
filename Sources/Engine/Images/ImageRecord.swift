public import FoundationEssentials

/// The runtime part of an image config (OCI `config`).
public struct ImageRunConfig: Sendable, Hashable, Codable {
    /// Default command.
    public var cmd: [String]?
    /// Entrypoint.
    public var entrypoint: [String]?
    /// `KEY=VALUE` environment.
    public var env: [String]?
    /// Working directory.
    public var workingDir: String?
    /// User.
    public var user: String?
    /// Labels.
    public var labels: [String: String]?
    /// Stop signal name (`SIGTERM`).
    public var stopSignal: String?

    enum CodingKeys: String, CodingKey {
        case cmd = "Cmd", entrypoint = "Entrypoint", env = "Env", workingDir = "WorkingDir", user = "User"
        case labels = "Labels", stopSignal = "StopSignal"
    }

    /// Creates a config.
    public init(
        cmd: [String]? = nil, entrypoint: [String]? = nil, env: [String]? = nil, workingDir: String? = nil,
        user: String? = nil, labels: [String: String]? = nil, stopSignal: String? = nil
    ) {
        self.cmd = cmd
        self.entrypoint = entrypoint
        self.env = env
        self.workingDir = workingDir
        self.user = user
        self.labels = labels
        self.stopSignal = stopSignal
    }
}

/// An image in the store.
public struct ImageRecord: Sendable, Hashable, Codable {
    /// The config's digest hex (64 digits): the image id.
    public var id: String
    /// Digest of the manifest it was loaded from, when any.
    public var manifestDigest: String?
    /// Names (`name:tag`).
    public var names: [String]
    /// When the image was created (from its config).
    public var created: Date?
    /// Uncompressed size of its layers in bytes.
    public var size: Int64
    /// Layer diff ids (`sha256:...`), bottom first.
    public var layers: [String]
    /// The run config.
    public var config: ImageRunConfig
    /// Architecture and OS from the config.
    public var architecture: String
    /// Operating system.
    public var os: String
}

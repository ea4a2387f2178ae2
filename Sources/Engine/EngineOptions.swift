internal import Glibc
public import Logging

/// Where the engine keeps its state and which programs it runs.
public struct EngineOptions: Sendable {
    /// Persistent storage: database, layers, containers (`/var/lib/podlink`).
    public var storageRoot: String
    /// Run state that a reboot clears: runc's root, exit files, locks, the boot marker (`/run/podlink/engine`).
    public var runRoot: String
    /// The OCI runtime binary.
    public var runtimePath: String
    /// The conmon binary.
    public var conmonPath: String
    /// Make this process a child subreaper so orphaned conmons are reaped at once.
    public var subreaper: Bool
    /// Try kernel overlayfs before the copy fallback.
    public var useOverlay: Bool
    /// Logger.
    public var logger: Logger
    /// The program (and its first arguments) conmon runs when a container's process ends, with the container's id
    /// appended; it records the exit in the store while no engine process watches (the service's own cleanup mode).
    public var exitCommand: [String]?
    /// How long one of the runtime's control commands (state, start, kill, pause, resume, delete) may take.
    public var runtimeTimeout: Duration = .seconds(60)
    /// containers-common's seccomp profile, every container's default filter.
    public var seccompProfilePath: String = SeccompProfile.defaultPath
    /// CRIU, for checkpoint and restore (runc's `--criu`): the wrapper `scripts/install-criu.sh` installs when it
    /// is there, else the system's.
    public var criuPath: String = EngineOptions.defaultCRIU
    /// The CRIU the engine finds by itself.
    public static var defaultCRIU: String {
        for path in ["/usr/local/lib/podlink/criu", "/usr/sbin/criu"] where access(path, X_OK) == 0 { return path }
        return "/usr/sbin/criu"
    }
    /// The most bytes a container's log file holds: conmon starts it again from empty when it would grow past
    /// this (Podman's `log_size_max`), so a chatty container cannot fill the disk. Nil: no limit.
    public var logSizeMax: Int? = 64 << 20
    /// netavark, which sets up bridge networks (Debian's `netavark` package puts it beside Podman's helpers).
    public var netavarkPath: String = "/usr/lib/podman/netavark"
    /// aardvark-dns, which netavark runs for networks with name resolution.
    public var aardvarkPath: String = "/usr/lib/podman/aardvark-dns"
    /// Where bridge networks' subnets come from: the default network takes its first /24, created networks the
    /// next free ones.
    public var networkPool: IPv4Subnet = IPv4Subnet("10.90.0.0/16")!
    /// The bridge interfaces' names: this, then a number (`podlink0` for the default network).
    public var bridgePrefix: String = "podlink"
    /// Whether this engine records exits as they happen, cleans up and applies restart policies: the service's
    /// engine does; one opened to handle a single exit does not.
    public var handlesExits: Bool
    /// Whether the engine only opens storage a service set up, and changes nothing of it but containers' state:
    /// it creates no directory, sweeps nothing, makes no network and refreshes nothing. Storage that is missing,
    /// or not set up since the boot, is refused. conmon's exit command opens its engine so: a container that ends
    /// while its storage is being removed must not make that storage again.
    public var opensExistingOnly = false
    /// How the engine reaches registries: skopeo, registries.conf, certificates and credentials.
    public var registries = RegistryOptions()
    /// The command (argv, the task's arguments appended) of the process that packs and unpacks copies inside a
    /// container's root (podlinkd's `--archive-helper`); copies are refused without it.
    public var archiveHelper: [String]?

    /// Creates options; defaults are the system paths.
    public init(
        storageRoot: String = "/var/lib/podlink", runRoot: String = "/run/podlink/engine",
        runtimePath: String = "/usr/bin/runc", conmonPath: String = "/usr/bin/conmon", subreaper: Bool = true,
        useOverlay: Bool = true, logger: Logger = Logger(label: "podlink.engine"), exitCommand: [String]? = nil,
        handlesExits: Bool = true
    ) {
        self.exitCommand = exitCommand
        self.handlesExits = handlesExits
        self.storageRoot = storageRoot
        self.runRoot = runRoot
        self.runtimePath = runtimePath
        self.conmonPath = conmonPath
        self.subreaper = subreaper
        self.useOverlay = useOverlay
        self.logger = logger
    }

    /// The runtime's name (last path component).
    public var runtimeName: String { String(runtimePath.split(separator: "/").last ?? "runc") }
}

internal import CSpawn
internal import FoundationEssentials
internal import Glibc

/// The OCI runtime `config.json` the engine writes for runc, Podman's defaults applied.
struct OCISpec: Encodable {
    struct User: Encodable {
        var uid: UInt32
        var gid: UInt32
        var additionalGids: [UInt32]?
    }

    struct Capabilities: Encodable {
        var bounding: [String]
        var effective: [String]
        var permitted: [String]
    }

    struct Rlimit: Encodable {
        var type: String
        var hard: UInt64
        var soft: UInt64
    }

    struct ConsoleSize: Encodable {
        var height: Int
        var width: Int
    }

    struct Process: Encodable {
        var terminal: Bool
        /// The terminal's size from its start (a resize sent after the start races with the process).
        var consoleSize: ConsoleSize?
        var user: User
        var args: [String]
        var env: [String]
        var cwd: String
        var capabilities: Capabilities
        var rlimits: [Rlimit]
        var noNewPrivileges: Bool
    }

    struct Root: Encodable {
        var path: String
        var readonly: Bool
    }

    struct Mount: Encodable {
        var destination: String
        var type: String
        var source: String
        var options: [String]
    }

    struct Namespace: Encodable {
        var type: String
        /// A namespace to join instead of a new one.
        var path: String? = nil
    }

    struct Device: Encodable {
        var allow: Bool
        var access: String
    }

    struct Memory: Encodable {
        var limit: Int64
    }

    struct Pids: Encodable {
        var limit: Int64
    }

    struct CPU: Encodable {
        var quota: Int64
        var period: UInt64
    }

    struct Resources: Encodable {
        var devices: [Device]
        var memory: Memory?
        var pids: Pids?
        var cpu: CPU?
    }

    struct Linux: Encodable {
        var namespaces: [Namespace]
        var resources: Resources
        var cgroupsPath: String
        var maskedPaths: [String]
        var readonlyPaths: [String]
        var seccomp: OCISeccomp?
    }

    var ociVersion = "1.0.2-dev"
    var process: Process
    var root: Root
    var hostname: String
    var mounts: [Mount]
    var linux: Linux

    /// Podman's default capabilities (never CAP_SYS_RESOURCE, which this machine's bounding set lacks).
    static let defaultCapabilities = [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_NET_BIND_SERVICE",
        "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT",
    ]

    /// Podman's masked paths.
    static let maskedPaths = [
        "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
        "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/fs/selinux", "/sys/dev/block",
    ]

    /// Podman's read-only paths.
    static let readonlyPaths = [
        "/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
    ]

    /// `wanted`, clamped so that neither soft nor hard exceeds this process's hard limit.
    static func clampedRlimit(_ name: String, _ resource: Int32, wanted: UInt64) -> Rlimit {
        let value = min(wanted, cspawn_hard_limit(resource, wanted))
        return Rlimit(type: name, hard: value, soft: value)
    }

    /// The spec for a container whose root filesystem is at `rootfs`, running as `user`.
    /// `seccomp` is the filter the process runs under (nil: none, when the container asked for `unconfined`).
    static func make(
        config: ContainerConfig, rootfs: String, user: User, bundle: String, seccomp: OCISeccomp? = nil,
        networkNamespace: String? = nil
    ) -> OCISpec {
        let capabilities = Capabilities(
            bounding: defaultCapabilities, effective: defaultCapabilities, permitted: defaultCapabilities)
        var env = config.environment
        if config.tty && !env.contains(where: { $0.hasPrefix("TERM=") }) { env.append("TERM=xterm") }
        if !env.contains(where: { $0.hasPrefix("HOSTNAME=") }) { env.append("HOSTNAME=" + config.hostname) }
        let process = Process(
            terminal: config.tty, consoleSize: nil, user: user, args: config.command, env: env,
            cwd: config.workingDirectory.isEmpty ? "/" : config.workingDirectory, capabilities: capabilities,
            rlimits: [
                clampedRlimit("RLIMIT_NOFILE", 7, wanted: 1_048_576),
                clampedRlimit("RLIMIT_NPROC", 6, wanted: 4_194_304),
            ],
            noNewPrivileges: config.noNewPrivileges ?? false)
        var mounts = [
            Mount(destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"]),
            Mount(
                destination: "/dev", type: "tmpfs", source: "tmpfs",
                options: ["nosuid", "strictatime", "mode=755", "size=65536k"]),
            Mount(
                destination: "/dev/pts", type: "devpts", source: "devpts",
                options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]),
            Mount(
                destination: "/dev/shm", type: "tmpfs", source: "shm",
                options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
            Mount(
                destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"]),
            Mount(destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"]),
            Mount(
                destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
                options: ["nosuid", "noexec", "nodev", "relatime", "ro"]),
        ]
        for (file, destination) in [
            ("hostname", "/etc/hostname"), ("hosts", "/etc/hosts"), ("resolv.conf", "/etc/resolv.conf"),
        ]
        where !config.mounts.contains(where: { $0.destination == destination }) {
            mounts.append(
                Mount(
                    destination: destination, type: "bind", source: bundle + "/" + file,
                    options: ["rbind", "rprivate", "rw"]))
        }
        for bind in config.mounts {
            mounts.append(
                Mount(
                    destination: bind.destination, type: "bind", source: bind.source,
                    options: ["rbind", bind.readOnly ? "ro" : "rw"]))
        }
        var namespaces = ["pid", "ipc", "uts", "mount"].map { Namespace(type: $0) }
        switch config.network {
        case .none: namespaces.append(Namespace(type: "network"))
        case .bridge: namespaces.append(Namespace(type: "network", path: networkNamespace))
        case .host: break
        }
        var resources = Resources(devices: [Device(allow: false, access: "rwm")])
        if let memory = config.limits.memoryBytes { resources.memory = Memory(limit: memory) }
        if let pids = config.limits.pids { resources.pids = Pids(limit: pids) }
        if let cpus = config.limits.cpus { resources.cpu = CPU(quota: Int64(cpus * 100_000), period: 100_000) }
        let linux = Linux(
            namespaces: namespaces, resources: resources, cgroupsPath: "/podlink/" + config.id,
            maskedPaths: maskedPaths, readonlyPaths: readonlyPaths, seccomp: seccomp)
        return OCISpec(
            process: process, root: Root(path: rootfs, readonly: config.readOnlyRootfs), hostname: config.hostname,
            mounts: mounts, linux: linux)
    }

    /// Writes the files bound to /etc/hostname, /etc/hosts and /etc/resolv.conf into the bundle.
    /// On bridge networks the container's own addresses name it, and aardvark-dns (the networks' gateways) resolves
    /// its neighbours' names, searched under `dns.podman` as Podman does.
    static func writeNetworkFiles(
        config: ContainerConfig, bundle: String, networks: [NetworkStatus] = [], nameservers: [String] = []
    ) throws(EngineError) {
        try FileSystem.write(bundle + "/hostname", config.hostname + "\n")
        var hosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
        if networks.isEmpty { hosts += "127.0.1.1\t\(config.hostname)\n" }
        for network in networks { hosts += "\(network.ip)\t\(config.hostname) \(config.name)\n" }
        if config.network == .host, let host = FileSystem.readText("/etc/hosts") { hosts = host + hosts }
        try FileSystem.write(bundle + "/hosts", hosts)
        var resolv = FileSystem.readText("/etc/resolv.conf") ?? ""
        if !nameservers.isEmpty {
            resolv = "search dns.podman\n" + nameservers.map { "nameserver \($0)\n" }.joined()
        }
        try FileSystem.write(bundle + "/resolv.conf", resolv)
    }

    /// The size past which a container's /etc/passwd or /etc/group is refused.
    static let accountFileLimit = 4 << 20

    /// A container's account file (`etc/passwd`, `etc/group`), opened inside its root (its links cannot lead to
    /// the host's files), regular files only and size-capped; empty when it has none.
    static func accountFile(_ name: String, rootfs: String) throws(EngineError) -> String {
        do {
            let bytes = try SafeFile.read(name, beneath: rootfs, .inRoot, limit: accountFileLimit)
            return String(decoding: bytes, as: UTF8.self)
        } catch  where error.code == .internalError {
            return ""
        }
    }

    /// Resolves `user[:group]` (names or numbers) against the root filesystem's /etc/passwd and /etc/group.
    static func resolveUser(_ spec: String, rootfs: String) throws(EngineError) -> User {
        if spec.isEmpty { return User(uid: 0, gid: 0) }
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        let passwd = try accountFile("etc/passwd", rootfs: rootfs)
        var uid: UInt32
        var gid: UInt32 = 0
        if let number = UInt32(parts[0]) {
            uid = number
            if let line = passwd.split(separator: "\n").first(where: {
                $0.split(separator: ":", omittingEmptySubsequences: false).dropFirst(2).first == Substring(parts[0])
            }) {
                gid = UInt32(line.split(separator: ":", omittingEmptySubsequences: false)[3]) ?? 0
            }
        } else {
            guard let line = passwd.split(separator: "\n").first(where: { $0.hasPrefix(parts[0] + ":") }) else {
                throw .invalidArgument("user", "no user \(parts[0]) in the container's /etc/passwd")
            }
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            uid = UInt32(fields.count > 2 ? fields[2] : "") ?? 0
            gid = UInt32(fields.count > 3 ? fields[3] : "") ?? 0
        }
        if parts.count == 2 {
            if let number = UInt32(parts[1]) {
                gid = number
            } else {
                let group = try accountFile("etc/group", rootfs: rootfs)
                guard let line = group.split(separator: "\n").first(where: { $0.hasPrefix(parts[1] + ":") }) else {
                    throw .invalidArgument("user", "no group \(parts[1]) in the container's /etc/group")
                }
                let fields = line.split(separator: ":", omittingEmptySubsequences: false)
                gid = UInt32(fields.count > 2 ? fields[2] : "") ?? 0
            }
        }
        return User(uid: uid, gid: gid)
    }

    /// The JSON bytes.
    func encoded() throws(EngineError) -> [UInt8] { try Self.encode(self) }

    /// The JSON bytes of the spec or a part of it (an exec session's process).
    static func encode(_ value: some Encodable) throws(EngineError) -> [UInt8] {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            return Array(try encoder.encode(value))
        } catch {
            throw .internalError("encode the runtime spec: \(error)")
        }
    }
}

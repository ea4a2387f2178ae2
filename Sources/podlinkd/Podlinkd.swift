import ArgumentParser
import Engine
import Logging
import PodlinkAPI
import PodlinkService
import Varlink
import VarlinkNIO
import VarlinkSystemd

#if canImport(Glibc)
import Glibc
#endif

/// `podlinkd`: serves io.podlink over varlink, socket-activated by systemd or on its own address.
@main
struct Podlinkd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "podlinkd", abstract: "Serve Podlink's container engine (io.podlink) over varlink.",
        discussion: """
            Under systemd, io.podlink.socket passes the listening socket and podlinkd exits after --timeout seconds \
            without a connection; containers keep running under conmon. Without socket activation it listens on \
            --address. --bridge serves one connection on standard input and output (`ssh host podlinkd --bridge`).
            """)

    @Option(help: "The address to listen on when not socket-activated.")
    var address = "unix:/run/podlink/io.podlink"
    @Option(
        help: ArgumentHelp(
            "The varlink registry directory that gets a link named io.podlink to the socket (empty: none).",
            valueName: "directory"))
    var registry = "/run/varlink/registry"
    @Option(help: "Exit after this many seconds without a connection (0: never).")
    var timeout = 60
    @Flag(help: "Serve one connection over standard input and output.")
    var bridge = false
    @Option(help: "Members of this group may call too (besides root).")
    var group: String?
    @Option(
        help:
            "A configuration file of KEY=VALUE lines (group, storage_root, run_root, runtime, conmon, network_pool, bridge_prefix, log_size_max, registries_conf, certs_dir, authfile)."
    )
    var config = "/etc/podlink/podlinkd.conf"
    @Option(help: "Where images and containers are stored.")
    var storageRoot: String?
    @Option(help: "Where run state lives (cleared at boot).")
    var runRoot: String?
    @Option(help: "The OCI runtime.")
    var runtime: String?
    @Option(help: "conmon.")
    var conmon: String?
    @Option(
        help:
            "Where bridge networks' subnets come from (default 10.90.0.0/16; the default network takes its first /24).")
    var networkPool: String?
    @Option(help: "The start of bridge interfaces' names (default podlink: podlink0 for the default network).")
    var bridgePrefix: String?
    @Option(
        help: ArgumentHelp(
            "registries.conf: unqualified-search registries, mirrors, insecure and blocked ones (default $CONTAINERS_REGISTRIES_CONF, else /etc/containers/registries.conf).",
            valueName: "file"))
    var registriesConf: String?
    @Option(
        help: ArgumentHelp(
            "Per-registry certificates, as HOST[:PORT]/ca.crt (default /etc/containers/certs.d).",
            valueName: "directory"))
    var certsDir: String?
    @Option(
        help: ArgumentHelp(
            "The auth file logins write and pulls read (default $REGISTRY_AUTH_FILE, else Podman's).",
            valueName: "file"))
    var authfile: String?
    @Flag(help: "Log debug messages.")
    var debug = false
    @Flag(
        help: """
            Allow an abstract (unix:@name) or TCP address. Every process that reaches such a socket can run \
            containers as root: an abstract socket is reachable from any process in the network namespace \
            (host-network containers included) and TCP peers carry no credentials at all.
            """)
    var insecureListener = false
    @Option(help: .hidden)
    var containerExited: String?

    /// The archive helper's mode first (no engine, no options), then the service's.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == ArchiveHelper.option { ArchiveHelper.run(Array(arguments.dropFirst())) }
        await main(nil)
    }

    /// The configuration file's settings. It names programs run as root, so it must be root's and writable by
    /// no one else; a file that is not is refused.
    func settings() throws -> [String: String] {
        guard let file = fopen(config, "re") else { return [:] }
        defer { fclose(file) }
        var info = stat()
        guard fstat(fileno(file), &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_uid == 0,
            info.st_mode & 0o022 == 0
        else {
            throw PodlinkdError(
                description: "\(config) must be a regular file owned by root and writable by no one else")
        }
        var result: [String: String] = [:]
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        while getline(&line, &capacity, file) > 0, let line {
            let text = Self.trimmed(String(cString: line))
            if text.isEmpty || text.hasPrefix("#") { continue }
            let parts = text.split(separator: "=", maxSplits: 1).map { Self.trimmed(String($0)) }
            if parts.count == 2 { result[parts[0]] = parts[1] }
        }
        free(line)
        return result
    }

    func run() async throws {
        let level: Logger.Level = debug ? .debug : .info
        LoggingSystem.bootstrap { label in
            var handler = JournalLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "podlinkd")
        let file = try settings()
        let storageRoot = storageRoot ?? file["storage_root"] ?? "/var/lib/podlink"
        let runRoot = runRoot ?? file["run_root"] ?? "/run/podlink/engine"
        let runtime = runtime ?? file["runtime"] ?? "/usr/bin/runc"
        let conmon = conmon ?? file["conmon"] ?? "/usr/bin/conmon"
        let pool = networkPool ?? file["network_pool"]
        let prefix = bridgePrefix ?? file["bridge_prefix"]
        var networkArguments: [String] = []
        if let pool { networkArguments += ["--network-pool", pool] }
        if let prefix { networkArguments += ["--bridge-prefix", prefix] }
        var options = EngineOptions(
            storageRoot: storageRoot, runRoot: runRoot, runtimePath: runtime, conmonPath: conmon,
            logger: Logger(label: "podlink.engine"),
            exitCommand: ExitCleanup.command(
                storageRoot: storageRoot, runRoot: runRoot, runtime: runtime, conmon: conmon, address: address,
                config: config, extra: networkArguments))
        options.archiveHelper = ArchiveHelper.command()
        if let pool {
            guard let subnet = IPv4Subnet(pool), subnet.prefixLength <= 24 else {
                throw ValidationError("--network-pool must be an IPv4 subnet of /24 or larger, such as 10.90.0.0/16")
            }
            options.networkPool = subnet
        }
        if let prefix {
            guard !prefix.isEmpty, prefix.count <= 10, prefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
            else { throw ValidationError("--bridge-prefix must be 1 to 10 letters or digits") }
            options.bridgePrefix = prefix
        }
        if let text = file["log_size_max"] {
            guard let bytes = Int(text) else {
                throw ValidationError("log_size_max must be a number of bytes (0: no limit)")
            }
            options.logSizeMax = bytes > 0 ? bytes : nil
        }
        func environment(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
        if let path = registriesConf ?? file["registries_conf"] ?? environment("CONTAINERS_REGISTRIES_CONF") {
            options.registries.configurationPath = path
        }
        options.registries.certificatesDirectory = certsDir ?? file["certs_dir"]
        options.registries.authFile = authfile ?? file["authfile"] ?? environment("REGISTRY_AUTH_FILE")
        if let containerExited {
            await ExitCleanup.run(id: containerExited, options: options, address: address, logger: logger)
            return
        }
        let policy = try PeerPolicy(groupName: group ?? file["group"], allowsUnidentified: insecureListener)
        let listeners = try VarlinkListener.activated()
        // The socket first (the engine's run root may lie below its directory): bound now, it is ours, and a
        // service already listening there makes this one refuse to start.
        var chosen = listeners ?? []
        var bound: String?
        if chosen.isEmpty && !bridge {
            let parsed = try VarlinkAddress(parsing: address)
            if case .unix = parsed {
            } else if !insecureListener {
                throw PodlinkdError(
                    description: "\(address) would let any process that reaches it act as root; "
                        + "podlinkd listens on unix:/path sockets unless --insecure-listener is given")
            }
            if case .unix(let path, let mode) = parsed {
                let setup = SocketSetup(path: path, groupID: policy.groupID)
                try setup.prepareDirectory()
                chosen = [try .unix(path: path, mode: mode ?? setup.mode, group: setup.groupID)]
                bound = path
            } else {
                chosen = [.address(parsed)]
            }
        }
        var registryLink: String?
        if let bound, !registry.isEmpty {
            do {
                registryLink = try SocketSetup.register(name: IoPodlink.interfaceName, socket: bound, in: registry)
            } catch {
                logger.warning("\(error)")
            }
        }
        defer {
            if let bound {
                if let registryLink { SocketSetup.unregister(link: registryLink, socket: bound) }
                unlink(bound)
            }
        }
        let engine = try await Engine(options: options)
        let implementation = EngineService(engine: engine, options: options)
        let service = VarlinkService(
            info: .init(
                vendor: "Podlink", product: "podlinkd", version: IoPodlink.podlinkVersion,
                url: "file:///usr/share/doc/podlink"),
            interfaces: [implementation], logger: logger, errorMapper: EngineService.mapUndeclared,
            authorizer: { policy.allows($0) })
        var configuration = VarlinkServer.Configuration()
        configuration.lifecycle = SystemdNotifier.serverLifecycle
        configuration.idleTimeout = timeout > 0 ? .seconds(timeout) : nil
        let server = VarlinkServer(service: service, configuration: configuration, logger: logger)
        if bridge {
            try await server.runBridge()
            return
        }
        let signals = SignalHandler(signals: [SIGTERM, SIGINT]) {
            logger.info("stopping")
            server.shutdown()
        }
        defer { signals.cancel() }
        logger.info("serving io.podlink (idle timeout \(timeout > 0 ? "\(timeout) s" : "none"))")
        try await server.run(on: chosen)
    }

    static func trimmed(_ text: String) -> String {
        String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}

import ArgumentParser
import Engine
import Logging
import PodlinkService
import PodmanAPI
import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// `podlinkd`: serves io.podman over varlink, socket-activated by systemd or on its own address.
@main
struct Podlinkd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "podlinkd", abstract: "Serve Podlink's container engine (io.podman) over varlink.",
        discussion: """
            Under systemd, io.podman.socket passes the listening socket and podlinkd exits after --timeout seconds \
            without a connection; containers keep running under conmon. Without socket activation it listens on \
            --address. --bridge serves one connection on standard input and output (`ssh host podlinkd --bridge`).
            """)

    @Option(help: "The address to listen on when not socket-activated.")
    var address = "unix:/run/podman/io.podman"
    @Option(help: "Exit after this many seconds without a connection (0: never).")
    var timeout = 60
    @Flag(help: "Serve one connection over standard input and output.")
    var bridge = false
    @Option(help: "Members of this group may call too (besides root).")
    var group: String?
    @Option(help: "A configuration file of KEY=VALUE lines (group, storage_root, run_root, runtime, conmon).")
    var config = "/etc/podlink/podlinkd.conf"
    @Option(help: "Where images and containers are stored.")
    var storageRoot: String?
    @Option(help: "Where run state lives (cleared at boot).")
    var runRoot: String?
    @Option(help: "The OCI runtime.")
    var runtime: String?
    @Option(help: "conmon.")
    var conmon: String?
    @Flag(help: "Log debug messages.")
    var debug = false

    func settings() -> [String: String] {
        guard let file = fopen(config, "r") else { return [:] }
        defer { fclose(file) }
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
        let file = settings()
        let policy = try PeerPolicy(groupName: group ?? file["group"])
        let options = EngineOptions(
            storageRoot: storageRoot ?? file["storage_root"] ?? "/var/lib/podlink",
            runRoot: runRoot ?? file["run_root"] ?? "/run/podlink",
            runtimePath: runtime ?? file["runtime"] ?? "/usr/bin/runc",
            conmonPath: conmon ?? file["conmon"] ?? "/usr/bin/conmon",
            logger: Logger(label: "podlink.engine"))
        let listeners = try VarlinkListener.activated()
        let engine = try await Engine(options: options)
        let implementation = PodmanService(engine: engine, options: options)
        let service = VarlinkService(
            info: .init(
                vendor: "Podlink", product: "podlinkd", version: IoPodman.podlinkVersion,
                url: "file:///usr/share/doc/podlink"),
            interfaces: [implementation], logger: logger, errorMapper: PodmanService.mapUndeclared,
            authorizer: { policy.allows($0) })
        var configuration = VarlinkServer.Configuration()
        configuration.idleTimeout = timeout > 0 ? .seconds(timeout) : nil
        let server = VarlinkServer(service: service, configuration: configuration, logger: logger)
        if bridge {
            try await server.runBridge()
            return
        }
        var chosen = listeners ?? []
        if chosen.isEmpty {
            let parsed = try VarlinkAddress(parsing: address)
            if case .unix(let path, let mode) = parsed {
                try Self.prepareDirectory(of: path)
                chosen = [.address(.unix(path: path, mode: mode ?? 0o600))]
            } else {
                chosen = [.address(parsed)]
            }
        }
        let signals = SignalHandler(signals: [SIGTERM, SIGINT]) {
            logger.info("stopping")
            server.shutdown()
        }
        defer { signals.cancel() }
        logger.info("serving io.podman (idle timeout \(timeout > 0 ? "\(timeout) s" : "none"))")
        try await server.run(on: chosen)
    }

    static func trimmed(_ text: String) -> String {
        String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }

    /// Creates the socket's directory with mode 0700 when it does not exist.
    static func prepareDirectory(of path: String) throws {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        let directory = String(path[..<slash])
        var info = stat()
        if stat(directory, &info) == 0 { return }
        var built = ""
        for part in directory.split(separator: "/") {
            built += "/" + part
            if stat(built, &info) != 0 && mkdir(built, 0o700) != 0 && errno != EEXIST {
                throw PodlinkdError(description: "cannot create \(built): \(String(cString: strerror(errno)))")
            }
        }
    }
}

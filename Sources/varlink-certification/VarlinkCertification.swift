import ArgumentParser
import Logging
import Varlink
import VarlinkNIO
import VarlinkSystemd

#if canImport(Glibc)
import Glibc
#endif

/// `varlink-certification`: serves `org.varlink.certification`, or certifies a server as a client.
@main
struct VarlinkCertification: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "varlink-certification",
        abstract: "Serve org.varlink.certification, or run the certification sequence against a server.")

    @Option(help: "The address to serve, or with --client to call.") var varlink: String?
    @Flag(help: "Run the certification sequence as a client.") var client = false
    @Option(help: "With --client: start this command with socket activation and call it.") var activate: String?
    @Option(help: "With --client: run this command and talk over its standard input and output.") var bridge: String?
    @Flag(help: "Serve one connection over standard input and output.") var stdio = false
    @Option(help: "Exit after this many seconds without a connection.") var timeout: Int?

    func run() async throws {
        if client {
            let connection: VarlinkConnection
            if let activate {
                connection = try await VarlinkConnection.activate(
                    command: activate.split(separator: " ").map(String.init))
            } else if let bridge {
                connection = try await VarlinkConnection.bridge(command: bridge.split(separator: " ").map(String.init))
            } else if let varlink {
                connection = try await VarlinkConnection.connect(to: try VarlinkAddress(parsing: varlink))
            } else {
                throw ValidationError("--client needs --varlink, --activate or --bridge")
            }
            do {
                try await CertificationClient(client: OrgVarlinkCertificationClient(transport: connection)).run()
            } catch {
                print("Certification failed: \(error)")
                await connection.close()
                throw ExitCode(1)
            }
            await connection.close()
            return
        }
        let service = VarlinkService(
            info: .init(
                vendor: "Podlink", product: "varlink-certification", version: "1",
                url: "https://varlink.org"),
            interfaces: [CertificationService()])
        var configuration = VarlinkServer.Configuration()
        configuration.lifecycle = SystemdNotifier.serverLifecycle
        configuration.idleTimeout = timeout.map { .seconds($0) }
        let server = VarlinkServer(service: service, configuration: configuration)
        if stdio {
            try await server.runBridge()
            return
        }
        var listeners = try VarlinkListener.activated() ?? []
        if listeners.isEmpty {
            guard let varlink else { throw ValidationError("--varlink ADDRESS is needed without socket activation") }
            listeners = [.address(try VarlinkAddress(parsing: varlink))]
        }
        let signals = SignalHandler(signals: [SIGTERM, SIGINT]) { server.shutdown() }
        defer { signals.cancel() }
        try await server.run(on: listeners)
    }
}

import ArgumentParser
import Glibc
import PodlinkAPI
import Varlink

/// `podlink run`: create, start, follow the output, exit with the container's code.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Create and start a container; print its output and exit with its exit code.",
        discussion: """
            Without --detach, podlink prints the container's output as it comes until its process ends. \
            Standard input is not forwarded yet.
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Start the container and print its id, without waiting.") var detach = false
    @Flag(help: "Remove the container when it has exited.") var rm = false
    @Option(help: "Pass SIGINT, SIGTERM and SIGHUP received by podlink on to the container.") var sigProxy = true
    @OptionGroup var options: CreateOptions

    func validate() throws {
        if rm && detach {
            throw ValidationError(
                "--rm and --detach cannot go together: the service does not remove containers on exit.")
        }
    }

    func run() async throws {
        let create = try options.create()
        let code = try await global.withClient { client -> Int32 in
            let id = try await client.createContainer(create: create).container
            do {
                _ = try await client.startContainer(name: id)
            } catch {
                if rm { _ = try? await client.removeContainer(name: id, force: true) }
                Console.error(error)
                throw ExitCode(Self.startFailureCode(error))
            }
            if detach {
                Console.line(id)
                return 0
            }
            let proxies = sigProxy ? Self.proxySignals(to: id, client) : []
            defer { for proxy in proxies { proxy.cancel() } }
            let follower = LogFollower(client, container: id, timestamps: false)
            try await follower.follow()
            let code = try await client.waitContainer(name: id).exitcode
            if rm { _ = try await client.removeContainer(name: id, force: true) }
            return Int32(truncatingIfNeeded: code)
        }
        if code != 0 { throw ExitCode(code) }
    }

    /// Handlers that send the signals podlink receives to the container, as `podman run --sig-proxy`.
    static func proxySignals(to id: String, _ client: IoPodlinkClient) -> [SignalHandler] {
        [SIGINT, SIGTERM, SIGHUP].map { number in
            SignalHandler(signals: [number]) {
                Task { _ = try? await client.killContainer(name: id, signal: Int(number)) }
            }
        }
    }

    /// Podman's codes when the command cannot run: 127 when it is not found, 126 when it cannot be invoked.
    static func startFailureCode(_ error: any Error) -> Int32 {
        guard case .runtimeError(let reason)? = error as? IoPodlinkError else { return 125 }
        let lower = reason.lowercased()
        if lower.contains("no such file") || lower.contains("not found") { return 127 }
        if lower.contains("permission denied") || lower.contains("is a directory") { return 126 }
        return 125
    }
}

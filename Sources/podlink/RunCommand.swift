import ArgumentParser
import Glibc
import PodlinkAPI
import Varlink
import VarlinkNIO

/// `podlink run`: create, start, follow the output, exit with the container's code.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Create and start a container; print its output and exit with its exit code.",
        discussion: """
            Without --detach, podlink attaches before the process starts and prints its standard output and \
            error apart, as they come, until it ends; --interactive forwards standard input, --tty gives the \
            process a terminal (this one in raw mode while it runs).
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Start the container and print its id, without waiting.") var detach = false
    @Flag(help: "Remove the container when it has exited.") var rm = false
    @Option(help: "Pass SIGINT, SIGTERM and SIGHUP received by podlink on to the container.") var sigProxy = true
    @Option(help: "The keys that detach from a container with a terminal (an empty string: none).")
    var detachKeys = "ctrl-p,ctrl-q"
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
            if detach {
                do {
                    _ = try await client.startContainer(name: id)
                } catch {
                    Console.error(error)
                    throw ExitCode(Self.startFailureCode(error))
                }
                Console.line(id)
                return 0
            }
            // Attached before its process starts: no byte of output is lost.
            let code: Int
            do {
                guard
                    let ended = try await Self.attached(
                        global, client, id: id, start: true, interactive: options.interactive, sigProxy: sigProxy,
                        detachKeys: detachKeys)
                else {
                    // Detached: the container runs on (and is not removed), as with Podman.
                    return 0
                }
                code = ended
            } catch {
                if rm { _ = try? await client.removeContainer(name: id, force: true) }
                Console.error(error)
                throw ExitCode(Self.startFailureCode(error))
            }
            if rm { _ = try await client.removeContainer(name: id, force: true) }
            return Int32(truncatingIfNeeded: code)
        }
        if code != 0 { throw ExitCode(code) }
    }

    /// Attaches to `id` on a connection of its own (`client`'s stays free for signals, resizes and the wait),
    /// starting it when `start`; prints its output until it ends and returns its exit code, or nil when the detach
    /// keys were typed (the container runs on).
    static func attached(
        _ global: GlobalOptions, _ client: IoPodlinkClient, id: String, start: Bool, interactive: Bool,
        sigProxy: Bool, detachKeys: String
    ) async throws -> Int? {
        let streamed = try await global.withClient { attaching -> Int32? in
            let (reply, connection) = try await attaching.attachContainer(
                name: id, stdin: interactive, start: start, detachKeys: detachKeys, .upgrade)
            let proxies = sigProxy ? Self.proxySignals(to: id, client) : []
            defer { for proxy in proxies { proxy.cancel() } }
            return try await AttachedStream(connection: connection, tty: reply.tty, forwardsInput: interactive)
                .runAtTerminal { rows, columns in
                    _ = try? await client.resizeContainerTerminal(name: id, rows: rows, columns: columns)
                }
        }
        if let streamed { return Int(streamed) }
        // With a terminal the stream carries no exit code, and a detach none either: the service closes the
        // stream only once an exit is recorded, so a container still running was detached from.
        let state = try await client.inspectContainer(name: id).container.state
        if state.status == .running || state.status == .paused { return nil }
        return state.exitCode
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

import ArgumentParser
import PodlinkAPI

/// `podlink attach`
struct AttachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Attach to a running container: its output, and its input when it keeps stdin open.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Do not forward standard input.") var noStdin = false
    @Option(help: "Pass SIGINT, SIGTERM and SIGHUP received by podlink on to the container.") var sigProxy = true
    @Option(help: "The keys that detach from a container with a terminal (an empty string: none).")
    var detachKeys = "ctrl-p,ctrl-q"
    @Argument(help: "The container, by name or id.") var container: String

    func run() async throws {
        let code = try await global.withClient { client -> Int in
            let inspect = try await client.inspectContainer(name: container).container
            return try await RunCommand.attached(
                global, client, id: inspect.id, start: false, interactive: inspect.config.stdin && !noStdin,
                sigProxy: sigProxy, detachKeys: detachKeys) ?? 0
        }
        if code != 0 { throw ExitCode(Int32(truncatingIfNeeded: code)) }
    }
}

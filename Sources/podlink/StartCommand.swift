import ArgumentParser
import PodlinkAPI

/// `podlink start`
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start containers.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Attach to the container's output (one container) and exit with its code.")
    var attach = false
    @Flag(name: .shortAndLong, help: "With --attach, forward standard input.") var interactive = false
    @Option(help: "With --attach, the keys that detach from a container with a terminal (an empty string: none).")
    var detachKeys = "ctrl-p,ctrl-q"
    @Argument(help: "Containers, by name or id.") var containers: [String]

    func validate() throws {
        if attach && containers.count != 1 { throw ValidationError("--attach takes one container.") }
    }

    func run() async throws {
        if attach {
            let code = try await global.withClient { client -> Int in
                let id = try await client.inspectContainer(name: containers[0]).container.id
                return try await RunCommand.attached(
                    global, client, id: id, start: true, interactive: interactive, sigProxy: true,
                    detachKeys: detachKeys) ?? 0
            }
            if code != 0 { throw ExitCode(Int32(truncatingIfNeeded: code)) }
            return
        }
        try await global.eachTarget(containers) { client, name in
            _ = try await client.startContainer(name: name)
        }
    }
}

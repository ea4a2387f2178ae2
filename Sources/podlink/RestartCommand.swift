import ArgumentParser
import PodlinkAPI

/// `podlink restart`
struct RestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart", abstract: "Stop and start containers again.")

    @OptionGroup var global: GlobalOptions
    @Option(
        name: [.customShort("t"), .customLong("time")],
        help: ArgumentHelp("Seconds to wait before SIGKILL.", valueName: "seconds"))
    var time: Int?
    @Argument(help: "Containers, by name or id.") var containers: [String]

    func run() async throws {
        try await global.eachTarget(containers) { client, name in
            _ = try await client.restartContainer(name: name, timeout: time)
        }
    }
}

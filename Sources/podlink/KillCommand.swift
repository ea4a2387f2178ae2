import ArgumentParser
import PodlinkAPI
import PodlinkShared

/// `podlink kill`
struct KillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kill", abstract: "Send a signal to containers.")

    @OptionGroup var global: GlobalOptions
    @Option(
        name: .shortAndLong,
        help: ArgumentHelp("The signal: a number or a name such as TERM or SIGKILL.", valueName: "signal"))
    var signal = "KILL"
    @Argument(help: "Containers, by name or id.") var containers: [String]

    func run() async throws {
        let number = try Signals.parse(signal, option: "--signal")
        try await global.eachTarget(containers) { client, name in
            _ = try await client.killContainer(name: name, signal: number)
        }
    }
}

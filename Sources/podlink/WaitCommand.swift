import ArgumentParser
import PodlinkAPI

/// `podlink wait`
struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait for containers to meet a condition (by default, to stop) and print their exit codes.")

    @OptionGroup var global: GlobalOptions
    @Option(
        help: ArgumentHelp(
            "A state to wait for (repeatable): configured, created, running, paused, stopped, exited, removing, removed.",
            valueName: "state"))
    var condition: [String] = []
    @Argument(help: "Containers, by name or id.") var containers: [String]

    func run() async throws {
        let conditions = try condition.map { word in
            guard let value = IoPodlink.WaitCondition(rawValue: word) else {
                throw CLIError("invalid condition \"\(word)\"")
            }
            return value
        }
        try await global.withClient { client in
            try await Targets.each(containers) { name in
                let reply = try await client.waitContainer(
                    name: name, conditions: conditions.isEmpty ? nil : conditions)
                Console.line(String(reply.exitcode))
            }
        }
    }
}

import ArgumentParser
import PodmanAPI

/// `podlink wait`
struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait", abstract: "Wait for containers to exit and print their exit codes.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Containers, by name or id.") var containers: [String]

    func run() async throws {
        try await global.withClient { client in
            try await Targets.each(containers) { name in
                Console.line(String(try await client.waitContainer(name: name).exitcode))
            }
        }
    }
}

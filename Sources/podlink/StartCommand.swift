import ArgumentParser
import PodlinkAPI

/// `podlink start`
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start containers.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Containers, by name or id.") var containers: [String]

    func run() async throws {
        try await global.withClient { client in
            try await Targets.each(containers) { name in
                _ = try await client.startContainer(name: name)
                Console.line(name)
            }
        }
    }
}

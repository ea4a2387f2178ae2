import ArgumentParser
import PodlinkAPI

/// `podlink create`
struct CreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a container from an image, without starting it.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: CreateOptions

    func run() async throws {
        let create = try options.create()
        let id = try await global.withClient { client in
            try await client.createContainer(create: create).container
        }
        Console.line(id)
    }
}

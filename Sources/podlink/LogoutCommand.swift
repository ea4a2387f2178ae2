import ArgumentParser
import PodlinkAPI

/// `podlink logout`
struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout", abstract: "Forget the service's stored credentials for a registry.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Forget the credentials of every registry.") var all = false
    @Argument(help: "The registry: HOST[:PORT].") var registry: String?

    func validate() throws {
        guard all != (registry != nil) else { throw ValidationError("give a registry or --all") }
    }

    func run() async throws {
        try await global.withClient { client in _ = try await client.logoutRegistry(registry: registry) }
        Console.line(
            registry.map { "Removed login credentials for \($0)" } ?? "Removed login credentials for all registries")
    }
}

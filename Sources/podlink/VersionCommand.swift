import ArgumentParser
import PodlinkAPI

/// `podlink version`
struct VersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Show the service's version.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Output format: json.") var format: String?

    func run() async throws {
        let json = try JSONOutput.check(format)
        let version = try await global.withClient { try await $0.getVersion() }
        if json { return try JSONOutput.print(version) }
        Console.out(
            """
            Version:      \(version.version)
            API Version:  \(version.remoteApiVersion)
            Runtime:      \(version.runtime)
            OS/Arch:      \(version.osArch)

            """)
    }
}

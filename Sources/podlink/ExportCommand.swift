import ArgumentParser
import Foundation
import PodlinkAPI

/// `podlink export`
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a tar archive of a container's root filesystem.",
        discussion: "The service writes the file on its host; a relative path is made absolute here first.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: ArgumentHelp("The archive to write.", valueName: "file")) var output: String
    @Argument(help: "The container, by name or id.") var container: String

    func run() async throws {
        let path = Paths.absolute(output)
        try await global.withClient { client in
            _ = try await Progress.run("Exporting \(container) to \(path)", done: { "Exported \($0)" }) {
                try await client.exportContainer(name: container, path: path).tarfile
            }
        }
    }
}

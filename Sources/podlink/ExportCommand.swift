import ArgumentParser
import Foundation
import PodlinkAPI
import Varlink

/// `podlink export`
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a tar archive of a container's root filesystem.",
        discussion: "The archive comes over the connection and is written here.")

    @OptionGroup var global: GlobalOptions
    @Option(
        name: .shortAndLong, help: ArgumentHelp("The archive to write (default: standard output).", valueName: "file"))
    var output: String?
    @Argument(help: "The container, by name or id.") var container: String

    func run() async throws {
        try await Transfers.download(global, to: output) { client in
            try await client.exportContainer(name: container, .upgrade).1
        }
    }
}

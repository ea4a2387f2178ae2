import ArgumentParser
import Foundation
import PodlinkAPI

/// `podlink artifact add`
struct ArtifactAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Store a file with a container (replacing one of the same name).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The container, by name or id.") var container: String
    @Argument(help: "The artifact's name.") var name: String
    @Argument(help: "The file to store, read here (default: standard input).") var file: String?

    func run() async throws {
        let data: Data
        if let file, file != "-" {
            guard let contents = FileManager.default.contents(atPath: file) else {
                throw CLIError("cannot read \(file)")
            }
            data = contents
        } else {
            data = FileHandle.standardInput.readDataToEndOfFile()
        }
        try await global.withClient { client in
            _ = try await client.addContainerArtifact(
                name: container, artifactName: name, contents: data.base64EncodedString())
        }
    }
}

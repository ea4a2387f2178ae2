import ArgumentParser
import Foundation
import PodlinkAPI

/// `podlink artifact get`
struct ArtifactGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Print a container's artifact.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: ArgumentHelp("Write it to this file here instead.", valueName: "file"))
    var output: String?
    @Argument(help: "The container, by name or id.") var container: String
    @Argument(help: "The artifact's name.") var name: String

    func run() async throws {
        let contents = try await global.withClient { client in
            try await client.containerArtifacts(name: container, artifactName: name).contents
        }
        guard let data = Data(base64Encoded: contents) else { throw CLIError("the service sent invalid base64") }
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: data) else {
                throw CLIError("cannot write \(output)")
            }
        } else {
            Console.write(1, data)
        }
    }
}

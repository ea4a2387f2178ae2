import ArgumentParser
import Foundation
import PodlinkAPI

/// `podlink import`
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Make an image of one layer from a root filesystem tarball.",
        discussion: "The tarball is read here (- for standard input) and sent over the connection.")

    @OptionGroup var global: GlobalOptions
    @Option(
        name: .shortAndLong,
        help: ArgumentHelp("Set CMD, ENV or WORKDIR of the image (Dockerfile syntax).", valueName: "instruction"))
    var change: [String] = []
    @Argument(help: "The tarball.") var tarball: String
    @Argument(help: "The image's name (repository[:tag]).") var reference: String?

    func run() async throws {
        var command: [String]?
        var env: [String] = []
        var workdir: String?
        for instruction in change {
            let parts = instruction.split(separator: " ", maxSplits: 1).map(String.init)
            let value = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
            switch parts.first?.uppercased() {
            case "CMD":
                if value.hasPrefix("["), let array = try? JSONDecoder().decode([String].self, from: Data(value.utf8)) {
                    command = array
                } else {
                    command = ["/bin/sh", "-c", value]
                }
            case "ENV":
                env.append(value.contains("=") ? value : value.replacingOccurrences(of: " ", with: "="))
            case "WORKDIR":
                workdir = value
            default:
                throw CLIError("unsupported --change \"\(instruction)\": podlink supports CMD, ENV and WORKDIR")
            }
        }
        let id: String = try await Progress.run("Importing \(tarball)", done: { (id: String) in "Imported \(id)" }) {
            let upload = try await Transfers.upload(global, path: tarball)
            return try await global.withClient { client in
                try await client.importImage(
                    upload: upload, reference: reference, command: command, env: env.isEmpty ? nil : env,
                    workdir: workdir
                ).image
            }
        }
        Console.line(id)
    }
}

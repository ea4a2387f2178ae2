import ArgumentParser
import Foundation
import PodlinkAPI

/// `podlink images`
struct ImagesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "images", abstract: "List images.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Show only the ids.") var quiet = false
    @Flag(help: "Do not shorten ids.") var noTrunc = false
    @Option(help: "Output format: json.") var format: String?

    func run() async throws {
        let json = try JSONOutput.check(format)
        let images = try await global.withClient { try await $0.listImages().images }
        if json { return try JSONOutput.print(images) }
        if quiet {
            for image in images { Console.line(noTrunc ? image.id : String(image.id.prefix(12))) }
            return
        }
        let now = Date()
        var table = Table(["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"])
        for image in images {
            let id = noTrunc ? image.id : String(image.id.prefix(12))
            let names = image.names.isEmpty ? [nil] : image.names.map(Optional.some)
            for name in names {
                let (repository, tag) = name.map(Self.split) ?? ("<none>", "<none>")
                table.append([repository, tag, id, Human.ago(image.created, now: now), Human.size(image.size)])
            }
        }
        Console.out(table.render())
    }

    /// `registry/name:tag` as repository and tag.
    static func split(_ name: String) -> (String, String) {
        let slash = name.lastIndex(of: "/") ?? name.startIndex
        guard let colon = name[slash...].lastIndex(of: ":") else { return (name, "<none>") }
        return (String(name[..<colon]), String(name[name.index(after: colon)...]))
    }
}

import ArgumentParser
import PodlinkAPI
import Varlink

/// `podlink pull`
struct PullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Pull an image from a registry.",
        discussion: """
            An unqualified name is looked up in the service's registries.conf unqualified-search-registries, in \
            order. Progress goes to standard error on a terminal; the image's id goes to standard output.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var registry: RegistryAccessOptions
    @Flag(name: .shortAndLong, help: "Print nothing but the image's id.") var quiet = false
    @Argument(help: "The image: [HOST[:PORT]/]NAME[:TAG][@DIGEST].") var reference: String

    func run() async throws {
        let bars = TransferBars(verb: "Copying")
        let image = try await global.withClient { client in
            var image: String?
            for try await reply in client.pullImage(reference: reference, access: registry.access, .more) {
                if let progress = reply.progress, !quiet { bars.update(progress) }
                if let id = reply.image { image = id }
            }
            return image ?? ""
        }
        Console.line(image)
    }
}

import ArgumentParser
import PodlinkAPI

/// `podlink inspect`
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Show everything about containers or images, as JSON.")

    /// A container's or an image's record.
    enum Item: Encodable {
        case container(IoPodlink.ContainerInspect)
        case image(IoPodlink.Image)

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .container(let value): try value.encode(to: encoder)
            case .image(let value): try value.encode(to: encoder)
            }
        }
    }

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case container, image, all
    }

    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "What to look for: container, image or all.") var type: Kind = .all
    @Option(name: .shortAndLong, help: "Output format: json (the default).") var format: String?
    @Argument(help: "Containers or images, by name or id.") var names: [String]

    func run() async throws {
        _ = try JSONOutput.check(format)
        var items: [Item] = []
        var failure: (any Error)?
        try await global.withClient { client in
            do {
                try await Targets.each(names) { name in items.append(try await lookup(name, client)) }
            } catch {
                failure = error
            }
        }
        try JSONOutput.print(items)
        if let failure { throw failure }
    }

    func lookup(_ name: String, _ client: IoPodlinkClient) async throws -> Item {
        if type != .image {
            do {
                return .container(try await client.inspectContainer(name: name).container)
            } catch IoPodlinkError.containerNotFound where type == .all {
            }
        }
        do {
            return .image(try await client.inspectImage(name: name).image)
        } catch IoPodlinkError.imageNotFound where type == .all {
            throw CLIError("no such object: \"\(name)\"")
        }
    }
}

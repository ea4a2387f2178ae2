import ArgumentParser
import PodlinkAPI

/// `podlink info`
struct InfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Show what the service runs on and holds.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Output format: json.") var format: String?

    func run() async throws {
        let json = try JSONOutput.check(format)
        let info = try await global.withClient { try await $0.getInfo() }
        if json { return try JSONOutput.print(info) }
        var text = """
            host:
              hostname: \(info.hostname)
              kernel: \(info.kernel)
              cpus: \(info.cpus)
              ociRuntime: \(info.runtime)
              conmon: \(info.conmon)
            store:
              graphRoot: \(info.storageRoot)
              runRoot: \(info.runRoot)
              containerStore:
                number: \(info.containers.values.reduce(0, +))

            """
        for (state, count) in info.containers.sorted(by: { $0.key < $1.key }) {
            text += "    \(state): \(count)\n"
        }
        text += "  imageStore:\n    number: \(info.images)\n"
        Console.out(text)
    }
}

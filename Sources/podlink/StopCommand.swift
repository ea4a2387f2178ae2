import ArgumentParser
import PodlinkAPI

/// `podlink stop`
struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop containers: their stop signal, then SIGKILL after a timeout.")

    @OptionGroup var global: GlobalOptions
    @Option(
        name: [.customShort("t"), .customLong("time")],
        help: ArgumentHelp(
            "Seconds to wait before SIGKILL (default: the container's stop timeout).", valueName: "seconds"))
    var time: Int?
    @Argument(help: "Containers, by name or id.") var containers: [String]

    func run() async throws {
        try await global.eachTarget(containers) { client, name in
            do {
                _ = try await client.stopContainer(name: name, timeout: time)
            } catch IoPodlinkError.alreadyStopped {
                // As podman: stopping a stopped container is not an error.
            }
        }
    }
}

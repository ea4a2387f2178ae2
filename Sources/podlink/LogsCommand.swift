import ArgumentParser
import PodlinkAPI
import Varlink

/// `podlink logs`
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "Show a container's output.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Keep printing new lines until the container's process ends.") var follow = false
    @Flag(name: .shortAndLong, help: "Show each line's time.") var timestamps = false
    @Option(help: ArgumentHelp("Show only the last N lines.", valueName: "N")) var tail: Int?
    @Option(
        help: ArgumentHelp(
            "Show lines since a time: RFC 3339, a date, Unix seconds or a duration like 10m.", valueName: "time"))
    var since: String?
    @Option(help: ArgumentHelp("Show lines until a time (same forms as --since).", valueName: "time")) var until:
        String?
    @Argument(help: "The container, by name or id.") var container: String

    func run() async throws {
        let since = try since.map { try RFC3339Time.argument($0, option: "--since") }
        let until = try until.map { try RFC3339Time.argument($0, option: "--until") }
        try await global.withClient { client in
            if follow {
                let follower = LogFollower(client, container: container, timestamps: timestamps)
                try await follower.follow(tail: tail, since: since, until: until)
            } else {
                // In batches, so that a log of any size is printed with bounded memory on both sides.
                let replies = client.getContainerLogs(
                    name: container, tail: tail, since: since, until: until, follow: false, .more)
                for try await reply in replies { Self.write(reply.lines, timestamps: timestamps) }
            }
        }
    }

    /// Writes lines to standard output, or standard error for the container's standard error.
    static func write(_ lines: [IoPodlink.LogLine], timestamps: Bool) {
        var out = ""
        for line in lines {
            let text = (timestamps ? line.time + " " : "") + line.text + "\n"
            if line.stream == .stderr {
                if !out.isEmpty { Console.out(out) }
                out = ""
                Console.write(2, text)
            } else {
                out += text
            }
        }
        if !out.isEmpty { Console.out(out) }
    }
}

import ArgumentParser
import Foundation
import PodlinkAPI

/// `podlink exec`
struct ExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command in a running container and exit with its exit code.",
        discussion: "The command's output is printed when it ends; with -i, standard input is read to its end first.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: ArgumentHelp("Set an environment variable.", valueName: "KEY=VALUE")) var env:
        [String] = []
    @Option(name: .shortAndLong, help: ArgumentHelp("User (and group) the command runs as.", valueName: "user[:group]"))
    var user: String?
    @Option(name: .shortAndLong, help: "Working directory inside the container.") var workdir: String?
    @Flag(name: .shortAndLong, help: "Pass standard input to the command.") var interactive = false
    @Argument(
        parsing: .captureForPassthrough,
        help: ArgumentHelp(
            "The container, then the command and its arguments.", valueName: "CONTAINER COMMAND [ARG...]"))
    var arguments: [String] = []

    func validate() throws {
        let words = arguments.first == "--" ? Array(arguments.dropFirst()) : arguments
        if let first = words.first, first.hasPrefix("-") { throw ValidationError("Unknown option '\(first)'.") }
        if words.count < 2 { throw ValidationError("Give the container and the command.") }
    }

    func run() async throws {
        let words = arguments.first == "--" ? Array(arguments.dropFirst()) : arguments
        let stdin = interactive ? FileHandle.standardInput.readDataToEndOfFile().base64EncodedString() : nil
        let reply = try await global.withClient { client in
            try await client.execContainer(
                name: words[0], command: Array(words.dropFirst()), env: env.isEmpty ? nil : env, user: user,
                workdir: workdir, stdin: stdin)
        }
        Console.out(reply.stdout)
        Console.write(2, reply.stderr)
        if reply.exitCode != 0 { throw ExitCode(Int32(truncatingIfNeeded: reply.exitCode)) }
    }
}

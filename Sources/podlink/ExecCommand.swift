import ArgumentParser
import Foundation
import PodlinkAPI
import Varlink

/// `podlink exec`
struct ExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command in a running container and exit with its exit code.",
        discussion: """
            The command runs in an exec session of its own: its output is printed as it comes (standard output and \
            error apart without --tty), -i forwards standard input, -t gives it a terminal (this terminal in raw \
            mode, its size followed). The detach keys leave it running.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: ArgumentHelp("Set an environment variable.", valueName: "KEY=VALUE")) var env:
        [String] = []
    @Option(name: .shortAndLong, help: ArgumentHelp("User (and group) the command runs as.", valueName: "user[:group]"))
    var user: String?
    @Option(name: .shortAndLong, help: "Working directory inside the container.") var workdir: String?
    @Flag(name: .shortAndLong, help: "Pass standard input to the command.") var interactive = false
    @Flag(name: .shortAndLong, help: "Give the command a terminal.") var tty = false
    @Option(help: "The keys that detach from a command with a terminal (an empty string: none).")
    var detachKeys = "ctrl-p,ctrl-q"
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
        let code = try await global.withClient { client -> Int in
            let session = try await client.createExecSession(
                name: words[0], command: Array(words.dropFirst()), tty: tty, stdin: interactive,
                env: env.isEmpty ? nil : env, user: user, workdir: workdir, detachKeys: detachKeys
            ).session
            let streamed = try await global.withClient { attaching -> Int32? in
                let size = tty ? Terminal.size() : nil
                let (reply, connection) = try await attaching.startExecSession(
                    session: session, rows: size?.rows, columns: size?.columns, .upgrade)
                return try await AttachedStream(connection: connection, tty: reply.tty, forwardsInput: interactive)
                    .runAtTerminal { rows, columns in
                        _ = try? await client.resizeExecSession(session: session, rows: rows, columns: columns)
                    }
            }
            if let streamed { return Int(streamed) }
            // With a terminal the stream carries no exit code; the service closed it once the exit was recorded,
            // so a session still running was detached from.
            let state = try await client.inspectExecSession(session: session).session
            return state.running ? 0 : state.exitCode ?? 0
        }
        if code != 0 { throw ExitCode(Int32(truncatingIfNeeded: code)) }
    }
}

import ArgumentParser
import Glibc
import PodlinkAPI

/// `podlink login`
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Log in to a registry.",
        discussion: """
            The service checks the credentials with the registry and stores them in its auth file, which its pulls \
            and pushes then use. Without --username or --password, asks at the terminal.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "The user name.") var username: String?
    @Option(name: .shortAndLong, help: "The password (visible to other local users: prefer --password-stdin).")
    var password: String?
    @Flag(help: "Read the password from standard input.") var passwordStdin = false
    @Option(help: ArgumentHelp("Require HTTPS and verified certificates.", valueName: "bool")) var tlsVerify: Bool?
    @Argument(help: "The registry: HOST[:PORT].") var registry: String

    func run() async throws {
        let user = try username ?? Self.ask("Username: ", echo: true)
        var secret = password
        if passwordStdin {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(0, &buffer, buffer.count)
                if count <= 0 { break }
                bytes += buffer[0..<count]
            }
            secret = String(decoding: bytes, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        }
        let pass = try secret ?? Self.ask("Password: ", echo: false)
        try await global.withClient { client in
            _ = try await client.loginRegistry(
                registry: registry, username: user, password: pass, tlsVerify: tlsVerify)
        }
        Console.line("Login Succeeded!")
    }

    /// A line typed at the terminal, echoed or not.
    static func ask(_ prompt: String, echo: Bool) throws -> String {
        guard isatty(0) != 0 else { throw CLIError("no terminal to ask at: give --username and --password-stdin") }
        Console.write(2, Array(prompt.utf8))
        var saved = termios()
        tcgetattr(0, &saved)
        if !echo {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(0, TCSANOW, &quiet)
        }
        defer {
            if !echo {
                tcsetattr(0, TCSANOW, &saved)
                Console.write(2, Array("\n".utf8))
            }
        }
        return readLine() ?? ""
    }
}

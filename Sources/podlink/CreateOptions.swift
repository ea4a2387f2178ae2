import ArgumentParser
import Foundation
import PodlinkAPI
import PodlinkShared

/// The options of `create` and `run`, and the image and command after them.
struct CreateOptions: ParsableArguments {
    @Option(help: "Assign a name to the container.")
    var name: String?

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp(
            "Set an environment variable (KEY alone takes the value from this environment).", valueName: "KEY=VALUE"))
    var env: [String] = []

    @Option(name: .shortAndLong, help: "Working directory inside the container.")
    var workdir: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("User (and group) the command runs as.", valueName: "user[:group]"))
    var user: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Set a label.", valueName: "KEY=VALUE"))
    var label: [String] = []

    @Option(help: "The container's hostname (default: the first 12 digits of its id).")
    var hostname: String?

    @Flag(name: .shortAndLong, help: "Allocate a terminal for the container.")
    var tty = false

    @Flag(name: .shortAndLong, help: "Keep the container's standard input open.")
    var interactive = false

    @Option(
        name: [.customLong("network"), .customLong("net")],
        help: ArgumentHelp(
            "Connect the container to a network: none, host, bridge (the default network), or network names "
                + "(comma-separated or repeated).",
            valueName: "mode"))
    var network: [String] = []

    @Option(
        name: [.customShort("p"), .customLong("publish")],
        help: ArgumentHelp(
            "Publish a container's port, or a range of ports, to the host (repeatable).",
            valueName: "[[ip:][hostPort]:]containerPort[/protocol]"))
    var publish: [String] = []

    @Option(help: ArgumentHelp("Specify a static IPv4 address for the container.", valueName: "address"))
    var ip: String?

    @Option(help: ArgumentHelp("Add a network-scoped alias for the container (repeatable).", valueName: "name"))
    var networkAlias: [String] = []

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp("Bind mount a host path (on the service's host).", valueName: "SRC:DST[:ro]"))
    var volume: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Memory limit, e.g. 64m or 1g.", valueName: "size"))
    var memory: String?

    @Option(help: "Limit on the number of processes.")
    var pidsLimit: Int?

    @Option(help: "CPU limit in CPUs, e.g. 1.5.")
    var cpus: Double?

    @Option(help: ArgumentHelp("Signal that stops the container (number or name).", valueName: "signal"))
    var stopSignal: String?

    @Option(help: ArgumentHelp("Seconds to wait for the stop signal before SIGKILL.", valueName: "seconds"))
    var stopTimeout: Int?

    @Flag(help: "Mount the container's root filesystem read-only.")
    var readOnly = false

    @Option(
        help: ArgumentHelp(
            "Containers that must run before this one starts (comma-separated, repeatable).", valueName: "containers"))
    var requires: [String] = []

    @Option(help: ArgumentHelp("Override the image's entrypoint (a command, or a JSON array).", valueName: "command"))
    var entrypoint: String?

    @Option(
        help: ArgumentHelp(
            "What happens when the process ends: no, on-failure[:max-retries], always, unless-stopped.",
            valueName: "policy"))
    var restart: String?

    @Option(
        help: ArgumentHelp(
            "Security options: seccomp=unconfined, seccomp=PROFILE.json, no-new-privileges.", valueName: "option"))
    var securityOpt: [String] = []

    @Argument(
        parsing: .captureForPassthrough,
        help: ArgumentHelp("The image, then the command and its arguments.", valueName: "IMAGE [COMMAND [ARG...]]"))
    var arguments: [String] = []

    func validate() throws {
        guard let first = arguments.first(where: { $0 != "--" }) else { throw ValidationError("Missing the image.") }
        if first.hasPrefix("-") { throw ValidationError("Unknown option '\(first)'.") }
    }

    /// The image and command the user gave.
    var imageAndCommand: (image: String, command: [String]) {
        let words = arguments.first == "--" ? Array(arguments.dropFirst()) : arguments
        return (words[0], Array(words.dropFirst()))
    }

    /// What CreateContainer makes of these options.
    func create() throws -> IoPodlink.Create {
        let (image, command) = imageAndCommand
        var create = IoPodlink.Create(image: image, name: name)
        if !command.isEmpty { create.command = command }
        if let entrypoint {
            if entrypoint.hasPrefix("["),
                let array = try? JSONDecoder().decode([String].self, from: Data(entrypoint.utf8))
            {
                create.entrypoint = array
            } else {
                create.entrypoint = [entrypoint]
            }
        }
        if !env.isEmpty {
            let host = ProcessInfo.processInfo.environment
            create.env = env.compactMap { item in
                if item.contains("=") { return item }
                return host[item].map { "\(item)=\($0)" }
            }
        }
        create.workdir = workdir
        create.user = user
        create.restart = restart
        for option in securityOpt {
            let parts = option.split(separator: "=", maxSplits: 1).map(String.init)
            switch (parts[0], parts.count > 1 ? parts[1] : nil) {
            case ("seccomp", let value?): create.seccomp = value
            case ("no-new-privileges", nil), ("no-new-privileges", "true"): create.noNewPrivileges = true
            case ("no-new-privileges", "false"): create.noNewPrivileges = false
            default:
                throw CLIError("invalid --security-opt \"\(option)\": podlink knows seccomp= and no-new-privileges")
            }
        }
        if !label.isEmpty {
            var labels: [String: String] = [:]
            for item in label {
                let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                labels[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
            }
            create.labels = labels
        }
        create.hostname = hostname
        if tty { create.tty = true }
        if interactive { create.stdin = true }
        let ports: [IoPodlink.PortMapping] = try publish.flatMap(PortSpec.parse)
        if !ports.isEmpty { create.ports = ports }
        try NetworkSpec.parse(networks: network, ip: ip, aliases: networkAlias, publishes: !ports.isEmpty)
            .apply(to: &create)
        if !volume.isEmpty { create.mounts = try volume.map(Self.mount) }
        if let memory {
            guard let bytes = Human.parseSize(memory), bytes > 0 else {
                throw CLIError("invalid --memory \"\(memory)\": give a size such as 64m or 1g")
            }
            create.memory = bytes
        }
        create.pids = pidsLimit
        create.cpus = cpus
        create.stopSignal = try stopSignal.map { try Signals.parse($0, option: "--stop-signal") }
        create.stopTimeout = stopTimeout
        if readOnly { create.readOnly = true }
        let dependencies = requires.flatMap { $0.split(separator: ",").map(String.init) }
        if !dependencies.isEmpty { create.dependencies = dependencies }
        return create
    }

    /// `SRC:DST[:ro|rw]` as a mount; relative sources (`./data`) are made absolute.
    static func mount(_ text: String) throws -> IoPodlink.Mount {
        var parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var readOnly: Bool?
        if parts.count == 3 {
            let mode = parts.removeLast()
            for option in mode.split(separator: ",") {
                switch option {
                case "ro": readOnly = true
                case "rw": readOnly = false
                case "z", "Z": break
                default: throw CLIError("invalid volume option \"\(option)\" in \"\(text)\"")
                }
            }
        }
        guard parts.count == 2, !parts[0].isEmpty, parts[1].hasPrefix("/") else {
            throw CLIError("invalid volume \"\(text)\": give SRC:DST[:ro] with an absolute DST")
        }
        var source = parts[0]
        if source == "." || source.hasPrefix("./") || source.hasPrefix("../") {
            source = FileManager.default.currentDirectoryPath + "/" + source
        } else if !source.hasPrefix("/") {
            throw CLIError("invalid volume \"\(text)\": named volumes are not supported, give an absolute host path")
        }
        return IoPodlink.Mount(source: source, destination: parts[1], readOnly: readOnly)
    }
}

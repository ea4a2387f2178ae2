internal import FoundationEssentials
internal import Glibc

/// netavark, as Podman 4 drives it: `setup` and `teardown` of one container's network namespace, with the
/// container's networks and ports as JSON on standard input. netavark makes the bridge, the veth pair, the
/// firewall rules of the network and of the published ports, and runs aardvark-dns for the networks with DNS.
struct Netavark: Sendable {
    /// netavark's path.
    var path: String
    /// aardvark-dns's path.
    var aardvarkPath: String
    /// Where netavark keeps aardvark-dns's files (a directory under the run root).
    var configDirectory: String

    /// netavark's input for one container (its `NetworkOptions`).
    struct Options: Encodable {
        struct PerNetwork: Encodable {
            var aliases: [String]
            var interface_name: String
            var static_ips: [String]
        }

        struct Subnet: Encodable {
            var subnet: String
            var gateway: String
        }

        struct Network: Encodable {
            var name: String
            var id: String
            var driver = "bridge"
            var network_interface: String
            var subnets: [Subnet]
            var ipv6_enabled = false
            var `internal`: Bool
            var dns_enabled: Bool
            var ipam_options = ["driver": "host-local"]
        }

        struct Port: Encodable {
            var host_ip: String
            var container_port: Int
            var host_port: Int
            var range: Int
            var `protocol`: String
        }

        var container_id: String
        var container_name: String
        var port_mappings: [Port]
        var networks: [String: PerNetwork]
        var network_info: [String: Network]
    }

    /// What netavark answers for one network (its `StatusBlock`).
    struct Status: Decodable {
        struct Interface: Decodable {
            struct Address: Decodable {
                var gateway: String?
                var ipnet: String
            }

            var mac_address: String
            var subnets: [Address]?
        }

        var dns_server_ips: [String]?
        var dns_search_domains: [String]?
        var interfaces: [String: Interface]?
    }

    /// Sets up the namespace at `namespace` for `options`; netavark's status per network.
    func setup(_ namespace: String, _ options: Options) async throws(EngineError) -> [String: Status] {
        let output = try await run("setup", namespace, options)
        do {
            return try JSONDecoder().decode([String: Status].self, from: Data(output))
        } catch {
            throw .runtimeError("netavark setup answered what is not its status: \(error)")
        }
    }

    /// Undoes the setup of the namespace at `namespace` for `options`.
    func teardown(_ namespace: String, _ options: Options) async throws(EngineError) {
        _ = try await run("teardown", namespace, options)
    }

    /// A lock every netavark run of the host takes (Podlink's services; tests run several at once): netavark
    /// locks only its own config directory, and two runs that make the firewall's shared chains at once fail.
    static let hostLock = "/run/lock/podlink-netavark.lock"

    private func run(_ command: String, _ namespace: String, _ options: Options) async throws(EngineError) -> [UInt8] {
        try await FileSystem.withExclusiveLock(Self.hostLock) { () throws(EngineError) -> [UInt8] in
            try await runLocked(command, namespace, options)
        }
    }

    private func runLocked(
        _ command: String, _ namespace: String, _ options: Options
    ) async throws(EngineError) -> [UInt8] {
        let input: [UInt8]
        do {
            input = Array(try JSONEncoder().encode(options))
        } catch {
            throw .internalError("encode netavark's input: \(error)")
        }
        let output = try await ProcessRunner.run(
            path,
            [
                path, "--config", configDirectory, "--rootless", "false", "--aardvark-binary", aardvarkPath, command,
                namespace,
            ], stdin: input, timeout: .seconds(60))
        guard output.status == 0 else {
            throw .runtimeError("netavark \(command) failed: \(Self.message(output))")
        }
        return output.stdout
    }

    /// netavark's error: a JSON `{"error": "..."}` on stdout or words on stderr.
    static func message(_ output: ProcessOutput) -> String {
        struct Failure: Decodable { var error: String }
        if let failure = try? JSONDecoder().decode(Failure.self, from: Data(output.stdout)) { return failure.error }
        let text = output.stderrText.split(separator: "\n").last.map(String.init) ?? ""
        return text.isEmpty ? "exit \(output.status)" : text
    }
}

import PodlinkAPI

/// The network options of `create` and `run` (`--network`, `--ip`, `--network-alias`, and whether `-p` was
/// given), checked, as the network mode and joins of a Create.
///
/// `--network` takes `none`, `host`, `bridge` (the service's default network) or network names, comma-separated
/// or repeated; each named network is joined. Without it the container has no network (the service's default)
/// unless ports are published or `--ip` or `--network-alias` are given: it then joins the default network, as
/// with Podman.
struct NetworkSpec {
    /// The name by which a join asks for the service's default network, whatever its name (as Podman's `bridge`).
    static let defaultNetwork = "bridge"

    /// The mode; nil leaves the service's default (none).
    var mode: IoPodlink.NetworkMode?
    /// The networks joined with bridge: `defaultNetwork` for the default one; empty when only the default
    /// network is joined and nothing is asked of it.
    var joins: [IoPodlink.NetworkJoin]

    /// Checks the options. `networks` are the `--network` values, `aliases` the `--network-alias` ones
    /// (comma-separated or repeated); `publishes` tells whether `-p` was given.
    static func parse(networks: [String], ip: String?, aliases: [String], publishes: Bool) throws -> NetworkSpec {
        var names: [String] = []
        for value in networks {
            for word in value.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
                guard !word.isEmpty else {
                    throw CLIError("invalid --network \"\(value)\": give none, host, bridge or network names")
                }
                if word.contains(":") || word.contains("=") {
                    throw CLIError(
                        "invalid --network \"\(value)\": network options are not supported, "
                            + "give none, host, bridge or network names")
                }
                if !names.contains(word) { names.append(word) }
            }
        }
        let aliasNames = aliases.flatMap { $0.split(separator: ",").map(String.init) }
        if let ip, !IPv4Text.isValid(ip) {
            throw CLIError("invalid --ip \"\(ip)\": give an IPv4 address such as 10.88.0.5")
        }

        if let special = names.first(where: { $0 == "none" || $0 == "host" }) {
            guard names.count == 1 else {
                throw CLIError("--network \(special) cannot be combined with other networks")
            }
            if publishes { throw CLIError("--publish needs a bridge network, not --network \(special)") }
            if ip != nil { throw CLIError("--ip needs a bridge network, not --network \(special)") }
            if !aliasNames.isEmpty {
                throw CLIError("--network-alias needs a bridge network, not --network \(special)")
            }
            return NetworkSpec(mode: special == "none" ? IoPodlink.NetworkMode.none : .host, joins: [])
        }

        if names.isEmpty && !publishes && ip == nil && aliasNames.isEmpty {
            return NetworkSpec(mode: nil, joins: [])
        }
        if names.isEmpty { names = ["bridge"] }
        if ip != nil && names.count > 1 {
            throw CLIError("--ip can only be set for a single network, not \(names.joined(separator: ","))")
        }
        if names == ["bridge"] && ip == nil && aliasNames.isEmpty {
            // The default network as it is: the service joins it when no networks are given.
            return NetworkSpec(mode: .bridge, joins: [])
        }
        let joins = names.map { name in
            IoPodlink.NetworkJoin(
                name: name, aliases: aliasNames.isEmpty ? nil : aliasNames,
                ip: ip)
        }
        return NetworkSpec(mode: .bridge, joins: joins)
    }

    /// Sets `create`'s network mode and joins.
    func apply(to create: inout IoPodlink.Create) {
        create.network = mode
        create.networks = joins.isEmpty ? nil : joins
    }
}

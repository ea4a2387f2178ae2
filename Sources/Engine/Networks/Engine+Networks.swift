internal import FoundationEssentials
internal import Glibc

extension Engine {
    /// The network containers on `bridge` join when they name none, made as the engine first opens its store.
    public static let defaultNetworkName = "podlink"
    /// What a join may call the default network, whatever its name, as Podman's `bridge`; no network has it.
    public static let defaultNetworkAlias = "bridge"

    var netavark: Netavark {
        Netavark(
            path: options.netavarkPath, aardvarkPath: options.aardvarkPath,
            configDirectory: options.runRoot + "/networks")
    }

    /// Runs `body` holding the engine's network lock (across processes): subnets, bridge names, addresses and
    /// ports are chosen under it, so two starts never take the same.
    func withNetworkLock<T>(_ body: () async throws(EngineError) -> T) async throws(EngineError) -> T {
        try await FileSystem.withExclusiveLock(options.runRoot + "/networks.lock", body)
    }

    /// Makes the default network when the store has none.
    func ensureDefaultNetwork() async throws(EngineError) {
        guard (try? store.network(Self.defaultNetworkName)) == nil else { return }
        let subnet = IPv4Subnet(options.networkPool.network, prefixLength: max(options.networkPool.prefixLength, 24))
        do {
            _ = try await createNetwork(NetworkCreateOptions(name: Self.defaultNetworkName, subnet: subnet.description))
        } catch  where error.code == .nameInUse {
            // Another process made it meanwhile.
        }
    }

    /// Creates a bridge network (nothing is set up on the host until a container joins it).
    public func createNetwork(_ create: NetworkCreateOptions) async throws(EngineError) -> NetworkRecord {
        try Self.validateName(create.name)
        guard create.name != Self.defaultNetworkAlias else {
            throw .invalidArgument("name", "\(create.name) names the default network")
        }
        return try await withNetworkLock { () throws(EngineError) -> NetworkRecord in
            let existing = try store.allNetworks()
            guard !existing.contains(where: { $0.name == create.name }) else { throw .nameInUse(create.name) }
            let subnet: IPv4Subnet
            if let text = create.subnet {
                subnet = try Self.checkedSubnet(text, existing)
            } else {
                subnet = try Self.freeSubnet(in: options.networkPool, existing)
            }
            let gateway: IPv4Address
            if let text = create.gateway {
                guard let address = IPv4Address(text), subnet.hosts.contains(address.value) else {
                    throw .invalidArgument("gateway", "\(text) is not a host address of \(subnet)")
                }
                gateway = address
            } else {
                gateway = IPv4Address(subnet.hosts.lowerBound)
            }
            let used = Set(existing.map(\.interface))
            let interface = (0...).lazy.map { "\(self.options.bridgePrefix)\($0)" }.first { !used.contains($0) }!
            let network = NetworkRecord(
                name: create.name, id: Identifier.random(), interface: interface, subnet: subnet, gateway: gateway,
                internal: create.internal, dnsEnabled: create.dnsEnabled, createdAt: Date())
            try store.insertNetwork(network)
            return network
        }
    }

    /// A subnet as asked: CIDR, a /8 to a /30, overlapping no network's.
    static func checkedSubnet(_ text: String, _ existing: [NetworkRecord]) throws(EngineError) -> IPv4Subnet {
        guard let subnet = IPv4Subnet(text), (8...30).contains(subnet.prefixLength) else {
            throw .invalidArgument("subnet", "\(text) is not an IPv4 subnet from /8 to /30 without host bits")
        }
        if let other = existing.first(where: { $0.subnet.overlaps(subnet) }) {
            throw .subnetOverlap(subnet.description, network: other.name)
        }
        return subnet
    }

    /// The first /24 of `pool` that overlaps no network's.
    static func freeSubnet(in pool: IPv4Subnet, _ existing: [NetworkRecord]) throws(EngineError) -> IPv4Subnet {
        let length = max(pool.prefixLength, 24)
        var start = pool.network.value
        while pool.contains(IPv4Address(start)) {
            let candidate = IPv4Subnet(IPv4Address(start), prefixLength: length)
            if !existing.contains(where: { $0.subnet.overlaps(candidate) }) { return candidate }
            guard start <= UInt32.max - (1 << (32 - length)) else { break }
            start += 1 << (32 - length)
        }
        throw .invalidArgument("subnet", "no free /\(length) is left in \(pool)")
    }

    /// Every network, the default one first.
    public func listNetworks() async throws(EngineError) -> [NetworkRecord] {
        let networks = try store.allNetworks()
        return networks.filter { $0.name == Self.defaultNetworkName }
            + networks.filter {
                $0.name != Self.defaultNetworkName
            }
    }

    /// One network by name, id or id prefix.
    public func inspectNetwork(_ reference: String) async throws(EngineError) -> NetworkRecord {
        try store.network(reference)
    }

    /// The names of the containers that joined each network, by network name.
    public func containerNamesByNetwork() async throws(EngineError) -> [String: [String]] {
        var names: [String: [String]] = [:]
        for record in try store.allContainers() {
            for join in record.config.networks ?? [] { names[join.name, default: []].append(record.config.name) }
        }
        return names
    }

    /// Removes a network; one that containers joined needs `force`, which removes them first. The default
    /// network stays.
    @discardableResult
    public func removeNetwork(_ reference: String, force: Bool = false) async throws(EngineError) -> String {
        let network = try store.network(reference)
        guard network.name != Self.defaultNetworkName else {
            throw .invalidArgument("network", "the default network \(network.name) cannot be removed")
        }
        let users = try store.allContainers().filter {
            $0.config.networks?.contains { $0.name == network.name } ?? false
        }
        if !users.isEmpty {
            guard force else { throw .networkInUse(network.name, containers: users.map(\.config.name)) }
            for user in users { try await removeContainer(user.config.id, force: true) }
        }
        try store.deleteNetwork(network)
        return network.name
    }
}

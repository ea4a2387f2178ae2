internal import FoundationEssentials
internal import Glibc
internal import Logging

extension Engine {
    /// The networks and ports a container is created with, checked: the default network when it names none,
    /// names resolved, addresses inside their subnets, ports in range. Nil networks without `bridge`.
    func checkedNetworks(
        _ options: ContainerCreateOptions
    ) throws(EngineError) -> (networks: [NetworkJoin]?, ports: [PortMapping]?) {
        guard options.network == .bridge else {
            if !options.ports.isEmpty { throw .invalidArgument("ports", "publishing ports needs a bridge network") }
            if !options.networks.isEmpty { throw .invalidArgument("networks", "joining networks needs bridge") }
            return (nil, nil)
        }
        var joins: [NetworkJoin] = []
        for join in options.networks.isEmpty ? [NetworkJoin(name: Self.defaultNetworkName)] : options.networks {
            let network = try store.network(join.name == Self.defaultNetworkAlias ? Self.defaultNetworkName : join.name)
            guard !joins.contains(where: { $0.name == network.name }) else {
                throw .invalidArgument("networks", "\(network.name) is joined twice")
            }
            for alias in join.aliases { try Self.validateName(alias) }
            if let ip = join.ip {
                guard network.subnet.hosts.contains(ip.value) else {
                    throw .addressUnavailable(
                        ip.description, network: network.name, "outside the subnet \(network.subnet)")
                }
                guard ip != network.gateway else {
                    throw .addressUnavailable(ip.description, network: network.name, "the network's gateway")
                }
            }
            joins.append(NetworkJoin(name: network.name, aliases: join.aliases, ip: join.ip))
        }
        for port in options.ports {
            guard port.hostIP.isEmpty || IPv4Address(port.hostIP) != nil else {
                throw .invalidArgument("ports", "\(port.hostIP) is not an IPv4 address")
            }
            // Each bound before the sums, so that no number from a caller can overflow them.
            guard (1...65535).contains(port.range), (1...65535).contains(port.containerPort),
                (0...65535).contains(port.hostPort), port.containerPort + port.range <= 65536,
                port.hostPort + port.range <= 65536, port.hostPort != 0 || port.range == 1
            else {
                throw .invalidArgument(
                    "ports", "\(port.hostPort):\(port.containerPort) (range \(port.range)) is not a port mapping")
            }
        }
        return (joins, options.ports)
    }

    /// netavark's input for a container: its networks with the addresses in `statuses` (or the ones asked),
    /// its ports as resolved.
    func netavarkOptions(
        _ config: ContainerConfig, addresses: [String: IPv4Address], ports: [PortMapping]
    ) throws(EngineError) -> Netavark.Options {
        var networks: [String: Netavark.Options.PerNetwork] = [:]
        var info: [String: Netavark.Options.Network] = [:]
        for (index, join) in (config.networks ?? []).enumerated() {
            let network = try store.network(join.name)
            networks[join.name] = .init(
                aliases: join.aliases, interface_name: "eth\(index)",
                static_ips: addresses[join.name].map { [$0.description] } ?? [])
            info[join.name] = .init(
                name: network.name, id: network.id, network_interface: network.interface,
                subnets: [.init(subnet: network.subnet.description, gateway: network.gateway.description)],
                internal: network.internal, dns_enabled: network.dnsEnabled)
        }
        return Netavark.Options(
            container_id: config.id, container_name: config.name,
            port_mappings: ports.map {
                .init(
                    host_ip: $0.hostIP, container_port: $0.containerPort, host_port: $0.hostPort, range: $0.range,
                    protocol: $0.protocol.rawValue)
            }, networks: networks, network_info: info)
    }

    /// Sets up a bridge container's network before its runtime container is made: addresses and host ports
    /// chosen (under the network lock), a namespace of its own, netavark's setup; recorded in its state. Undone
    /// entirely when any step fails. Returns the nameservers its resolv.conf gets.
    func setUpNetworkLocked(_ record: inout ContainerRecord) async throws(EngineError) -> [String] {
        guard record.config.network == .bridge, record.state.networkNamespace.isEmpty else { return [] }
        let config = record.config
        return try await withNetworkLock { () throws(EngineError) -> [String] in
            let others = try store.allContainers().filter { $0.config.id != config.id }
            let addresses = try allocateAddresses(config, others: others)
            let ports = try resolvePorts(config.ports ?? [], others: others)
            let options = try netavarkOptions(config, addresses: addresses, ports: ports)
            let name = NetworkNamespace.name(for: config.id)
            let path = try await NetworkNamespace.create(name)
            let status: [String: Netavark.Status]
            do throws(EngineError) {
                status = try await netavark.setup(path, options)
            } catch {
                try? await netavark.teardown(path, options)
                try? await NetworkNamespace.delete(name)
                throw error
            }
            record.state.networkNamespace = path
            record.state.ports = ports
            record.state.networks = (config.networks ?? []).enumerated().compactMap { index, join in
                let interface = "eth\(index)"
                guard let found = status[join.name]?.interfaces?[interface],
                    let address = found.subnets?.first,
                    let slash = address.ipnet.firstIndex(of: "/"), let ip = IPv4Address(text: address.ipnet[..<slash]),
                    let length = Int(address.ipnet[address.ipnet.index(after: slash)...])
                else { return nil }
                return NetworkStatus(
                    network: join.name, interface: interface, ip: ip, prefixLength: length,
                    gateway: address.gateway.flatMap { IPv4Address($0) } ?? IPv4Address(0), mac: found.mac_address,
                    aliases: join.aliases)
            }
            try store.saveState(record.config, record.state)
            return status.values.flatMap { $0.dns_server_ips ?? [] }
        }
    }

    /// Undoes a container's network setup (netavark's teardown, its namespace); a container without one is fine.
    /// With `force` (after a reboot, when nothing of it is left) failures are ignored and the state forgets it.
    func tearDownNetworkLocked(_ record: inout ContainerRecord, force: Bool = false) async throws(EngineError) {
        guard !record.state.networkNamespace.isEmpty else { return }
        let addresses = Dictionary(
            record.state.networks.map { ($0.network, $0.ip) }, uniquingKeysWith: { first, _ in first })
        do {
            if let options = try? netavarkOptions(record.config, addresses: addresses, ports: record.state.ports) {
                try await netavark.teardown(record.state.networkNamespace, options)
            }
            try await NetworkNamespace.delete(NetworkNamespace.name(for: record.config.id))
        } catch {
            guard force else { throw error }
            logger.warning("network teardown of \(record.config.name): \(error)")
        }
        record.state.networkNamespace = ""
        record.state.networks = []
        record.state.ports = []
        try store.saveState(record.config, record.state)
    }

    /// An address on each network: the one asked for, or the first free host address (not the gateway, not held
    /// by another container with its network set up).
    func allocateAddresses(
        _ config: ContainerConfig, others: [ContainerRecord]
    ) throws(EngineError) -> [String: IPv4Address] {
        var addresses: [String: IPv4Address] = [:]
        for join in config.networks ?? [] {
            let network = try store.network(join.name)
            var held: [IPv4Address: String] = [network.gateway: "the gateway"]
            for other in others {
                for status in other.state.networks where status.network == network.name {
                    held[status.ip] = other.config.name
                }
                // Asked for by a container whose network is not set up yet: kept for it.
                for asked in other.config.networks ?? [] where asked.name == network.name {
                    if let ip = asked.ip, held[ip] == nil { held[ip] = other.config.name }
                }
            }
            if let ip = join.ip {
                if let holder = held[ip] {
                    throw .addressUnavailable(ip.description, network: network.name, "held by \(holder)")
                }
                addresses[network.name] = ip
                continue
            }
            guard let free = network.subnet.hosts.lazy.map(IPv4Address.init).first(where: { held[$0] == nil }) else {
                throw .addressUnavailable(network.subnet.description, network: network.name, "no address is free")
            }
            addresses[network.name] = free
        }
        return addresses
    }

    /// The ports with a free host port for each 0, refused when another container publishes the same host port
    /// or a process of the host listens on it.
    func resolvePorts(_ ports: [PortMapping], others: [ContainerRecord]) throws(EngineError) -> [PortMapping] {
        var resolved: [PortMapping] = []
        for var port in ports {
            if port.hostPort == 0 {
                port.hostPort = try Self.freeHostPort(port.hostIP, port.protocol)
            }
            for other in others {
                for taken in other.state.ports where taken.protocol == port.protocol && Self.overlap(taken, port) {
                    throw .portInUse(port.hostIP, port.hostPort, port.protocol.rawValue, holder: other.config.name)
                }
            }
            for taken in resolved where taken.protocol == port.protocol && Self.overlap(taken, port) {
                throw .portInUse(port.hostIP, port.hostPort, port.protocol.rawValue, holder: "the container itself")
            }
            for offset in 0..<port.range where !Self.bindable(port.hostIP, port.hostPort + offset, port.protocol) {
                throw .portInUse(port.hostIP, port.hostPort + offset, port.protocol.rawValue, holder: "the host")
            }
            resolved.append(port)
        }
        return resolved
    }

    /// Whether two mappings share a host port on a host address (an empty address is every address).
    static func overlap(_ a: PortMapping, _ b: PortMapping) -> Bool {
        (a.hostIP.isEmpty || b.hostIP.isEmpty || a.hostIP == b.hostIP)
            && a.hostPort < b.hostPort + b.range && b.hostPort < a.hostPort + a.range
    }

    /// A port the kernel gives a socket bound to port 0 on `hostIP`.
    static func freeHostPort(_ hostIP: String, _ protocol: PortProtocol) throws(EngineError) -> Int {
        guard let port = withBoundSocket(hostIP, 0, `protocol`, { Int($0) }) ?? nil else {
            throw .portInUse(hostIP, 0, `protocol`.rawValue, holder: "the host (no free port)")
        }
        return port
    }

    /// Whether a socket can be bound to `hostIP:port` now (nobody listens there).
    static func bindable(_ hostIP: String, _ port: Int, _ protocol: PortProtocol) -> Bool {
        withBoundSocket(hostIP, port, `protocol`) { _ in true } ?? false
    }

    /// Binds a socket to `hostIP:port` (all addresses when empty), runs `body` with the bound port and closes it;
    /// nil when it cannot be bound.
    private static func withBoundSocket<T>(
        _ hostIP: String, _ port: Int, _ protocol: PortProtocol, _ body: (UInt16) -> T
    ) -> T? {
        let kind = `protocol` == .tcp ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_DGRAM.rawValue)
        let fd = socket(AF_INET, kind | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // Connections that are closing (TIME_WAIT) do not hold the port; only a listener or a bound socket does.
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = (IPv4Address(hostIP)?.value ?? 0).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        return bound ? body(UInt16(bigEndian: address.sin_port)) : nil
    }
}

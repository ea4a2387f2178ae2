public import FoundationEssentials

/// A bridge network as the engine keeps it (netavark's bridge driver sets it up on the host).
public struct NetworkRecord: Sendable, Hashable, Codable {
    /// Its name.
    public var name: String
    /// Its id: 64 hex digits.
    public var id: String
    /// The bridge interface on the host.
    public var interface: String
    /// Its subnet.
    public var subnet: IPv4Subnet
    /// Its gateway: the bridge's address.
    public var gateway: IPv4Address
    /// Whether its containers reach only each other.
    public var `internal`: Bool
    /// Whether its containers resolve each other by name (aardvark-dns).
    public var dnsEnabled: Bool
    /// When it was created.
    public var createdAt: Date
}

/// What a network is created from.
public struct NetworkCreateOptions: Sendable, Hashable {
    /// Its name.
    public var name: String
    /// Its subnet; a free `10.90.N.0/24` when nil.
    public var subnet: String?
    /// Its gateway; the subnet's first host address when nil.
    public var gateway: String?
    /// Whether its containers reach only each other.
    public var `internal`: Bool
    /// Whether its containers resolve each other by name.
    public var dnsEnabled: Bool

    /// Options for a network named `name`, the rest chosen by the engine.
    public init(
        name: String, subnet: String? = nil, gateway: String? = nil, internal: Bool = false, dnsEnabled: Bool = true
    ) {
        self.name = name
        self.subnet = subnet
        self.gateway = gateway
        self.internal = `internal`
        self.dnsEnabled = dnsEnabled
    }
}

/// A network a container joins, as asked at create.
public struct NetworkJoin: Sendable, Hashable, Codable {
    /// The network's name (or id, resolved to the name at create).
    public var name: String
    /// More names it has on that network.
    public var aliases: [String]
    /// A static address; allocated when nil.
    public var ip: IPv4Address?

    /// A join of `name`.
    public init(name: String, aliases: [String] = [], ip: IPv4Address? = nil) {
        self.name = name
        self.aliases = aliases
        self.ip = ip
    }
}

/// The transport protocol of a published port.
public enum PortProtocol: String, Sendable, Hashable, Codable {
    /// TCP.
    case tcp
    /// UDP.
    case udp
}

/// Host ports forwarded to container ports.
public struct PortMapping: Sendable, Hashable, Codable {
    /// The host address; empty for every address.
    public var hostIP: String
    /// The first host port; 0 asks for a free one at start.
    public var hostPort: Int
    /// The first container port.
    public var containerPort: Int
    /// TCP or UDP.
    public var `protocol`: PortProtocol
    /// How many consecutive ports.
    public var range: Int

    /// A mapping of `range` ports.
    public init(hostIP: String = "", hostPort: Int, containerPort: Int, protocol: PortProtocol = .tcp, range: Int = 1) {
        self.hostIP = hostIP
        self.hostPort = hostPort
        self.containerPort = containerPort
        self.protocol = `protocol`
        self.range = range
    }
}

/// Where a container is on one network while its network is set up.
public struct NetworkStatus: Sendable, Hashable, Codable {
    /// The network's name.
    public var network: String
    /// The interface in the container.
    public var interface: String
    /// Its address.
    public var ip: IPv4Address
    /// The subnet's prefix length.
    public var prefixLength: Int
    /// The gateway.
    public var gateway: IPv4Address
    /// The interface's MAC address.
    public var mac: String
    /// Its names besides its own.
    public var aliases: [String]
}

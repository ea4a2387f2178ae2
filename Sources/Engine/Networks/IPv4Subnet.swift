/// An IPv4 subnet in CIDR form (`10.90.0.0/24`).
public struct IPv4Subnet: Sendable, Hashable, TextCoded {
    /// Its first address (the network's).
    public var network: IPv4Address
    /// Its prefix length, 0 to 32.
    public var prefixLength: Int

    /// The subnet `network/prefixLength`; the host bits of `network` are cleared.
    public init(_ network: IPv4Address, prefixLength: Int) {
        let length = min(max(prefixLength, 0), 32)
        self.prefixLength = length
        self.network = IPv4Address(network.value & Self.mask(length))
    }

    /// Reads `a.b.c.d/n`; nil when it is not CIDR or has host bits set (`10.0.0.1/24`).
    public init?(_ text: String) { self.init(text: text) }

    /// Reads the text (see ``init(_:)``).
    public init?(text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4Address(text: parts[0]), parts[1].allSatisfy(\.isNumber),
            let length = Int(parts[1]), (0...32).contains(length), address.value & ~Self.mask(length) == 0
        else { return nil }
        self.init(address, prefixLength: length)
    }

    private static func mask(_ length: Int) -> UInt32 { length == 0 ? 0 : UInt32.max << (32 - length) }

    /// The netmask as a number.
    public var mask: UInt32 { Self.mask(prefixLength) }

    /// Its last address (the broadcast address).
    public var broadcast: IPv4Address { IPv4Address(network.value | ~mask) }

    /// Whether `address` is in it.
    public func contains(_ address: IPv4Address) -> Bool { address.value & mask == network.value }

    /// Whether it and `other` share an address.
    public func overlaps(_ other: IPv4Subnet) -> Bool { contains(other.network) || other.contains(network) }

    /// The addresses a host may have: all but the network's and the broadcast address (all of a /31 or /32).
    public var hosts: ClosedRange<UInt32> {
        prefixLength >= 31 ? network.value...broadcast.value : (network.value + 1)...(broadcast.value - 1)
    }

    /// `a.b.c.d/n`.
    public var description: String { "\(network)/\(prefixLength)" }
}

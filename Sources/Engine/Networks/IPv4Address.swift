/// An IPv4 address, as the engine allocates and checks them.
public struct IPv4Address: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The address as a 32-bit number, first octet highest.
    public var value: UInt32

    /// The address of `value`.
    public init(_ value: UInt32) { self.value = value }

    /// Reads dotted-quad text (`10.90.0.1`); nil for anything else (leading zeros, out-of-range octets included).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                part == "0" || part.first != "0", let octet = UInt32(part), octet <= 255
            else { return nil }
            value = value << 8 | octet
        }
        self.value = value
    }

    /// Dotted-quad text.
    public var description: String {
        [24, 16, 8, 0].map { String(value >> $0 & 0xff) }.joined(separator: ".")
    }

    /// Orders addresses by their number.
    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.value < rhs.value }

    /// As JSON: the dotted quad.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let address = IPv4Address(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not IPv4: \(text)"))
        }
        self = address
    }

    /// As JSON: the dotted quad.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

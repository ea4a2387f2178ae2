/// An IPv4 address, as the engine allocates and checks them.
public struct IPv4Address: Sendable, Hashable, Comparable, TextCoded {
    /// The address as a 32-bit number, first octet highest.
    public var value: UInt32

    /// The address of `value`.
    public init(_ value: UInt32) { self.value = value }

    /// Reads dotted-quad text (`10.90.0.1`); nil for anything else (leading zeros, out-of-range octets included).
    public init?(_ text: String) { self.init(text: text) }

    /// Reads the text (see ``init(_:)``).
    public init?(text: some StringProtocol) {
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
}

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The JSON coders the runtime uses, and conversions between `Codable` values and `JSONValue`.
public enum VarlinkJSON {
    /// The `userInfo` key that makes generated types reject unknown fields while decoding (used for call
    /// parameters; replies are read leniently).
    public static let strictKey = CodingUserInfoKey(rawValue: "org.varlink.strict")!

    private static let sharedEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
    private static let lenientDecoder = JSONDecoder()
    private static let strictDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.userInfo[strictKey] = true
        return decoder
    }()

    /// An encoder producing compact JSON with keys in a stable order (shared: do not change its settings).
    public static func encoder() -> JSONEncoder { sharedEncoder }

    /// A decoder; `strict` makes generated types reject unknown fields (shared: do not change its settings).
    public static func decoder(strict: Bool) -> JSONDecoder { strict ? strictDecoder : lenientDecoder }

    /// Encodes `value` to JSON bytes.
    public static func encode(_ value: some Encodable) throws -> [UInt8] {
        Array(try encoder().encode(value))
    }

    /// Decodes a value from JSON bytes.
    public static func decode<T: Decodable>(
        _ type: T.Type, from bytes: some Collection<UInt8>, strict: Bool = false
    )
        throws -> T
    {
        try decoder(strict: strict).decode(type, from: Data(bytes))
    }

    /// Converts an encodable value to a `JSONValue`.
    public static func value(of encodable: some Encodable) throws -> JSONValue {
        try decode(JSONValue.self, from: try encode(encodable))
    }

    /// Converts a `JSONValue` to a decodable value.
    public static func convert<T: Decodable>(_ value: JSONValue, to type: T.Type, strict: Bool = false) throws -> T {
        try decode(type, from: try encode(value), strict: strict)
    }

    /// In strict mode, throws `DecodingError.dataCorrupted` naming the first key of the decoder's object that is
    /// not among `known`. Generated `init(from:)` calls this first.
    public static func checkKnownKeys(_ decoder: any Decoder, _ known: Set<String>) throws {
        guard decoder.userInfo[strictKey] as? Bool == true else { return }
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys where !known.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath + [key], debugDescription: "unknown field '\(key.stringValue)'"))
        }
    }

    /// The dotted path of the field a decoding error is about (`parameters.struct.first`), or nil at the top.
    public static func fieldPath(of error: DecodingError) -> String? {
        let path: [any CodingKey]
        switch error {
        case .keyNotFound(let key, let context): path = context.codingPath + [key]
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            path = context.codingPath
        @unknown default: return nil
        }
        let names = path.map { key in key.intValue.map { "\($0)" } ?? key.stringValue }
        return names.isEmpty ? nil : names.joined(separator: ".")
    }
}

/// A coding key made from any string or integer.
public struct AnyCodingKey: CodingKey, Sendable {
    /// The key's string.
    public var stringValue: String
    /// The key's index, for arrays.
    public var intValue: Int?

    /// A string key.
    public init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    /// An integer key.
    public init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

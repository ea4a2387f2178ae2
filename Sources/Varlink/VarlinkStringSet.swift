/// The wire form of varlink's `[string]()` set: a JSON object whose keys are the members and whose values are
/// empty objects. Generated types expose the set as `Set<String>` and use this only to encode and decode it.
public struct VarlinkStringSet: Codable, Sendable, Hashable {
    /// The members.
    public var values: Set<String>

    /// Wraps a set.
    public init(_ values: Set<String>) {
        self.values = values
    }

    private struct Empty: Codable {}

    /// Decodes `{"a": {}, "b": {}}`; any value is accepted beside each key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        values = Set(container.allKeys.map(\.stringValue))
    }

    /// Encodes `{"a": {}, "b": {}}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        for value in values.sorted() {
            try container.encode(Empty(), forKey: AnyCodingKey(stringValue: value))
        }
    }
}

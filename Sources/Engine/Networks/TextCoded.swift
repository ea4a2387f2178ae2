/// A value that is its text in JSON (an address, a subnet): decoded from and encoded as its `description`.
public protocol TextCoded: Codable, LosslessStringConvertible {}

extension TextCoded {
    /// Reads the value from its text, or fails naming what the text is not.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a \(Self.self): \(text)"))
        }
        self = value
    }

    /// Writes the value's text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

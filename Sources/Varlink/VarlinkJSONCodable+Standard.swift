// The standard types generated code is made of, coded by the byte-level reader and writer: base types, `JSONValue`,
// sets of strings (varlink's `[string]()`, an object of empty objects), and optionals, arrays and string-keyed
// dictionaries of coded types.

extension Bool: VarlinkJSONCodable {
    /// Reads `true` or `false`.
    @inlinable
    public init(json reader: inout VarlinkJSONReader) throws(VarlinkJSONError) { self = try reader.readBool() }
    /// Writes `true` or `false`.
    @inlinable
    public func encodeJSON(to writer: inout VarlinkJSONWriter) { writer.write(self) }
}

extension Int: VarlinkJSONCodable {
    /// Reads an integral number that fits.
    @inlinable
    public init(json reader: inout VarlinkJSONReader) throws(VarlinkJSONError) { self = try reader.readInt() }
    /// Writes the number.
    @inlinable
    public func encodeJSON(to writer: inout VarlinkJSONWriter) { writer.write(self) }
}

extension Double: VarlinkJSONCodable {
    /// Reads a number.
    @inlinable
    public init(json reader: inout VarlinkJSONReader) throws(VarlinkJSONError) { self = try reader.readDouble() }
    /// Writes the number (`null` for infinity and NaN, which JSON lacks).
    @inlinable
    public func encodeJSON(to writer: inout VarlinkJSONWriter) { writer.write(self) }
}

extension String: VarlinkJSONCodable {
    /// Reads a string.
    @inlinable
    public init(json reader: inout VarlinkJSONReader) throws(VarlinkJSONError) { self = try reader.readString() }
    /// Writes the string, escaped.
    @inlinable
    public func encodeJSON(to writer: inout VarlinkJSONWriter) { writer.write(self) }
}

extension JSONValue: VarlinkJSONCodable {
    /// Reads any value.
    public init(json reader: inout VarlinkJSONReader) throws(VarlinkJSONError) { self = try reader.readValue() }
    /// Writes the value, object keys sorted.
    public func encodeJSON(to writer: inout VarlinkJSONWriter) { writer.write(self) }
}

extension Set: VarlinkJSONEncodable where Element == String {
    /// Writes `{"a":{},"b":{}}`, sorted.
    public func encodeJSON(to writer: inout VarlinkJSONWriter) { writer.write(self) }
}

extension Set: VarlinkJSONDecodable where Element == String {
    /// Reads `{"a":{},"b":{}}`; any value is accepted beside each key.
    public init(json reader: inout VarlinkJSONReader) throws(VarlinkJSONError) { self = try reader.readStringSet() }
}

extension Optional: VarlinkJSONEncodable where Wrapped: VarlinkJSONEncodable {
    /// Writes the value, or `null`.
    @inlinable
    public func encodeJSON(to writer: inout VarlinkJSONWriter) {
        if let value = self { value.encodeJSON(to: &writer) } else { writer.writeNull() }
    }
}

extension Optional: VarlinkJSONDecodable where Wrapped: VarlinkJSONDecodable {
    /// Reads `null` as nil, anything else as the wrapped type.
    @inlinable
    public init(json reader: inout VarlinkJSONReader) throws(VarlinkJSONError) {
        self = reader.readNull() ? nil : try Wrapped(json: &reader)
    }
}

extension Array: VarlinkJSONEncodable where Element: VarlinkJSONEncodable {
    /// Writes the elements.
    @inlinable
    public func encodeJSON(to writer: inout VarlinkJSONWriter) {
        writer.write(self) { writer, element in element.encodeJSON(to: &writer) }
    }
}

extension Array: VarlinkJSONDecodable where Element: VarlinkJSONDecodable {
    /// Reads the elements; an error names the index.
    @inlinable
    public init(json reader: inout VarlinkJSONReader) throws(VarlinkJSONError) {
        self = try reader.readArray { reader throws(VarlinkJSONError) in try Element(json: &reader) }
    }
}

extension Dictionary: VarlinkJSONEncodable where Key == String, Value: VarlinkJSONEncodable {
    /// Writes an object, keys sorted.
    @inlinable
    public func encodeJSON(to writer: inout VarlinkJSONWriter) {
        writer.write(self) { writer, value in value.encodeJSON(to: &writer) }
    }
}

extension Dictionary: VarlinkJSONDecodable where Key == String, Value: VarlinkJSONDecodable {
    /// Reads an object; an error names the key.
    @inlinable
    public init(json reader: inout VarlinkJSONReader) throws(VarlinkJSONError) {
        self = try reader.readMap { reader throws(VarlinkJSONError) in try Value(json: &reader) }
    }
}

extension VarlinkJSONReader {
    /// Reads a member's value of `type`, naming the member in an error.
    @inlinable
    public mutating func member<T: VarlinkJSONDecodable>(
        _ key: String, _ type: T.Type
    ) throws(VarlinkJSONError) -> T {
        do {
            return try T(json: &self)
        } catch {
            throw error.within(key)
        }
    }
}

/// A type that writes its own JSON, byte by byte: generated types conform, so replies and calls are encoded without
/// `Codable`'s containers. The output is what `VarlinkJSON.encoder()` gives (keys sorted, absent optionals left
/// out).
public protocol VarlinkJSONEncodable: Encodable {
    /// Appends the value's JSON to `writer`.
    func encodeJSON(to writer: inout VarlinkJSONWriter)
}

/// A type that reads itself from JSON bytes: generated types conform, so call parameters are decoded without
/// `Codable`'s containers, with the same rules (unknown fields refused when the reader is strict, missing and
/// mistyped fields named by their path).
public protocol VarlinkJSONDecodable: Decodable {
    /// Reads one value at the reader's position.
    init(json reader: inout VarlinkJSONReader) throws(VarlinkJSONError)
}

/// Both directions.
public typealias VarlinkJSONCodable = VarlinkJSONEncodable & VarlinkJSONDecodable

/// Why JSON bytes do not hold the value wanted, and where: `path` is the field and index path from the top
/// (`["mounts", "0", "source"]`), as `InvalidParameter` names it.
public struct VarlinkJSONError: Error, Sendable, CustomStringConvertible {
    /// Field names and array indices, outermost first.
    public var path: [String]
    /// What is wrong.
    public var reason: String

    /// An error at the current position.
    public init(_ reason: String, path: [String] = []) {
        self.reason = reason
        self.path = path
    }

    /// The same error, one level further in: inside the field or index `component`.
    public func within(_ component: String) -> VarlinkJSONError {
        VarlinkJSONError(reason, path: [component] + path)
    }

    /// The dotted path, or nil at the top.
    public var dottedPath: String? { path.isEmpty ? nil : path.joined(separator: ".") }

    /// The path and the reason.
    public var description: String { "\(dottedPath ?? "value"): \(reason)" }
}

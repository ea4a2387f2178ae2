/// Appends compact JSON to a byte array, as `VarlinkJSON.encoder()` writes it: no spaces, `/` unescaped, control
/// characters escaped, integral doubles without a fraction (`1`, not `1.0`), object keys in the order the caller
/// writes them (generated code writes them sorted; maps and `JSONValue` objects are sorted here).
///
/// Members and elements are separated by looking at the last byte written: after `{` or `[` no comma is needed.
public struct VarlinkJSONWriter: Sendable {
    /// The JSON written so far.
    public var bytes: [UInt8]

    /// A writer appending to `bytes`.
    @inlinable
    public init(bytes: [UInt8] = []) {
        self.bytes = bytes
    }

    @inlinable
    mutating func separate() {
        if let last = bytes.last, last != UInt8(ascii: "{"), last != UInt8(ascii: "["), last != UInt8(ascii: ":") {
            bytes.append(UInt8(ascii: ","))
        }
    }

    /// Begins an object.
    @inlinable
    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
    }

    /// Ends an object.
    @inlinable
    public mutating func endObject() { bytes.append(UInt8(ascii: "}")) }

    /// Begins an array.
    @inlinable
    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
    }

    /// Ends an array.
    @inlinable
    public mutating func endArray() { bytes.append(UInt8(ascii: "]")) }

    /// Writes a member's key (and the comma before it, when it is not the first); its value follows.
    @inlinable
    public mutating func key(_ name: String) {
        separate()
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Writes `null`.
    @inlinable
    public mutating func writeNull() {
        separate()
        bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
    }

    /// Writes `true` or `false`.
    @inlinable
    public mutating func write(_ value: Bool) {
        separate()
        if value {
            bytes.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
        } else {
            bytes.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
        }
    }

    /// Writes an integer.
    @inlinable
    public mutating func write(_ value: Int) {
        separate()
        if value >= 0 && value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        bytes.append(contentsOf: value.description.utf8)
    }

    /// Writes a number; JSON has no infinity or NaN, which are written as `null`.
    public mutating func write(_ value: Double) {
        guard value.isFinite else {
            writeNull()
            return
        }
        separate()
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// Writes a string, escaping `"`, `\` and control characters.
    @inlinable
    public mutating func write(_ value: String) {
        separate()
        writeString(value)
    }

    @inlinable
    mutating func writeString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                Self.escape(byte, into: &bytes)
                start = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    @usableFromInline
    static func escape(_ byte: UInt8, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }
    }

    /// Writes a set of strings as varlink does: an object whose keys are the members, each with `{}`, sorted.
    public mutating func write(_ value: Set<String>) {
        beginObject()
        for member in value.sorted() {
            key(member)
            bytes.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")])
        }
        endObject()
    }

    /// Writes any JSON value, object keys sorted.
    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: writeNull()
        case .bool(let value): write(value)
        case .int(let value): write(value)
        case .double(let value): write(value)
        case .string(let value): write(value)
        case .array(let elements):
            beginArray()
            for element in elements { write(element) }
            endArray()
        case .object(let members):
            beginObject()
            for name in members.keys.sorted() {
                key(name)
                write(members[name]!)
            }
            endObject()
        }
    }

    /// Writes an array, each element by `element`.
    @inlinable
    public mutating func write<Element>(_ array: [Element], element: (inout Self, Element) -> Void) {
        beginArray()
        for item in array { element(&self, item) }
        endArray()
    }

    /// Writes a map as an object, keys sorted, each value by `value`.
    @inlinable
    public mutating func write<Value>(_ map: [String: Value], value: (inout Self, Value) -> Void) {
        beginObject()
        for name in map.keys.sorted() {
            key(name)
            value(&self, map[name]!)
        }
        endObject()
    }

    /// Writes a member: its key, then its value by `value`.
    @inlinable
    public mutating func member(_ name: String, value: (inout Self) -> Void) {
        key(name)
        value(&self)
    }
}

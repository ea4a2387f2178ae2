/// Reads JSON values out of bytes as generated types ask for them, checking the grammar as it goes (RFC 8259;
/// nesting deeper than 512 is refused). `strict` readers refuse object members a type does not declare (call
/// parameters); lenient ones skip them (replies, which may come from newer services).
///
/// Numbers for `Int` must be integral and fit (`5`, `5.0` and `5e0` read as 5); strings are unescaped into Swift
/// strings, with invalid UTF-8 and lone surrogates refused.
public struct VarlinkJSONReader: Sendable {
    @usableFromInline let bytes: [UInt8]
    @usableFromInline var index: Int
    @usableFromInline let end: Int
    @usableFromInline var depth = 0
    /// Whether members a type does not declare are refused.
    public let strict: Bool

    /// A reader of `bytes[range]` (all of them without a range).
    public init(bytes: [UInt8], range: Range<Int>? = nil, strict: Bool) {
        self.bytes = bytes
        self.index = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? bytes.count
        self.strict = strict
    }

    /// Reads a whole value of `type` from `bytes[range]`; nothing but whitespace may follow it.
    public static func decode<T: VarlinkJSONDecodable>(
        _ type: T.Type, from bytes: [UInt8], range: Range<Int>? = nil, strict: Bool
    ) throws(VarlinkJSONError) -> T {
        var reader = VarlinkJSONReader(bytes: bytes, range: range, strict: strict)
        let value = try T(json: &reader)
        try reader.expectEnd()
        return value
    }

    @inlinable
    mutating func skipWhitespace() {
        while index < end {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    @inlinable
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return index < end ? bytes[index] : nil
    }

    @inlinable
    mutating func expect(_ byte: UInt8, _ what: String) throws(VarlinkJSONError) {
        guard peek() == byte else { throw VarlinkJSONError("expected \(what)") }
        index += 1
    }

    // MARK: Objects and arrays

    /// Begins an object (its members are read with ``nextKey(_:)``).
    @inlinable
    public mutating func beginObject() throws(VarlinkJSONError) {
        guard peek() == UInt8(ascii: "{") else { throw VarlinkJSONError("expected an object") }
        index += 1
        depth += 1
        if depth > 512 { throw VarlinkJSONError("nested too deeply") }
    }

    /// The next member's key (the reader then stands at its value), or nil after the object's end. `first` is
    /// the caller's: true before the first member, and this sets it to false.
    @inlinable
    public mutating func nextKey(_ first: inout Bool) throws(VarlinkJSONError) -> String? {
        guard let byte = peek() else { throw VarlinkJSONError("unterminated object") }
        if byte == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return nil
        }
        if first {
            first = false
        } else {
            guard byte == UInt8(ascii: ",") else { throw VarlinkJSONError("expected ',' or '}'") }
            index += 1
        }
        let key = try readString()
        try expect(UInt8(ascii: ":"), "':'")
        return key
    }

    /// A member the type does not declare: refused by a strict reader, skipped by a lenient one.
    public mutating func unknownMember(_ key: String) throws(VarlinkJSONError) {
        if strict { throw VarlinkJSONError("unknown field '\(key)'", path: [key]) }
        try skipValue()
    }

    /// Reads a member's value by `body`, naming the member in an error.
    @inlinable
    public mutating func member<T>(
        _ key: String, _ body: (inout Self) throws(VarlinkJSONError) -> T
    ) throws(VarlinkJSONError) -> T {
        do {
            return try body(&self)
        } catch {
            throw error.within(key)
        }
    }

    /// A required member that was absent.
    public static func missing(_ key: String) -> VarlinkJSONError {
        VarlinkJSONError("missing field '\(key)'", path: [key])
    }

    /// Reads an array, each element by `element`, naming its index in an error.
    @inlinable
    public mutating func readArray<T>(
        _ element: (inout Self) throws(VarlinkJSONError) -> T
    ) throws(VarlinkJSONError) -> [T] {
        guard peek() == UInt8(ascii: "[") else { throw VarlinkJSONError("expected an array") }
        index += 1
        depth += 1
        if depth > 512 { throw VarlinkJSONError("nested too deeply") }
        var result: [T] = []
        if peek() == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return result
        }
        while true {
            let position = result.count
            do {
                result.append(try element(&self))
            } catch {
                throw error.within(String(position))
            }
            guard let byte = peek() else { throw VarlinkJSONError("unterminated array") }
            index += 1
            if byte == UInt8(ascii: "]") {
                depth -= 1
                return result
            }
            guard byte == UInt8(ascii: ",") else { throw VarlinkJSONError("expected ',' or ']'") }
        }
    }

    /// Reads an object as a map, each value by `value`, naming its key in an error.
    @inlinable
    public mutating func readMap<T>(
        _ value: (inout Self) throws(VarlinkJSONError) -> T
    ) throws(VarlinkJSONError) -> [String: T] {
        try beginObject()
        var result: [String: T] = [:]
        var first = true
        while let key = try nextKey(&first) {
            do {
                result[key] = try value(&self)
            } catch {
                throw error.within(key)
            }
        }
        return result
    }

    /// Reads varlink's set of strings: an object whose keys are the members (their values are skipped).
    public mutating func readStringSet() throws(VarlinkJSONError) -> Set<String> {
        try beginObject()
        var result = Set<String>()
        var first = true
        while let key = try nextKey(&first) {
            try skipValue()
            result.insert(key)
        }
        return result
    }

    // MARK: Scalars

    /// Consumes a `null` if one stands here; false (nothing consumed) otherwise.
    @inlinable
    public mutating func readNull() -> Bool {
        guard peek() == UInt8(ascii: "n") else { return false }
        guard index + 4 <= end, bytes[index + 1] == 0x75, bytes[index + 2] == 0x6C, bytes[index + 3] == 0x6C else {
            return false
        }
        index += 4
        return true
    }

    /// Reads `true` or `false`.
    @inlinable
    public mutating func readBool() throws(VarlinkJSONError) -> Bool {
        switch peek() {
        case UInt8(ascii: "t")
        where index + 4 <= end && bytes[(index + 1)..<(index + 4)].elementsEqual([0x72, 0x75, 0x65]):
            index += 4
            return true
        case UInt8(ascii: "f")
        where index + 5 <= end
            && bytes[(index + 1)..<(index + 5)].elementsEqual([0x61, 0x6C, 0x73, 0x65]):
            index += 5
            return false
        default:
            throw VarlinkJSONError("expected a boolean")
        }
    }

    /// Reads an integral number that fits `Int`.
    @inlinable
    public mutating func readInt() throws(VarlinkJSONError) -> Int {
        let (start, integral) = try scanNumber()
        if integral, let value = Self.integer(bytes, start..<index) { return value }
        guard !integral, let value = Self.exactInteger(bytes, start..<index) else {
            throw VarlinkJSONError("expected an integer that fits 64 bits")
        }
        return value
    }

    @usableFromInline
    static func integer(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        var index = range.lowerBound
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var value = 0
        while index < range.upperBound {
            let digit = Int(bytes[index] &- 0x30)
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) =
                negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            if overflow || overflow2 { return nil }
            value = sum
            index += 1
        }
        return value
    }

    /// The integer a number with a fraction or an exponent stands for exactly (`5.0`, `1e2`,
    /// `-1.0138902765165158e+18`), or nil when it is not integral or does not fit: decimal digits scaled by their
    /// exponent, as Foundation reads them, not through a `Double` (which rounds past 2^53).
    @usableFromInline
    static func exactInteger(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        var index = range.lowerBound
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var digits: [UInt8] = []
        var scale = 0
        var inFraction = false
        while index < range.upperBound {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                inFraction = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                break
            } else {
                digits.append(byte &- 0x30)
                if inFraction { scale -= 1 }
            }
            index += 1
        }
        if index < range.upperBound {
            // The exponent: its digits, bounded (a longer one cannot give an integer that fits).
            index += 1
            var exponentNegative = false
            if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var exponent = 0
            while index < range.upperBound {
                exponent = exponent * 10 + Int(bytes[index] &- 0x30)
                if exponent > 10_000 { return exponentNegative ? (digits.allSatisfy { $0 == 0 } ? 0 : nil) : nil }
                index += 1
            }
            scale += exponentNegative ? -exponent : exponent
        }
        while let last = digits.last, last == 0, scale < 0 {
            digits.removeLast()
            scale += 1
        }
        if digits.allSatisfy({ $0 == 0 }) { return 0 }
        guard scale >= 0, scale < 20 else { return nil }
        var value = 0
        for digit in digits + Array(repeating: 0, count: scale) {
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) =
                negative ? times.subtractingReportingOverflow(Int(digit)) : times.addingReportingOverflow(Int(digit))
            if overflow || overflow2 { return nil }
            value = sum
        }
        return value
    }

    /// Reads a number.
    @inlinable
    public mutating func readDouble() throws(VarlinkJSONError) -> Double {
        let (start, integral) = try scanNumber()
        if integral, index - start < 16, let value = Self.integer(bytes, start..<index) { return Double(value) }
        guard let value = Double(String(decoding: bytes[start..<index], as: UTF8.self)), value.isFinite else {
            throw VarlinkJSONError("expected a number")
        }
        return value
    }

    /// Scans a number's grammar; returns where it starts and whether it has neither fraction nor exponent.
    @inlinable
    mutating func scanNumber() throws(VarlinkJSONError) -> (start: Int, integral: Bool) {
        skipWhitespace()
        let start = index
        if index < end, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let digitsStart = index
        while index < end, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
        let digits = index - digitsStart
        guard digits > 0 else { throw VarlinkJSONError("expected a number") }
        if digits > 1 && bytes[digitsStart] == 0x30 { throw VarlinkJSONError("a number with a leading zero") }
        var integral = true
        if index < end, bytes[index] == UInt8(ascii: ".") {
            integral = false
            index += 1
            let from = index
            while index < end, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            guard index > from else { throw VarlinkJSONError("expected a number") }
        }
        if index < end, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            integral = false
            index += 1
            if index < end, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            let from = index
            while index < end, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            guard index > from else { throw VarlinkJSONError("expected a number") }
        }
        return (start, integral)
    }

    /// Reads a string.
    @inlinable
    public mutating func readString() throws(VarlinkJSONError) -> String {
        guard peek() == UInt8(ascii: "\"") else { throw VarlinkJSONError("expected a string") }
        index += 1
        let start = index
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                return try Self.text(bytes[start..<index])
            }
            if byte == UInt8(ascii: "\\") { return try readEscapedString(from: start) }
            if byte < 0x20 { throw VarlinkJSONError("a control character in a string") }
            index += 1
        }
        throw VarlinkJSONError("unterminated string")
    }

    @usableFromInline
    static func text(_ utf8: ArraySlice<UInt8>) throws(VarlinkJSONError) -> String {
        guard let text = String(validating: utf8, as: UTF8.self) else {
            throw VarlinkJSONError("a string that is not UTF-8")
        }
        return text
    }

    /// The rest of a string that has escapes, from its first byte at `start`.
    @usableFromInline
    mutating func readEscapedString(from start: Int) throws(VarlinkJSONError) -> String {
        var utf8 = Array(bytes[start..<index])
        while index < end {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") { return try Self.text(utf8[...]) }
            if byte < 0x20 { throw VarlinkJSONError("a control character in a string") }
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                continue
            }
            guard index < end else { break }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try readHex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard index + 1 < end, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                    else { throw VarlinkJSONError("a lone surrogate in a string") }
                    index += 2
                    let low = try readHex4()
                    guard (0xDC00..<0xE000).contains(low) else {
                        throw VarlinkJSONError("a lone surrogate in a string")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw VarlinkJSONError("a lone surrogate in a string")
                }
                utf8.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
            default:
                throw VarlinkJSONError("a bad escape in a string")
            }
        }
        throw VarlinkJSONError("unterminated string")
    }

    mutating func readHex4() throws(VarlinkJSONError) -> UInt32 {
        guard index + 4 <= end else { throw VarlinkJSONError("a bad \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: throw VarlinkJSONError("a bad \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    // MARK: Any value

    /// Reads any JSON value; `allowNull: false` refuses `null` (varlink's `any`).
    public mutating func readValue(allowNull: Bool = true) throws(VarlinkJSONError) -> JSONValue {
        switch peek() {
        case UInt8(ascii: "n"):
            guard readNull() else { throw VarlinkJSONError("expected a value") }
            guard allowNull else { throw VarlinkJSONError("null where a value is needed") }
            return .null
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool(try readBool())
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "["):
            return .array(try readArray { reader throws(VarlinkJSONError) in try reader.readValue() })
        case UInt8(ascii: "{"):
            return .object(try readMap { reader throws(VarlinkJSONError) in try reader.readValue() })
        case nil: throw VarlinkJSONError("expected a value")
        default:
            // As Foundation reads it: an integral number that fits is an `int` (`5.0` and `1e2` too).
            let (start, integral) = try scanNumber()
            if integral, let value = Self.integer(bytes, start..<index) { return .int(value) }
            guard let value = Double(String(decoding: bytes[start..<index], as: UTF8.self)) else {
                throw VarlinkJSONError("expected a number")
            }
            guard value.isFinite else { throw VarlinkJSONError("a number out of range") }
            if let exact = Self.exactInteger(bytes, start..<index) { return .int(exact) }
            return .double(value)
        }
    }

    /// Skips one value, checking its grammar, without building it.
    public mutating func skipValue() throws(VarlinkJSONError) {
        switch peek() {
        case UInt8(ascii: "n"):
            guard readNull() else { throw VarlinkJSONError("expected a value") }
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try readBool()
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "["):
            _ = try readArray { reader throws(VarlinkJSONError) in try reader.skipValue() }
        case UInt8(ascii: "{"):
            // As `nextKey`, with the keys checked but not built.
            try beginObject()
            var first = true
            while true {
                guard let byte = peek() else { throw VarlinkJSONError("unterminated object") }
                if byte == UInt8(ascii: "}") {
                    index += 1
                    depth -= 1
                    return
                }
                if first {
                    first = false
                } else {
                    guard byte == UInt8(ascii: ",") else { throw VarlinkJSONError("expected ',' or '}'") }
                    index += 1
                }
                guard peek() == UInt8(ascii: "\"") else { throw VarlinkJSONError("expected a string") }
                try skipString()
                try expect(UInt8(ascii: ":"), "':'")
                try skipValue()
            }
        case nil: throw VarlinkJSONError("expected a value")
        default: _ = try scanNumber()
        }
    }

    /// Checks that nothing but whitespace follows the value read.
    public mutating func expectEnd() throws(VarlinkJSONError) {
        skipWhitespace()
        guard index == end else { throw VarlinkJSONError("trailing bytes after the value") }
    }

    /// Skips a string, checking its escapes and UTF-8.
    mutating func skipString() throws(VarlinkJSONError) {
        index += 1
        let start = index
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                guard String(validating: bytes[start..<index], as: UTF8.self) != nil else {
                    throw VarlinkJSONError("a string that is not UTF-8")
                }
                index += 1
                return
            }
            if byte == UInt8(ascii: "\\") {
                _ = try readEscapedString(from: start)
                return
            }
            if byte < 0x20 { throw VarlinkJSONError("a control character in a string") }
            index += 1
        }
        throw VarlinkJSONError("unterminated string")
    }

    /// Skips one value, checking its grammar; returns where its bytes lie.
    public mutating func skipValueRange() throws(VarlinkJSONError) -> Range<Int> {
        skipWhitespace()
        let start = index
        try skipValue()
        return start..<index
    }
}

/// Reads a message's top level in one pass over its bytes: validates that the message is one JSON object, and finds
/// what the runtime needs before decoding parameters: a call's `method`, flags and where `parameters` lies (so the
/// parameters are decoded once, from their own bytes), or a reply's `continues` and `error`.
///
/// A call is held to the varlink specification: a key it does not define closes the connection unless it is
/// prefixed with a reverse-domain name (`org.example.trace`), and at most one of `more`, `oneway` and `upgrade` may
/// be set.
struct CallScanner {
    let bytes: [UInt8]
    var index = 0

    struct Invalid: Error {
        var reason: String
    }

    struct Result {
        var method: String
        var flags: VarlinkCallFlags
        var parameters: Range<Int>?
    }

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    static func scan(_ bytes: [UInt8]) throws(Invalid) -> Result {
        var scanner = CallScanner(bytes)
        return try scanner.call()
    }

    /// What the client needs of a reply before decoding it: whether more replies follow it, and whether it is an
    /// error. Only the top level counts: a parameter named `continues` does not.
    struct ReplyHeader {
        var continues: Bool
        var isError: Bool
    }

    static func scanReply(_ bytes: [UInt8]) throws(Invalid) -> ReplyHeader {
        var scanner = CallScanner(bytes)
        return try scanner.reply()
    }

    mutating func reply() throws(Invalid) -> ReplyHeader {
        var header = ReplyHeader(continues: false, isError: false)
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return header
        }
        while true {
            skipWhitespace()
            let keyRange = try string()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            let start = index
            try value()
            let key = bytes[keyRange]
            if key.elementsEqual("continues".utf8) {
                header.continues = bytes[start..<index].elementsEqual("true".utf8)
            } else if key.elementsEqual("error".utf8) {
                header.isError = !bytes[start..<index].elementsEqual("null".utf8)
            }
            if try anotherMember(closing: UInt8(ascii: "}"), of: "object") { continue }
            return header
        }
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8) throws(Invalid) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else {
            throw Invalid(reason: "expected '\(Character(UnicodeScalar(byte)))'")
        }
        index += 1
    }

    mutating func call() throws(Invalid) -> Result {
        try expect(UInt8(ascii: "{"))
        var method: String?
        var flags: VarlinkCallFlags = []
        var parameters: Range<Int>?
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipWhitespace()
                let keyRange = try string()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                let start = index
                let key = bytes[keyRange]
                if key.elementsEqual("method".utf8) {
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                        throw Invalid(reason: "method is not a string")
                    }
                    let range = try string()
                    let raw = bytes[range]
                    if raw.contains(UInt8(ascii: "\\")) {
                        method = try? VarlinkJSON.decode(
                            String.self, from: bytes[(range.lowerBound - 1)...range.upperBound])
                        if method == nil { throw Invalid(reason: "bad method string") }
                    } else {
                        method = String(decoding: raw, as: UTF8.self)
                    }
                } else if key.elementsEqual("parameters".utf8) {
                    try value()
                    parameters = start..<index
                } else if key.elementsEqual("more".utf8) || key.elementsEqual("oneway".utf8)
                    || key.elementsEqual("upgrade".utf8)
                {
                    try value()
                    let literal = bytes[start..<index]
                    let set: Bool
                    if literal.elementsEqual("true".utf8) {
                        set = true
                    } else if literal.elementsEqual("false".utf8) || literal.elementsEqual("null".utf8) {
                        set = false
                    } else {
                        throw Invalid(reason: "a flag is not a boolean")
                    }
                    if set {
                        flags.insert(
                            key.first == UInt8(ascii: "m") ? .more : key.first == UInt8(ascii: "o") ? .oneway : .upgrade
                        )
                    }
                } else if key.contains(UInt8(ascii: ".")) {
                    // An extension, named under its owner's reverse domain: skipped.
                    try value()
                } else {
                    throw Invalid(reason: "unknown key '\(String(decoding: key, as: UTF8.self))'")
                }
                if try anotherMember(closing: UInt8(ascii: "}"), of: "object") { continue }
                break
            }
        }
        skipWhitespace()
        guard index == bytes.count else { throw Invalid(reason: "trailing bytes after the object") }
        guard let method else { throw Invalid(reason: "no method") }
        guard flags.rawValue & (flags.rawValue &- 1) == 0 else {
            throw Invalid(reason: "more than one of more, oneway and upgrade")
        }
        return Result(method: method, flags: flags, parameters: parameters)
    }

    /// A string at `index`; returns the range of its contents (still escaped).
    private mutating func string() throws(Invalid) -> Range<Int> {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
            throw Invalid(reason: "expected a string")
        }
        index += 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return start..<(index - 1)
            }
            if byte < 0x20 { throw Invalid(reason: "control character in a string") }
            if byte == UInt8(ascii: "\\") {
                index += 1
                guard index < bytes.count else { break }
                switch bytes[index] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 1
                case UInt8(ascii: "u"):
                    guard index + 4 < bytes.count,
                        bytes[(index + 1)...(index + 4)].allSatisfy({ Self.isHex($0) })
                    else { throw Invalid(reason: "bad \\u escape") }
                    index += 5
                default:
                    throw Invalid(reason: "bad escape")
                }
                continue
            }
            index += 1
        }
        throw Invalid(reason: "unterminated string")
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    /// Skips one JSON value, validating it.
    private mutating func value(depth: Int = 0) throws(Invalid) {
        guard depth < 512 else { throw Invalid(reason: "nested too deeply") }
        skipWhitespace()
        guard index < bytes.count else { throw Invalid(reason: "expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            _ = try string()
        case UInt8(ascii: "{"):
            try members(closing: UInt8(ascii: "}"), keyed: true, depth: depth)
        case UInt8(ascii: "["):
            try members(closing: UInt8(ascii: "]"), keyed: false, depth: depth)
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try number()
        }
    }

    /// Skips an object's members (`keyed`) or an array's elements, from the opening bracket to `closing`.
    private mutating func members(closing: UInt8, keyed: Bool, depth: Int) throws(Invalid) {
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == closing {
            index += 1
            return
        }
        while true {
            if keyed {
                skipWhitespace()
                _ = try string()
                try expect(UInt8(ascii: ":"))
            }
            try value(depth: depth + 1)
            guard try anotherMember(closing: closing, of: keyed ? "object" : "array") else { return }
        }
    }

    /// After a member: true when a comma says another follows, false after the `closing` bracket.
    private mutating func anotherMember(closing: UInt8, of kind: String) throws(Invalid) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw Invalid(reason: "unterminated \(kind)") }
        if bytes[index] == UInt8(ascii: ",") {
            index += 1
            return true
        }
        try expect(closing)
        return false
    }

    private mutating func literal(_ word: String) throws(Invalid) {
        let utf8 = Array(word.utf8)
        guard index + utf8.count <= bytes.count, bytes[index..<(index + utf8.count)].elementsEqual(utf8) else {
            throw Invalid(reason: "bad literal")
        }
        index += utf8.count
    }

    private mutating func number() throws(Invalid) {
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        func digits() -> Int {
            let from = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            return index - from
        }
        let integer = digits()
        guard integer > 0 else { throw Invalid(reason: "expected a value") }
        if integer > 1 && bytes[index - integer] == UInt8(ascii: "0") { throw Invalid(reason: "leading zero") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw Invalid(reason: "bad number") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digits() > 0 else { throw Invalid(reason: "bad number") }
        }
    }
}

/// Reads an interface file byte by byte, tracking line and column and collecting `#` comments as documentation.
struct InterfaceScanner {
    let bytes: [UInt8]
    let file: String
    private(set) var offset = 0
    private(set) var line = 1
    private(set) var column = 1
    /// Comment lines that stand alone on their lines directly before the next token.
    private var pendingDocumentation: [String] = []

    init(_ text: String, file: String) {
        self.bytes = Array(text.utf8)
        self.file = file
    }

    var location: SourceLocation { SourceLocation(file: file, line: line, column: column) }
    var atEnd: Bool { offset >= bytes.count }
    var peek: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    mutating func advance() {
        let byte = bytes[offset]
        offset += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    /// Skips whitespace and comments. A comment that starts its line joins the documentation of the next token;
    /// a blank line or a trailing comment ends the block.
    mutating func skipTrivia() {
        var lineHasToken = offset > 0 && !startsLine()
        var blankLine = true
        while let byte = peek {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                advance()
            case UInt8(ascii: "\n"):
                if blankLine && !lineHasToken && offset > 0 { pendingDocumentation.removeAll() }
                advance()
                lineHasToken = false
                blankLine = true
            case UInt8(ascii: "#"):
                let trailing = lineHasToken
                advance()
                var start = offset
                while let b = peek, b != UInt8(ascii: "\n") { advance() }
                var end = offset
                // A line ending in CRs (CRLF, or more): they are the line's end, not the comment's text.
                while end > start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                // One space after `#` is the comment's margin. Dropped as a byte: as a Character it may be part of
                // a cluster with a combining mark after it, which the printer would then put back doubled.
                if start < end && bytes[start] == UInt8(ascii: " ") { start += 1 }
                let text = String(decoding: bytes[start..<end], as: UTF8.self)
                if trailing {
                    pendingDocumentation.removeAll()
                } else {
                    pendingDocumentation.append(text)
                }
                blankLine = false
                lineHasToken = true
            default:
                return
            }
        }
    }

    /// Whether only whitespace precedes the current offset on its line.
    private func startsLine() -> Bool {
        var index = offset - 1
        while index >= 0 {
            switch bytes[index] {
            case UInt8(ascii: "\n"): return true
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): index -= 1
            default: return false
            }
        }
        return true
    }

    /// Returns and clears the documentation collected for the next token.
    mutating func takeDocumentation() -> [String] {
        defer { pendingDocumentation.removeAll() }
        return pendingDocumentation
    }

    /// Drops collected documentation (a token that carries none was read).
    mutating func dropDocumentation() {
        pendingDocumentation.removeAll()
    }

    static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
            true
        default:
            false
        }
    }

    /// Reads a run of name characters (letters, digits, `_`, `-`, `.`), or nil when none is here.
    mutating func word() -> String? {
        let start = offset
        while let b = peek, Self.isWordByte(b) { advance() }
        return offset > start ? String(decoding: bytes[start..<offset], as: UTF8.self) : nil
    }

    /// Consumes `text` if it comes next.
    mutating func consume(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        guard offset + utf8.count <= bytes.count, Array(bytes[offset..<offset + utf8.count]) == utf8 else {
            return false
        }
        for _ in utf8 { advance() }
        return true
    }

    /// A short description of what comes next, for error messages.
    var upcoming: String {
        guard let byte = peek else { return "end of file" }
        if Self.isWordByte(byte) {
            var end = offset
            while end < bytes.count, Self.isWordByte(bytes[end]) { end += 1 }
            return "'\(String(decoding: bytes[offset..<end], as: UTF8.self))'"
        }
        if byte == UInt8(ascii: "\n") { return "end of line" }
        var end = offset + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return "'\(String(decoding: bytes[offset..<end], as: UTF8.self))'"
    }
}

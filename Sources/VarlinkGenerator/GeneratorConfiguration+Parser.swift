extension GeneratorConfiguration {
    /// Reads the one shape a configuration has: a JSON object of options with `true` or `false` values.
    struct Parser {
        /// An option as written: its name, its value and where its name starts.
        struct Option {
            /// The key.
            var name: String
            /// The value.
            var value: Bool
            /// The byte offset of the key.
            var position: Int
        }

        /// The text's bytes.
        private let bytes: [UInt8]
        /// The next byte to read.
        private var index = 0

        /// A parser of `text`.
        init(_ text: String) {
            bytes = Array(text.utf8)
        }

        /// The options of the object, in order; a repeated name is an error.
        mutating func parseObject() throws(ParseError) -> [Option] {
            var options: [Option] = []
            skipWhitespace()
            try expect(UInt8(ascii: "{"), "expected a JSON object '{'")
            skipWhitespace()
            if peek() == UInt8(ascii: "}") {
                index += 1
            } else {
                while true {
                    let position = index
                    let name = try parseString()
                    if options.contains(where: { $0.name == name }) {
                        throw error("option '\(name)' is given twice", at: position)
                    }
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"), "expected ':' after '\(name)'")
                    skipWhitespace()
                    options.append(Option(name: name, value: try parseBool(for: name), position: position))
                    skipWhitespace()
                    if peek() == UInt8(ascii: ",") {
                        index += 1
                        skipWhitespace()
                        continue
                    }
                    try expect(UInt8(ascii: "}"), "expected ',' or '}'")
                    break
                }
            }
            skipWhitespace()
            guard index == bytes.count else { throw error("unexpected text after the object", at: index) }
            return options
        }

        /// An error at byte offset `position`, with its line and column.
        func error(_ message: String, at position: Int) -> ParseError {
            let before = bytes[..<min(position, bytes.count)]
            let line = before.count(where: { $0 == UInt8(ascii: "\n") }) + 1
            let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            return ParseError(line: line, column: position - lineStart + 1, message: message)
        }

        private func peek() -> UInt8? {
            index < bytes.count ? bytes[index] : nil
        }

        private mutating func skipWhitespace() {
            while let byte = peek(), [0x20, 0x09, 0x0A, 0x0D].contains(byte) { index += 1 }
        }

        private mutating func expect(_ byte: UInt8, _ message: String) throws(ParseError) {
            guard peek() == byte else { throw error(message, at: index) }
            index += 1
        }

        /// `true` or `false`.
        private mutating func parseBool(for name: String) throws(ParseError) -> Bool {
            for (word, value) in [("true", true), ("false", false)] where bytes[index...].starts(with: word.utf8) {
                index += word.utf8.count
                return value
            }
            throw error("the value of '\(name)' must be true or false", at: index)
        }

        /// A JSON string with its escapes.
        private mutating func parseString() throws(ParseError) -> String {
            let start = index
            try expect(UInt8(ascii: "\""), "expected an option name in double quotes")
            var scalars = String.UnicodeScalarView()
            var literal: [UInt8] = []
            func flush() {
                scalars.append(contentsOf: String(decoding: literal, as: UTF8.self).unicodeScalars)
                literal.removeAll()
            }
            while let byte = peek() {
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    flush()
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    flush()
                    guard let escaped = peek() else { break }
                    index += 1
                    let simple: [UInt8: Unicode.Scalar] = [
                        UInt8(ascii: "\""): "\"", UInt8(ascii: "\\"): "\\", UInt8(ascii: "/"): "/",
                        UInt8(ascii: "b"): "\u{8}", UInt8(ascii: "f"): "\u{C}", UInt8(ascii: "n"): "\n",
                        UInt8(ascii: "r"): "\r", UInt8(ascii: "t"): "\t",
                    ]
                    if let scalar = simple[escaped] {
                        scalars.append(scalar)
                    } else if escaped == UInt8(ascii: "u"), index + 4 <= bytes.count,
                        bytes[index..<index + 4].allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit }),
                        let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16),
                        let scalar = Unicode.Scalar(code)
                    {
                        index += 4
                        scalars.append(scalar)
                    } else {
                        throw error("invalid escape in a string", at: index - 2)
                    }
                case 0..<0x20:
                    throw error("control character in a string", at: index - 1)
                default:
                    literal.append(byte)
                }
            }
            throw error("unterminated string", at: start)
        }
    }
}

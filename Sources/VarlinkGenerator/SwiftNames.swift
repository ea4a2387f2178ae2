/// How varlink names become Swift names.
public enum SwiftNames {
    /// Words that must be escaped with backticks to be used as identifiers.
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
        "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows",
        "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue", "default", "defer",
        "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw", "switch", "where",
        "while", "Any", "as", "await", "false", "is", "nil", "super", "throws", "true", "try", "async", "some",
        "any", "consume", "copy", "discard", "each", "borrowing", "consuming", "macro", "package",
    ]
    /// Names that cannot be used even with backticks in every position: they get a trailing `_`.
    static let reserved: Set<String> = ["self", "Self", "Type", "Protocol", "init", "super", "CodingKeys"]

    /// `org.varlink.certification` → `OrgVarlinkCertification`.
    public static func namespace(forInterface name: String) -> String {
        name.split(whereSeparator: { $0 == "." || $0 == "-" }).map { part in
            part.prefix(1).uppercased() + part.dropFirst()
        }.joined()
    }

    /// `client_id` → `clientId`, `GetInfo` → `getInfo`, `URLPath` → `urlPath`.
    public static func lowerCamel(_ name: String) -> String {
        let parts = name.split(separator: "_", omittingEmptySubsequences: true).map(String.init)
        guard let first = parts.first else { return name }
        let rest = parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }
        return lowercasedLeadingCapitals(first) + rest.joined()
    }

    /// `client_id` → `ClientId`, `struct` → `Struct`.
    public static func upperCamel(_ name: String) -> String {
        name.split(separator: "_", omittingEmptySubsequences: true).map { $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined()
    }

    private static func lowercasedLeadingCapitals(_ word: String) -> String {
        let scalars = Array(word)
        var upperRun = 0
        while upperRun < scalars.count, scalars[upperRun].isUppercase { upperRun += 1 }
        if upperRun == 0 { return word }
        if upperRun == scalars.count { return word.lowercased() }
        // "URLPath": keep the capital that starts the next word.
        let cut = upperRun > 1 && scalars[upperRun].isLetter ? upperRun - 1 : upperRun
        return String(scalars[..<cut]).lowercased() + String(scalars[cut...])
    }

    /// A name usable as a Swift identifier: reserved names get a trailing `_`, keywords get backticks.
    public static func identifier(_ name: String) -> String {
        if reserved.contains(name) { return name + "_" }
        if keywords.contains(name) { return "`\(name)`" }
        return name
    }

    /// A name usable as a type name (no backticks: keywords and reserved names get a trailing `_`).
    public static func typeName(_ name: String) -> String {
        if reserved.contains(name) || keywords.contains(name) { return name + "_" }
        return name
    }

    /// A Swift string literal for `text`.
    public static func stringLiteral(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Documentation lines as `///` comments at `indent`.
    static func docComment(_ lines: [String], indent: String) -> String {
        lines.map { $0.isEmpty ? "\(indent)///\n" : "\(indent)/// \($0)\n" }.joined()
    }

    /// Makes `name` unique among `used` by appending a number.
    static func unique(_ name: String, in used: inout Set<String>) -> String {
        var candidate = name
        var counter = 2
        while used.contains(candidate) {
            candidate = "\(name)\(counter)"
            counter += 1
        }
        used.insert(candidate)
        return candidate
    }
}

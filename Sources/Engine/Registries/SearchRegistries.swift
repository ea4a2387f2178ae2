internal import FoundationEssentials

/// The registries an unqualified image name is looked up in, in order: registries.conf's
/// `unqualified-search-registries`, as its drop-in files (`registries.conf.d/*.conf`, in name order) last set it.
///
/// Only this one top-level key is read here (skopeo reads the rest of the file itself), so a small reader of the
/// TOML it is written in does: a key, `=`, and an array of quoted strings that may span lines and hold comments.
/// The version 1 format (`[registries.search]`) and short-name aliases are not read.
enum SearchRegistries {
    /// The registries `configurationPath` and its drop-ins name.
    static func load(_ configurationPath: String) -> [String] {
        var registries: [String] = []
        var files = [configurationPath]
        let directory = configurationPath + ".d"
        files += FileSystem.list(directory).filter { $0.hasSuffix(".conf") }.sorted().map { directory + "/" + $0 }
        for file in files {
            guard let text = FileSystem.readText(file), let found = parse(text) else { continue }
            registries = found
        }
        return registries
    }

    /// The value of `unqualified-search-registries` in `text`, nil when the key is not set at the top level.
    static func parse(_ text: String) -> [String]? {
        var index = text.startIndex
        var atTopLevel = true
        while index < text.endIndex {
            let lineEnd = text[index...].firstIndex(of: "\n") ?? text.endIndex
            let line = text[index..<lineEnd].drop(while: { $0 == " " || $0 == "\t" })
            if line.hasPrefix("[") { atTopLevel = false }
            let key = "unqualified-search-registries"
            if atTopLevel, line.hasPrefix(key) || line.hasPrefix("\"\(key)\"") {
                let afterKey = line.dropFirst(line.hasPrefix("\"") ? key.count + 2 : key.count)
                    .drop(while: { $0 == " " || $0 == "\t" })
                if afterKey.hasPrefix("=") {
                    return strings(in: text[text.index(afterKey.startIndex, offsetBy: 1)...])
                }
            }
            index = lineEnd < text.endIndex ? text.index(after: lineEnd) : lineEnd
        }
        return nil
    }

    /// The quoted strings of the array that `text` starts with (after blanks), up to its closing bracket.
    private static func strings(in text: Substring) -> [String]? {
        var rest = text.drop(while: { $0 == " " || $0 == "\t" })
        guard rest.first == "[" else { return nil }
        rest = rest.dropFirst()
        var values: [String] = []
        while let character = rest.first {
            switch character {
            case "]": return values
            case "#": rest = rest.drop(while: { $0 != "\n" })
            case "\"", "'":
                let body = rest.dropFirst()
                guard let close = body.firstIndex(of: character) else { return nil }
                values.append(String(body[..<close]))
                rest = body[body.index(after: close)...]
            default: rest = rest.dropFirst()
            }
        }
        return nil
    }
}

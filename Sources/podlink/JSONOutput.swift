import Foundation

/// Values printed as indented JSON, as `--format json` asks.
enum JSONOutput {
    static func print(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        Console.write(1, data)
        Console.out("\n")
    }

    /// Refuses formats other than JSON (Go templates are not supported).
    static func check(_ format: String?) throws -> Bool {
        guard let format else { return false }
        guard format.lowercased() == "json" else {
            throw CLIError("unsupported --format \"\(format)\": only json is supported")
        }
        return true
    }
}

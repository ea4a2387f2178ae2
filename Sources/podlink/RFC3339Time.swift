import Foundation
import PodlinkShared

/// Times given on the command line (`--since`, `--until`), as RFC 3339 for the service.
enum RFC3339Time {
    static func parse(_ text: String) -> Date? { RFC3339.parse(text) }

    /// Reads an RFC 3339 time, a date (`2026-11-30`), Unix seconds (`1764494150.5`) or a duration before now
    /// (`10m`, `1h30m`, `45s`) and returns it as RFC 3339 in UTC.
    static func argument(_ text: String, option: String, now: Date = Date()) throws -> String {
        if let date = RFC3339.parse(text) { return RFC3339.string(from: date, fractionalDigits: 9) }
        if text.count == 10, let date = RFC3339.parse(text + "T00:00:00Z") { return RFC3339.string(from: date) }
        if let seconds = Double(text) {
            return RFC3339.string(from: Date(timeIntervalSince1970: seconds), fractionalDigits: 9)
        }
        if let duration = goDuration(text) {
            return RFC3339.string(from: now.addingTimeInterval(-duration), fractionalDigits: 9)
        }
        throw CLIError(
            "invalid time for \(option): \"\(text)\" (give RFC 3339, a date, Unix seconds or a duration like 10m)")
    }

    /// Seconds of a Go duration: `1h30m`, `10m`, `2.5s`, `300ms`.
    static func goDuration(_ text: String) -> Double? {
        let units: [(String, Double)] = [
            ("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600),
        ]
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isNumber || $0 == "." }
            guard let value = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let (unit, factor) = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.count)
            total += value * factor
        }
        return total
    }
}

import Foundation

/// Durations and sizes as Podman shows and reads them (Docker's go-units rules).
enum Human {
    /// `Less than a second`, `5 seconds`, `About a minute`, `3 hours`, `2 weeks`...
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds)
        if whole < 1 { return "Less than a second" }
        if whole == 1 { return "1 second" }
        if whole < 60 { return "\(whole) seconds" }
        let minutes = whole / 60
        if minutes == 1 { return "About a minute" }
        if minutes < 60 { return "\(minutes) minutes" }
        let hours = Int(seconds / 3600 + 0.5)
        if hours == 1 { return "About an hour" }
        if hours < 48 { return "\(hours) hours" }
        if hours < 24 * 7 * 2 { return "\(hours / 24) days" }
        if hours < 24 * 30 * 2 { return "\(hours / 24 / 7) weeks" }
        if hours < 24 * 365 * 2 { return "\(hours / 24 / 30) months" }
        return "\(whole / 3600 / 24 / 365) years"
    }

    /// `3 minutes ago` for an RFC 3339 time; the text itself when it does not parse.
    static func ago(_ rfc3339: String?, now: Date = Date()) -> String {
        guard let rfc3339 else { return "" }
        guard let date = RFC3339Time.parse(rfc3339) else { return rfc3339 }
        return duration(now.timeIntervalSince(date)) + " ago"
    }

    /// `4.33 MB`: three significant digits, decimal units.
    static func size(_ bytes: Int) -> String {
        var value = Double(bytes)
        var unit = 0
        let units = ["B", "kB", "MB", "GB", "TB", "PB"]
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return String(format: "%.3g", value) + " " + units[unit]
    }

    /// Bytes of `64m`, `1g`, `512k`, `1.5GiB`, `100` (binary units, as `podman --memory` reads them).
    static func parseSize(_ text: String) -> Int? {
        let lower = text.lowercased()
        let digits = lower.prefix { $0.isNumber || $0 == "." }
        guard let number = Double(digits), number >= 0 else { return nil }
        var unit = lower.dropFirst(digits.count)
        if unit.hasSuffix("ib") { unit = unit.dropLast(2) } else if unit.hasSuffix("b") { unit = unit.dropLast() }
        let factors: [Substring: Double] = [
            "": 1, "k": 1024, "m": 1_048_576, "g": 1_073_741_824, "t": 1_099_511_627_776, "p": 1_125_899_906_842_624,
        ]
        guard let factor = factors[unit] else { return nil }
        return Int(number * factor)
    }
}

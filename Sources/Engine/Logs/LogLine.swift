public import FoundationEssentials
internal import Glibc

/// Which stream a log line came from.
public enum LogStream: String, Sendable, Hashable, Codable {
    /// Standard output.
    case stdout
    /// Standard error.
    case stderr
}

/// One line of a container's log (partial lines joined).
public struct LogLine: Sendable, Hashable, Codable {
    /// When conmon read it.
    public var time: Date
    /// Its stream.
    public var stream: LogStream
    /// The text, without the newline.
    public var text: String

    /// A line from its parts.
    public init(time: Date, stream: LogStream, text: String) {
        self.time = time
        self.stream = stream
        self.text = text
    }

    /// The line as `podman logs` prints it, with its RFC 3339 time first when `timestamps`.
    public func formatted(timestamps: Bool) -> String {
        timestamps ? time.formatted(.iso8601) + " " + text : text
    }

    /// Parses conmon's RFC 3339 time with nanoseconds and an offset (`2026-11-30T08:36:14.946502795+00:00`).
    static func parseTime(_ text: Substring) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: bytes[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")),
            index + 6 <= bytes.count, let hours = number((index + 1)..<(index + 3)),
            let minutes = number((index + 4)..<(index + 6))
        {
            offset = (hours * 3600 + minutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts) - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// Parses a whole k8s-file log: `<time> <stream> <F|P> <text>` per line, joining partial lines.
    static func parse(_ content: String) -> [LogLine] {
        var assembler = LogLineAssembler()
        return assembler.feed(Array(content.utf8)) + assembler.finish()
    }
}

/// Which log lines to return.
public struct LogOptions: Sendable, Hashable {
    /// Only the last `tail` lines (after the other filters).
    public var tail: Int?
    /// Only lines at or after this time.
    public var since: Date?
    /// Only lines before this time.
    public var until: Date?
    /// Only these streams.
    public var streams: Set<LogStream>

    /// Creates log options.
    public init(tail: Int? = nil, since: Date? = nil, until: Date? = nil, streams: Set<LogStream> = [.stdout, .stderr])
    {
        self.tail = tail
        self.since = since
        self.until = until
        self.streams = streams
    }

    /// Fails for a negative `tail`.
    func check() throws(EngineError) {
        if let tail, tail < 0 { throw .invalidArgument("tail", "must not be negative") }
    }

    /// Whether a line is of the streams asked for, since and before the times (all but `tail`).
    func matches(_ line: LogLine) -> Bool {
        streams.contains(line.stream) && (since.map { line.time >= $0 } ?? true)
            && (until.map { line.time < $0 } ?? true)
    }

    /// The lines these options select: of the streams asked for, since and until the times, the last `tail`.
    func select(_ lines: [LogLine]) -> [LogLine] {
        var selected = lines.filter(matches)
        if let tail, tail >= 0, selected.count > tail { selected = Array(selected.suffix(tail)) }
        return selected
    }
}

internal import FoundationEssentials

/// Turns a k8s-file log (`<time> <stream> <F|P> <text>` per line) into log lines as its bytes come, in chunks of
/// any size: a line cut by a chunk waits for the rest, and partial lines (`P`) are joined to the line that ends
/// them. What it holds between chunks is one unfinished line, so memory does not grow with the log.
struct LogLineAssembler {
    private var carry: [UInt8] = []
    private var pending: LogLine?

    /// The lines completed by `bytes`.
    mutating func feed(_ bytes: some Collection<UInt8>) -> [LogLine] {
        var lines: [LogLine] = []
        var rest = ArraySlice(bytes)
        if !carry.isEmpty {
            guard let newline = rest.firstIndex(of: UInt8(ascii: "\n")) else {
                carry += rest
                return []
            }
            carry += rest[..<newline]
            let line = carry
            carry = []
            add(line[...], to: &lines)
            rest = rest[(newline + 1)...]
        }
        while let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
            add(rest[..<newline], to: &lines)
            rest = rest[(newline + 1)...]
        }
        carry = Array(rest)
        return lines
    }

    /// What is left at the end of the log: an unfinished line, or partial lines never ended.
    mutating func finish() -> [LogLine] {
        var lines: [LogLine] = []
        if !carry.isEmpty {
            let line = carry
            carry = []
            add(line[...], to: &lines)
        }
        if let pending {
            lines.append(pending)
            self.pending = nil
        }
        return lines
    }

    private mutating func add(_ raw: ArraySlice<UInt8>, to lines: inout [LogLine]) {
        guard let fields = Self.fields(raw) else { return }
        if fields.partial {
            if let open = pending, open.stream == fields.stream {
                pending = LogLine(time: open.time, stream: open.stream, text: open.text + fields.text)
            } else {
                if let open = pending { lines.append(open) }
                pending = LogLine(time: fields.time, stream: fields.stream, text: fields.text)
            }
            return
        }
        if let open = pending, open.stream == fields.stream {
            lines.append(LogLine(time: open.time, stream: open.stream, text: open.text + fields.text))
            pending = nil
        } else {
            if let open = pending {
                lines.append(open)
                pending = nil
            }
            lines.append(LogLine(time: fields.time, stream: fields.stream, text: fields.text))
        }
    }

    /// A raw line's fields, or nil for a line that is not one (skipped).
    static func fields(
        _ raw: ArraySlice<UInt8>
    ) -> (time: Date, stream: LogStream, partial: Bool, text: String)? {
        let line = String(decoding: raw, as: UTF8.self)
        let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count >= 3, let time = LogLine.parseTime(parts[0]),
            let stream = LogStream(rawValue: String(parts[1]))
        else { return nil }
        return (time, stream, parts[2] == "P", parts.count == 4 ? String(parts[3]) : "")
    }
}

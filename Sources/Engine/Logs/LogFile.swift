internal import Glibc
internal import SystemPackage

/// A container's log file, read a bounded chunk at a time: from any offset forwards, and backwards from its end to
/// find where its last lines begin. What is held at once is one chunk and one line, whatever the log's size.
struct LogFile {
    /// The bytes read at a time.
    static let chunkSize = 64 << 10

    let path: String

    /// Up to `chunkSize` bytes from `offset` (fewer at the end; none past it).
    func read(at offset: Int) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        let file = FileDescriptor(rawValue: fd)
        defer { try? file.close() }
        var buffer = [UInt8](repeating: 0, count: Self.chunkSize)
        let count =
            (try? buffer.withUnsafeMutableBytes { try file.read(fromAbsoluteOffset: Int64(offset), into: $0) }) ?? 0
        return Array(buffer[0..<count])
    }

    /// The offset where the last `count` lines that `options` match begin (with the partial lines they join), or 0
    /// when the log has fewer; the log's end for a count of 0. Reads backwards a chunk at a time.
    ///
    /// A raw line ends a logical line when it is final (`F`), or partial (`P`) with no line of its stream right
    /// after it, as ``LogLineAssembler`` joins them; an unfinished last line counts as one.
    func tailStart(_ count: Int, _ options: LogOptions) -> Int {
        let size = FileSystem.fileSize(path)
        guard count > 0 else { return size }
        var found = 0
        // After the count-th line, the partial lines of its stream just before it belong to it.
        var joining: LogStream?
        var candidate = 0
        // The raw line after the one visited (they are visited from the end).
        var after: LogStream?
        var position = size
        // The bytes of the line that a chunk's start cut, joined to the chunk before it when that is read.
        var tail: [UInt8] = []
        var first = true
        while position > 0 {
            let from = max(0, position - Self.chunkSize)
            var bytes = Array(read(at: from).prefix(position - from)) + tail
            if first {
                // An unfinished last line is a line too.
                if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
                first = false
            }
            var lineEnd = bytes.count
            while lineEnd > 0, let newline = bytes[..<(lineEnd - 1)].lastIndex(of: UInt8(ascii: "\n")) {
                let start = newline + 1
                if let found = visit(bytes[start..<(lineEnd - 1)], at: from + start) { return found }
                lineEnd = start
            }
            if from == 0 {
                if lineEnd > 0, let found = visit(bytes[0..<(lineEnd - 1)], at: 0) { return found }
                break
            }
            tail = Array(bytes[0..<lineEnd])
            position = from
        }
        return joining == nil ? 0 : candidate

        /// Counts a raw line; returns the start offset once it is known.
        func visit(_ raw: ArraySlice<UInt8>, at offset: Int) -> Int? {
            guard let fields = LogLineAssembler.fields(raw) else { return nil }
            defer { after = fields.stream }
            if let stream = joining {
                guard fields.partial && fields.stream == stream else { return candidate }
                candidate = offset
                return nil
            }
            let ends = !fields.partial || after != fields.stream
            let line = LogLine(time: fields.time, stream: fields.stream, text: "")
            guard ends, options.matches(line) else { return nil }
            found += 1
            if found == count {
                joining = fields.stream
                candidate = offset
            }
            return nil
        }
    }
}

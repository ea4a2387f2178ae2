internal import CArchive
internal import FoundationEssentials
internal import Glibc
internal import SystemPackage

extension Engine {
    /// The container's log lines as they are written: the existing ones matching `options` first, then new ones,
    /// until the container exits (or the consumer stops). Driven by inotify on the log file and the exit directory.
    public func followLogs(
        _ reference: String, _ options: LogOptions = LogOptions()
    )
        async throws(EngineError) -> AsyncThrowingStream<LogLine, any Error>
    {
        try options.check()
        let record = try store.container(reference)
        let id = record.config.id
        let path = paths(id).log
        try FileSystem.makeDirectories(paths(id).bundle)
        if !FileSystem.exists(path) { try FileSystem.write(path, [], mode: 0o600) }
        // The bundle directory shows log writes, the exit directory the exit file. conmon writes the exit file
        // before it has drained the container's output into the log: the stream ends when conmon has ended too.
        let watcher = try InotifyMonitor.subscribe([paths(id).bundle, exitDirectory], mask: InotifyMonitor.changes)
        let conmonPID = Int32(FileSystem.readText(paths(id).conmonPidFile)?.filter(\.isNumber) ?? "") ?? 0
        let exits = self.exits
        let (stream, continuation) = AsyncThrowingStream<LogLine, any Error>.makeStream()
        let task = Task {
            // The lines written so far and those that follow come from one read position: none is lost or doubled.
            var offset = 0
            var pending = FileSystem.readFrom(path, offset: &offset)
            if let lastNewline = pending.lastIndex(of: UInt8(ascii: "\n")) {
                let complete = String(decoding: pending[...lastNewline], as: UTF8.self)
                pending.removeFirst(lastNewline + 1)
                for line in options.select(LogLine.parse(complete)) { continuation.yield(line) }
            }
            var changes = watcher.events.makeAsyncIterator()
            var conmon: ProcessEndWatch?
            while !Task.isCancelled {
                let exited = exits.exitCode(id) != nil
                if exited && conmon == nil {
                    // Its pid is known once it runs; one that exited since counts as ended.
                    conmon = ProcessEndWatch(pid: conmonPID) { watcher.poke() }
                }
                let drained = exited && (conmon?.ended ?? true)
                pending += FileSystem.readFrom(path, offset: &offset)
                if let lastNewline = pending.lastIndex(of: UInt8(ascii: "\n")) {
                    let complete = String(decoding: pending[...lastNewline], as: UTF8.self)
                    pending.removeFirst(lastNewline + 1)
                    for line in LogLine.parse(complete)
                    where options.streams.contains(line.stream) && (options.until.map { line.time < $0 } ?? true) {
                        continuation.yield(line)
                    }
                }
                // Everything conmon wrote before it ended has been read.
                if drained { break }
                if await changes.next() == nil { break }
            }
            _ = watcher
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Stored events matching `filter`, then new ones as any process appends them, until the consumer stops.
    /// Driven by inotify on a file every committing process rewrites after appending events.
    public func followEvents(
        _ filter: EventFilter = EventFilter()
    ) async throws(EngineError)
        -> AsyncThrowingStream<EngineEvent, any Error>
    {
        let store = self.store
        if !FileSystem.exists(store.eventsBell) { try FileSystem.write(store.eventsBell, [0x2a]) }
        let watcher = try InotifyMonitor.subscribe([store.eventsBell], mask: InotifyMonitor.changes)
        let newest = try store.lastEventSequence()
        let existing = try store.events(filter).filter { $0.sequence <= newest }
        let (stream, continuation) = AsyncThrowingStream<EngineEvent, any Error>.makeStream()
        let task = Task {
            var last = newest
            for event in existing { continuation.yield(event) }
            var changes = watcher.events.makeAsyncIterator()
            while !Task.isCancelled {
                guard await changes.next() != nil else { break }
                do {
                    for event in try store.events(filter, after: last) {
                        last = event.sequence
                        continuation.yield(event)
                    }
                } catch {
                    continuation.finish(throwing: error)
                    return
                }
            }
            _ = watcher
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}

extension FileSystem {
    /// The size of a file, or 0.
    static func fileSize(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }

    /// Reads what the file holds past `offset`, and advances it.
    static func readFrom(_ path: String, offset: inout Int) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        let file = FileDescriptor(rawValue: fd)
        defer { try? file.close() }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while let count = try? buffer.withUnsafeMutableBytes({
            try file.read(fromAbsoluteOffset: Int64(offset), into: $0)
        }),
            count > 0
        {
            result += buffer[0..<count]
            offset += count
        }
        return result
    }
}

internal import FoundationEssentials
internal import Glibc

extension Engine {
    /// The container's log lines (from its k8s-file log) that `options` select, in batches read as they are asked
    /// for; `follow` goes on with new lines until the container's process has ended.
    public func logBatches(
        _ reference: String, _ options: LogOptions = LogOptions(), follow: Bool = false
    ) async throws(EngineError) -> LogBatches {
        try options.check()
        let record = try store.container(reference)
        let id = record.config.id
        let file = LogFile(path: paths(id).log)
        var following: LogBatches.Follow?
        if follow {
            try FileSystem.makeDirectories(paths(id).bundle)
            if !FileSystem.exists(file.path) { try FileSystem.write(file.path, [], mode: 0o600) }
            // The bundle directory shows log writes, the exit directory the exit file.
            let watcher = try InotifyMonitor.subscribe([paths(id).bundle, exitDirectory], mask: InotifyMonitor.changes)
            let exits = self.exits
            following = LogBatches.Follow(
                watcher: watcher, exited: { exits.exitCode(id) != nil },
                conmonPID: Int32(FileSystem.readText(paths(id).conmonPidFile)?.filter(\.isNumber) ?? "") ?? 0)
        }
        let start = options.tail.map { file.tailStart($0, options) } ?? 0
        return LogBatches(file: file, options: options, start: start, follow: following)
    }

    /// The container's log lines that `options` select, all at once; fails with `logTooLarge` when their text passes
    /// `limit` bytes (read in batches, so the memory used stays near the limit whatever the log's size).
    public func logs(
        _ reference: String, _ options: LogOptions = LogOptions(), limit: Int = 8 << 20
    ) async throws(EngineError) -> [LogLine] {
        var lines: [LogLine] = []
        var size = 0
        do {
            for try await batch in try await logBatches(reference, options) {
                for line in batch {
                    size += line.text.utf8.count + 40
                    guard size <= limit else { throw EngineError.logTooLarge(limit: limit) }
                    lines.append(line)
                }
            }
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError.internalError("reading the log: \(error)")
        }
        return lines
    }
}

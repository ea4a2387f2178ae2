internal import CArchive
internal import FoundationEssentials
internal import Glibc
internal import SystemPackage

extension Engine {
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
}

internal import FoundationEssentials

/// A container's log lines in batches of at most a chunk of the file each, read only as the consumer asks for the
/// next: a caller that does not take them holds the reading back, and memory stays one chunk whatever the log's
/// size. Without following, the batches end at the log's end when they are read; following, they go on as lines
/// are written, until the container's process has ended and conmon has written its last output.
public struct LogBatches: AsyncSequence, Sendable {
    /// A batch of lines, in order.
    public typealias Element = [LogLine]

    /// What following needs: the watch of the log's directory and the exit directory, and how to tell the end.
    struct Follow: Sendable {
        let watcher: InotifyMonitor.Subscription
        let exited: @Sendable () -> Bool
        let conmonPID: Int32
    }

    let file: LogFile
    let options: LogOptions
    let start: Int
    let follow: Follow?

    /// Reads the batches.
    public func makeAsyncIterator() -> Iterator {
        Iterator(batches: self, offset: start)
    }

    /// Reads the next batch when asked.
    public struct Iterator: AsyncIteratorProtocol {
        let batches: LogBatches
        var offset: Int
        var assembler = LogLineAssembler()
        var finished = false
        var changes: AsyncStream<InotifyMonitor.Event>.AsyncIterator?
        var conmon: ProcessEndWatch?

        init(batches: LogBatches, offset: Int) {
            self.batches = batches
            self.offset = offset
            self.changes = batches.follow?.watcher.events.makeAsyncIterator()
        }

        /// The next lines, or nil at the end.
        public mutating func next() async throws -> [LogLine]? {
            let options = batches.options
            while !finished {
                if Task.isCancelled { return nil }
                // Whether the process has ended and conmon has drained its output: known before reading, so that
                // what it wrote last is read before the end.
                let drained = followDrained()
                let bytes = batches.file.read(at: offset)
                if !bytes.isEmpty {
                    offset += bytes.count
                    let lines = assembler.feed(bytes).filter(options.matches)
                    if !lines.isEmpty { return lines }
                    continue
                }
                if batches.follow == nil || drained {
                    finished = true
                    let rest = assembler.finish().filter(options.matches)
                    return rest.isEmpty ? nil : rest
                }
                if await changes?.next() == nil { return nil }
            }
            return nil
        }

        /// Following: whether the container's process has ended and conmon after it (conmon writes the exit file
        /// before it has drained the output into the log).
        private mutating func followDrained() -> Bool {
            guard let follow = batches.follow, follow.exited() else { return false }
            if conmon == nil {
                let watcher = follow.watcher
                conmon = ProcessEndWatch(pid: follow.conmonPID) { watcher.poke() }
            }
            return conmon?.ended ?? true
        }
    }
}

internal import Glibc
internal import Synchronization

/// The engine's one inotify instance: one thread reads it and fans its events out to async streams, one per
/// subscriber. Exit waiting, log and event following and exec-session waits all subscribe here, so however many
/// followers there are, the process holds one inotify instance (of the 128 a user has by default) and one thread.
final class InotifyMonitor: Sendable {
    /// One change, or a sign that the kernel dropped changes.
    struct Event: Sendable, Hashable {
        /// The name of the entry in a watched directory (empty for the watched path itself, a tick or an overflow).
        var name: String
        /// The `IN_*` bits of the change.
        var mask: UInt32
        /// The kernel's queue overflowed: changes were lost, and subscribers should look again at what they watch.
        var overflowed: Bool { mask & UInt32(IN_Q_OVERFLOW) != 0 }
    }

    /// What one subscriber receives until it is dropped; dropping it removes its watches.
    final class Subscription: Sendable {
        /// The changes to the subscribed paths, in order.
        let events: AsyncStream<Event>
        fileprivate let token: UInt64
        fileprivate let continuation: AsyncStream<Event>.Continuation
        fileprivate let monitor: InotifyMonitor

        fileprivate init(
            token: UInt64, monitor: InotifyMonitor, buffering: AsyncStream<Event>.Continuation.BufferingPolicy
        ) {
            self.token = token
            self.monitor = monitor
            (events, continuation) = AsyncStream.makeStream(bufferingPolicy: buffering)
        }

        /// Adds an event by hand: something else changed (a deadline passed, a process ended).
        func poke() {
            continuation.yield(Event(name: "", mask: 0))
        }

        deinit {
            monitor.unsubscribe(token)
            continuation.finish()
        }
    }

    private struct Subscriber {
        var mask: UInt32
        var descriptors: [Int32]
        var continuation: AsyncStream<Event>.Continuation
    }

    private struct State {
        var nextToken: UInt64 = 0
        var subscribers: [UInt64: Subscriber] = [:]
        /// Subscribers by watch descriptor.
        var watchers: [Int32: Set<UInt64>] = [:]
    }

    /// What followers watch for: a file modified, written and closed, moved in, created or deleted.
    static let changes = UInt32(IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE)

    /// The process's monitor, made on first use; nil only when the kernel refuses an inotify instance.
    static let shared: Result<InotifyMonitor, EngineError> = Result { () throws(EngineError) in try InotifyMonitor() }

    private let fd: Int32
    private let state = Mutex(State())

    private init() throws(EngineError) {
        fd = inotify_init1(Int32(IN_CLOEXEC))
        guard fd >= 0 else { throw .system("inotify_init1", errno) }
        Offload.thread { [self] in readEvents() }
    }

    /// Subscribes to `mask` changes of `paths` (files or directories). `buffering` bounds what waits unread: a
    /// subscriber that only needs to know that something changed keeps the newest one.
    static func subscribe(
        _ paths: [String], mask: UInt32,
        buffering: AsyncStream<Event>.Continuation.BufferingPolicy = .bufferingNewest(1)
    ) throws(EngineError) -> Subscription {
        try shared.get().subscribe(paths, mask: mask, buffering: buffering)
    }

    private func subscribe(
        _ paths: [String], mask: UInt32, buffering: AsyncStream<Event>.Continuation.BufferingPolicy
    ) throws(EngineError) -> Subscription {
        try state.withLock { (state) throws(EngineError) -> Subscription in
            state.nextToken += 1
            let subscription = Subscription(token: state.nextToken, monitor: self, buffering: buffering)
            var descriptors: [Int32] = []
            for path in paths {
                // The same inode gives the same descriptor: IN_MASK_ADD keeps what other subscribers asked for.
                let descriptor = inotify_add_watch(fd, path, mask | UInt32(IN_MASK_ADD))
                guard descriptor >= 0 else {
                    let error = errno
                    for descriptor in descriptors { release(descriptor, of: subscription.token, in: &state) }
                    throw .system("inotify_add_watch \(path)", error)
                }
                descriptors.append(descriptor)
                state.watchers[descriptor, default: []].insert(subscription.token)
            }
            state.subscribers[subscription.token] = Subscriber(
                mask: mask, descriptors: descriptors, continuation: subscription.continuation)
            return subscription
        }
    }

    fileprivate func unsubscribe(_ token: UInt64) {
        state.withLock { state in
            guard let subscriber = state.subscribers.removeValue(forKey: token) else { return }
            for descriptor in subscriber.descriptors { release(descriptor, of: token, in: &state) }
        }
    }

    /// Drops `token` from a descriptor's subscribers and the watch itself when it was the last.
    private func release(_ descriptor: Int32, of token: UInt64, in state: inout State) {
        state.watchers[descriptor]?.remove(token)
        if state.watchers[descriptor]?.isEmpty == true {
            state.watchers[descriptor] = nil
            inotify_rm_watch(fd, descriptor)
        }
    }

    /// The reading thread: blocks in read(2) for the life of the process.
    private func readEvents() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return
            }
            var offset = 0
            var parsed: [(descriptor: Int32, event: Event)] = []
            buffer.withUnsafeBytes { raw in
                while offset + 16 <= count {
                    let descriptor = raw.load(fromByteOffset: offset, as: Int32.self)
                    let mask = raw.load(fromByteOffset: offset + 4, as: UInt32.self)
                    let length = Int(raw.load(fromByteOffset: offset + 12, as: UInt32.self))
                    guard offset + 16 + length <= count else { break }
                    let name = raw[(offset + 16)..<(offset + 16 + length)].prefix { $0 != 0 }
                    parsed.append((descriptor, Event(name: String(decoding: name, as: UTF8.self), mask: mask)))
                    offset += 16 + length
                }
            }
            deliver(parsed)
        }
    }

    private func deliver(_ events: [(descriptor: Int32, event: Event)]) {
        state.withLock { state in
            for (descriptor, event) in events {
                if event.overflowed {
                    for subscriber in state.subscribers.values { subscriber.continuation.yield(event) }
                    continue
                }
                for token in state.watchers[descriptor] ?? [] {
                    guard let subscriber = state.subscribers[token], subscriber.mask & event.mask != 0 else { continue }
                    subscriber.continuation.yield(event)
                }
                // The watch is gone (its path was deleted or unmounted): forget the descriptor, which the kernel
                // may hand out again.
                if event.mask & UInt32(IN_IGNORED) != 0 { state.watchers[descriptor] = nil }
            }
        }
    }
}

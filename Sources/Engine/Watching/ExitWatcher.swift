internal import CArchive
internal import FoundationEssentials
internal import Glibc
internal import Synchronization

/// Watches conmon's exit directory with inotify and wakes whoever waits for a container's exit file.
///
/// Works for containers any process started: the exit file is the only signal, never a pid.
final class ExitWatcher: Sendable {
    private struct Waiter {
        var token: UInt64
        var continuation: CheckedContinuation<Int32?, Never>
    }

    let directory: String
    /// The ids of containers whose exit file was written, as it happens (one consumer: the engine's monitor).
    let exitedContainers: AsyncStream<String>
    private let exitedContinuation: AsyncStream<String>.Continuation
    private let subscription: InotifyMonitor.Subscription
    private let waiters = Mutex<(next: UInt64, byID: [String: [Waiter]])>((0, [:]))

    init(directory: String) throws(EngineError) {
        self.directory = directory
        (exitedContainers, exitedContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(4096))
        // Every exit matters: nothing is dropped between the monitor and this watcher.
        subscription = try InotifyMonitor.subscribe(
            [directory], mask: UInt32(IN_CLOSE_WRITE | IN_MOVED_TO), buffering: .unbounded)
        let events = subscription.events
        Task { [weak self] in
            for await event in events {
                guard let self else { return }
                if event.overflowed {
                    // The kernel dropped events: every exit file there may be new.
                    for name in FileSystem.list(self.directory) { self.fire(name) }
                } else if !event.name.isEmpty {
                    self.fire(event.name)
                }
            }
        }
    }

    deinit {
        exitedContinuation.finish()
    }

    /// The exit file's path for a container.
    func path(_ id: String) -> String { directory + "/" + id }

    /// The exit code conmon recorded, when its file exists.
    func exitCode(_ id: String) -> Int32? {
        guard let text = FileSystem.readText(path(id)) else { return nil }
        return Int32(text.filter { !$0.isWhitespace })
    }

    /// When the exit file was written.
    func exitTime(_ id: String) -> Date? {
        var st = stat()
        guard stat(path(id), &st) == 0 else { return nil }
        return Date(timeIntervalSince1970: Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9)
    }

    /// Removes a stale exit file before a new run.
    func clear(_ id: String) {
        unlink(path(id))
    }

    /// Wakes the waiters of a removed container in every process: a `<id>.removed` file written and unlinked in
    /// the watched directory.
    func announceRemoval(_ id: String) {
        cancelAll(id)
        let path = path(id) + ".removed"
        if let _ = try? FileSystem.write(path, []) { unlink(path) }
    }

    private func fire(_ name: String) {
        if name.hasSuffix(".removed") {
            cancelAll(String(name.dropLast(".removed".count)))
            return
        }
        guard exitCode(name) != nil else { return }
        exitedContinuation.yield(name)
        wake(name)
    }

    /// Wakes the waiters of a container whose exit file exists.
    private func wake(_ id: String) {
        guard let code = exitCode(id) else { return }
        let woken = waiters.withLock { state in state.byID.removeValue(forKey: id) ?? [] }
        for waiter in woken { waiter.continuation.resume(returning: code) }
    }

    /// Wakes every waiter of a container that is going away (they get nil).
    func cancelAll(_ id: String) {
        let woken = waiters.withLock { state in state.byID.removeValue(forKey: id) ?? [] }
        for waiter in woken { waiter.continuation.resume(returning: nil) }
    }

    private func expire(_ id: String, _ token: UInt64) {
        let woken = waiters.withLock { state -> Waiter? in
            guard var list = state.byID[id], let index = list.firstIndex(where: { $0.token == token }) else {
                return nil
            }
            let waiter = list.remove(at: index)
            state.byID[id] = list.isEmpty ? nil : list
            return waiter
        }
        woken?.continuation.resume(returning: nil)
    }

    /// Waits until the container's exit file exists and returns its code; nil when `timeout` passes first.
    func wait(_ id: String, timeout: Duration? = nil) async -> Int32? {
        let token = waiters.withLock { state -> UInt64 in
            state.next += 1
            return state.next
        }
        let timer: Task<Void, Never>? = timeout.map { timeout in
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                if !Task.isCancelled { self?.expire(id, token) }
            }
        }
        defer { timer?.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters.withLock { state in
                    state.byID[id, default: []].append(Waiter(token: token, continuation: continuation))
                }
                // The file may have appeared (or the task been cancelled) before the waiter was registered.
                if exitCode(id) != nil { wake(id) } else if Task.isCancelled { expire(id, token) }
            }
        } onCancel: {
            self.expire(id, token)
        }
    }
}

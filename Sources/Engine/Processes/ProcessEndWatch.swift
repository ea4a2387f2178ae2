internal import CSpawn
internal import Dispatch
internal import Glibc

/// Tells when a process ends, whoever its parent: a pidfd polls readable once the process has exited. Calls
/// `onEnd` once (from a dispatch queue, no thread blocked), and answers `ended` at any time.
final class ProcessEndWatch: @unchecked Sendable {
    private let pidfd: Int32
    private let source: (any DispatchSourceRead)?

    /// Watches `pid`; a pid of 0 or one that no longer exists counts as ended.
    init(pid: Int32, onEnd: @escaping @Sendable () -> Void) {
        pidfd = pid > 0 ? cspawn_pidfd_open(pid) : -1
        guard pidfd >= 0 else {
            source = nil
            return
        }
        let source = DispatchSource.makeReadSource(fileDescriptor: pidfd, queue: .global())
        // Level-triggered: cancelled on the first event (cancelling releases the handler and its capture).
        source.setEventHandler {
            source.cancel()
            onEnd()
        }
        source.resume()
        self.source = source
    }

    /// Whether the process has ended.
    var ended: Bool {
        guard pidfd >= 0 else { return true }
        var entry = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) > 0
    }

    deinit {
        if let source {
            source.setEventHandler {}
            source.cancel()
        }
        if pidfd >= 0 { close(pidfd) }
    }
}

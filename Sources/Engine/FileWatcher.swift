internal import CSpawn
internal import Glibc

/// Ticks whenever one of some paths changes (inotify), until cancelled: what log-follow and event-follow wait on,
/// instead of polling.
final class FileWatcher: Sendable {
    private let fd: Int32
    private let stopWriter: Int32
    private let continuation: AsyncStream<Void>.Continuation
    /// One element per batch of changes.
    let changes: AsyncStream<Void>

    /// Watches `paths` for `mask` (default: modified, written and closed, moved in, created).
    init(
        paths: [String], mask: UInt32 = UInt32(IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE)
    ) throws(EngineError) {
        let fd = inotify_init1(Int32(IN_CLOEXEC))
        guard fd >= 0 else { throw .system("inotify_init1", errno) }
        for path in paths where inotify_add_watch(fd, path, mask) < 0 {
            let error = errno
            close(fd)
            throw .system("inotify_add_watch \(path)", error)
        }
        var stop: [Int32] = [-1, -1]
        guard cspawn_pipe(&stop) == 0 else {
            close(fd)
            throw .system("pipe", errno)
        }
        self.fd = fd
        stopWriter = stop[1]
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        changes = stream
        self.continuation = continuation
        let stopReader = stop[0]
        Offload.thread {
            defer {
                close(fd)
                close(stopReader)
                continuation.finish()
            }
            var fds = [
                pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: stopReader, events: Int16(POLLIN), revents: 0),
            ]
            var buffer = [UInt8](repeating: 0, count: 16 * 1024)
            while true {
                if poll(&fds, 2, -1) < 0 {
                    if errno == EINTR { continue }
                    return
                }
                if fds[1].revents != 0 { return }
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                continuation.yield()
            }
        }
    }

    /// Adds a tick by hand (a deadline passed).
    func poke() {
        continuation.yield()
    }

    deinit {
        close(stopWriter)
    }
}

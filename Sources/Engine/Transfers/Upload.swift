internal import Glibc
internal import Synchronization

/// An upload under way: bytes are added with ``write(_:)``; ``finish()`` makes them usable under ``id``;
/// ``abandon()``, or the value's end without a finish, removes them.
public final class Upload: Sendable {
    /// The id a later call names it by.
    public let id: String
    private let state: Mutex<Int32>
    private let partial: String
    private let finished: String

    init(id: String, fd: Int32, partial: String, finished: String) {
        self.id = id
        self.state = Mutex(fd)
        self.partial = partial
        self.finished = finished
    }

    deinit { abandon() }

    /// Appends `bytes`.
    public func write(_ bytes: [UInt8]) throws(EngineError) {
        let result: Int32 = state.withLock { fd in
            guard fd >= 0 else { return EBADF }
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return 0
        }
        if result != 0 { throw .system("write upload \(id)", result) }
    }

    /// Ends the upload: from now on a call may name it.
    public func finish() throws(EngineError) {
        let result: Int32 = state.withLock { fd in
            guard fd >= 0 else { return EBADF }
            defer { fd = -1 }
            let closed = close(fd)
            guard closed == 0 else {
                let error = errno
                unlink(partial)
                return error
            }
            guard rename(partial, finished) == 0 else {
                let error = errno
                unlink(partial)
                return error
            }
            return 0
        }
        if result != 0 { throw .system("finish upload \(id)", result) }
    }

    /// Drops the upload and what came of it.
    public func abandon() {
        state.withLock { fd in
            guard fd >= 0 else { return }
            close(fd)
            fd = -1
            unlink(partial)
        }
    }
}

internal import Glibc

extension FileSystem {
    /// Runs `body` holding an exclusive `flock` on the file at `path` (made when missing), valid across
    /// processes; the wait for the lock blocks a thread of ``Offload``, not the caller's.
    static func withExclusiveLock<T>(
        _ path: String, _ body: () async throws(EngineError) -> T
    ) async throws(EngineError) -> T {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .system("open \(path)", errno) }
        defer { close(fd) }
        try await Offload.run { () throws(EngineError) in
            while flock(fd, LOCK_EX) != 0 {
                if errno != EINTR { throw .system("flock \(path)", errno) }
            }
        }
        return try await body()
    }
}

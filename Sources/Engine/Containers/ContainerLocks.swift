internal import CSpawn
internal import Glibc
internal import Synchronization

/// One lock per container, valid across processes: an in-process async queue in front of `flock` on a file per
/// container under the run root. Different containers never wait for each other.
final class ContainerLocks: Sendable {
    private struct Entry {
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    let directory: String
    private let held = Mutex<[String: Entry]>([:])

    init(directory: String) {
        self.directory = directory
    }

    private func acquireLocal(_ id: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let proceed = held.withLock { held -> Bool in
                if held[id] == nil {
                    held[id] = Entry()
                    return true
                }
                held[id]!.waiters.append(continuation)
                return false
            }
            if proceed { continuation.resume() }
        }
    }

    private func releaseLocal(_ id: String) {
        let next = held.withLock { held -> CheckedContinuation<Void, Never>? in
            guard var entry = held[id] else { return nil }
            if entry.waiters.isEmpty {
                held[id] = nil
                return nil
            }
            let next = entry.waiters.removeFirst()
            held[id] = entry
            return next
        }
        next?.resume()
    }

    /// The lock file's path for a container.
    func path(_ id: String) -> String { directory + "/" + id + ".lock" }

    /// Runs `body` holding the container's lock.
    func withLock<T: Sendable>(_ id: String, _ body: () async throws(EngineError) -> T) async throws(EngineError) -> T {
        await acquireLocal(id)
        defer { releaseLocal(id) }
        let fd = open(path(id), O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .system("open lock \(id)", errno) }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            // Held by another process: wait for it on a thread outside the cooperative pool.
            try await Offload.run { () throws(EngineError) in
                while flock(fd, LOCK_EX) != 0 {
                    if errno != EINTR { throw .system("flock \(id)", errno) }
                }
            }
        }
        return try await body()
    }

    /// Removes the lock file of a removed container.
    func discard(_ id: String) {
        unlink(path(id))
    }
}

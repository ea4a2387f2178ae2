internal import CSpawn
internal import Glibc
internal import Synchronization

/// Runs blocking work (extraction, flock, file trees, runc's output) on threads of the engine's own, outside the
/// cooperative pool and outside Dispatch's global queues, whose few threads (as many as cores) one stuck call
/// would take from everyone else. At most ``limit`` run at once; more wait for a thread without blocking.
enum Offload {
    /// How many blocking calls may run at once.
    static let limit = 128

    private struct Slots {
        var running = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private static let slots = Mutex(Slots())

    private static func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = slots.withLock { slots -> Bool in
                if slots.running < limit {
                    slots.running += 1
                    return true
                }
                slots.waiting.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    private static func release() {
        let next = slots.withLock { slots -> CheckedContinuation<Void, Never>? in
            if slots.waiting.isEmpty {
                slots.running -= 1
                return nil
            }
            return slots.waiting.removeFirst()
        }
        next?.resume()
    }

    /// Runs `body` on a thread of its own and returns its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws(EngineError) -> T) async throws(EngineError) -> T
    {
        await acquire()
        let result: Result<T, EngineError> = await withCheckedContinuation { continuation in
            thread {
                do throws(EngineError) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
                release()
            }
        }
        return try result.get()
    }

    /// Starts a detached thread running `body`: for loops that block for as long as they run (watchers, the reaper)
    /// and work that outlives its caller (feeding a pipe). Never a Dispatch queue: on Linux its blocks run on the
    /// same few threads as Swift's tasks (one per core), and a block that never returns keeps one from everyone.
    static func thread(_ body: @escaping @Sendable () -> Void) {
        final class Box: @unchecked Sendable {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        defer { pthread_attr_destroy(&attributes) }
        let rc = pthread_create(
            &thread, &attributes,
            { raw in
                Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
                return nil
            }, box)
        if rc != 0 {
            // No thread to be had: run it here rather than lose it.
            Unmanaged<Box>.fromOpaque(box).takeRetainedValue().body()
        }
    }
}

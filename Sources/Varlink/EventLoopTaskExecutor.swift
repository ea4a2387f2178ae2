import NIOCore

/// Runs tasks on a NIO event loop, so that a connection's processing, its reads and its writes stay on one
/// thread instead of hopping between the event loop and the cooperative pool on every message.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    // The event loop is thread-safe to submit to; the class holds nothing else.
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}

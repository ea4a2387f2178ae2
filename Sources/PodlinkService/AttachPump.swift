import Engine
import PodlinkAPI
import Synchronization
import Varlink

/// Moves a process's bytes over an upgraded connection: its output to the caller (raw with a terminal, framed
/// without, then the exit code's frame), the caller's bytes to its standard input. Ends when the process's output
/// ends, after its exit is recorded (so that what the caller asks next sees it); the detach keys in the caller's
/// input, or a caller that goes away, detach instead (the process goes on, no exit frame is sent).
struct AttachPump: Sendable {
    let session: AttachSession
    let connection: any VarlinkUpgradedConnection
    let forwardsInput: Bool
    let streams: Set<LogStream>
    let detachKeys: DetachKeys
    /// The process's exit code once it is recorded.
    let exitCode: @Sendable () async -> Int32

    /// Replays `lines`, then `logs` (read as the connection takes them), then pumps until the process or the
    /// connection ends.
    func run(replaying lines: [LogLine] = [], logs: LogBatches? = nil) async throws {
        defer { session.close() }
        for line in lines where streams.contains(line.stream) {
            try await send(line.stream, Array((line.text + "\n").utf8))
        }
        if let logs {
            for try await batch in logs {
                for line in batch where streams.contains(line.stream) {
                    try await send(line.stream, Array((line.text + "\n").utf8))
                }
            }
        }
        let detached = DetachedFlag()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    if try await forwardInput() {
                        detached.value.store(true, ordering: .releasing)
                        session.close()
                    }
                } catch {
                    // Malformed frames or a broken connection: the process's input ends, the attachment too.
                    session.closeInput()
                    session.close()
                }
            }
            while let (stream, bytes) = try await session.read() {
                if streams.contains(stream) { try await send(stream, bytes) }
            }
            if !detached.value.load(ordering: .acquiring) {
                let code = await exitCode()
                if !session.tty { try await connection.write(AttachFrames.exitFrame(code)) }
            }
            try? await connection.close()
            group.cancelAll()
        }
    }

    private func send(_ stream: LogStream, _ bytes: [UInt8]) async throws {
        if session.tty {
            try await connection.write(bytes)
        } else {
            try await connection.write(
                AttachFrames.frame(stream == .stderr ? AttachFrames.stderr : AttachFrames.stdout, bytes))
        }
    }

    /// The caller's bytes to the process's standard input, until the caller half-closes (its standard input
    /// ends), goes away, or types the detach keys (then true). Each chunk is written before the next is read: a
    /// process that does not read holds the caller back instead of filling memory.
    private func forwardInput() async throws -> Bool {
        var decoder = AttachFrames.Decoder()
        // Detach keys are keys a person types at a terminal; a stream without one carries any byte.
        var scanner = DetachKeys.Scanner(session.tty ? detachKeys : try DetachKeys(parsing: ""))
        while let bytes = try await connection.read() {
            guard forwardsInput else { continue }
            var chunks: [[UInt8]] = []
            if session.tty {
                chunks = [bytes]
            } else {
                chunks = try decoder.feed(bytes).filter { $0.stream == AttachFrames.stdin }.map(\.bytes)
            }
            for chunk in chunks {
                let (forward, detached) = scanner.scan(chunk)
                try await session.write(forward)
                if detached { return true }
            }
        }
        if forwardsInput { session.closeInput() }
        return false
    }
}

/// Whether the caller detached, set by the input side and read by the output side.
private final class DetachedFlag: Sendable {
    let value = Atomic<Bool>(false)
}

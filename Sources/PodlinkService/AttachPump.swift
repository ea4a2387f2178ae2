import Engine
import PodlinkAPI
import Varlink

/// Moves a container's bytes over an upgraded connection: its output to the caller (raw with a terminal, framed
/// without, then the exit code's frame), the caller's bytes to its standard input. Ends when the process's output
/// ends; a caller that goes away detaches (the container goes on).
struct AttachPump: Sendable {
    let session: AttachSession
    let connection: any VarlinkUpgradedConnection
    let engine: Engine
    let forwardsInput: Bool
    let streams: Set<LogStream>

    func run(replaying lines: [LogLine]) async throws {
        defer { session.close() }
        for line in lines where streams.contains(line.stream) {
            try await send(line.stream, Array((line.text + "\n").utf8))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await forwardInput()
                } catch {
                    // Malformed frames or a broken connection: the process's input ends, the attachment too.
                    session.closeInput()
                    session.close()
                }
            }
            while let (stream, bytes) = try await session.read() {
                if streams.contains(stream) { try await send(stream, bytes) }
            }
            if !session.tty {
                let code = (try? await engine.waitContainer(session.containerID)) ?? -1
                try await connection.write(AttachFrames.exitFrame(code))
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
    /// ends) or goes away.
    private func forwardInput() async throws {
        var decoder = AttachFrames.Decoder()
        while let bytes = try await connection.read() {
            guard forwardsInput else { continue }
            if session.tty {
                try await session.write(bytes)
            } else {
                for frame in try decoder.feed(bytes) where frame.stream == AttachFrames.stdin {
                    try await session.write(frame.bytes)
                }
            }
        }
        if forwardsInput { session.closeInput() }
    }
}

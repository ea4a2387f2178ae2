import Foundation
import Glibc
import PodlinkAPI
import Varlink
import VarlinkNIO

/// The CLI's side of an attached connection (AttachContainer with `upgrade`): the container's output to this
/// process's standard output and error, this process's standard input to the container when asked, and, without
/// a terminal, the exit code from the last frame.
struct AttachedStream {
    let connection: any VarlinkUpgradedConnection
    let tty: Bool
    let forwardsInput: Bool

    /// ``run()`` with this process's terminal in raw mode while input goes to a terminal on the service's side,
    /// and that terminal given this one's size now and after every SIGWINCH through `resize`.
    func runAtTerminal(resize: @escaping @Sendable (_ rows: Int, _ columns: Int) async -> Void) async throws -> Int32? {
        let terminal = tty && forwardsInput ? Terminal.raw() : nil
        defer { terminal?.restore() }
        let resizing = tty ? Self.followTerminalSize(resize) : nil
        defer { resizing?.cancel() }
        return try await run()
    }

    /// Gives a terminal on the service's side this terminal's size now and after every SIGWINCH.
    static func followTerminalSize(
        _ resize: @escaping @Sendable (_ rows: Int, _ columns: Int) async -> Void
    ) -> SignalHandler? {
        guard Terminal.size() != nil else { return nil }
        let update: @Sendable () -> Void = {
            guard let size = Terminal.size() else { return }
            Task { await resize(size.rows, size.columns) }
        }
        update()
        return SignalHandler(signals: [SIGWINCH]) { update() }
    }

    /// Runs until the container's output ends; returns the exit code the last frame carried (nil with a
    /// terminal, whose stream has none, or when the connection ended without one).
    func run() async throws -> Int32? {
        if forwardsInput { Self.forwardInput(to: connection, framed: !tty) }
        var decoder = AttachFrames.Decoder()
        var code: Int32?
        while let bytes = try await connection.read() {
            if tty {
                Console.write(1, bytes)
                continue
            }
            for frame in try decoder.feed(bytes) {
                switch frame.stream {
                case AttachFrames.stdout: Console.write(1, frame.bytes)
                case AttachFrames.stderr: Console.write(2, frame.bytes)
                case AttachFrames.exit where frame.bytes.count == 4:
                    code = Int32(bitPattern: frame.bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
                default: break
                }
            }
        }
        return code
    }

    /// Copies standard input to the connection on a thread of its own (reads block), framed without a terminal;
    /// at its end, half-closes the connection so that the container's standard input ends too.
    static func forwardInput(to connection: any VarlinkUpgradedConnection, framed: Bool) {
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 32768)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                let chunk = Array(buffer[0..<n])
                let bytes = framed ? AttachFrames.frame(AttachFrames.stdin, chunk) : chunk
                let sent = Self.blocking { try await connection.write(bytes) }
                if !sent { return }
            }
            _ = Self.blocking { try await connection.closeWrite() }
        }
    }

    /// Runs async work from a plain thread and waits for it; false when it threw.
    private static func blocking(_ work: @escaping @Sendable () async throws -> Void) -> Bool {
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox()
        Task {
            do { try await work() } catch { result.failed = true }
            done.signal()
        }
        done.wait()
        return !result.failed
    }

    private final class ResultBox: @unchecked Sendable {
        var failed = false
    }
}

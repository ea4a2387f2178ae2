internal import FoundationEssentials
internal import Glibc

/// One of conmon's JSON messages on its sync or attach pipe: `{"data": N, "message": "..."}` (a pid, 0 when the
/// attach socket listens, an exit code, or -1 with runc's words).
struct ConmonMessage: Decodable {
    var data: Int32
    var message: String?
}

extension ConmonMessage {
    /// How long conmon may take to answer (to report a created container, say).
    static let timeout: Duration = .seconds(60)

    /// Reads one message from `fd` within `limit` (conmon's or runc's hang must not hold a lock for ever); what
    /// follows it stays unread.
    static func read(
        _ fd: Int32, what: String, limit: Duration = ConmonMessage.timeout
    )
        async throws(EngineError) -> ConmonMessage
    {
        let bytes = try await Offload.run { () throws(EngineError) -> [UInt8] in
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            var data: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 1)
            let deadline = ContinuousClock.now + limit
            // Byte by byte up to the message's end: what follows (an exec's exit message) stays in the pipe.
            while data.last != UInt8(ascii: "}") {
                let left = deadline - ContinuousClock.now
                guard left > .zero else { throw .runtimeError("conmon did not report \(what) within \(limit)") }
                var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&entry, 1, Int32(clamping: left.components.seconds * 1000 + 1)) <= 0 { continue }
                let n = Glibc.read(fd, &buffer, 1)
                if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                if n <= 0 { break }
                data.append(buffer[0])
            }
            return data
        }
        guard let message = try? JSONDecoder().decode(ConmonMessage.self, from: Data(bytes)) else {
            throw .runtimeError("conmon did not report \(what) (it went away)")
        }
        return message
    }

}

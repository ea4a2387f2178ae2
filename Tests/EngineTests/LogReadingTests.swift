import FoundationEssentials
import PodlinkShared
import PodlinkTestSupport
import Testing

@testable import Engine

#if canImport(Glibc)
import Glibc
#endif

/// The log read a chunk at a time, forwards and from its end backwards, against the whole-file parse: the same
/// lines, whatever the chunk boundaries cut (a line, a partial line, a multi-byte character).
@Suite("Log reading in chunks")
struct LogReadingTests {
    /// A k8s-file log of `count` logical lines, some written in partial pieces, on both streams; and its lines.
    static func makeLog(count: Int, seed: UInt64) -> (text: String, lines: [LogLine]) {
        var generator = SplitMix(state: seed)
        var text = ""
        var base = Date(timeIntervalSince1970: 1_700_000_000)
        for index in 0..<count {
            base += 0.001
            let time = RFC3339.string(from: base, fractionalDigits: 9)
            let stream = generator.next() % 3 == 0 ? "stderr" : "stdout"
            let body = "line \(index) é " + String(repeating: "x", count: Int(generator.next() % 200))
            if generator.next() % 5 == 0 {
                let cut = body.index(body.startIndex, offsetBy: body.count / 2)
                text += "\(time) \(stream) P \(body[..<cut])\n\(time) \(stream) F \(body[cut...])\n"
            } else {
                text += "\(time) \(stream) F \(body)\n"
            }
        }
        return (text, LogLine.parse(text))
    }

    static func withLog<T>(_ text: String, _ body: (LogFile) async throws -> T) async throws -> T {
        let path = ChildProcess.testRoot + "/log-\(UInt64.random(in: 0...(.max)))"
        try Array(text.utf8).withUnsafeBytes { bytes in
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            defer { close(fd) }
            #expect(write(fd, bytes.baseAddress, bytes.count) == bytes.count)
        }
        defer { unlink(path) }
        return try await body(LogFile(path: path))
    }

    static func read(_ file: LogFile, _ options: LogOptions) async throws -> (lines: [LogLine], batches: Int) {
        let start = options.tail.map { file.tailStart($0, options) } ?? 0
        var lines: [LogLine] = []
        var batches = 0
        for try await batch in LogBatches(file: file, options: options, start: start, follow: nil) {
            lines += batch
            batches += 1
        }
        return (lines, batches)
    }

    @Test func everyLineArrivesOnceInBatchesOfAChunkAtMost() async throws {
        let (text, lines) = Self.makeLog(count: 6000, seed: 1)
        #expect(text.utf8.count > 4 * LogFile.chunkSize)
        try await Self.withLog(text) { file in
            let (read, batches) = try await Self.read(file, LogOptions())
            #expect(read == lines)
            #expect(batches >= text.utf8.count / LogFile.chunkSize)
        }
    }

    @Test(arguments: [0, 1, 7, 999, 2500, 5999, 6000, 10_000])
    func aTailIsTheLastLinesWhicheverChunkItStartsIn(tail: Int) async throws {
        let (text, lines) = Self.makeLog(count: 6000, seed: 2)
        try await Self.withLog(text) { file in
            let choices: [Set<LogStream>] = [[.stdout, .stderr], [.stderr]]
            for streams in choices {
                let options = LogOptions(tail: tail, streams: streams)
                let read = try await Self.read(file, options).lines
                #expect(read == options.select(lines), "tail \(tail) \(streams)")
            }
        }
    }

    @Test func anUnfinishedLastLineAndTrailingPartialsCountAsLinesOfATail() async throws {
        let log = Self.makeLog(count: 10, seed: 3).text
        for end in [
            "2023-11-14T22:13:20.500000000Z stdout F unfinished",
            "2023-11-14T22:13:20.500000000Z stdout P unfin\n2023-11-14T22:13:20.500000000Z stdout P ished\n",
        ] {
            try await Self.withLog(log + end) { file in
                let all = LogLine.parse(log + end)
                #expect(all.last?.text == "unfinished")
                let read = try await Self.read(file, LogOptions(tail: 2)).lines
                #expect(read == Array(all.suffix(2)))
            }
        }
    }
}

/// SplitMix64, for logs that a seed replays.
private struct SplitMix {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

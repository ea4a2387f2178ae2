import ArgumentParser
import Foundation
import Varlink

/// `varlink-bench`: serve `org.example.ping`, or measure servers of it side by side.
@main
struct VarlinkBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "varlink-bench", abstract: "Benchmark varlink servers of org.example.ping.",
        subcommands: [Serve.self, Compare.self])

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve org.example.ping.")
        @Option(help: "The address to serve.") var varlink: String

        func run() async throws {
            let service = VarlinkService(
                info: .init(vendor: "Podlink", product: "varlink-bench", version: "1", url: "https://varlink.org"),
                interfaces: [PingServer()])
            let server = VarlinkServer(service: service)
            let signals = SignalHandler(signals: [SIGTERM, SIGINT]) { server.shutdown() }
            defer { signals.cancel() }
            try await server.run(on: [.address(try VarlinkAddress(parsing: varlink))])
        }
    }

    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure servers given as NAME=unix:PATH; ratios are against the first.")
        @Option(help: "Seconds per measurement.") var seconds: Double = 3
        @Argument(help: "NAME=unix:PATH, ours first.") var servers: [String]

        func run() throws {
            let parsed = servers.map { entry -> (String, String) in
                let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
                return (parts[0], String(parts[1].dropFirst("unix:".count)))
            }
            let loads: [(String, Int, Int)] = [
                ("sequential, 1 connection", 1, 1), ("pipelined (100 per write), 1 connection", 1, 100),
                ("sequential, 16 connections", 16, 1),
            ]
            var results: [[Double]] = []
            for (_, connections, batch) in loads {
                results.append(
                    try parsed.map { _, path in
                        try LoadGenerator(path: path, seconds: seconds).measure(connections: connections, batch: batch)
                    })
            }
            let names = parsed.map(\.0)
            var header = "| load | " + names.map { "\($0) calls/s" }.joined(separator: " | ")
            header += " | " + names.dropFirst().map { "\(names[0])/\($0)" }.joined(separator: " | ") + " |"
            print(header)
            print("|" + String(repeating: "---|", count: 1 + names.count * 2 - 1))
            for (index, (label, _, _)) in loads.enumerated() {
                let row = results[index]
                let figures = row.map { String(Int($0.rounded())) }
                let ratios = row.dropFirst().map { String(format: "%.2f×", row[0] / $0) }
                print("| \(label) | " + (figures + ratios).joined(separator: " | ") + " |")
            }
        }
    }
}

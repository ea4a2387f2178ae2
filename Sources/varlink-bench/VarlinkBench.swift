import ArgumentParser
import Foundation
import Varlink
import VarlinkNIO

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
            abstract: "Measure servers given as NAME=unix:PATH; ratios are against the first.",
            discussion: "A server named reference is the floor, not a peer: the first's figure is given as its share.")
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
            // A server named `reference` gets the first's share of its figure instead of a ratio column.
            let reference = names.indices.dropFirst().first { names[$0] == "reference" }
            let peers = names.indices.dropFirst().filter { $0 != reference }
            var header = ["load"] + names.map { "\($0) calls/s" }
            header += peers.map { "\(names[0])/\(names[$0])" }
            if reference != nil { header.append("\(names[0]) share of reference") }
            print("| " + header.joined(separator: " | ") + " |")
            print("|" + String(repeating: "---|", count: header.count))
            for (index, (label, _, _)) in loads.enumerated() {
                let row = results[index]
                var cells = [label] + row.map { String(Int($0.rounded())) }
                cells += peers.map { String(format: "%.2f×", row[0] / row[$0]) }
                if let reference { cells.append(String(format: "%.0f%%", 100 * row[0] / row[reference])) }
                print("| " + cells.joined(separator: " | ") + " |")
            }
        }
    }
}

import Foundation

/// A line on standard error before long work and one after it with the time it took.
enum Progress {
    static func run<T>(_ start: String, done: (T) -> String, _ body: () async throws -> T) async throws -> T {
        Console.note(start + "...")
        let began = Date()
        let result = try await body()
        Console.note(done(result) + " in " + String(format: "%.1fs", Date().timeIntervalSince(began)))
        return result
    }
}

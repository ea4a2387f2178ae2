/// Runs `body`, failing with ``TimedOut`` after `seconds` instead of hanging the suite.
public func withTimeout<T: Sendable>(
    seconds: Double, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        guard let first = try await group.next(), let value = first else {
            group.cancelAll()
            throw TimedOut(seconds: seconds)
        }
        group.cancelAll()
        return value
    }
}

/// What ``withTimeout(seconds:_:)`` throws when its body took too long.
public struct TimedOut: Error, CustomStringConvertible {
    /// The time it had.
    public var seconds: Double
    /// The error as a sentence.
    public var description: String { "did not finish within \(seconds) s" }
}

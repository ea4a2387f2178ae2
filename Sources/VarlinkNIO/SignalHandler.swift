import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Runs an action when the process receives one of the given signals (instead of their default action).
public final class SignalHandler: @unchecked Sendable {
    // The sources are set once in init and only cancelled afterwards (cancel is thread-safe).
    private let sources: [any DispatchSourceSignal]

    /// Starts handling `signals`.
    public init(signals: [Int32], action: @escaping @Sendable () -> Void) {
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: action)
            source.resume()
            return source
        }
    }

    /// Stops handling the signals.
    public func cancel() {
        for source in sources { source.cancel() }
    }
}

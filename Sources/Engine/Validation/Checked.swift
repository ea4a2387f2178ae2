internal import PodlinkShared

/// The checks of numbers callers give the engine: each turns a caller's `Int` into what the runtime takes, or
/// fails with ``EngineError/Code/invalidArgument`` naming the argument, so that no value can trap the engine.
enum Checked {
    /// The longest stop timeout: a day.
    static let maximumTimeout = 86_400

    /// A signal number, 1 to 64.
    static func signal(_ value: Int, argument: String = "signal") throws(EngineError) -> Int32 {
        guard Signals.range.contains(value) else { throw .invalidArgument(argument, "\(value) is not a signal") }
        return Int32(value)
    }

    /// A number of seconds, 0 to a day; nil stays nil.
    static func timeout(_ value: Int?, argument: String = "timeout") throws(EngineError) -> UInt32? {
        guard let value else { return nil }
        guard value >= 0 else { throw .invalidArgument(argument, "must be a number of seconds, 0 or more") }
        guard value <= maximumTimeout else { throw .invalidArgument(argument, "\(value) s is more than a day") }
        return UInt32(value)
    }

    /// A count or a size that must not be negative; nil stays nil.
    static func nonNegative(_ value: Int64?, argument: String) throws(EngineError) -> Int64? {
        if let value, value < 0 { throw .invalidArgument(argument, "must not be negative") }
        return value
    }

    /// A share of CPUs: more than 0, finite, and at most 1024 (so that its quota fits the runtime's numbers).
    static func cpus(_ value: Double?) throws(EngineError) -> Double? {
        guard let value else { return nil }
        guard value.isFinite, value > 0 else { throw .invalidArgument("cpus", "must be a positive number") }
        guard value <= 1024 else { throw .invalidArgument("cpus", "\(value) is more than 1024 CPUs") }
        return value
    }

    /// A terminal size: rows and columns, 1 to 65535 each.
    static func terminalSize(rows: Int, columns: Int) throws(EngineError) {
        guard (1...65535).contains(rows), (1...65535).contains(columns) else {
            throw .invalidArgument("size", "\(rows)x\(columns) is not a terminal size (1 to 65535 each)")
        }
    }

    /// A path on the engine's host, which must be absolute: the engine has no working directory of the caller's.
    static func absolutePath(_ path: String, argument: String) throws(EngineError) -> String {
        guard path.hasPrefix("/") else { throw .invalidArgument(argument, "must be an absolute path on the server") }
        return path
    }
}

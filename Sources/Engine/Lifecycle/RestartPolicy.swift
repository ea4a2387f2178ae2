/// What happens when a container's process ends, as Podman's and Docker's `--restart`: `no`, `on-failure[:N]`,
/// `always`, `unless-stopped`. A caller's Stop or Kill never triggers a restart.
public struct RestartPolicy: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The policy's kind.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Never restart.
        case no
        /// Restart after a non-zero exit, at most `maximumRetries` times (0: without limit).
        case onFailure = "on-failure"
        /// Restart after every exit; started again after a reboot even when a caller had stopped it.
        case always
        /// As `always`, but a container a caller stopped stays stopped after a reboot too.
        case unlessStopped = "unless-stopped"
    }

    /// The kind.
    public var kind: Kind
    /// For `on-failure`: how many restarts at most (0: no limit).
    public var maximumRetries: Int

    /// A policy of `kind`.
    public init(_ kind: Kind, maximumRetries: Int = 0) {
        self.kind = kind
        self.maximumRetries = maximumRetries
    }

    /// Parses `no`, `on-failure`, `on-failure:N`, `always` or `unless-stopped`.
    public init(parsing text: String) throws(EngineError) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let kind = Kind(rawValue: parts[0]) else {
            throw .invalidArgument(
                "restart", "\(text) is not a restart policy (no, on-failure[:N], always, unless-stopped)")
        }
        var retries = 0
        if parts.count == 2 {
            guard kind == .onFailure else {
                throw .invalidArgument("restart", "only on-failure takes a retry count (\(text))")
            }
            guard let count = Int(parts[1]), count >= 0, count <= 1_000_000 else {
                throw .invalidArgument("restart", "\(parts[1]) is not a retry count (0 to 1000000)")
            }
            retries = count
        }
        self.init(kind, maximumRetries: retries)
    }

    /// The policy as `--restart` writes it.
    public var description: String {
        kind == .onFailure && maximumRetries > 0 ? "on-failure:\(maximumRetries)" : kind.rawValue
    }

    /// Whether a process that ended with `exitCode` is started again, given the policy's restarts so far. Never
    /// after a caller stopped or killed it.
    func restarts(exitCode: Int32?, policyRestarts: Int, stoppedByUser: Bool) -> Bool {
        if stoppedByUser { return false }
        switch kind {
        case .no: return false
        case .always, .unlessStopped: return true
        case .onFailure:
            guard (exitCode ?? -1) != 0 else { return false }
            return maximumRetries == 0 || policyRestarts < maximumRetries
        }
    }

    /// Whether a reboot starts the container again (Refresh).
    func startsAfterReboot(stoppedByUser: Bool) -> Bool {
        switch kind {
        case .always: true
        case .unlessStopped: !stoppedByUser
        case .no, .onFailure: false
        }
    }

    /// The delay before the next restart, Docker's way: 100 ms, doubled after each restart whose run lasted less
    /// than ten seconds, at most a minute.
    static func delay(previousMilliseconds: Int, lastRun: Duration?) -> Int {
        if previousMilliseconds == 0 { return 100 }
        if let lastRun, lastRun >= .seconds(10) { return 100 }
        return min(previousMilliseconds * 2, 60_000)
    }
}

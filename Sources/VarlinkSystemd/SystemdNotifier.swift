import CSystemd
public import VarlinkNIO

/// Tells the service manager how the service is doing (`sd_notify`'s protocol, on `$NOTIFY_SOCKET`). The variable
/// is taken out of the environment on first use, so that children never see it.
public enum SystemdNotifier {
    /// Sends `state` (e.g. `READY=1`); returns false when there is no service manager to tell or sending failed.
    @discardableResult
    public static func notify(_ state: String) -> Bool {
        csystemd_notify(state) > 0
    }

    /// The service is ready: its listeners accept.
    @discardableResult
    public static func ready() -> Bool { notify("READY=1") }

    /// The service is shutting down.
    @discardableResult
    public static func stopping() -> Bool { notify("STOPPING=1") }
}

extension SystemdNotifier {
    /// Tells the service manager what a ``VarlinkServer`` does: `READY=1` once it accepts, `STOPPING=1` when it
    /// begins to shut down. Set it as the server configuration's `lifecycle`.
    public static let serverLifecycle: @Sendable (VarlinkServer.LifecycleEvent) -> Void = { event in
        switch event {
        case .ready: ready()
        case .stopping: stopping()
        }
    }
}

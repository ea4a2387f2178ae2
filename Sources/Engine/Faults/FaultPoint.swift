internal import Glibc

/// Named points in the engine's operations where a test makes the process die as `kill -9` would: with
/// `PODLINK_FAULT=<name>` in its environment, the process ends at once (`_exit`, nothing cleaned up) on reaching
/// that point. The crash-consistency tests kill the service at each one and check what a restart makes of it.
/// Unset, reaching a point costs one comparison.
enum FaultPoint: String, CaseIterable, Sendable {
    /// A created container's row is stored; its directory is not made yet.
    case afterContainerRow = "create.after-row"
    /// The root filesystem is mounted; the store does not know yet.
    case afterMount = "mount.after-mount"
    /// The runtime holds the container (runc create ran); its state is not saved yet.
    case afterRuntimeCreate = "init.after-runtime-create"
    /// The process runs (runc start ran); the store still says created.
    case afterRuntimeStart = "start.after-runtime-start"
    /// Stop sent its signal; nothing recorded the exit.
    case afterStopSignal = "stop.after-signal"
    /// Remove recorded `removing`; nothing is cleaned up yet.
    case afterRemoving = "remove.after-removing"
    /// Remove cleaned up the runtime and mounts; the files and the row are still there.
    case afterCleanup = "remove.after-cleanup"
    /// A layer is extracted in its staging directory; it is not in place, and the store does not know it.
    case afterLayerExtract = "load.after-layer-extract"
    /// The image's row is gone; its unused layers are still in place.
    case afterImageRow = "rmi.after-row"
    /// An unused layer is renamed to its trash name; its tree is not deleted yet.
    case afterLayerTrash = "rmi.after-trash"

    /// The point this process dies at, from `PODLINK_FAULT`, which is then taken out of the environment: the
    /// processes the engine starts (conmon, and the exit command conmon runs) must not die at it too.
    static let armed: String? = {
        let point = getenv("PODLINK_FAULT").map { String(cString: $0) }
        unsetenv("PODLINK_FAULT")
        return point
    }()

    /// Ends the process here if this is the armed point.
    func reach() {
        if Self.armed == rawValue { _exit(137) }
    }
}

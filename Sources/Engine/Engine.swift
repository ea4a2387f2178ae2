internal import CSpawn
internal import FoundationEssentials
internal import Glibc
internal import Logging
internal import Synchronization

/// The container engine: images, containers and their lifecycle on runc + conmon, state in SQLite.
///
/// Several `Engine` values (in one process or many) may share the same storage and run roots: every container
/// operation holds the container's cross-process lock, and state is re-read from the store under it.
public final class Engine: Sendable {
    /// The options it was made with.
    public let options: EngineOptions
    let store: StateStore
    let images: ImageStore
    /// Bytes callers sent for later calls.
    let uploads: UploadStore
    let locks: ContainerLocks
    let exits: ExitWatcher
    /// The OCI runtime and monitor under every container (runc + conmon unless a test gives another).
    let runtime: any ContainerRuntime
    let logger: Logger
    /// Containers whose restart by their policy is scheduled in this process.
    let pendingRestarts = Mutex<Set<String>>([])
    /// Seccomp profiles read so far, by path.
    let seccompProfiles = Mutex<[String: SeccompProfile]>([:])
    /// Held while this engine records exits as they happen (nil when it does not): conmon's exit command finds it
    /// held and leaves the exit to this engine.
    private let exitsWatchedLock: ExitsWatchedLock?

    /// Paths of the run root.
    var runcRoot: String { options.runRoot + "/runc" }
    var exitDirectory: String { options.runRoot + "/exits" }
    var socketDirectory: String { options.runRoot + "/s" }
    var bootMarker: String { options.runRoot + "/booted" }

    /// Opens the engine's storage, making and tidying it first unless ``EngineOptions/opensExistingOnly``, and
    /// refreshes every container when the run root was cleared since the last use (a reboot). Containers run on
    /// `runtime`, runc under conmon (``RuncRuntime``) when nil.
    public init(options: EngineOptions, runtime: (any ContainerRuntime)? = nil) async throws(EngineError) {
        // Read (and taken out of the environment) before any child is started.
        _ = FaultPoint.armed
        self.options = options
        self.runtime =
            runtime
            ?? RuncRuntime(
                options: options, runcRoot: options.runRoot + "/runc", socketDirectory: options.runRoot + "/s")
        self.logger = options.logger
        if options.subreaper { ChildProcesses.becomeSubreaper() }
        if options.opensExistingOnly {
            for path in [options.storageRoot + "/state.db", options.runRoot + "/booted"] where !FileSystem.exists(path)
            {
                throw .invalidArgument("storage_root", "no storage set up since the boot: \(path) is missing")
            }
        } else {
            // No one but root may enter the roots: below them lie image layers (setuid files, device nodes),
            // running containers' trees and their configurations.
            try FileSystem.makePrivateDirectory(options.storageRoot)
            try FileSystem.makePrivateDirectory(options.runRoot)
            for path in [
                options.storageRoot + "/containers", options.runRoot + "/locks", options.runRoot + "/runc",
                options.runRoot + "/exits", options.runRoot + "/s",
            ] {
                try FileSystem.makeDirectories(path)
            }
        }
        store = try StateStore(path: options.storageRoot + "/state.db")
        try store.bind(runRoot: options.runRoot)
        images = ImageStore(root: options.storageRoot, store: store)
        uploads = UploadStore(directory: options.storageRoot + "/uploads")
        locks = ContainerLocks(directory: options.runRoot + "/locks")
        exits = try ExitWatcher(directory: options.runRoot + "/exits")
        // Held from now on: exits that happen before the monitor starts are found by the reconciliation below.
        exitsWatchedLock = options.handlesExits ? ExitsWatchedLock(holding: options.runRoot) : nil
        if !options.opensExistingOnly {
            try images.prepare()
            try uploads.prepare()
            try removeOrphanedContainerDirectories()
            try FileSystem.makeDirectories(options.runRoot + "/networks")
            try await ensureDefaultNetwork()
            if !FileSystem.exists(bootMarker) {
                // One process refreshes; others wait for it and find the marker.
                try await FileSystem.withExclusiveLock(options.runRoot + "/refresh.lock") { () throws(EngineError) in
                    if !FileSystem.exists(bootMarker) { try await refresh() }
                }
            }
        }
        if options.handlesExits {
            startExitMonitor()
            await reconcileExits()
        }
    }

    /// Whether an engine process records the exits of the containers under `runRoot` as they happen (it holds
    /// the run root's `exits.watched` lock): an exit command then has nothing to do.
    public static func exitsAreWatched(runRoot: String) -> Bool { ExitsWatchedLock.isHeld(runRoot: runRoot) }

    // MARK: Images

    /// Loads an OCI image layout (directory), an `oci-archive` or a `docker-archive`; `name` tags images that carry
    /// no name of their own.
    public func loadImage(from path: String, name: String? = nil) async throws(EngineError) -> [ImageRecord] {
        let path = try Checked.absolutePath(path, argument: "input_file")
        let images = self.images
        return try await Offload.run { () throws(EngineError) in try images.load(path, name: name) }
    }

    /// Imports a root filesystem tarball (plain or compressed) as a one-layer image, as `podman import`.
    public func importImage(
        from tarball: String, name: String? = nil, config: ImageRunConfig = ImageRunConfig()
    )
        async throws(EngineError) -> ImageRecord
    {
        let tarball = try Checked.absolutePath(tarball, argument: "source")
        let images = self.images
        return try await Offload.run { () throws(EngineError) in
            try images.importRootfs(tarball, name: name, config: config)
        }
    }

    /// Every image.
    public func listImages() async throws(EngineError) -> [ImageRecord] {
        try store.allImages()
    }

    /// The image named or identified by `reference`.
    public func inspectImage(_ reference: String) async throws(EngineError) -> ImageRecord {
        try store.image(reference)
    }

    /// Adds the name `name` (`name[:tag]`) to an image.
    public func tagImage(_ reference: String, as name: String) async throws(EngineError) {
        let image = try store.image(reference)
        try store.tagImage(image.id, try ImageStore.normalizedName(name))
    }

    /// Removes the name `name` from an image.
    public func untagImage(_ reference: String, name: String) async throws(EngineError) {
        let image = try store.image(reference)
        try store.untagImage(image.id, try ImageStore.normalizedName(name))
    }

    /// Removes an image and the layers no other image uses; refused while containers use it unless `force`, which
    /// removes those containers first. Returns the image's id.
    @discardableResult
    public func removeImage(_ reference: String, force: Bool = false) async throws(EngineError) -> String {
        let image = try store.image(reference)
        let users = try store.containers(usingImage: image.id)
        if !users.isEmpty {
            guard force else {
                throw EngineError(
                    code: .imageInUse, message: "image \(reference) is used by \(users.joined(separator: ", "))",
                    subject: reference, names: users)
            }
            for user in users { try await removeContainer(user, force: true) }
        }
        let (unused, blobs) = try store.deleteImage(image)
        FaultPoint.afterImageRow.reach()
        let images = self.images
        try await Offload.run { () throws(EngineError) in
            images.removeBlobs(blobs)
            try images.removeLayers(unused)
        }
        return image.id
    }

    // MARK: Events

    /// Stored events matching `filter`, oldest first.
    public func events(_ filter: EventFilter = EventFilter()) async throws(EngineError) -> [EngineEvent] {
        try store.events(filter)
    }
}

extension EngineEvent {
    /// What an event records: an extensible set of names, stored as text (Podman's words where Podman has one).
    public struct Action: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible,
        ExpressibleByStringLiteral
    {
        /// The stored name.
        public var rawValue: String

        /// An action by its stored name.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// An action by its stored name.
        public init(stringLiteral value: String) { self.rawValue = value }
        /// Decodes the stored name.
        public init(from decoder: any Decoder) throws {
            self.rawValue = try decoder.singleValueContainer().decode(String.self)
        }
        /// Encodes the stored name.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
        /// The stored name.
        public var description: String { rawValue }

        /// A container was created.
        public static let create: Action = "create"
        /// A container was made in the runtime.
        public static let initialize: Action = "init"
        /// A container's process was started.
        public static let start: Action = "start"
        /// A container was stopped by a caller.
        public static let stop: Action = "stop"
        /// A container's process ended (attribute `exitCode`).
        public static let died: Action = "died"
        /// A signal was sent to a container (attribute `signal`).
        public static let kill: Action = "kill"
        /// A container was frozen.
        public static let pause: Action = "pause"
        /// A container was thawed.
        public static let unpause: Action = "unpause"
        /// A container was started again, by a caller or by its restart policy (attribute `policy` when by it).
        public static let restart: Action = "restart"
        /// A command ran in a container.
        public static let exec: Action = "exec"
        /// A container's root filesystem was mounted for a caller.
        public static let mount: Action = "mount"
        /// A container's root filesystem was released by a caller.
        public static let unmount: Action = "unmount"
        /// A container was cleaned up after its process ended.
        public static let cleanup: Action = "cleanup"
        /// A container or an image was removed.
        public static let remove: Action = "remove"
        /// A container's processes were checkpointed.
        public static let checkpoint: Action = "checkpoint"
        /// A container's processes were restored from a checkpoint.
        public static let restore: Action = "restore"
        /// An image was imported from a root filesystem tarball.
        public static let `import`: Action = "import"
        /// Images were loaded from an archive or layout.
        public static let load: Action = "load"
        /// An image was pulled from a registry.
        public static let pull: Action = "pull"
        /// An image was pushed to a registry.
        public static let push: Action = "push"
        /// Images were saved to an archive.
        public static let save: Action = "save"
        /// An image got a name.
        public static let tag: Action = "tag"
        /// An image lost a name.
        public static let untag: Action = "untag"
    }
}

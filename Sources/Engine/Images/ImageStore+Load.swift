internal import FoundationEssentials
internal import Glibc

extension ImageStore {
    /// The size past which a manifest, an index or an image config is refused.
    static let metadataLimit = 8 << 20
    /// How deep indexes may nest, and how many manifests one load may hold.
    static let indexDepthLimit = 8
    static let manifestLimit = 1000

    static func decode<T: Decodable>(
        _ type: T.Type, _ bytes: [UInt8], _ what: String
    ) throws(EngineError)
        -> T
    {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw .invalidArgument("image", "cannot parse \(what): \(error)")
        }
    }

    /// A metadata file of a layout or an extracted archive: a regular file below `root`, reached through no
    /// symbolic link, of bounded size.
    private static func metadata(_ relative: String, in root: String) throws(EngineError) -> [UInt8] {
        try SafeFile.read(relative, beneath: root, .noSymlinks, limit: metadataLimit)
    }

    /// A blob of a layout whose bytes must have `digest`.
    static func verifiedBlob(
        _ layout: String, _ digest: String, _ what: String
    ) throws(EngineError)
        -> [UInt8]
    {
        let bytes = try metadata(try blobPath(digest), in: layout)
        guard SHA256Digest.digest(of: bytes) == digest else {
            throw .invalidArgument("image", "\(what) \(digest) does not match its digest")
        }
        return bytes
    }

    static func blobPath(_ digest: String) throws(EngineError) -> String {
        let parts = digest.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, parts[0] == "sha256", parts[1].count == 64, parts[1].allSatisfy(\.isHexDigit) else {
            throw .invalidArgument("digest", "\(digest) is not a sha256 digest")
        }
        return "blobs/sha256/\(parts[1])"
    }

    /// Loads every image of the OCI image layout at `layout`; `name` tags them when they carry no ref name.
    func loadOCILayout(_ layout: String, name: String?) throws(EngineError) -> [ImageRecord] {
        // Only regular files and directories are taken from a layout, and nothing through a symbolic link.
        guard (try? Self.metadata("oci-layout", in: layout)) != nil else {
            throw .invalidArgument("path", "\(layout) is not an OCI image layout")
        }
        let index = try Self.decode(
            OCIImageFormat.Index.self, try Self.metadata("index.json", in: layout), "\(layout)/index.json")
        var images: [ImageRecord] = []
        var pending = index.manifests.map { (descriptor: $0, depth: 0) }
        var seen = 0
        while !pending.isEmpty {
            let (descriptor, depth) = pending.removeFirst()
            seen += 1
            guard seen <= Self.manifestLimit else {
                throw .invalidArgument("image", "the layout lists more than \(Self.manifestLimit) manifests")
            }
            if let type = descriptor.mediaType, OCIImageFormat.indexTypes.contains(type) {
                guard depth < Self.indexDepthLimit else {
                    throw .invalidArgument("image", "indexes nest deeper than \(Self.indexDepthLimit)")
                }
                let bytes = try Self.verifiedBlob(layout, descriptor.digest, "index")
                let nested = try Self.decode(OCIImageFormat.Index.self, bytes, "index \(descriptor.digest)")
                pending += nested.manifests.map { (descriptor: $0, depth: depth + 1) }
                continue
            }
            let manifestBytes = try Self.verifiedBlob(layout, descriptor.digest, "manifest")
            let manifest = try Self.decode(
                OCIImageFormat.Manifest.self, manifestBytes, "manifest \(descriptor.digest)")
            let configBytes = try ensureLayers(of: manifest, in: layout)
            var names: [String] = []
            if let ref = descriptor.annotations?["org.opencontainers.image.ref.name"] {
                names.append(
                    try Self.normalizedName(
                        ref.contains(":") || ref.contains("/")
                            ? ref
                            : (name.map { n in n.split(separator: ":").first.map(String.init) ?? n }
                                ?? "localhost/image") + ":" + ref))
            } else if let name {
                names.append(try Self.normalizedName(name))
            }
            let image = try record(configBytes: configBytes, names: names, manifestDigest: descriptor.digest)
            try keepBlob(configBytes)
            try keepBlob(manifestBytes)
            try store.saveImage(image, event: .load)
            images.append(try store.image(image.id))
        }
        return images
    }

    /// Extracts the layers `manifest` names from the OCI layout `layout` (each verified against its digest and its
    /// config's diff id) and returns the config's bytes, verified too.
    func ensureLayers(of manifest: OCIImageFormat.Manifest, in layout: String) throws(EngineError) -> [UInt8] {
        let configBytes = try Self.verifiedBlob(layout, manifest.config.digest, "config")
        let config = try Self.decode(OCIImageFormat.ImageConfig.self, configBytes, "the image config")
        guard config.rootfs.diff_ids.count == manifest.layers.count else {
            throw .invalidArgument(
                "image", "manifest has \(manifest.layers.count) layers, config \(config.rootfs.diff_ids.count)")
        }
        for (layer, diffID) in zip(manifest.layers, config.rootfs.diff_ids) {
            try ensureLayer(
                blob: try Self.blobPath(layer.digest), in: layout, diffID: diffID, compressedDigest: layer.digest)
        }
        return configBytes
    }

    /// Loads an `oci-archive` or a `docker-archive` (a tar, possibly compressed), or an OCI layout directory.
    func load(_ path: String, name: String?) throws(EngineError) -> [ImageRecord] {
        if FileSystem.isDirectory(path) { return try loadOCILayout(path, name: name) }
        guard FileSystem.exists(path) else { throw .invalidArgument("path", "\(path) does not exist") }
        // Read once, regular files only, into the store: a FIFO or a device cannot stall or flood the load.
        let copy = try privateCopy(of: path, beneath: "/", expecting: nil, resolution: .inRoot)
        defer { unlink(copy) }
        let temporary = try temporaryDirectory()
        defer { try? FileSystem.removeTree(temporary) }
        try LayerArchive.extract(copy, into: temporary, whiteouts: .none)
        if FileSystem.exists(temporary + "/oci-layout") { return try loadOCILayout(temporary, name: name) }
        if FileSystem.exists(temporary + "/manifest.json") { return try loadDockerArchive(temporary, name: name) }
        throw .invalidArgument("path", "\(path) is neither an oci-archive nor a docker-archive")
    }

    private func loadDockerArchive(_ directory: String, name: String?) throws(EngineError) -> [ImageRecord] {
        let entries = try Self.decode(
            [OCIImageFormat.DockerManifestEntry].self, try Self.metadata("manifest.json", in: directory),
            "manifest.json")
        var images: [ImageRecord] = []
        for entry in entries {
            guard let configName = LayerArchive.sanitize(entry.Config) else {
                throw .invalidArgument("image", "config path \(entry.Config) leaves the archive")
            }
            let configBytes = try Self.metadata(configName, in: directory)
            let config = try Self.decode(OCIImageFormat.ImageConfig.self, configBytes, "the image config")
            guard config.rootfs.diff_ids.count == entry.Layers.count else {
                throw .invalidArgument("image", "layer count does not match the config")
            }
            for (layer, diffID) in zip(entry.Layers, config.rootfs.diff_ids) {
                guard let layerName = LayerArchive.sanitize(layer) else {
                    throw .invalidArgument("image", "layer path \(layer) leaves the archive")
                }
                try ensureLayer(blob: layerName, in: directory, diffID: diffID, compressedDigest: nil)
            }
            var names: [String] = []
            for tag in entry.RepoTags ?? [] { names.append(try Self.normalizedName(tag)) }
            if names.isEmpty, let name { names.append(try Self.normalizedName(name)) }
            let image = try record(configBytes: configBytes, names: names, manifestDigest: nil)
            try keepBlob(configBytes)
            try store.saveImage(image, event: .load)
            images.append(try store.image(image.id))
        }
        return images
    }

    /// Imports a root filesystem tarball as a one-layer image (as `podman import`).
    func importRootfs(_ path: String, name: String?, config: ImageRunConfig) throws(EngineError) -> ImageRecord {
        guard FileSystem.exists(path) else { throw .invalidArgument("path", "\(path) does not exist") }
        // The tarball is copied into the store first: what is hashed is what is extracted.
        let (copy, digest) = try verifiedCopy(of: path, beneath: "/", expecting: nil, resolution: .inRoot)
        defer { unlink(copy) }
        let (diffID, _) = try LayerArchive.uncompressedDigest(of: copy)
        try ensureLayer(copy: copy, diffID: diffID, compressedDigest: digest)
        try keepBlob(copy, digest: digest)
        let created = Date().formatted(.iso8601)
        let host = HostInfo.current()
        let imageConfig = OCIImageFormat.ImageConfig(
            created: created, architecture: host.architecture, os: host.os, config: config,
            rootfs: OCIImageFormat.RootFS(type: "layers", diff_ids: [diffID]))
        let bytes: [UInt8]
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            bytes = Array(try encoder.encode(imageConfig))
        } catch {
            throw .internalError("encode config: \(error)")
        }
        let names = try name.map { (n) throws(EngineError) in [try Self.normalizedName(n)] } ?? []
        let image = try record(configBytes: bytes, names: names, manifestDigest: nil)
        try keepBlob(bytes)
        try store.saveImage(image, event: .import)
        return try store.image(image.id)
    }
}

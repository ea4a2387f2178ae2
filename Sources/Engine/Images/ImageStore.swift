internal import FoundationEssentials
internal import Glibc
internal import SystemPackage

/// Images and their layers on disk: each layer extracted once, by diff id, verified, shared by every image.
final class ImageStore: Sendable {
    let root: String
    let store: StateStore

    /// The store below `root`, as it is: ``prepare()`` makes its directories and removes what a crash left.
    init(root: String, store: StateStore) {
        self.root = root
        self.store = store
    }

    /// Makes the store's directories and removes layers half-extracted or half-deleted by a process that died.
    func prepare() throws(EngineError) {
        try FileSystem.makeDirectories(root + "/layers")
        try FileSystem.makeDirectories(root + "/tmp")
        try FileSystem.makeDirectories(root + "/blobs/sha256")
        sweep()
    }

    /// Names a reference may be stored under: itself, and with `:latest` when it has no tag.
    static func candidateNames(_ reference: String) -> [String] {
        let last = reference.split(separator: "/").last ?? ""
        var names = [reference]
        if !last.contains(":") && !reference.contains("@") { names.append(reference + ":latest") }
        if !reference.contains("/") {
            names += names.map { "localhost/" + $0 } + names.map { "docker.io/library/" + $0 }
        }
        return names
    }

    /// The normalized name to store: `name:latest` when no tag is given.
    static func normalizedName(_ name: String) throws(EngineError) -> String {
        guard !name.isEmpty, !name.contains(" "), !name.hasPrefix("/"), !name.contains("\0") else {
            throw .invalidArgument("name", "\(name) is not an image name")
        }
        let last = name.split(separator: "/").last ?? ""
        return last.contains(":") ? name : name + ":latest"
    }

    /// The directory holding the extracted tree of a layer.
    func layerPath(_ diffID: String) -> String {
        root + "/layers/" + Self.hex(diffID) + "/diff"
    }

    static func hex(_ digest: String) -> String {
        digest.hasPrefix("sha256:") ? String(digest.dropFirst(7)) : digest
    }

    /// A fresh temporary directory under the store.
    func temporaryDirectory() throws(EngineError) -> String {
        let path = root + "/tmp/" + Self.temporaryName()
        try FileSystem.makeDirectories(path)
        return path
    }

    /// Copies the regular file `relative` below `root` (opened once, through no symbolic link, non-blocking) into
    /// the store's own temporary directory, and checks the copy's digest against `expecting` while copying.
    /// Everything after works on the copy, which nobody but root can change.
    func privateCopy(
        of relative: String, beneath root: String, expecting digest: String?,
        resolution: SafeFile.Resolution = .noSymlinks
    ) throws(EngineError) -> String {
        try verifiedCopy(of: relative, beneath: root, expecting: digest, resolution: resolution).path
    }

    /// As ``privateCopy(of:beneath:expecting:resolution:)``, and the copy's digest.
    func verifiedCopy(
        of relative: String, beneath root: String, expecting digest: String?,
        resolution: SafeFile.Resolution = .noSymlinks
    ) throws(EngineError) -> (path: String, digest: String) {
        let (source, _) = try SafeFile.openRegular(relative, beneath: root, resolution)
        defer { close(source) }
        let copy = self.root + "/tmp/" + Self.temporaryName() + ".blob"
        let target = open(copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard target >= 0 else { throw .system("create \(copy)", errno) }
        var sha = SHA256Digest()
        do throws(EngineError) {
            let output = FileDescriptor(rawValue: target)
            defer { try? output.close() }
            try FileSystem.readChunks(FileDescriptor(rawValue: source), size: 1 << 18, path: relative) {
                (chunk) throws(EngineError) in
                sha.update(chunk)
                try FileSystem.writeAll(output, chunk, path: copy)
            }
            let actual = "sha256:" + sha.finalizeHex()
            if let digest, actual != digest {
                throw EngineError.invalidArgument("layer", "blob \(digest) has digest \(actual)")
            }
            return (copy, actual)
        } catch {
            unlink(copy)
            throw error
        }
    }

    /// Makes sure the layer `diffID` is extracted from the blob `relative` below `root`: copied into the store
    /// (and verified against `compressedDigest` when given), then as ``ensureLayer(copy:diffID:compressedDigest:)``.
    @discardableResult
    func ensureLayer(
        blob relative: String, in root: String, diffID: String, compressedDigest: String?
    )
        throws(EngineError) -> Int64
    {
        let present = try store.hasLayer(diffID) && FileSystem.isDirectory(layerPath(diffID))
        // One blob per layer is kept: a layer that came before in another compression keeps that one.
        if present, let blob = try store.layerBlob(diffID), hasBlob(blob) { return 0 }
        let (copy, digest) = try verifiedCopy(of: relative, beneath: root, expecting: compressedDigest)
        defer { unlink(copy) }
        // The blob is kept as it came, for pushes and saves that give the same digests.
        if present {
            try keepBlob(copy, digest: digest)
            try store.setLayerBlob(diffID, digest)
            return 0
        }
        let size = try ensureLayer(copy: copy, diffID: diffID, compressedDigest: digest)
        try keepBlob(copy, digest: digest)
        return size
    }

    /// Makes sure the layer `diffID` is extracted from `copy`, a blob in the store's own temporary directory:
    /// checks its uncompressed digest, extracts it with overlay whiteouts, and records it. Returns the
    /// uncompressed size.
    @discardableResult
    func ensureLayer(copy: String, diffID: String, compressedDigest: String?) throws(EngineError) -> Int64 {
        if try store.hasLayer(diffID), FileSystem.isDirectory(layerPath(diffID)) { return 0 }
        let (uncompressed, size) = try LayerArchive.uncompressedDigest(of: copy)
        guard uncompressed == diffID else {
            throw .invalidArgument("layer", "layer \(diffID) has uncompressed digest \(uncompressed)")
        }
        let final = root + "/layers/" + Self.hex(diffID)
        let staging = final + ".tmp-" + Self.temporaryName()
        try FileSystem.makeDirectories(staging + "/diff")
        do {
            try LayerArchive.extract(copy, into: staging + "/diff", whiteouts: .overlay)
        } catch {
            try? FileSystem.removeTree(staging)
            throw error
        }
        FaultPoint.afterLayerExtract.reach()
        if rename(staging, final) != 0 {
            // Another process extracted it first.
            try? FileSystem.removeTree(staging)
            guard FileSystem.isDirectory(final + "/diff") else { throw .system("rename \(final)", errno) }
        }
        try store.insertLayer(diffID: diffID, size: size, compressedDigest: compressedDigest)
        return size
    }

    /// Removes the extracted trees of layers no image uses; every one is tried, and the first failure is thrown
    /// afterwards. Each is first renamed to a trash name, so that a tree half-deleted by a crash is never taken
    /// for the layer (a later load extracts it anew; the next start removes the trash).
    func removeLayers(_ diffIDs: [String]) throws(EngineError) {
        var failure: EngineError?
        for diffID in diffIDs {
            let path = root + "/layers/" + Self.hex(diffID)
            let trash = path + ".trash-" + Self.temporaryName()
            do throws(EngineError) {
                guard rename(path, trash) == 0 else {
                    if errno == ENOENT { continue }
                    throw .system("rename \(path)", errno)
                }
                FaultPoint.afterLayerTrash.reach()
                try FileSystem.removeTree(trash)
            } catch {
                failure = failure ?? .internalError("the layer \(diffID) was not deleted: \(error.message)")
            }
        }
        if let failure { throw failure }
    }

    static func parseDate(_ text: String?) -> Date? {
        guard let text else { return nil }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        // Drop fractional seconds, which the plain strategy refuses.
        if let dot = text.firstIndex(of: "."), let end = text[dot...].firstIndex(where: { $0 == "Z" || $0 == "+" }) {
            return try? Date(String(text[..<dot]) + String(text[end...]), strategy: .iso8601)
        }
        return nil
    }

    /// Makes an image record from a config blob whose layers are in place.
    func record(configBytes: [UInt8], names: [String], manifestDigest: String?) throws(EngineError) -> ImageRecord {
        let config: OCIImageFormat.ImageConfig
        do {
            config = try JSONDecoder().decode(OCIImageFormat.ImageConfig.self, from: Data(configBytes))
        } catch {
            throw .invalidArgument("image", "bad image config: \(error)")
        }
        var size: Int64 = 0
        for diffID in config.rootfs.diff_ids {
            size += try store.read { (db) throws(EngineError) in
                try db.query("SELECT size FROM layers WHERE diff_id = ?", .text(diffID)).first?.first?.integer ?? 0
            }
        }
        return ImageRecord(
            id: Self.hex(SHA256Digest.digest(of: configBytes)), manifestDigest: manifestDigest, names: names,
            created: Self.parseDate(config.created), size: size, layers: config.rootfs.diff_ids,
            config: config.config ?? ImageRunConfig(), architecture: config.architecture ?? "",
            os: config.os ?? "linux")
    }
}

/// Random identifiers.
enum Identifier {
    /// 64 random hex digits.
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        for _ in 0..<4 {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        return SHA256Digest.hex(bytes)
    }

    /// Whether `text` has the form ``random()`` gives: 64 lowercase hex digits.
    static func isValid(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

internal import FoundationEssentials
internal import Glibc

/// The blobs images came in, kept as they came (`blobs/sha256/HEX`): layer blobs (compressed or not), image
/// configs and manifests. Pushes and saves send them back byte for byte, so an image keeps its id and its
/// digests wherever it goes, and a pull does not fetch a layer blob the store holds.
extension ImageStore {
    /// The file of the blob `digest` (a checked sha256 digest).
    func blobPath(_ digest: String) throws(EngineError) -> String {
        guard ImageReference.isDigest(digest) else {
            throw .invalidArgument("digest", "\(digest) is not a sha256 digest")
        }
        return root + "/blobs/sha256/" + digest.dropFirst(7)
    }

    /// Whether the store holds the blob `digest`.
    func hasBlob(_ digest: String) -> Bool {
        guard let path = try? blobPath(digest) else { return false }
        return FileSystem.exists(path)
    }

    /// Keeps `copy` (a verified file in the store's temporary directory, whose digest is `digest`) as a blob, by
    /// a hard link: the caller still removes the copy.
    func keepBlob(_ copy: String, digest: String) throws(EngineError) {
        let path = try blobPath(digest)
        if link(copy, path) != 0 && errno != EEXIST { throw .system("keep blob \(digest)", errno) }
    }

    /// Keeps `bytes` as the blob of their digest, and returns it.
    @discardableResult
    func keepBlob(_ bytes: [UInt8]) throws(EngineError) -> String {
        let digest = SHA256Digest.digest(of: bytes)
        let path = try blobPath(digest)
        if FileSystem.exists(path) { return digest }
        // Written beside and renamed: a blob is whole or absent.
        let temporary = root + "/tmp/" + Self.temporaryName() + ".blob"
        try FileSystem.write(temporary, bytes, mode: 0o600)
        if rename(temporary, path) != 0 {
            unlink(temporary)
            throw .system("keep blob \(digest)", errno)
        }
        return digest
    }

    /// Removes the blobs `digests`; a blob already gone is not an error.
    func removeBlobs(_ digests: [String]) {
        for digest in digests {
            if let path = try? blobPath(digest) { unlink(path) }
        }
    }
}

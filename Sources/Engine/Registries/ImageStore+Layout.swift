internal import FoundationEssentials
internal import Glibc

extension ImageStore {
    /// Writes an OCI layout of `image` at `staging` from the blobs the store keeps (hard links), under the ref name
    /// `tag`: the image's own manifest when every blob it names is here, else a manifest made from the kept layer
    /// blobs. Returns the blobs' descriptors, config last.
    @discardableResult
    func writeLayout(
        _ image: ImageRecord, at staging: String, tag: String
    ) throws(EngineError)
        -> [OCIImageFormat.Descriptor]
    {
        let configDigest = "sha256:" + image.id
        guard hasBlob(configDigest) else {
            throw .invalidArgument(
                "image",
                "the store keeps no config of \(image.names.first ?? image.id) (stored before blobs were kept: load it again)"
            )
        }
        var manifestBytes: [UInt8]?
        var mediaType = "application/vnd.oci.image.manifest.v1+json"
        var blobs: [OCIImageFormat.Descriptor] = []
        if let digest = image.manifestDigest, hasBlob(digest),
            let bytes = try? FileSystem.read(try blobPath(digest)), bytes.count <= Self.metadataLimit,
            let manifest = try? Self.decode(OCIImageFormat.Manifest.self, bytes, "manifest"),
            manifest.config.digest == configDigest, manifest.layers.allSatisfy({ hasBlob($0.digest) })
        {
            manifestBytes = bytes
            mediaType = manifest.mediaType ?? mediaType
            blobs = manifest.layers + [manifest.config]
        }
        if manifestBytes == nil {
            for diffID in image.layers {
                guard let blob = try store.layerBlob(diffID), hasBlob(blob) else {
                    throw .invalidArgument(
                        "image",
                        "the store keeps no blob of layer \(diffID) (stored before blobs were kept: load it again)")
                }
                blobs.append(
                    OCIImageFormat.Descriptor(
                        mediaType: Self.layerMediaType(try blobPath(blob)), digest: blob,
                        size: Int64(FileSystem.fileSize(try blobPath(blob)))))
            }
            let config = OCIImageFormat.Descriptor(
                mediaType: "application/vnd.oci.image.config.v1+json", digest: configDigest,
                size: Int64(FileSystem.fileSize(try blobPath(configDigest))))
            let manifest = OCIImageFormat.Manifest(
                schemaVersion: 2, mediaType: mediaType, config: config, layers: blobs)
            blobs.append(config)
            manifestBytes = try Self.encode(manifest)
        }
        let manifest = manifestBytes ?? []
        let manifestDigest = SHA256Digest.digest(of: manifest)
        try FileSystem.makeDirectories(staging + "/blobs/sha256")
        try FileSystem.write(staging + "/oci-layout", #"{"imageLayoutVersion":"1.0.0"}"#)
        try FileSystem.write(staging + "/" + (try Self.blobPath(manifestDigest)), manifest, mode: 0o600)
        for blob in blobs {
            let target = staging + "/" + (try Self.blobPath(blob.digest))
            if link(try blobPath(blob.digest), target) != 0 && errno != EEXIST {
                throw .system("link blob \(blob.digest)", errno)
            }
        }
        let index = OCIImageFormat.Index(
            schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
            manifests: [
                OCIImageFormat.Descriptor(
                    mediaType: mediaType, digest: manifestDigest, size: Int64(manifest.count),
                    annotations: ["org.opencontainers.image.ref.name": tag])
            ])
        try FileSystem.write(staging + "/index.json", try Self.encode(index), mode: 0o600)
        return blobs
    }

    /// A layer blob's media type, from its first bytes: gzip, zstd, or a plain tar.
    static func layerMediaType(_ path: String) -> String {
        var head = [UInt8](repeating: 0, count: 4)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            _ = head.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4) }
            close(fd)
        }
        if head.starts(with: [0x1f, 0x8b]) { return "application/vnd.oci.image.layer.v1.tar+gzip" }
        if head.starts(with: [0x28, 0xb5, 0x2f, 0xfd]) { return "application/vnd.oci.image.layer.v1.tar+zstd" }
        return "application/vnd.oci.image.layer.v1.tar"
    }

    static func encode<T: Encodable>(_ value: T) throws(EngineError) -> [UInt8] {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return Array(try encoder.encode(value))
        } catch {
            throw .internalError("encode \(T.self): \(error)")
        }
    }
}

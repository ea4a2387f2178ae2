/// The parts of the OCI image format (and docker-archive) that loading reads.
enum OCIImageFormat {
    /// A content descriptor.
    struct Descriptor: Codable {
        var mediaType: String?
        var digest: String
        var size: Int64?
        var annotations: [String: String]?
        var platform: Platform?
    }

    /// The platform an index entry is for.
    struct Platform: Codable {
        var os: String
        var architecture: String
        var variant: String?
    }

    /// `index.json` or an image index blob.
    struct Index: Codable {
        var schemaVersion: Int?
        var mediaType: String?
        var manifests: [Descriptor]
    }

    /// An image manifest.
    struct Manifest: Codable {
        var schemaVersion: Int?
        var mediaType: String?
        var config: Descriptor
        var layers: [Descriptor]
    }

    /// The root filesystem section of an image config.
    struct RootFS: Codable {
        var type: String
        var diff_ids: [String]
    }

    /// An image config blob.
    struct ImageConfig: Codable {
        var created: String?
        var architecture: String?
        var os: String?
        var config: ImageRunConfig?
        var rootfs: RootFS
    }

    /// One image of a docker-archive's `manifest.json`.
    struct DockerManifestEntry: Codable {
        var Config: String
        var RepoTags: [String]?
        var Layers: [String]
    }

    static let indexTypes: Set<String> = [
        "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
    ]
}

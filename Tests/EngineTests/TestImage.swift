import Glibc

@testable import Engine

/// A deterministic OCI image layout built from busybox-static, once per test process.
///
/// Layer 1: busybox (`busybox --install -s`), /etc/passwd and /etc/group, a file and a directory that layer 2
/// deletes (`.wh.` whiteout) and makes opaque (`.wh..wh..opq`). Layer 2 adds /hello.txt.
enum TestImage {
    static let root = TestEngine.root + "/podlink-fixture-\(getpid())"

    static let built = Task<String, any Error> { try await build() }

    /// The layout's path.
    static func layout() async throws -> String { try await built.value }

    static func sh(_ arguments: [String]) async throws -> String {
        let output = try await ProcessRunner.run(arguments[0], arguments)
        guard output.status == 0 else {
            throw EngineError.internalError("\(arguments.joined(separator: " ")): \(output.stderrText)")
        }
        return output.stdoutText
    }

    static func write(_ path: String, _ text: String) throws {
        try FileSystem.write(path, text)
    }

    /// sha256 hex and size of a file.
    static func blob(_ path: String, into layout: String) async throws -> (digest: String, size: Int) {
        let digest = try SHA256Digest.digest(ofFile: path)
        let bytes = try FileSystem.read(path)
        let hex = String(digest.dropFirst(7))
        try FileSystem.write("\(layout)/blobs/sha256/\(hex)", bytes)
        return (digest, bytes.count)
    }

    static func tarLayer(_ directory: String, _ output: String) async throws {
        _ = try await sh([
            "/usr/bin/tar", "--sort=name", "--numeric-owner", "--owner=0", "--group=0", "--mtime=@0", "-C", directory,
            "-cf", output, ".",
        ])
        _ = try await sh(["/usr/bin/gzip", "-n", "-k", "-f", output])
    }

    static func build() async throws -> String {
        // Fixtures of test processes that are gone.
        for name in FileSystem.list(TestEngine.root) where name.hasPrefix("podlink-fixture-") {
            if let pid = Int32(name.dropFirst("podlink-fixture-".count)), kill(pid, 0) != 0 {
                try? FileSystem.removeTree(TestEngine.root + "/" + name)
            }
        }
        try? FileSystem.removeTree(root)
        let layer1 = root + "/layer1"
        let layer2 = root + "/layer2"
        let layout = root + "/layout"
        for dir in [
            layer1 + "/bin", layer1 + "/usr/bin", layer1 + "/etc/opaque", layer1 + "/tmp", layer1 + "/proc",
            layer1 + "/sys", layer1 + "/dev", layer1 + "/root", layer2 + "/etc/opaque", layout + "/blobs/sha256",
        ] {
            try FileSystem.makeDirectories(dir)
        }
        chmod(layer1 + "/tmp", 0o1777)
        _ = try await sh(["/bin/cp", "/usr/bin/busybox", layer1 + "/usr/bin/busybox"])
        _ = try await sh(["/usr/bin/busybox", "--install", "-s", layer1 + "/bin"])
        try write(layer1 + "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n")
        try write(layer1 + "/etc/group", "root:x:0:\nnogroup:x:65534:\n")
        try write(layer1 + "/etc/removed", "layer 1\n")
        try write(layer1 + "/etc/opaque/old", "old\n")
        try write(layer2 + "/etc/.wh.removed", "")
        try write(layer2 + "/etc/opaque/.wh..wh..opq", "")
        try write(layer2 + "/etc/opaque/new", "new\n")
        try write(layer2 + "/hello.txt", "hello from layer 2\n")
        var layers: [(digest: String, size: Int, diffID: String)] = []
        for dir in [layer1, layer2] {
            try await tarLayer(dir, dir + ".tar")
            let diffID = try SHA256Digest.digest(ofFile: dir + ".tar")
            let (digest, size) = try await blob(dir + ".tar.gz", into: layout)
            layers.append((digest, size, diffID))
        }
        let diffIDs = layers.map { "\"\($0.diffID)\"" }.joined(separator: ",")
        let config = """
            {"architecture":"amd64","config":{"Cmd":["/bin/sh"],"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin","FIXTURE=1"],\
            "Labels":{"org.podlink.test":"1"},"WorkingDir":"/"},"created":"1970-01-01T00:00:00Z","os":"linux",\
            "rootfs":{"diff_ids":[\(diffIDs)],"type":"layers"}}
            """
        try write(root + "/config.json", config)
        let configBlob = try await blob(root + "/config.json", into: layout)
        let layerDescriptors = layers.map {
            "{\"digest\":\"\($0.digest)\",\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"size\":\($0.size)}"
        }.joined(separator: ",")
        let manifest = """
            {"config":{"digest":"\(configBlob.digest)","mediaType":"application/vnd.oci.image.config.v1+json",\
            "size":\(configBlob.size)},"layers":[\(layerDescriptors)],\
            "mediaType":"application/vnd.oci.image.manifest.v1+json","schemaVersion":2}
            """
        try write(root + "/manifest.json", manifest)
        let manifestBlob = try await blob(root + "/manifest.json", into: layout)
        try write(
            layout + "/index.json",
            """
            {"manifests":[{"annotations":{"org.opencontainers.image.ref.name":"latest"},\
            "digest":"\(manifestBlob.digest)","mediaType":"application/vnd.oci.image.manifest.v1+json",\
            "size":\(manifestBlob.size)}],"schemaVersion":2}
            """)
        try write(layout + "/oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}")
        return layout
    }
}

extension TestImage {
    /// An OCI layout at `layout` of one image whose layers are the (uncompressed) tar files `tars`.
    static func layout(of tars: [String], at layout: String) async throws -> String {
        try FileSystem.makeDirectories(layout + "/blobs/sha256")
        var descriptors: [String] = []
        var diffIDs: [String] = []
        for tar in tars {
            let (digest, size) = try await blob(tar, into: layout)
            diffIDs.append("\"\(digest)\"")
            descriptors.append(
                "{\"digest\":\"\(digest)\",\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"size\":\(size)}")
        }
        try write(
            layout + "/config.json",
            """
            {"architecture":"amd64","config":{"Cmd":["/bin/sh"]},"os":"linux",\
            "rootfs":{"diff_ids":[\(diffIDs.joined(separator: ","))],"type":"layers"}}
            """)
        let config = try await blob(layout + "/config.json", into: layout)
        unlink(layout + "/config.json")
        try write(
            layout + "/manifest.json",
            """
            {"config":{"digest":"\(config.digest)","mediaType":"application/vnd.oci.image.config.v1+json",\
            "size":\(config.size)},"layers":[\(descriptors.joined(separator: ","))],\
            "mediaType":"application/vnd.oci.image.manifest.v1+json","schemaVersion":2}
            """)
        let manifest = try await blob(layout + "/manifest.json", into: layout)
        unlink(layout + "/manifest.json")
        try write(
            layout + "/index.json",
            """
            {"manifests":[{"digest":"\(manifest.digest)","mediaType":"application/vnd.oci.image.manifest.v1+json",\
            "size":\(manifest.size)}],"schemaVersion":2}
            """)
        try write(layout + "/oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}")
        return layout
    }

    /// Writes a tar file with python's tarfile: `script` gets `tar` (an open TarFile) and `tarfile`.
    static func pythonTar(_ output: String, _ script: String) async throws {
        let program =
            "import io, sys, tarfile\ntar = tarfile.open(sys.argv[1], 'w', format=tarfile.PAX_FORMAT)\n"
            + script + "\ntar.close()\n"
        _ = try await sh(["/usr/bin/python3", "-c", program, output])
    }
}

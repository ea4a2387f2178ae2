// `struct stat`'s members: archive.h includes sys/stat.h, so Clang may give the struct to CArchive's module.
internal import CArchive
internal import FoundationEssentials
internal import Glibc

/// Watches the layout a pull's skopeo writes into, and reports how far each layer blob got: a blob is done once
/// its file is in `blobs/sha256`; the blobs being fetched are the `oci-put-blob*` files skopeo writes first, taken
/// in the order they were made for the layers not done yet, in manifest order (skopeo starts them in that order).
struct PullWatcher: Sendable {
    let staging: String
    let layers: [LayerProgress]
    let report: @Sendable ([LayerProgress]) -> Void
    var interval: Duration = .milliseconds(200)

    func run() async {
        var last = layers
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            let now = snapshot(last)
            if now != last {
                report(now)
                last = now
            }
        }
    }

    func snapshot(_ previous: [LayerProgress]) -> [LayerProgress] {
        var layers = previous
        for index in layers.indices where layers[index].state != .present && layers[index].state != .done {
            if let path = try? ImageStore.blobPath(layers[index].digest), FileSystem.exists(staging + "/" + path) {
                layers[index].state = .done
                layers[index].done = layers[index].total
            }
        }
        var partial: [(time: Int, size: Int64)] = []
        for name in FileSystem.list(staging) where name.hasPrefix("oci-put-blob") {
            var info = stat()
            guard stat(staging + "/" + name, &info) == 0 else { continue }
            partial.append((info.st_ctim.tv_sec * 1_000_000_000 + info.st_ctim.tv_nsec, Int64(info.st_size)))
        }
        partial.sort { $0.time < $1.time }
        let pending = layers.indices.filter { layers[$0].state == .waiting || layers[$0].state == .copying }
        for (index, file) in zip(pending, partial) {
            layers[index].state = .copying
            layers[index].done = min(file.size, layers[index].total)
        }
        return layers
    }
}

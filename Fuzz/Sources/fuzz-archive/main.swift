import CFuzzDriver
@_spi(Fuzzing) import Engine
import PodlinkArchive

#if canImport(Glibc)
import Glibc
#endif

/// Any bytes as an archive, read the two ways the service reads archives from others:
/// - as an upload to copy into a container: `CopyArchive.verify`, then, when it passes, `CopyArchive.unpack`;
/// - as an image layer: the engine's extraction, with overlayfs whiteouts or with whiteouts applied (by the
///   input's size, so both are reached).
/// Whatever the bytes, nothing may land beside the directory they are unpacked into, and a file there (standing for
/// the host) keeps its contents. Each input starts from empty directories.
func fuzzArchive(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = UnsafeBufferPointer(start: data, count: size)

    let upload = open(Scratch.uploadFile, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    precondition(upload >= 0, "open \(Scratch.uploadFile): \(errno)")
    defer { close(upload) }
    writeAll(upload, bytes)
    lseek(upload, 0, SEEK_SET)
    if (try? CopyArchive.verify(upload, linksBelowRoot: 1)) != nil {
        lseek(upload, 0, SEEK_SET)
        mkdir(Scratch.box, 0o755)
        _ = try? CopyArchive.unpack(upload, into: Scratch.box)
        Scratch.check("a verified upload unpacked")
    }

    let layer = open(Scratch.layerFile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    precondition(layer >= 0, "open \(Scratch.layerFile): \(errno)")
    writeAll(layer, bytes)
    close(layer)
    mkdir(Scratch.layer, 0o755)
    _ = LayerReading.extract(Scratch.layerFile, into: Scratch.layer, overlayWhiteouts: size % 2 == 0)
    Scratch.check("a layer extracted")
    return 0
}

func writeAll(_ fd: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
    var done = 0
    while done < bytes.count {
        let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
        precondition(n > 0, "write: \(errno)")
        done += n
    }
}

/// The directories an input is unpacked into, beside a file that stands for everything outside them.
enum Scratch {
    static let root: String = {
        var template = Array("/dev/shm/podlink-fuzz-archive-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { fatalError("mkdtemp: \(errno)") }
        let root = String(cString: made)
        atexit { removeTree(Scratch.root) }
        return root
    }()
    static let box = root + "/box"
    static let layer = root + "/layer"
    static let layerFile = root + "/layer.tar"
    static let uploadFile = root + "/upload.tar"
    static let sentinel: String = {
        let path = root + "/host"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        _ = write(fd, "host", 4)
        close(fd)
        return path
    }()

    /// Traps when anything but the input's own directories and files is beside them, or the host file changed;
    /// then empties the directories for the next input.
    static func check(_ what: String) {
        _ = sentinel
        let entries = Set(list(root))
        precondition(
            entries.isSubset(of: ["box", "layer", "layer.tar", "upload.tar", "host"]),
            "\(what) wrote beside it: \(entries)")
        var contents = [UInt8](repeating: 0, count: 8)
        let fd = open(sentinel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        let n = fd >= 0 ? read(fd, &contents, 8) : -1
        if fd >= 0 { close(fd) }
        precondition(n == 4 && contents.prefix(4).elementsEqual("host".utf8), "\(what) changed a file beside it")
        removeTree(box)
        removeTree(layer)
    }

    /// The names in `directory`.
    static func list(_ directory: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        return names(handle)
    }

    /// Removes a tree without following a link in it: each entry is looked at with `fstatat(AT_SYMLINK_NOFOLLOW)`
    /// and only real directories are entered (by descriptor, so a name swapped for a link is not followed either).
    static func removeTree(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if fd < 0 {
            _ = unlink(path)
            return
        }
        empty(fd)
        close(fd)
        _ = rmdir(path)
    }

    /// Removes everything in the directory open as `fd`.
    static func empty(_ fd: Int32) {
        for name in list(fd: fd) {
            var info = stat()
            guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFDIR {
                let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                if child >= 0 {
                    _ = fchmod(child, 0o700)
                    empty(child)
                    close(child)
                }
                _ = unlinkat(fd, name, AT_REMOVEDIR)
            } else {
                _ = unlinkat(fd, name, 0)
            }
        }
    }

    /// The names in the directory open as `fd`, read before anything in it is removed.
    static func list(fd: Int32) -> [String] {
        let copy = dup(fd)
        guard copy >= 0 else { return [] }
        guard let handle = fdopendir(copy) else {
            close(copy)
            return []
        }
        defer { closedir(handle) }
        return names(handle)
    }

    /// The entries of an open directory stream but `.` and `..`.
    static func names(_ handle: OpaquePointer) -> [String] {
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

/// The target by the name libFuzzer's runtime looks for.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzArchive(data, size) }

// libFuzzer's driver runs the target (SwiftPM makes this file's code the executable's entry point).
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in testOneInput(data, size) })

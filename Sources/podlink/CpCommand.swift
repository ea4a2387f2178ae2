import ArgumentParser
import Foundation
import Glibc
import PodlinkAPI
import PodlinkArchive
import PodlinkClient
import Varlink

/// `podlink cp`
struct CpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cp",
        abstract: "Copy files or directories between a container and this machine.",
        discussion: """
            podlink cp [OPTIONS] CONTAINER:SRC DEST   (DEST - writes a tar to standard output)
            podlink cp [OPTIONS] SRC CONTAINER:DEST   (SRC - reads a tar from standard input)
            A directory DEST that exists receives SRC inside it; one that does not becomes the copy. SRC ending \
            in /. copies a directory's contents. The bytes go over the connection, so this works through \
            --bridge too. Paths in the container are read inside its root: its links never reach this host, and \
            nothing the container sends is written outside DEST.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Where from.") var source: String
    @Argument(help: "Where to.") var destination: String

    /// `CONTAINER:PATH` split, or nil for a local path (one with a `/` before any `:`, or none).
    static func containerPath(_ text: String) -> (container: String, path: String)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let container = String(text[..<colon])
        guard !container.isEmpty, !container.contains("/") else { return nil }
        let path = String(text[text.index(after: colon)...])
        return (container, path.hasPrefix("/") ? path : "/" + path)
    }

    func run() async throws {
        switch (Self.containerPath(source), Self.containerPath(destination)) {
        case (let from?, nil): try await copyOut(from.container, from.path, to: destination)
        case (nil, let to?): try await copyIn(source, to: to.container, to.path)
        case (nil, nil): throw ValidationError("one of SRC and DEST must be CONTAINER:PATH")
        case (_?, _?): throw ValidationError("copying between containers is not supported: copy through this machine")
        }
    }

    private func copyOut(_ container: String, _ path: String, to destination: String) async throws {
        if destination == "-" {
            try await Transfers.download(global, to: "-") { client in
                try await client.copyFromContainer(name: container, path: path, .upgrade).1
            }
            return
        }
        let contents = path.hasSuffix("/.")
        var info = stat()
        let exists = stat(destination, &info) == 0
        let isDirectory = exists && (info.st_mode & S_IFMT) == S_IFDIR
        let place = isDirectory ? destination : Paths.parent(destination)
        // The tar lands in a file here first and is checked whole: nothing is unpacked from a refused one.
        let (fd, archive) = try LocalFiles.temporaryFile(in: place)
        defer {
            _ = Glibc.close(fd)
            unlink(archive)
        }
        var sourceIsDirectory = false
        try await global.withClient { client in
            let (reply, connection) = try await client.copyFromContainer(name: container, path: path, .upgrade)
            sourceIsDirectory = reply.stat.mode & 0o170000 == 0o040000
            try await ByteStreams.download(over: connection, to: fd)
        }
        if exists && !isDirectory && sourceIsDirectory {
            throw CLIError("cannot copy the directory \(container):\(path) onto the file \(destination)")
        }
        try unpack(fd) { fd in
            if isDirectory || contents {
                if !exists { try makeDirectory(destination) }
                try CopyArchive.unpack(fd, into: destination)
                return
            }
            // A new name (or a file replaced): unpacked beside it, then renamed into place.
            let staging = try makeStaging(in: place)
            defer { try? FileManager.default.removeItem(atPath: staging) }
            try CopyArchive.unpack(fd, into: staging)
            let name = path.split(separator: "/").last.map(String.init) ?? ""
            guard rename(staging + "/" + name, destination) == 0 else {
                throw CLIError("\(destination): \(String(cString: strerror(errno)))")
            }
        }
    }

    private func copyIn(_ source: String, to container: String, _ path: String) async throws {
        if source == "-" {
            let upload = try await Transfers.upload(global, path: "-")
            try await global.withClient { client in
                _ = try await client.copyIntoContainer(name: container, path: path, upload: upload)
            }
            return
        }
        var info = stat()
        guard lstat(source, &info) == 0 else { throw CLIError("\(source): \(String(cString: strerror(errno)))") }
        let sourceIsDirectory = (info.st_mode & S_IFMT) == S_IFDIR
        let target: (directory: String, name: String) = try await global.withClient { client in
            do {
                let stat = try await client.statContainerPath(name: container, path: path).stat
                if stat.mode & 0o170000 == 0o040000 {
                    let name = source.hasSuffix("/.") ? "" : Paths.lastComponent(source)
                    return (path, name)
                }
                if sourceIsDirectory {
                    throw CLIError("cannot copy the directory \(source) onto the file \(container):\(path)")
                }
            } catch IoPodlinkError.pathNotFound {}
            return (Paths.parent(path), Paths.lastComponent(path))
        }
        let trimmed = source.hasSuffix("/.") ? String(source.dropLast(2)) : source
        let input =
            target.name.isEmpty
            ? try LocalFiles.packed(trimmed, as: "") : try LocalFiles.packed(source, as: target.name)
        defer { input.close() }
        let upload = try await Transfers.upload(global, input)
        try await global.withClient { client in
            _ = try await client.copyIntoContainer(name: container, path: target.directory, upload: upload)
        }
    }

    private func unpack(_ fd: Int32, _ body: (Int32) throws -> Void) throws {
        do {
            guard lseek(fd, 0, SEEK_SET) == 0 else { throw CLIError("seek: \(String(cString: strerror(errno)))") }
            try CopyArchive.verify(fd, linksBelowRoot: nil)
            guard lseek(fd, 0, SEEK_SET) == 0 else { throw CLIError("seek: \(String(cString: strerror(errno)))") }
            try body(fd)
        } catch let error as CopyArchiveError {
            throw CLIError(error.description)
        }
    }

    private func makeDirectory(_ path: String) throws {
        guard mkdir(path, 0o755) == 0 else { throw CLIError("\(path): \(String(cString: strerror(errno)))") }
    }

    private func makeStaging(in directory: String) throws -> String {
        var template = Array((directory + "/.podlink-cp-XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw CLIError("\(directory): \(String(cString: strerror(errno)))")
        }
        return String(cString: template)
    }
}

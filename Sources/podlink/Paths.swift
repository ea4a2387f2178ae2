import Foundation

/// Paths given on the command line, made absolute for the service (which has another working directory).
enum Paths {
    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: full).standardizedFileURL.path
    }
}

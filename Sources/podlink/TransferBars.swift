import Foundation
import Glibc
import PodlinkAPI

/// Progress bars for the blobs of a pull or push, one line each, redrawn in place on a terminal (standard error);
/// nothing at all when standard error is not a terminal.
final class TransferBars {
    let verb: String
    private let terminal = isatty(2) != 0
    private var drawn = 0

    init(verb: String) { self.verb = verb }

    /// Draws the blobs' newest state.
    func update(_ blobs: [IoPodlink.BlobProgress]) {
        guard terminal else { return }
        var text = drawn > 0 ? "\u{1b}[\(drawn)A" : ""
        for blob in blobs { text += "\r\u{1b}[2K" + Self.line(verb, blob) + "\n" }
        drawn = blobs.count
        Console.write(2, Array(text.utf8))
    }

    static func line(_ verb: String, _ blob: IoPodlink.BlobProgress) -> String {
        let name = String(blob.digest.split(separator: ":").last?.prefix(12) ?? "")
        let sizes = Human.size(blob.done) + " / " + Human.size(blob.total)
        switch blob.state {
        case .present: return "\(verb) blob \(name) skipped: already exists"
        case .done: return "\(verb) blob \(name) done \(Human.size(blob.total))"
        case .waiting: return "\(verb) blob \(name) waiting"
        case .copying:
            let width = 30
            let filled = blob.total > 0 ? min(width, blob.done * width / blob.total) : 0
            let bar =
                String(repeating: "=", count: filled) + (filled < width ? ">" : "")
                + String(repeating: " ", count: max(0, width - filled - 1))
            return "\(verb) blob \(name) [\(bar)] \(sizes)"
        }
    }
}

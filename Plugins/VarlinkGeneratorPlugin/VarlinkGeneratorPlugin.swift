import Foundation
import PackagePlugin

/// Runs `varlink-swift-gen` on every `.varlink` file of a target at build time, so the generated Swift is compiled
/// with the target and never committed. An invalid interface fails the build with `file:line:column` messages.
///
/// A target sets options for its interfaces in a `varlink-generator.json` beside its sources: a JSON object whose
/// keys are options, each `true` or `false`; an unknown option fails the build. Without the file, every option has
/// its default.
///
/// ```json
/// { "insideRuntime": true }
/// ```
///
/// - `insideRuntime` (default `false`): the target is the `Varlink` runtime module itself, so the generated Swift
///   does not `import Varlink`. `Sources/Varlink` sets it for its `org.varlink.service` stubs.
///
/// The plugin hands the file to each generation command (`varlink-swift-gen swift --config`) and lists it as an
/// input, so editing it regenerates the target's Swift. The tool, not the plugin, reads it: SwiftPM does not run
/// the plugin again when only a file's content changes, so options the plugin turned into arguments would go stale.
@main
struct VarlinkGeneratorPlugin: BuildToolPlugin {
    /// The file of generator options, among the target's files.
    static let configurationFileName = "varlink-generator.json"

    /// A command per `.varlink` file of the target, writing its Swift into the plugin's work directory.
    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        guard let module = target as? SourceModuleTarget else { return [] }
        let generator = try context.tool(named: "varlink-swift-gen")
        let outputDirectory = context.pluginWorkDirectoryURL.appending(path: "GeneratedSources")
        let configuration = module.sourceFiles.first { file in
            file.url.lastPathComponent == Self.configurationFileName
        }?.url
        return module.sourceFiles(withSuffix: "varlink").map { file in
            let input = file.url
            let base = input.deletingPathExtension().lastPathComponent
            let output = outputDirectory.appending(path: "\(base).swift")
            var arguments = [
                "swift", input.path(percentEncoded: false), "--output", output.path(percentEncoded: false),
            ]
            if let configuration { arguments += ["--config", configuration.path(percentEncoded: false)] }
            return .buildCommand(
                displayName: "Generating Swift for \(input.lastPathComponent)",
                executable: generator.url,
                arguments: arguments,
                inputFiles: [input] + (configuration.map { [$0] } ?? []),
                outputFiles: [output])
        }
    }
}

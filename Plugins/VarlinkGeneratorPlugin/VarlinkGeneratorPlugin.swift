import Foundation
import PackagePlugin

/// Runs `varlink-swift-gen` on every `.varlink` file of a target at build time, so the generated Swift is compiled
/// with the target and never committed. An invalid interface fails the build with `file:line:column` messages.
@main
struct VarlinkGeneratorPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        guard let module = target as? SourceModuleTarget else { return [] }
        let generator = try context.tool(named: "varlink-swift-gen")
        let outputDirectory = context.pluginWorkDirectoryURL.appending(path: "GeneratedSources")
        return module.sourceFiles(withSuffix: "varlink").map { file in
            let input = file.url
            let base = input.deletingPathExtension().lastPathComponent
            let output = outputDirectory.appending(path: "\(base).swift")
            var arguments = [
                "swift", input.path(percentEncoded: false), "--output", output.path(percentEncoded: false),
            ]
            // The runtime module generates its own org.varlink.service stubs and must not import itself.
            if module.name == "Varlink" { arguments.append("--inside-runtime") }
            return .buildCommand(
                displayName: "Generating Swift for \(input.lastPathComponent)",
                executable: generator.url,
                arguments: arguments,
                inputFiles: [input],
                outputFiles: [output])
        }
    }
}

import ArgumentParser
import Glibc
import PodlinkAPI

/// `podlink`: Podman's command line over a Podlink service.
@main
struct PodlinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "podlink",
        abstract: "Manage containers and images of a Podlink service, the way podman does.",
        discussion: """
            podlink talks io.podlink over varlink to podlinkd: at --url, else $PODLINK_ADDRESS, else \
            unix:/run/podlink/io.podlink. --bridge reaches a remote service through a command, such as \
            'ssh host podlinkd --bridge'. Paths given to export, import and load are on the service's host.

            Errors of podlink itself exit with 125; run, wait and exec exit with the container's code.

            Shell completion: podlink --generate-completion-script bash (or zsh, fish), e.g. \
            source <(podlink --generate-completion-script bash)
            """,
        subcommands: [
            VersionCommand.self, InfoCommand.self, PsCommand.self, CreateCommand.self, RunCommand.self,
            StartCommand.self, AttachCommand.self, StopCommand.self, RestartCommand.self, KillCommand.self,
            PauseCommand.self,
            UnpauseCommand.self, WaitCommand.self, RmCommand.self, InspectCommand.self, LogsCommand.self,
            ExecCommand.self, MountCommand.self, UmountCommand.self, ExportCommand.self, ImportCommand.self,
            LoadCommand.self, ImagesCommand.self, RmiCommand.self, TagCommand.self, UntagCommand.self,
            ArtifactCommand.self, ContainerCommand.self, NetworkCommand.self, PortCommand.self, PullCommand.self,
            PushCommand.self, SaveCommand.self, LoginCommand.self, LogoutCommand.self, CpCommand.self,
        ])

    /// The connection options, also accepted before the subcommand (`podlink --url ADDRESS ps`).
    @OptionGroup var global: GlobalOptions

    /// Parses and runs like argument-parser, but exits as podman does: 125 for usage and service errors, the
    /// code a command chose otherwise.
    static func main() async {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            Console.note(fullMessage(for: error))
            Glibc.exit(125)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            Glibc.exit(code.rawValue)
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            if error is ValidationError {
                Console.note(fullMessage(for: error))
            } else {
                Console.error(error)
            }
            Glibc.exit(125)
        }
        Glibc.exit(0)
    }
}

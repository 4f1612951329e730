import ArgumentParser

/// The `zoo` command: a model zoo and checkpoint manager for transfer learning.
@main
struct Zoo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zoo",
        abstract: "A model zoo and checkpoint manager for transfer learning.",
        discussion: """
        Keep pretrained networks in a versioned, compressed store; inspect them; cut a backbone;
        graft a head; fine-tune; export to safetensors or .zckpt; push and pull through OCI registries.

        Files: inspect, convert and verify work on .zckpt and .safetensors files directly.
        """,
        version: "0.1.0",
        subcommands: [
            InspectCommand.self,
            ConvertCommand.self,
            VerifyCommand.self,
            // Store commands (issue 3).
            InitCommand.self,
            ImportCommand.self,
            ExportCommand.self,
            ListCommand.self,
            TagCommand.self,
            RmCommand.self,
            GcCommand.self,
            DuCommand.self,
            LineageCommand.self,
            // Registries (issue 12).
            PushCommand.self,
            PullCommand.self,
            LoginCommand.self,
            LogoutCommand.self,
            // Surgery commands (issue 4).
            SliceCommand.self,
            GraftCommand.self,
            // Trainer commands (issue 5).
            CreateCommand.self,
            TrainCommand.self,
            EvaluateCommand.self,
            PredictCommand.self,
            // Experiments (issue 6).
            ExperimentCommand.self,
            LRFindCommand.self,
        ]
    )
}

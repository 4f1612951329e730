import ArgumentParser

/// `zoo experiment ...`: the experiments transfer learning raises, each answering one question
/// with a table on the terminal and JSON, SVG charts and an HTML page in an output folder.
struct ExperimentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Run a transfer-learning experiment on a stored model and report it (table, JSON, SVG, HTML).",
        discussion: """
        transfer:  architecture or weights? Frozen backbone vs fine-tuned vs random init, over \
        training-set sizes and seeds.
        depth:     how much of the front of the network do I need? Accuracy against the cut point.
        warmstart: can the weights of a previous run speed up the next? A grid search where each \
        trial starts from the best earlier trial, against starting from the pretrained weights.
        See also `zoo lr-find` for the learning-rate range test.
        """,
        subcommands: [ExperimentTransferCommand.self, ExperimentDepthCommand.self, ExperimentWarmStartCommand.self])
}

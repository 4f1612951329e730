import ArgumentParser
import ZooModel

/// The model-card fields a person sets when making a model (`zoo create`): what it is for, where
/// it came from, under which license. `zoo inspect` shows them; later versions carry them along.
struct ModelCardOptions: ParsableArguments {
    @Option(help: ArgumentHelp("What the model does, for example 'classification of 8x8 digit images'.", valueName: "text"))
    var task: String?

    @Option(help: ArgumentHelp("The license of the weights, for example CC-BY-4.0 or MIT.", valueName: "spdx-id"))
    var license: String?

    @Option(help: ArgumentHelp("Where the model or its data came from (a URL, a dataset, a recipe).", valueName: "text"))
    var source: String?

    @Option(help: ArgumentHelp("Free-form notes: the recipe, caveats, intended use.", valueName: "text"))
    var notes: String?

    /// Writes the given fields into `metadata`, leaving the others as they are.
    func apply(to metadata: inout ModelMetadata) {
        if let task { metadata.task = task }
        if let license { metadata.license = license }
        if let source { metadata.source = source }
        if let notes { metadata.notes = notes }
    }
}

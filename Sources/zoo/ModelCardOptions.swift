import ArgumentParser
import ZooData
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

    @Option(help: ArgumentHelp("How images become the input: imagenet (resize 256, crop 224, ImageNet mean and std) or key=value settings, for example imagenet,color=grayscale,mean=0.5,std=0.5 or resize=none,crop=28,color=grayscale (formats/data.md).", valueName: "recipe"))
    var preprocessing: String?

    /// The parsed --preprocessing, checked to make tensors of the model's input shape `input`.
    func imagePreprocessing(input: [Int]) throws -> ImagePreprocessing? {
        guard let preprocessing else { return nil }
        let recipe = try ImagePreprocessing(parsing: preprocessing)
        let shape = try ImageTransform(recipe).sampleShape
        guard shape == input else {
            throw ValidationError("--preprocessing makes \(shape.map(String.init).joined(separator: "x")) tensors but --input is \(input.map(String.init).joined(separator: "x")); make them agree")
        }
        return recipe
    }

    /// Writes the given fields into `metadata`, leaving the others as they are.
    func apply(to metadata: inout ModelMetadata) {
        if let task { metadata.task = task }
        if let license { metadata.license = license }
        if let source { metadata.source = source }
        if let notes { metadata.notes = notes }
    }
}

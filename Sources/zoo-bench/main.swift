runTrainBenchmark(arguments: Array(CommandLine.arguments.dropFirst()))

// Benchmarks, run in release builds: swift run -c release zoo-bench <benchmark> [arguments]
import Foundation

let usage = """
usage: zoo-bench <benchmark> [arguments]
  format MODEL.safetensors   codec size ratios and throughput, zlib reference, inspect time
  store                      list, du, gc, lineage and small writes at 10,000 versions (whole processes)
  train                      SGEMM GFLOP/s next to numpy, training throughput (MLP, CNN, frozen vs full)
  data [--images N]          image pipeline on N JPEGs (default 10,000) next to torchvision's DataLoader; peak RSS of an epoch
  features [--model REF] [--data PATH] [--epochs 30] ...
                             frozen training on cached features vs one forward pass; a second run's backbone forwards
"""

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "format":
    exit(runFormatBenchmark(arguments: Array(arguments.dropFirst())))
case "store":
    try runStoreBenchmark(arguments: Array(arguments.dropFirst()))
case "train":
    runTrainBenchmark(arguments: Array(arguments.dropFirst()))
case "data":
    runDataBenchmark(arguments: Array(arguments.dropFirst()))
case "features":
    runFeatureCacheBenchmark(arguments: Array(arguments.dropFirst()))
default:
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(64)
}

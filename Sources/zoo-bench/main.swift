// Benchmarks, run in release builds: swift run -c release zoo-bench <benchmark> [arguments]
import Foundation

let usage = """
usage: zoo-bench <benchmark> [arguments]
  format MODEL.safetensors [--json] [--repeat N] [--codecs raw,deflate,planes] [--no-zipnn]
                             codec size ratios and throughput beside ZipNN (when its Python package
                             is installed) and zlib, round by round; inspect time
  store                      list and inspect time on a store of 1,000 versions
  train                      SGEMM GFLOP/s next to numpy, training throughput (MLP, CNN, frozen vs full)
"""

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "format":
    exit(runFormatBenchmark(arguments: Array(arguments.dropFirst())))
case "store":
    try runStoreBenchmark(arguments: Array(arguments.dropFirst()))
case "train":
    runTrainBenchmark(arguments: Array(arguments.dropFirst()))
default:
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(64)
}

// Benchmarks, run in release builds: swift run -c release zoo-bench <benchmark> [arguments]
import Foundation

// Benchmarks talk to Python references over pipes; a reference that dies must give an error, not kill the run.
signal(SIGPIPE, SIG_IGN)

let usage = """
usage: zoo-bench <benchmark> [arguments]
  format MODEL.safetensors [--json] [--repeat N] [--codecs raw,deflate,planes] [--no-zipnn]
                             codec size ratios and throughput beside ZipNN (when its Python package
                             is installed) and zlib, round by round; inspect time
  store                      list, du, gc, lineage and small writes at 10,000 versions (whole processes)
  pytorch CHECKPOINT.pth     reading a PyTorch checkpoint against torch.load, same file, same run
  conv [--net N] [--size S]  per-layer conv2d forward/backward of ResNet-18 and MobileNetV2, zoo and PyTorch
  conv-check FILE...         zoo's conv2d/pooling against PyTorch's cases (scripts/torch_conv_reference.py)
  net [--nets N,..] [--sizes S,..]  ResNet-18 and MobileNetV2 forward and training step next to PyTorch; peak RSS
  gemm [--rounds N]          SGEMM GFLOP/s of zoo and numpy, alternating, per round
  train                      SGEMM GFLOP/s next to numpy, training throughput (MLP, CNN, frozen vs full)
  layers [--quick]           batchnorm, activations, add, SE gate at ResNet-18/MobileNetV2 sizes next to PyTorch
  data [--images N]          image pipeline on N JPEGs (default 10,000) next to torchvision's DataLoader; peak RSS of an epoch
                             [--mobilenet-v2 PTH --zoo BIN]  and zoo train with the real MobileNetV2 on them, its peak RSS
  features [--model REF] [--data PATH] [--epochs 30] ...
                             frozen training on cached features vs one forward pass; a second run's backbone forwards
  registry MODEL.safetensors push and pull on loopback (CNCF Distribution), zoo next to skopeo copy
  parity --store DIR REF --input X.safetensors [--eval-output E] [--train-output T]
                             eval- and training-mode outputs for scripts/parity.py
"""

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "format":
    exit(runFormatBenchmark(arguments: Array(arguments.dropFirst())))
case "pytorch":
    exit(runPyTorchBenchmark(arguments: Array(arguments.dropFirst())))
case "store":
    try runStoreBenchmark(arguments: Array(arguments.dropFirst()))
case "conv":
    runConvBenchmark(arguments: Array(arguments.dropFirst()))
case "conv-check":
    exit(runConvCheck(arguments: Array(arguments.dropFirst())))
case "net":
    exit(runNetBenchmark(arguments: Array(arguments.dropFirst())))
case "gemm":
    runGemmBenchmark(arguments: Array(arguments.dropFirst()))
case "train":
    runTrainBenchmark(arguments: Array(arguments.dropFirst()))
case "layers":
    runLayerBenchmark(arguments: Array(arguments.dropFirst()))
case "data":
    runDataBenchmark(arguments: Array(arguments.dropFirst()))
case "features":
    runFeatureCacheBenchmark(arguments: Array(arguments.dropFirst()))
case "registry":
    try await runRegistryBenchmark(arguments: Array(arguments.dropFirst()))
case "parity":
    exit(runParity(arguments: Array(arguments.dropFirst())))
default:
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(64)
}

// Benchmarks, run in release builds: swift run -c release zoo-bench --help
print("zoo-bench: no benchmarks yet")

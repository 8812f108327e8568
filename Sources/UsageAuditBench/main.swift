print("usage-audit-bench: no benchmarks yet")

{
  "targets": [
    {
      "target_name": "initlab_kernels",
      "sources": [
        "binding.c",
        "pool.c",
        "gemm.c",
        "pack.c",
        "microkernels.c",
        "vector.c",
        "elementwise.c",
        "norm.c"
      ],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-std=gnu11", "-O3", "-ffp-contract=off", "-pthread", "-Wall", "-Wno-unknown-pragmas"],
      "cflags!": ["-O2"],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-std=gnu11", "-O3", "-ffp-contract=off"]
      }
    }
  ]
}

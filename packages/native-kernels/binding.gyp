{
  "targets": [
    {
      "target_name": "isnet_native_kernels",
      "sources": [
        "native/addon.cc",
        "native/channel_stats.cc",
        "native/conv.cc",
        "native/copy.cc",
        "native/direct_conv.cc",
        "native/elementwise.cc",
        "native/gemm.cc",
        "native/heatmap_loss.cc",
        "native/matmul.cc",
        "native/pooling.cc",
        "native/rank.cc",
        "native/softmax_cross_entropy.cc",
        "native/thread_pool.cc"
      ],
      "defines": ["NAPI_VERSION=8"],
      # Exceptions carry argument and allocation errors to the N-API boundary (node-gyp's
      # defaults disable them). -march stays at the portable baseline: the AVX2+FMA
      # micro-kernel is compiled separately and chosen at run time. -ffp-contract=fast lets
      # multiply-adds become FMAs (one rounding instead of two); unlike -ffast-math it never
      # reorders sums, and -fno-math-errno only drops errno updates from libm calls.
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-O3", "-fexceptions", "-fno-math-errno", "-ffp-contract=fast"]
    }
  ]
}

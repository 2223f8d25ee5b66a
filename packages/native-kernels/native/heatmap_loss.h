// The ISNet heatmap loss (background GWRP loss and foreground penalty, as the composed ops of
// isnet-core define them) and its gradient with respect to the heatmaps, in one kernel: the
// composed loss is ~200 small ops forward and backward, whose per-op overhead outweighs the
// arithmetic on a batch of small heatmaps.
#pragma once

#include <cstdint>

#include "context.h"

namespace isnet {

struct HeatmapLossProblem {
  const float* heatmaps;  // [batch, maps, pixels, channels]
  const float* masks;     // [batch, pixels]: 1 = foreground
  const float* decay;     // GWRP weights by descending rank, [pixels]
  int64_t batch, maps, pixels, channels;
  float background_weight, foreground_weight;  // A, B
  float E, C1, C2;
  bool hybrid;      // foreground penalty linear beyond C1 + C2 (else L2)
  float* gradient;  // d total / d heatmaps, heatmaps' shape
};

struct HeatmapLossValue {
  double total, background, foreground;  // batch means (background, foreground before A, B)
};

HeatmapLossValue heatmap_loss(Context& context, const HeatmapLossProblem& problem);

}  // namespace isnet

export { accuracy, confusionMatrix, macroF1 } from './metrics.js';
export { rocAuc, oneVsRestAuc, type ClassScores, type OneVsRestAuc } from './auc.js';
export { softmaxRows, argmaxRows } from './probabilities.js';
export { backgroundAttention, type BackgroundAttention } from './background-attention.js';
export { evaluateSegmentation, segmentationScores, SegmentationTally, SEGMENTATION_THRESHOLD, type SegmentationEvaluation, type SegmentationScores } from './segmentation.js';
export { evaluateMethod, type EvaluateOptions, type EvaluationResult, type SplitEvaluation } from './evaluate.js';
export { evaluationRows, METRIC_COLUMNS, type EvaluationRow, type RowValue, type RunContext } from './rows.js';
export {
  shortcutDiagnostics,
  formatShortcutDiagnostics,
  artifactPairs,
  reluCuts,
  type ShortcutDiagnostics,
  type ShortcutDiagnosticsOptions,
  type PairDiagnostics,
  type LayerRoutes,
  type ArtifactHeatmapShare,
  type SplitPair,
  type HeatmapQuantity,
} from './shortcut-diagnostics.js';

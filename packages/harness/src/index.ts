export { describeMethods, METHOD_DEFINITIONS, METHOD_NAMES, MethodConfigError, methodDefinition, parseMethodConfig, UnknownMethodError } from './methods.js';
export { datasetShape, evaluateRun, instantiate, methodContext, readRun, RunError, runTraining, trainAndEvaluate, type RunOptions, type RunOutcome } from './run.js';
export { DiagnosticsSettings, RunSpec, type RunSpecInput } from './run-spec.js';
export { measureStepTimes, syntheticBatch, type StepTimeOptions, type StepTimeRow } from './step-time.js';
export { describeCell, expandCells, parseShard, shardOf, type AccuracyCell, type Cell, type CellDataset, type EpochTimeCell, type Shard } from './cells.js';
export { mergeResults, type MergeOutcome } from './merge.js';
export { canonicalJson, defaultDataCache, openSuiteDataset, suiteDatasetDir } from './dataset-cache.js';
export { mappedLabel, measureEpochTimes } from './epoch-time.js';
export { CSV_COLUMNS, environment, readResults, RESULT_FORMAT, RESULT_VERSION, ResultsError, resultsCsv, resultsJsonl, spread, withoutTiming, type CellRecord, type EpochTime, type Spread } from './record.js';
export { parseSuite, readSuite, SUITE_SCHEMA_ID, SuiteError, suiteJsonSchema, type Suite, type SuiteDataset, type SuiteInput } from './suite.js';
export {
  describeEpochTimeGroup,
  epochTimeGroups,
  openSuite,
  Progress,
  readRecords,
  recordFile,
  recordsInOrder,
  recordText,
  resultPaths,
  runAccuracyCell,
  runEpochTimeGroup,
  runSuite,
  startResults,
  writeResults,
  type CellRunOptions,
  type OpenedSuite,
  type SuiteRunOptions,
  type SuiteRunResult,
} from './suite-run.js';

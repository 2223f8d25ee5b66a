export { buildReport, REPORT_FILE, writeReport, type ReportOptions } from './report.js';
export { readResultsFolder, type GateFile, type ResultsFolder } from './results-folder.js';
export { compareRecords, DEFAULT_THRESHOLDS, parseThresholds, ThresholdError, type MetricDelta, type Thresholds, type Verdict } from './compare.js';

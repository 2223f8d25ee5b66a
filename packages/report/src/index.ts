export { buildReport, IID_SPLIT, REPORT_FILE, shiftedSplit, writeReport, type ReportOptions } from './report.js';
export { readResultsFolder, type GateFile, type ResultsFolder } from './results-folder.js';
export { cellLabel, compareRecords, DEFAULT_THRESHOLDS, parseThresholds, ThresholdError, type MetricDelta, type Thresholds, type Verdict } from './compare.js';
export { escapeHtml } from './escape.js';
export { CONTENT_SECURITY_POLICY } from './page.js';

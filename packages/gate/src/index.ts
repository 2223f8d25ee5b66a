export { BASELINE_FORMAT, BASELINE_VERSION, BaselineError, GateSettings, parseBaseline, readBaseline, SpeedBaseline } from './baseline.js';
export { compareFigures, FIGURES, quartiles, Thresholds, verdict, VERDICTS, type Figure, type FigureName, type GateRow, type Verdict } from './figures.js';
export { GATE_FORMAT, GATE_VERSION, gateReport, gateTableRows, type GateReport } from './gate.js';
export { SLOWDOWN_ENV } from './injected-slowdown.js';
export { DEFAULT_BACKBONES, runGate, type GateOptions, type GateOutcome } from './run-gate.js';

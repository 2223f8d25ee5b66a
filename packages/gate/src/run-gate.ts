import type { EngineReport } from '@isnet-bench/engine';
import { environment } from '@isnet-bench/harness';
import { setNativeThreads } from '@isnet-bench/native-kernels';
import type { BackboneName } from '@isnet-bench/models';
import { GateSettings, makeBaseline, readBaseline, writeBaseline, type Provenance } from './baseline.js';
import { compareFigures, Thresholds, type Figure } from './figures.js';
import { describeMachine, gateReport, type GateReport } from './gate.js';
import { measureFigures } from './measure.js';
import { probePerf } from './perf.js';

/** What `gate` measures when neither the options nor the baseline say. */
export const DEFAULT_BACKBONES: readonly BackboneName[] = ['tiny', 'small', 'resnet8'];

export interface GateOptions {
  readonly baselineFile: string;
  /** Write the measured figures as the new baseline (keeping its thresholds). */
  readonly update: boolean;
  /** The engine as started; the gate sets its native thread count to the settings'. */
  readonly engine: EngineReport;
  /** Default: the baseline's methods, or every method when there is no baseline. */
  readonly methods?: readonly string[];
  /** Default: the baseline's backbones, or DEFAULT_BACKBONES. */
  readonly backbones?: readonly BackboneName[];
  /** Interleaved pairs per method; default the baseline's. */
  readonly rounds?: number;
  /** Every method known, for the default without a baseline. */
  readonly allMethods: readonly string[];
  readonly log?: (message: string) => void;
  readonly signal?: AbortSignal;
}

export interface GateOutcome {
  readonly report: GateReport;
  /** The measured figures (with the step ratios' spread and why a figure is unavailable). */
  readonly figures: readonly Figure[];
  /** Set when the baseline was measured on another machine: its ratios are shown but not gated. */
  readonly machineMismatch?: string;
}

const unique = <T>(items: readonly T[]) => [...new Set(items)];

/**
 * Measures the figures with the baseline's settings and compares them; with `update`, writes
 * them as the new baseline. Undefined when the signal stopped the measurement (nothing is written).
 */
export async function runGate(options: GateOptions): Promise<GateOutcome | undefined> {
  const baseline = await readBaseline(options.baselineFile, { missingOk: options.update });
  const settings = GateSettings.parse({ ...baseline?.settings, ...(options.rounds ? { rounds: options.rounds } : {}) });
  const thresholds = baseline?.thresholds ?? Thresholds.parse({});
  const methods = options.methods ?? (baseline ? unique(baseline.figures.map((f) => f.method)) : options.allMethods);
  const backbones = options.backbones ?? (baseline ? unique(baseline.figures.map((f) => f.backbone as BackboneName)) : DEFAULT_BACKBONES);
  const engine = options.engine.native.ok ? { ...options.engine, native: { ...options.engine.native, threads: setNativeThreads(settings.nativeThreads) } } : options.engine;
  const perf = probePerf();
  options.log?.(`measuring ${methods.join(', ')} on ${backbones.join(', ')}: batch ${settings.batch}, ${settings.rounds} interleaved pairs each; instructions: ${perf.ok ? 'perf stat' : `unavailable (${perf.reason})`}`);
  const figures = await measureFigures({ backbones, methods, settings, perf, log: options.log, signal: options.signal });
  if (!figures) return undefined;

  const env = environment(engine);
  const provenance: Provenance = { commit: env.commit, machine: describeMachine(env), date: new Date().toISOString() };
  const machineMismatch = baseline && baseline.machine !== provenance.machine ? `baseline measured on ${baseline.machine}; this machine: ${provenance.machine}; step ratios and instructions are shown, not gated` : undefined;
  const rows = compareFigures(figures, baseline?.figures ?? [], thresholds, !machineMismatch);
  if (options.update) await writeBaseline(options.baselineFile, makeBaseline(provenance, settings, thresholds, figures));
  return { report: gateReport(provenance, baseline ?? null, rows), figures, ...(machineMismatch ? { machineMismatch } : {}) };
}

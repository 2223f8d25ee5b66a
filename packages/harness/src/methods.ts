import { describeIssues } from '@isnet-bench/data';
import { gainDefinition, multitaskUnetDefinition, rrrDefinition, standardDefinition, unetClassifierDefinition } from '@isnet-bench/baselines';
import {
  gradInputDefinition,
  selectiveDeepSupervisionDefinition,
  selectiveInvariantDefinition,
  selectiveDefinition,
  stochasticDeepSupervisionDefinition,
  stochasticDefinition,
} from '@isnet-bench/isnet-faster';
import { originalDefinition } from '@isnet-bench/isnet-original';
import type { MethodDefinition } from '@isnet-bench/training';

/** Every method the suite runs, in the order `isnet-bench methods` lists them. */
export const METHOD_DEFINITIONS: readonly MethodDefinition[] = [
  standardDefinition,
  selectiveDefinition,
  selectiveDeepSupervisionDefinition,
  stochasticDefinition,
  stochasticDeepSupervisionDefinition,
  originalDefinition,
  gradInputDefinition,
  rrrDefinition,
  gainDefinition,
  unetClassifierDefinition,
  multitaskUnetDefinition,
  selectiveInvariantDefinition,
];

export const METHOD_NAMES: readonly string[] = METHOD_DEFINITIONS.map((d) => d.name);

export class UnknownMethodError extends Error {
  override name = 'UnknownMethodError';
}

/** A method config that its schema refuses: names the method, the field and what is allowed. */
export class MethodConfigError extends Error {
  override name = 'MethodConfigError';
}

export function methodDefinition(name: string): MethodDefinition {
  const definition = METHOD_DEFINITIONS.find((d) => d.name === name);
  if (!definition) throw new UnknownMethodError(`unknown method '${name}'; methods: ${METHOD_NAMES.join(', ')}`);
  return definition;
}

/** Parses a method's config with its defaults; a MethodConfigError names every problem on one line. */
export function parseMethodConfig(definition: MethodDefinition, input: unknown): Record<string, unknown> {
  const parsed = definition.config.safeParse(input ?? {});
  if (parsed.success) return parsed.data as Record<string, unknown>;
  throw new MethodConfigError(`method '${definition.name}': ${describeIssues(parsed.error.issues, { input, schema: definition.config })}`);
}

/** What `isnet-bench methods --json` prints for each method. */
export function describeMethods(): { name: string; description: string; paper: string; needsMasks: boolean; attentionExplainer: string; defaults: Record<string, unknown> }[] {
  return METHOD_DEFINITIONS.map(({ name, description, paper, needsMasks, attentionExplainer, config }) => ({
    name,
    description,
    paper,
    needsMasks,
    attentionExplainer,
    defaults: config.parse({}) as Record<string, unknown>,
  }));
}

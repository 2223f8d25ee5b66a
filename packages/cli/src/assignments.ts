import { UsageError } from './io.js';

/**
 * `key=value` pairs as a nested object over `base`: dotted keys reach into objects
 * (`loss.C1=2`), values are JSON where they parse as JSON (numbers, booleans, lists, objects)
 * and strings otherwise. The schema the object is meant for validates it afterwards.
 */
export function parseAssignments(pairs: readonly string[], flag: string, base: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const result: Record<string, unknown> = structuredClone({ ...base });
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`${flag} takes key=value, got '${pair}'`);
    const path = pair.slice(0, at).split('.');
    if (path.some((key) => key === '')) throw new UsageError(`${flag} '${pair}': empty key in '${pair.slice(0, at)}'`);
    let target = result;
    for (const key of path.slice(0, -1)) {
      const next = target[key];
      target = target[key] = next !== null && typeof next === 'object' && !Array.isArray(next) ? (next as Record<string, unknown>) : {};
    }
    target[path.at(-1)!] = jsonOrString(pair.slice(at + 1));
  }
  return result;
}

function jsonOrString(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z, type ZodType } from 'zod';
import { describeExpected, formatValue, schemaAt, unwrapSchema } from '@isnet-bench/data';
import { UsageError } from './io.js';

/** Values of number flags; a flag's message says in words what its schema allows. */
export const FLAG = {
  /** How many of something: --batch, --epochs, --steps, --per-split. */
  count: z.number().int().positive(),
  /** A count that may be 0: --tune, --warmup. */
  countOrZero: z.number().int().min(0),
  /** --seed: any 32-bit unsigned integer. */
  seed: z.number().int().min(0).max(0xffffffff),
  /** --lr and loss weights. */
  positive: z.number().positive(),
  number: z.number(),
} as const;

/**
 * `node:util` parseArgs (same config and result), except that an unknown option becomes a
 * UsageError that lists the command's options.
 */
export function parseFlags<const T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const option = /Unknown option '([^']+)'/.exec((error as Error).message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
      const known = Object.entries(config.options ?? {}).map(([name, o]) => `--${name}${o.type === 'string' ? ' X' : ''}`);
      throw new UsageError(`Unknown option '${option}'; options: ${known.length ? known.join(', ') : 'none'}`);
    }
    throw error;
  }
}

/** `--name`, however the caller spells the flag. */
const flagName = (flag: string) => (flag.startsWith('-') ? flag : `--${flag}`);

/**
 * A number-valued flag: undefined when absent, else the number, which `schema` (default any
 * finite number) must accept. A UsageError names the flag, what it allows and what it got:
 * `--batch: expected a positive integer, got '-3'`.
 */
export function numberFlag(flag: string, text: string | undefined, schema: ZodType<number> = FLAG.number): number | undefined {
  if (text === undefined) return undefined;
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!schema.safeParse(value).success) throw new UsageError(`${flagName(flag)}: expected ${describeExpected(schema) ?? 'a number'}, got ${formatValue(text)}`);
  return value;
}

/** A count flag (`--batch`, `--epochs`, ...): a positive integer, or undefined when absent. */
export function countFlag(flag: string, text: string | undefined): number | undefined {
  return numberFlag(flag, text, FLAG.count);
}

/** A comma-separated list of numbers (`--classes 10,100`), each accepted by `schema` (default: a count); undefined when absent. */
export function numberListFlag(flag: string, text: string | undefined, schema: ZodType<number> = FLAG.count): number[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((part) => {
    const value = part.trim() === '' ? Number.NaN : Number(part);
    if (!schema.safeParse(value).success) {
      const within = part === text ? '' : ` (item of ${formatValue(text)})`;
      throw new UsageError(`${flagName(flag)}: expected ${describeExpected(schema) ?? 'a number'}, got ${formatValue(part)}${within}`);
    }
    return value;
  });
}

/**
 * `key=value` pairs (`--set`) as an object for `schema`, over `base` (e.g. a config file's
 * values); a dotted key reaches into nested objects (`loss.C1=2`). Each value is read as the
 * type of the schema's field at that key, never guessed from its text:
 *   - a list field takes `a,b,c` (split at commas; an empty value is the empty list) or a JSON
 *     array `["a","b"]`; its items are read as the list's item type;
 *   - a number field takes a number; a boolean field `true` or `false`; an object field JSON;
 *   - anything else (strings, enums, fields the schema does not have) stays the text as given.
 * Text that does not fit (a number field given `abc`) is kept, so that validating the object
 * with the schema reports the field, what it allows and what it got.
 */
export function settingsFlag(flag: string, pairs: readonly string[], schema: ZodType, base: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const settings: Record<string, unknown> = structuredClone({ ...base });
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`${flagName(flag)}: expected key=value, got ${formatValue(pair)}`);
    const key = pair.slice(0, at);
    const path = key.split('.');
    if (path.includes('')) throw new UsageError(`${flagName(flag)}: ${formatValue(key)} has an empty part`);
    let target = settings;
    for (const part of path.slice(0, -1)) {
      const next = target[part];
      target = target[part] = next !== null && typeof next === 'object' && !Array.isArray(next) ? (next as Record<string, unknown>) : {};
    }
    target[path.at(-1)!] = readAs(unwrapSchema(schemaAt(schema, path)), pair.slice(at + 1), `${flagName(flag)} ${key}`);
  }
  return settings;
}

function readAs(schema: ZodType | undefined, raw: string, where: string): unknown {
  const def = (schema as { _zod?: { def?: Record<string, unknown> } } | undefined)?._zod?.def;
  switch (def?.['type']) {
    case 'array': {
      if (raw.trim().startsWith('[')) return json(raw, where);
      if (raw.trim() === '') return [];
      const item = unwrapSchema(def['element'] as ZodType);
      return raw.split(',').map((part) => readAs(item, part.trim(), where));
    }
    case 'number': {
      const value = Number(raw);
      return raw.trim() !== '' && !Number.isNaN(value) ? value : raw;
    }
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'object':
    case 'record':
      return raw.trim().startsWith('{') ? json(raw, where) : raw;
    default:
      return raw;
  }
}

function json(raw: string, where: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new UsageError(`${where}: ${formatValue(raw)} is not valid JSON: ${(error as Error).message}`);
  }
}

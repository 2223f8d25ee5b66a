import type { ZodType } from 'zod';

/** What went wrong, so callers (and tests) can react without parsing messages. */
export type DataErrorCode =
  | 'file-not-found'
  | 'idx-format'
  | 'gzip'
  | 'source-mismatch'
  | 'invalid-options'
  | 'manifest-format'
  | 'missing-file'
  | 'path-escapes'
  | 'duplicate-row'
  | 'unknown-label'
  | 'unknown-site'
  | 'unreadable-image'
  | 'mask-not-binary'
  | 'mask-size'
  | 'missing-masks'
  | 'unknown-split'
  | 'dataset-format'
  | 'incomplete-dataset'
  | 'fingerprint-mismatch';

/**
 * Every problem with input data or a stored dataset. The message is one line that names the
 * file (and the manifest row, when there is one) and the problem, so a CLI can print it as is.
 */
export class DataError extends Error {
  override readonly name = 'DataError';
  readonly file: string;
  readonly problem: string;
  readonly code: DataErrorCode;
  readonly row: number | undefined;

  constructor(code: DataErrorCode, file: string, problem: string, row?: number) {
    const oneLine = problem.replace(/\s*\n\s*/g, ' ');
    super(row === undefined ? `${file}: ${oneLine}` : `${file}, row ${row}: ${oneLine}`);
    this.code = code;
    this.file = file;
    this.problem = oneLine;
    this.row = row;
  }
}

/** Progress output of long operations; the CLI passes a printer, library callers may pass nothing. */
export type Log = (message: string) => void;

export const silentLog: Log = () => {};

/** A zod issue: the fields `describeIssues` reads (zod's issues have more). */
export interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
}

/** What `describeIssues` may know besides the issues; any of it switches to the field-by-field form. */
export interface IssueContext {
  /** The value that was parsed: each issue then says what the field held (`got -3`). */
  readonly input?: unknown;
  /** The schema it was parsed with: each issue then says what the field allows, in words. */
  readonly schema?: ZodType;
  /** Where the parsed value sits in a larger document: shown before each field's path. */
  readonly at?: readonly PropertyKey[];
}

/**
 * Zod issues as one line. Without a context: `path: message; path: message` (zod's messages;
 * no path for whole-object issues). With a context (even `{}`), for people editing a file or a
 * command line: `field 'train.batchSize': expected a positive integer, got -3; field 'train.lr':
 * unknown field (fields: epochs, batchSize, ...)`.
 */
export function describeIssues(issues: readonly IssueLike[], context?: IssueContext): string {
  if (!context) return issues.map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message)).join('; ');
  return issues.flatMap((issue) => describeIssue(issue as IssueLike & Detail, context)).join('; ');
}

function describeIssue(issue: IssueLike & Detail, { input, schema, at = [] }: IssueContext): string[] {
  const field = (path: readonly PropertyKey[]) => (at.length + path.length > 0 ? `field '${[...at, ...path].map(String).join('.')}'` : 'the whole value');
  if (issue.code === 'unrecognized_keys') {
    const known = schema ? objectKeys(schemaAt(schema, issue.path, input), valueAt(input, issue.path)) : undefined;
    const fields = known === undefined ? '' : known.length ? ` (fields: ${known.join(', ')})` : ' (it takes no fields)';
    return ((issue['keys'] as string[] | undefined) ?? []).map((key) => `${field([...issue.path, key])}: unknown field${fields}`);
  }
  const got = input !== undefined ? `, got ${formatValue(valueAt(input, issue.path))}` : '';
  // A schema's own message (a refinement, or a check given a message) says more than a description
  // would; a refinement judges several fields together, so the one value would mislead.
  if (issue.code === 'custom') return [`${field(issue.path)}: ${issue.message}`];
  if (!ZOD_DEFAULT_MESSAGE.test(issue.message)) return [`${field(issue.path)}: ${issue.message}${got}`];
  const expected = expectedFromIssue(issue) ?? (schema && describeExpected(schemaAt(schema, issue.path, input))) ?? expectedFromCheck(issue);
  return [`${field(issue.path)}: ${expected ? `expected ${expected}` : issue.message}${got}`];
}

/** How zod's own messages begin; other messages were written by a schema's author. */
const ZOD_DEFAULT_MESSAGE = /^(Too small|Too big|Invalid|Unrecognized key)/;

/** Fields of some zod issue codes (`keys`, `values`, `minimum`, ...). */
type Detail = Readonly<Record<string, unknown>>;

/** The allowed values an issue lists itself (enums, literals, discriminators). */
function expectedFromIssue(issue: IssueLike & Detail): string | undefined {
  const values = (issue.code === 'invalid_value' ? issue['values'] : issue.code === 'invalid_union' ? issue['options'] : undefined) as unknown[] | undefined;
  if (!values?.length) return undefined;
  return values.length === 1 ? formatValue(values[0]) : `one of ${values.map(formatValue).join(', ')}`;
}

/** What an issue's failed check asked for, when the schema is not at hand. */
function expectedFromCheck(issue: IssueLike & Detail): string | undefined {
  const bound = (above: boolean) => `${above ? '>' : '<'}${issue['inclusive'] ? '=' : ''} ${String(issue[above ? 'minimum' : 'maximum'])}`;
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_WORDS[String(issue['expected'])] ?? String(issue['expected']);
    case 'too_small':
    case 'too_big': {
      const above = issue.code === 'too_small';
      if (issue['origin'] === 'array' || issue['origin'] === 'set') return `${above ? 'at least' : 'at most'} ${String(issue[above ? 'minimum' : 'maximum'])} items`;
      if (issue['origin'] === 'string') return above && issue['minimum'] === 1 ? 'a non-empty string' : `a string of ${above ? 'at least' : 'at most'} ${String(issue[above ? 'minimum' : 'maximum'])} characters`;
      return `a number ${bound(above)}`;
    }
    default:
      return undefined;
  }
}

const TYPE_WORDS: Record<string, string> = {
  int: 'an integer', number: 'a number', string: 'a string', boolean: 'true or false', array: 'a list', object: 'an object', record: 'an object',
};

/**
 * What a schema accepts, in words: `a positive integer`, `an integer from 0 to 4`, `a number
 * > 0 and < 1`, `one of 'decoy', 'position'`, `a list of non-empty strings`; undefined when
 * it has no short description. Reads zod 4's schema definitions (`_zod.def`).
 */
export function describeExpected(schema: ZodType | undefined): string | undefined {
  const def = definition(unwrapSchema(schema));
  if (!def) return undefined;
  switch (def['type']) {
    case 'number':
      return describeNumber(def);
    case 'string': {
      const min = checks(def).find((c) => c['check'] === 'min_length')?.['minimum'];
      return min === 1 ? 'a non-empty string' : typeof min === 'number' ? `a string of at least ${min} characters` : 'a string';
    }
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of ${Object.values(def['entries'] as Record<string, unknown>).map(formatValue).join(', ')}`;
    case 'literal': {
      const values = def['values'] as unknown[];
      return values.length === 1 ? formatValue(values[0]) : `one of ${values.map(formatValue).join(', ')}`;
    }
    case 'array': {
      const element = describeExpected(def['element'] as ZodType);
      const min = checks(def).find((c) => c['check'] === 'min_length')?.['minimum'];
      const plural = element && /^an? /.test(element) ? element.replace(/^an? /, '').replace(/\b(string|integer|number|object|list)\b/, '$1s') : undefined;
      const each = plural ? ` of ${plural}` : element ? ` (each ${element})` : '';
      return `a list${each}${typeof min === 'number' && min > 0 ? `, at least ${min}` : ''}`;
    }
    case 'object':
    case 'record':
      return 'an object';
    default:
      return undefined;
  }
}

function describeNumber(def: Definition): string {
  const all = checks(def);
  const integer = all.some((c) => c['check'] === 'number_format' && /int/.test(String(c['format'])));
  const lower = all.find((c) => c['check'] === 'greater_than');
  const upper = all.find((c) => c['check'] === 'less_than');
  // safeint and int32 formats carry their own range: only bounds the schema sets are worth saying.
  const meaningful = (c: Definition | undefined) => c && Math.abs(Number(c['value'])) < Number.MAX_SAFE_INTEGER;
  const [low, high] = [meaningful(lower) ? lower : undefined, meaningful(upper) ? upper : undefined];
  const noun = integer ? 'integer' : 'number';
  if (low && !high && ((low['value'] === 0 && !low['inclusive']) || (integer && low['value'] === 1 && low['inclusive']))) return `a positive ${noun}`;
  if (low && high && low['inclusive'] && high['inclusive']) return `${integer ? 'an' : 'a'} ${noun} from ${String(low['value'])} to ${String(high['value'])}`;
  const bounds = [low && `${low['inclusive'] ? '>=' : '>'} ${String(low['value'])}`, high && `${high['inclusive'] ? '<=' : '<'} ${String(high['value'])}`].filter(Boolean);
  return `${integer ? 'an' : 'a'} ${noun}${bounds.length ? ` ${bounds.join(' and ')}` : ''}`;
}

type Definition = Record<string, unknown>;
const definition = (schema: unknown): Definition | undefined => (schema as { _zod?: { def?: Definition } } | undefined)?._zod?.def;
const checks = (def: Definition) => ((def['checks'] as unknown[] | undefined) ?? []).map((c) => definition(c) ?? {});
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly', 'catch']);

/** The schema inside optional / default / prefault / readonly / pipe wrappers. */
export function unwrapSchema(schema: ZodType | undefined): ZodType | undefined {
  let current: unknown = schema;
  for (let def = definition(current); def; def = definition(current)) {
    if (WRAPPERS.has(def['type'] as string)) current = def['innerType'];
    // A preprocess is a pipe from a transform: the schema that checks the value is its output.
    else if (def['type'] === 'pipe') current = definition(def['in'])?.['type'] === 'transform' ? def['out'] : def['in'];
    else if (def['type'] === 'lazy') current = (def['getter'] as () => unknown)();
    else break;
  }
  return current as ZodType | undefined;
}

/**
 * The schema of the field at `path` inside `schema` (objects, arrays, records, tuples; a union's
 * member chosen by the input's discriminator, or the only member with that field).
 */
export function schemaAt(schema: ZodType, path: readonly PropertyKey[], input?: unknown): ZodType | undefined {
  let current: ZodType | undefined = schema;
  for (const [depth, key] of path.entries()) {
    current = childSchema(unwrapSchema(current), key, valueAt(input, path.slice(0, depth)));
    if (!current) return undefined;
  }
  return current;
}

function childSchema(schema: ZodType | undefined, key: PropertyKey, value: unknown): ZodType | undefined {
  const def = definition(memberFor(schema, value));
  switch (def?.['type']) {
    case 'object':
      return (def['shape'] as Record<PropertyKey, ZodType>)[key];
    case 'array':
      return def['element'] as ZodType;
    case 'record':
      return def['valueType'] as ZodType;
    case 'tuple':
      return (def['items'] as ZodType[])[Number(key)];
    case 'union': {
      // No member chosen by a discriminator: the only member that has the field, if one.
      const candidates = (def['options'] as ZodType[]).map((m) => childSchema(unwrapSchema(m), key, value)).filter((s): s is ZodType => s !== undefined);
      return candidates.length === 1 ? candidates[0] : undefined;
    }
    default:
      return undefined;
  }
}

/** A discriminated union's member that `value` selects (by its discriminator), else the schema itself. */
function memberFor(schema: ZodType | undefined, value: unknown): ZodType | undefined {
  const def = definition(schema);
  const discriminator = def?.['type'] === 'union' ? (def['discriminator'] as string | undefined) : undefined;
  if (!discriminator) return schema;
  const tag = valueAt(value, [discriminator]);
  const members = (def!['options'] as ZodType[]).map((member) => unwrapSchema(member));
  return members.find((m) => ((definition(childSchema(m, discriminator, undefined))?.['values'] as unknown[] | undefined) ?? []).includes(tag)) ?? schema;
}

function objectKeys(schema: ZodType | undefined, value: unknown): string[] | undefined {
  const def = definition(memberFor(unwrapSchema(schema), value));
  return def?.['type'] === 'object' ? Object.keys(def['shape'] as object) : undefined;
}

/** The value at `path` inside `input` (undefined where the path leaves it). */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/** A value as a message shows it: strings quoted, short JSON otherwise, `nothing` for undefined. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' || value === null) return String(value);
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

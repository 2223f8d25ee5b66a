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

/** Zod issues as one line: `path: message; path: message` (no path for whole-object issues). */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message)).join('; ');
}

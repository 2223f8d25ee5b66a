import { html, type Html } from './escape.js';

export interface Column {
  readonly header: string;
  /** Shown in the header, e.g. '%', 's', 'pp'. */
  readonly unit?: string;
  /** Right-aligned, sorted as numbers. */
  readonly numeric?: boolean;
}

/** A cell: text (escaped) or a fragment; `sort` is its value for sorting when the text is not. */
export type TableCell = string | number | null | undefined | Html | { readonly content: string | Html; readonly sort?: number | string | null; readonly flag?: 'bad' | 'good' };

export interface TableSpec {
  readonly caption: string;
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly TableCell[])[];
  /** How many leading columns name the row (rendered as row headers). */
  readonly rowHeaders?: number;
  /** Sortable when the page's script runs (the default). */
  readonly sortable?: boolean;
}

/** A missing value in tables. */
export const NONE = '–';

/**
 * An accessible table: a caption, column headers with their units and scope, the first
 * columns as row headers; numbers carry a data-sort value so the page's script can sort by any
 * column (the table reads the same without it).
 */
export function table(spec: TableSpec): Html {
  const rowHeaders = spec.rowHeaders ?? 1;
  const head = spec.columns.map(
    (c) => html`<th scope="col"${c.numeric ? html` class="num"` : ''}>${c.header}${c.unit ? html` <span class="unit">(${c.unit})</span>` : ''}</th>`,
  );
  const body = spec.rows.map((row) => {
    const cells = row.map((cell, i) => {
      const { content, sort, flag } = normalise(cell);
      const classes = [spec.columns[i]?.numeric ? 'num' : '', flag ?? ''].filter(Boolean).join(' ');
      const attributes = html`${classes ? html` class="${classes}"` : ''}${sort !== undefined && sort !== null ? html` data-sort="${sort}"` : ''}`;
      return i < rowHeaders ? html`<th scope="row"${attributes}>${content}</th>` : html`<td${attributes}>${content}</td>`;
    });
    return html`<tr>${cells}</tr>`;
  });
  return html`<div class="table-wrap"><table${spec.sortable === false ? '' : html` class="sortable"`}><caption>${spec.caption}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function normalise(cell: TableCell): { content: string | Html; sort?: number | string | null; flag?: 'bad' | 'good' } {
  if (cell === null || cell === undefined) return { content: NONE };
  if (typeof cell === 'number') return { content: String(cell), sort: cell };
  if (typeof cell === 'string' || !('content' in cell)) return { content: cell };
  return cell;
}

/** A number with `digits` decimals and its exact value for sorting; NONE for null. */
export function numberCell(value: number | null | undefined, digits: number, flag?: 'bad' | 'good'): TableCell {
  if (value === null || value === undefined || !Number.isFinite(value)) return { content: NONE };
  return { content: value.toFixed(digits), sort: value, flag };
}

/** A fraction shown as a percentage. */
export function percentCell(value: number | null | undefined, digits = 1): TableCell {
  return value === null || value === undefined ? { content: NONE } : numberCell(100 * value, digits);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text for HTML element content or a quoted attribute value. Every string that comes from a
 * results folder (suite, method, dataset, class names, paths) goes through this: a name such as
 * `<img src=x onerror=...>` then shows as text. Five characters cover both contexts, so a
 * library would add nothing.
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A trusted HTML fragment (built from escaped parts), as opposed to text to escape. */
export class Html {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

/** Template tag: interpolated values are escaped unless they are Html (or arrays of Html). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  return new Html(strings.reduce((out, text, i) => out + text + (i < values.length ? fragment(values[i]) : ''), ''));
}

function fragment(value: unknown): string {
  if (value instanceof Html) return value.html;
  if (Array.isArray(value)) return value.map(fragment).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(value);
}

/** Joins fragments (and escaped text) into one fragment. */
export function join(parts: readonly unknown[], separator = ''): Html {
  return new Html(parts.map(fragment).join(separator));
}

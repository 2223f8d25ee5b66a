import { describe, expect, it } from 'vitest';
import { formatCsvLine, parseCsv } from './csv.js';

describe('CSV', () => {
  it('parses quotes, embedded commas, newlines and CRLF, with line numbers', () => {
    const text = 'image,label\r\n"a,b.png",x\r\n\r\n"multi\nline",\"say \"\"hi\"\"\"\nlast,y';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['image', 'label'] },
      { line: 2, fields: ['a,b.png', 'x'] },
      { line: 4, fields: ['multi\nline', 'say "hi"'] },
      { line: 6, fields: ['last', 'y'] },
    ]);
  });

  it('formats lines that parse back to the same fields', () => {
    const fields = ['plain', 'with,comma', 'with "quote"', ''];
    expect(parseCsv(formatCsvLine(fields))).toEqual([{ line: 1, fields }]);
  });
});

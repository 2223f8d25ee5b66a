import { describe, expect, it } from 'vitest';
import { escapeHtml, html, Html } from './escape.js';

describe('escapeHtml', () => {
  it('turns an XSS probe into text for element content and quoted attributes', () => {
    const probe = `"'><script>alert(1)</script><img src=x onerror=alert(2)>&amp;`;
    const escaped = escapeHtml(probe);
    expect(escaped).toBe('&quot;&#39;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&amp;amp;');
    expect(escaped).not.toMatch(/[<>"']/);
  });

  it('escapes interpolations in the html tag, but not Html fragments, and drops null, undefined and false', () => {
    const name = '<b>bold</b>';
    expect(html`<td title="${name}">${name}${null}${undefined}${false}${0}</td>`.html).toBe('<td title="&lt;b&gt;bold&lt;/b&gt;">&lt;b&gt;bold&lt;/b&gt;0</td>');
    expect(html`<p>${new Html('<i>x</i>')}${[html`<b>${'<'}</b>`, '&']}</p>`.html).toBe('<p><i>x</i><b>&lt;</b>&amp;</p>');
  });
});

import { describe, expect, it } from '@jest/globals';
import { escapeHtml, html, layout } from '../../src/interactions/html.js';

describe('html escaping', () => {
  it('escapes the characters that can break out of text or a quoted attribute', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\`=`)).toBe(
      '&lt;a href&#61;&quot;x&quot; onclick&#61;&#39;y&#39;&gt;&amp;&#96;&#61;',
    );
  });

  it('escapes every interpolated value of the html template, arrays included, but not nested html', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const out = html`<p title="${evil}">${[evil, html`<b>${evil}</b>`]}</p>`.html;
    expect(out).not.toContain('<img');
    expect(out).toContain('<b>&lt;img');
    expect(out.startsWith('<p title="&lt;img')).toBe(true);
  });

  it('renders nothing for undefined, null and false', () => {
    expect(html`[${undefined}${null}${false}]`.html).toBe('[]');
  });

  it('escapes the page title', () => {
    expect(layout('<x>', html``)).toContain('<h1>&lt;x&gt;</h1>');
  });
});

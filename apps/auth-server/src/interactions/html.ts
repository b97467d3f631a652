/**
 * Escapes text for HTML element content and quoted attribute values. Every dynamic value on the
 * interaction pages goes through here, including values that come from oidc-provider.
 *
 * @example
 * escapeHtml('<b>"x"</b>'); // '&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`=]/g, (ch) => ENTITIES[ch] ?? '');
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
  '=': '&#61;',
};

/** Safe-to-embed HTML produced by this module (already escaped). */
export interface Html {
  readonly html: string;
}

/**
 * Tagged template that escapes every interpolated value unless it is {@link Html}.
 * Arrays are joined, each element escaped the same way.
 *
 * @example
 * html`<p>${userInput}</p>`.html;
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return { html: out };
}

function render(value: unknown): string {
  if (Array.isArray(value)) return value.map(render).join('');
  if (typeof value === 'object' && value !== null && 'html' in value && typeof (value as Html).html === 'string') {
    return (value as Html).html;
  }
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(value);
}

/**
 * A whole page with the shared layout and a DEV ONLY banner.
 *
 * @example
 * ctx.body = layout('Sign in', html`<p>hi</p>`);
 */
export function layout(title: string, body: Html): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Portcullis dev auth server</title>
        <style>
          body {
            font-family: system-ui, sans-serif;
            max-width: 32rem;
            margin: 2rem auto;
            padding: 0 1rem;
            color: #222;
          }
          .dev {
            background: #fff3cd;
            border: 1px solid #e0c36a;
            padding: 0.5rem 0.75rem;
            border-radius: 4px;
            font-size: 0.9rem;
          }
          label {
            display: block;
            margin: 0.75rem 0 0.25rem;
          }
          input {
            width: 100%;
            padding: 0.4rem;
            box-sizing: border-box;
          }
          button {
            margin-top: 1rem;
            padding: 0.5rem 1rem;
          }
          .error {
            color: #a00;
          }
          code {
            background: #f4f4f4;
            padding: 0 0.25rem;
          }
        </style>
      </head>
      <body>
        <p class="dev">
          <strong>DEV ONLY</strong> reference authorization server. Seeded users: alice, bob, carol, sam, ada; password
          <code>password</code>.
        </p>
        <h1>${title}</h1>
        ${body}
      </body>
    </html> `.html;
}

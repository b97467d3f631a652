/** One HTTP request as printed (every value already redacted). */
export interface TracedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body?: string | undefined;
}

/** One HTTP answer as printed (every value already redacted). */
export interface TracedResponse {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body?: string | undefined;
}

/**
 * Where the demo tells its story. The console narrator prints it; the recording narrator keeps
 * the lines for tests (which check, among other things, that no whole token is ever printed).
 */
export interface Narrator {
  /** Starts a section: `━━ title`. */
  heading(title: string): void;
  /** A sentence of narration. */
  explain(text: string): void;
  request(request: TracedRequest): void;
  response(response: TracedResponse): void;
  /** A check that held. */
  pass(text: string): void;
  /** A check that did not hold. */
  fail(text: string): void;
  /** Something skipped or worth knowing, neither pass nor fail. */
  note(text: string): void;
}

/** Colours of the console narrator (ANSI SGR codes). */
const STYLE = {
  heading: '1;36',
  explain: '0',
  request: '33',
  response: '35',
  pass: '32',
  fail: '1;31',
  note: '2',
} as const;

type Kind = keyof typeof STYLE;

/**
 * A narrator that formats lines and hands them to `write` (one call per line, no newline).
 *
 * @example
 * ```ts
 * const narrator = createNarrator((line) => console.log(line), { color: process.stdout.isTTY });
 * ```
 */
export function createNarrator(write: (line: string) => void, options: { color?: boolean } = {}): Narrator {
  const paint = (kind: Kind, text: string): string => (options.color ? `\x1b[${STYLE[kind]}m${text}\x1b[0m` : text);
  // Continuation lines of a multi-line text keep the indentation of the first.
  const out = (kind: Kind, text: string): void => {
    const indent = ' '.repeat(/^ */.exec(text)![0].length + (/^ *[✔✘·→←] /.test(text) ? 2 : 0));
    text.split('\n').forEach((line, i) => write(paint(kind, i === 0 ? line : `${indent}${line.trimStart()}`)));
  };
  return {
    heading: (title) => {
      write('');
      out('heading', `━━ ${title}`);
    },
    explain: (text) => out('explain', `   ${text}`),
    request: (r) => {
      out('request', `   → ${r.method} ${r.url}`);
      for (const [name, value] of r.headers) out('request', `       ${name}: ${value}`);
      if (r.body !== undefined && r.body !== '') out('request', `       ${r.body}`);
    },
    response: (r) => {
      out('response', `   ← ${r.status}`);
      for (const [name, value] of r.headers) out('response', `       ${name}: ${value}`);
      if (r.body !== undefined && r.body !== '') out('response', `       ${r.body}`);
    },
    pass: (text) => out('pass', `   ✔ ${text}`),
    fail: (text) => out('fail', `   ✘ ${text}`),
    note: (text) => out('note', `   · ${text}`),
  };
}

/**
 * A narrator that keeps every line (uncoloured) in `lines`.
 *
 * @example
 * ```ts
 * const recorder = recordingNarrator();
 * await runDemo({ …, narrator: recorder });
 * expect(recorder.lines.join('\n')).not.toContain(accessToken);
 * ```
 */
export function recordingNarrator(): Narrator & { readonly lines: string[] } {
  const lines: string[] = [];
  return Object.assign(
    createNarrator((line) => lines.push(line)),
    { lines },
  );
}

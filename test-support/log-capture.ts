import { Writable } from 'node:stream';

/**
 * A pino destination that keeps every line written to it, for assertions on logs: the orders
 * API's tests and the conformance runner look for leaked tokens in request logs and
 * `portcullis.decision` audit lines alike. nestjs-pino keeps one request logger per process (the
 * first app's), so a test file shares one capture between all the apps it starts.
 */
export class LogCapture extends Writable {
  private readonly chunks: string[] = [];
  private length = 0;
  private partial = '';
  /** `portcullis.decision` audit lines, parsed as they arrive. */
  readonly audit: Record<string, unknown>[] = [];

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const text = chunk.toString();
    this.chunks.push(text);
    this.length += text.length;
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('portcullis.decision')) continue;
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry['msg'] === 'portcullis.decision' && typeof entry['audit'] === 'object')
          this.audit.push(entry['audit'] as Record<string, unknown>);
      } catch {
        // not JSON: ignored
      }
    }
    callback();
  }

  /** Everything written so far. */
  text(): string {
    return this.chunks.join('');
  }

  /** Characters written so far (an offset for {@link LogCapture.since}). */
  size(): number {
    return this.length;
  }

  /** What was written after `offset` characters. */
  since(offset: number): string {
    return this.text().slice(offset);
  }

  /** Every line parsed as JSON (non-JSON lines skipped). */
  entries(): Record<string, unknown>[] {
    return this.text()
      .split('\n')
      .filter(Boolean)
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  }

  /** Forgets what was captured (long runs keep memory flat). */
  clear(): void {
    this.chunks.length = 0;
    this.length = 0;
    this.audit.length = 0;
  }
}

import { Writable } from 'node:stream';

/**
 * A pino destination that keeps every line, for assertions on logs. nestjs-pino keeps one
 * request logger per process (the first app's), so a test file shares one capture between all
 * the apps it starts.
 */
export class LogCapture extends Writable {
  readonly chunks: string[] = [];

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk.toString());
    callback();
  }

  /** Everything written so far. */
  text(): string {
    return this.chunks.join('');
  }

  /** Every line parsed as JSON (non-JSON lines are skipped). */
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
}

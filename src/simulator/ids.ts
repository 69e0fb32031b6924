/** Sequential UUIDs: unique, valid, and reproducible for a given history. */
export class IdSequence {
  private counter = 0;
  constructor(private readonly prefix: string) {}
  next(): string {
    this.counter += 1;
    return `${this.prefix}-0000-4000-8000-${this.counter.toString(16).padStart(12, '0')}`;
  }
}

/** A batch without repeats: the API counts each id of a bulk write once. */
export function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

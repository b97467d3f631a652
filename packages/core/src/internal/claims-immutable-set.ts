/** The set {@link adoptSet} is handing over (set only for the duration of that call). */
let adopting: Set<unknown> | undefined;

/**
 * A read-only set. `Object.freeze(new Set())` does not stop `add`/`delete`/`clear`, and a `Set`
 * subclass that overrides them can still be mutated with `Set.prototype.add.call(set, 'admin')`.
 * This wrapper keeps its items in a private field, so a principal's scopes and roles cannot be
 * changed after mapping by any code path — a role added later would be a privilege escalation.
 *
 * It implements `ReadonlySet` (including the ES2025 set-composition methods, which return new
 * mutable `Set`s) and serialises to an array with `JSON.stringify`.
 */
export class ImmutableSet<T> implements ReadonlySet<T> {
  readonly #items: Set<T>;

  constructor(items: Iterable<T> = []) {
    // `adoptSet` hands over a set nobody else holds: kept as is instead of copied.
    this.#items = adopting !== undefined && items === adopting ? (adopting as Set<T>) : new Set(items);
    adopting = undefined;
    Object.freeze(this);
  }

  get size(): number {
    return this.#items.size;
  }

  has(value: T): boolean {
    return this.#items.has(value);
  }

  forEach(callback: (value: T, value2: T, set: ReadonlySet<T>) => void, thisArg?: unknown): void {
    for (const value of this.#items) callback.call(thisArg, value, value, this);
  }

  entries(): SetIterator<[T, T]> {
    return this.#items.entries();
  }

  keys(): SetIterator<T> {
    return this.#items.values();
  }

  values(): SetIterator<T> {
    return this.#items.values();
  }

  [Symbol.iterator](): SetIterator<T> {
    return this.#items.values();
  }

  get [Symbol.toStringTag](): string {
    return 'ImmutableSet';
  }

  /** `JSON.stringify(principal)` shows the items instead of `{}`. */
  toJSON(): T[] {
    return [...this.#items];
  }

  union<U>(other: SetLike<U>): Set<T | U> {
    const out = new Set<T | U>(this.#items);
    for (const value of iterateKeys(other)) out.add(value);
    return out;
  }

  intersection<U>(other: SetLike<U>): Set<T & U> {
    const out = new Set<T & U>();
    for (const value of this.#items) if (other.has(value as unknown as U)) out.add(value as T & U);
    return out;
  }

  difference<U>(other: SetLike<U>): Set<T> {
    const out = new Set<T>();
    for (const value of this.#items) if (!other.has(value as unknown as U)) out.add(value);
    return out;
  }

  symmetricDifference<U>(other: SetLike<U>): Set<T | U> {
    const out = new Set<T | U>(this.#items);
    for (const value of iterateKeys(other)) {
      if (this.#items.has(value as unknown as T)) out.delete(value);
      else out.add(value);
    }
    return out;
  }

  isSubsetOf(other: SetLike<unknown>): boolean {
    for (const value of this.#items) if (!other.has(value)) return false;
    return true;
  }

  isSupersetOf(other: SetLike<unknown>): boolean {
    for (const value of iterateKeys(other)) if (!this.#items.has(value as T)) return false;
    return true;
  }

  isDisjointFrom(other: SetLike<unknown>): boolean {
    for (const value of this.#items) if (other.has(value)) return false;
    return true;
  }
}

/** The set-like protocol of the ES2025 set methods (`size`, `has`, `keys`). */
interface SetLike<T> {
  readonly size: number;
  has(value: T): boolean;
  keys(): Iterator<T>;
}

function* iterateKeys<T>(other: SetLike<T>): Generator<T> {
  const iterator = other.keys();
  for (let step = iterator.next(); !step.done; step = iterator.next()) yield step.value;
}

/** The shared empty set (immutable, so it can be shared). */
export const EMPTY_SET: ReadonlySet<never> = new ImmutableSet<never>();

/**
 * An {@link ImmutableSet} that takes ownership of `set` instead of copying it. Internal: only for a
 * set the caller just built and never touches again (the principal mapper's scopes and roles).
 *
 * @example
 * ```ts
 * const scopes = new Set(['orders:read']);
 * const frozen = adoptSet(scopes); // `scopes` must not be used after this
 * ```
 */
export function adoptSet<T>(set: Set<T>): ImmutableSet<T> {
  adopting = set;
  try {
    return new ImmutableSet<T>(set);
  } finally {
    adopting = undefined;
  }
}

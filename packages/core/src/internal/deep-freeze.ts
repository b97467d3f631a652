/**
 * Freezes a JSON value and everything reachable from it, iteratively (no recursion, so a deeply
 * nested claims set cannot overflow the stack). Returns the same value.
 *
 * Verified claims are shared between requests through the verified-token cache: freezing them
 * means one request's code cannot change what the next request sees.
 *
 * @example
 * ```ts
 * const claims = deepFreeze(JSON.parse(json));
 * ```
 */
export function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== 'object' || Object.isFrozen(current)) continue;
    Object.freeze(current);
    for (const key of Object.keys(current)) {
      const child = (current as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') stack.push(child);
    }
  }
  return value;
}

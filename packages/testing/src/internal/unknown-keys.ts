/**
 * Throws a `TypeError` for the first own key of `value` that is not in `known`. A test kit must
 * not read a misspelt option as "use the default": `{ type: 'JWT' }` would mint a valid `at+jwt`
 * token and a test that expects it refused would check nothing it meant to.
 */
export function refuseUnknownKeys(value: object, known: readonly string[], message: (key: string) => string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new TypeError(`${message(key)} (${known.join(', ')})`);
  }
}

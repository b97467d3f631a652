const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function skipWhitespace(json: string, i: number): number {
  while (i < json.length && isJsonWhitespace(json.charCodeAt(i))) i++;
  return i;
}

/** Index just after the string literal that starts at `i` (which holds the opening quote). */
function endOfString(json: string, i: number): number {
  let j = i + 1;
  while (j < json.length) {
    const c = json.charCodeAt(j);
    if (c === BACKSLASH) j += 2;
    else if (c === QUOTE) return j + 1;
    else j++;
  }
  return j;
}

/** Index just after the JSON value that starts at `i`. */
function endOfValue(json: string, i: number): number {
  const first = json.charCodeAt(i);
  if (first === QUOTE) return endOfString(json, i);
  if (first === 0x7b || first === 0x5b) {
    // Object or array: count brackets, stepping over strings (which may contain brackets).
    let depth = 0;
    let j = i;
    while (j < json.length) {
      const c = json.charCodeAt(j);
      if (c === QUOTE) {
        j = endOfString(json, j);
        continue;
      }
      if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 0) return j + 1;
      }
      j++;
    }
    return j;
  }
  // Number, true, false, null: up to the next structural character or whitespace.
  let j = i;
  while (j < json.length) {
    const c = json.charCodeAt(j);
    if (c === 0x2c || c === 0x7d || c === 0x5d || isJsonWhitespace(c)) break;
    j++;
  }
  return j;
}

/**
 * Tells whether a JSON object text repeats a member name at its top level. Names are compared
 * after unescaping, so `{"alg":1,"\u0061lg":2}` counts as a duplicate, as it is one for every
 * JSON parser.
 *
 * Precondition: `json` is valid JSON whose top-level value is an object (call `JSON.parse` first).
 * Linear in the input; no recursion.
 *
 * @example
 * ```ts
 * hasDuplicateTopLevelMember('{"alg":"none","alg":"ES256"}'); // true
 * ```
 */
export function hasDuplicateTopLevelMember(json: string): boolean {
  let i = skipWhitespace(json, 0);
  if (json.charCodeAt(i) !== 0x7b) return false;
  i = skipWhitespace(json, i + 1);
  if (json.charCodeAt(i) === 0x7d) return false;
  const seen = new Set<string>();
  while (i < json.length) {
    const end = endOfString(json, i);
    const raw = json.slice(i + 1, end - 1);
    const name = raw.includes('\\') ? (JSON.parse(json.slice(i, end)) as string) : raw;
    if (seen.has(name)) return true;
    seen.add(name);
    i = skipWhitespace(json, end); // at ':'
    i = skipWhitespace(json, i + 1);
    i = skipWhitespace(json, endOfValue(json, i));
    if (json.charCodeAt(i) !== 0x2c) return false; // '}' closes the object
    i = skipWhitespace(json, i + 1);
  }
  return false;
}

import { PortcullisError } from '../errors/portcullis-error.js';

/** Placeholder segment replaced with the client id (`resource_access.{clientId}.roles`). */
export const CLIENT_ID_SEGMENT = '{clientId}';

/**
 * Property names a claim path never follows, neither in configuration nor after `{clientId}`
 * substitution: reading them could reach `Object.prototype` or a constructor, and a claim named
 * `__proto__` (which `JSON.parse` creates as an own property) must not grant anything (SPEC 90).
 */
const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const CLIENT_ID = Symbol('clientId');

/** A claim path parsed once at start-up. */
export interface CompiledClaimPath {
  /** The path as configured: the claim *name* used in errors (never a claim value). */
  readonly source: string;
  readonly segments: readonly (string | typeof CLIENT_ID)[];
  /** `true` for the single-segment path `scope`, which RFC 9068 / RFC 8693 define as a string. */
  readonly isScopeClaim: boolean;
}

/**
 * Parses a dot-separated claim path. A segment wrapped in square brackets is taken literally, so
 * claim names containing dots can be addressed: `[https://example.com/roles]`,
 * `resource_access.[orders.api].roles`. Throws a `TypeError` naming `option` when the path is bad.
 */
export function compileClaimPath(path: unknown, option: string): CompiledClaimPath {
  if (typeof path !== 'string' || path === '') {
    throw new TypeError(`'${option}' must contain non-empty claim paths such as 'roles' or 'realm_access.roles'`);
  }
  const segments: (string | typeof CLIENT_ID)[] = [];
  let i = 0;
  while (i <= path.length) {
    let segment: string;
    let literal = false;
    if (path[i] === '[') {
      const close = path.indexOf(']', i + 1);
      if (close === -1) throw new TypeError(`'${option}': claim path '${path}' has an unclosed '['`);
      segment = path.slice(i + 1, close);
      literal = true;
      i = close + 1;
      if (i < path.length && path[i] !== '.') {
        throw new TypeError(`'${option}': claim path '${path}' must continue with '.' after ']'`);
      }
    } else {
      const dot = path.indexOf('.', i);
      const end = dot === -1 ? path.length : dot;
      segment = path.slice(i, end);
      i = end;
    }
    if (segment === '') throw new TypeError(`'${option}': claim path '${path}' has an empty segment`);
    if (FORBIDDEN_SEGMENTS.has(segment)) {
      throw new TypeError(`'${option}': claim path '${path}' may not use '${segment}' (prototype access)`);
    }
    segments.push(!literal && segment === CLIENT_ID_SEGMENT ? CLIENT_ID : segment);
    if (i === path.length) break;
    i += 1; // skip '.'
    if (i === path.length) throw new TypeError(`'${option}': claim path '${path}' ends with '.'`);
  }
  return Object.freeze({
    source: path,
    segments: Object.freeze(segments),
    isScopeClaim: segments.length === 1 && segments[0] === 'scope',
  });
}

/** The error for a claim that is present with the wrong type: the token fails (fail closed). */
export function claimInvalid(claim: string, reason: string): PortcullisError {
  return new PortcullisError('ERR_CLAIM_INVALID', { claim, reason });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a claim path, following own properties only. Returns `undefined` when any segment is
 * absent; throws `ERR_CLAIM_INVALID` when an intermediate value is present but not an object
 * (`realm_access: "admin"`), because a claim of the wrong shape must fail the token rather than be
 * silently ignored.
 */
export function readClaimPath(
  claims: Readonly<Record<string, unknown>>,
  path: CompiledClaimPath,
  clientId: string | undefined,
): unknown {
  let current: unknown = claims;
  for (const segment of path.segments) {
    if (!isRecord(current)) {
      if (current === undefined) return undefined;
      throw claimInvalid(path.source, 'an intermediate claim is not an object');
    }
    const key = segment === CLIENT_ID ? clientId : segment;
    // A client id such as `__proto__` must not address anything (SPEC 90).
    if (key === undefined || FORBIDDEN_SEGMENTS.has(key)) return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/** Reads one top-level own claim (never an inherited property). */
export function readOwnClaim(claims: Readonly<Record<string, unknown>>, name: string): unknown {
  return Object.hasOwn(claims, name) ? claims[name] : undefined;
}

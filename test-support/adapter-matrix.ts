/**
 * The shared adapter truth table (adapter-cases.ts) as an authorization matrix for
 * @portcullis/testing's `authorizationMatrix`: one row per request (method + concrete path), one
 * column per scenario principal, each cell the expected status, code and WWW-Authenticate of the
 * case. Any suite that boots a scenario app can check the whole table with one call:
 *
 *   await authorizationMatrix(adapterCaseMatrix(server.url, issuer));
 *
 * Framework-free on purpose: the Nest ⇄ Express parity test runs it against every adapter.
 */
import type { AuthorizationMatrixOptions, ExpectedOutcome, MatrixPrincipal, TestIssuer } from '@portcullis/testing';
import { ADAPTER_CASES, PRINCIPALS } from './adapter-cases.js';
import type { AdapterCase, PrincipalName } from './adapter-cases.js';

/** Row name of a case: `GET /orders/o-a1`. */
export const caseRoute = (c: Pick<AdapterCase, 'method' | 'path'>): string => `${c.method} ${c.path}`;

/** The case of a matrix cell (row × principal); every pair appears at most once in the table. */
export function caseOf(route: string, principal: string): AdapterCase | undefined {
  return ADAPTER_CASES.find((c) => caseRoute(c) === route && c.principal === principal);
}

/**
 * Matrix options for the whole table against a scenario app at `baseUrl`, with tokens minted by
 * `issuer` for the scenario principals (anonymous sends none).
 */
export function adapterCaseMatrix(
  baseUrl: string,
  issuer: Pick<TestIssuer, 'token'>,
  cases: readonly AdapterCase[] = ADAPTER_CASES,
): AuthorizationMatrixOptions<PrincipalName> {
  const used = new Set(cases.map((c) => c.principal));
  // Columns in the order of PRINCIPALS (anonymous first), only those the cases use.
  const principals = Object.fromEntries(
    (['anonymous', ...Object.keys(PRINCIPALS)] as PrincipalName[])
      .filter((name) => used.has(name))
      .map((name): [PrincipalName, MatrixPrincipal] => [name, name === 'anonymous' ? null : PRINCIPALS[name]]),
  ) as Record<PrincipalName, MatrixPrincipal>;

  const expect: Record<string, Partial<Record<PrincipalName, ExpectedOutcome>>> = {};
  for (const c of cases) {
    const row = (expect[caseRoute(c)] ??= {});
    if (row[c.principal] !== undefined) throw new Error(`adapter cases: two rows for ${caseRoute(c)} × ${c.principal}`);
    row[c.principal] = c.expected;
  }
  return { baseUrl, issuer, principals, expect };
}

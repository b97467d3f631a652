/**
 * Analysis of the failures this suite found, by case: what is wrong, where, and what would fix
 * it. Rendered under "Failures" in REPORT.md while the case fails; kept here (not in the report
 * generator) because it is part of the gate's knowledge, reviewed like the corpus.
 */
export const FINDINGS: Readonly<Record<number, string>> = {
  92:
    'Cause (packages/nest `@OwnedResource` guard step and packages/express `requireOwnership`): the resource is loaded ' +
    "before core's `requireOwnership` rule runs, and the rule's principal-only checks (client principal without " +
    'allowClients → 404; principal without a tenant when `tenant`/`tenantOf` is set → 403) come after the load. A ' +
    'caller whose token has no tenant therefore costs a database lookup for a request that is denied whatever the ' +
    'resource — SPEC §0.3 NDR ("repository/DB spy 0 calls"). The orders API passes only because its own resolver ' +
    'returns early for principals without a tenant. Fix: evaluate the rule with `resource: undefined` first and deny ' +
    'without loading when it denies for a reason other than "no resource" (or expose a principal-only pre-check from core).',
  175:
    'Cause (packages/core verified-token cache): a token verified while its key was published stays in the cache until ' +
    'its own `exp` (up to `maxTokenLifetime`, 24 h by default) and keeps being accepted after the key set refresh has ' +
    'removed its key — only `reloadKeys()` clears the cache. A fresh token of the removed key is refused correctly. ' +
    'SPEC A27 / case 175: "removed key stops verifying within cacheMaxAge". Fix: key cache entries by the key (kid + ' +
    'key-set generation) and drop them when a refreshed set no longer has that key, or re-check on a cache hit that the ' +
    "token's kid is still in the current set.",
};

/**
 * The plain request shape the core understands. Node's `IncomingMessage`, Express and Fastify's
 * raw request all fit it, so the core never imports a framework.
 *
 * @example
 * ```ts
 * extractBearerToken({ headers: req.headers, rawHeaders: req.rawHeaders, query: req.query });
 * ```
 */
export interface HttpRequestLike {
  /** Lower-cased header map as parsed by Node (duplicates of `authorization` already dropped there). */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /**
   * Node's raw header list `[name, value, name, value …]`. When present it is used to detect
   * duplicate `Authorization` headers, which Node's parsed `headers` silently drops.
   */
  readonly rawHeaders?: readonly string[];
  readonly method?: string;
  readonly url?: string;
  /** Parsed query string, if the framework parsed it. */
  readonly query?: unknown;
  /** Parsed body, if the framework parsed it. */
  readonly body?: unknown;
}

/** Where bearer tokens may come from. RFC 6750 §2.2/§2.3 methods are off by default. */
export interface BearerExtractionOptions {
  /**
   * Accept `access_token` in an `application/x-www-form-urlencoded` body (RFC 6750 §2.2).
   * When off, such a parameter is still detected and refused with `invalid_request`. @default false
   */
  readonly allowBody?: boolean;
  /**
   * Accept `access_token` in the query string (RFC 6750 §2.3, discouraged). When off, such a
   * parameter is still detected and refused with `invalid_request`. @default false
   */
  readonly allowQuery?: boolean;
}

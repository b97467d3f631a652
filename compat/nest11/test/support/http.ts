/** A GET over real HTTP (5 s limit), with a bearer token when one is given. */
export const call = (url: string, token?: string): Promise<Response> =>
  fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(5_000) });

/** The stable error code of a Portcullis error body. */
export const codeOf = async (res: Response): Promise<string> => ((await res.json()) as { code: string }).code;

/** `--clickhouse URL` plus `--clickhouse-user/-password/-database` → connection settings; a printable form without the password. */
export interface ClickhouseTarget {
  /** Origin only (scheme, host, port), e.g. http://127.0.0.1:8123 */
  url: string;
  username: string;
  password: string;
  database: string;
}

export interface ClickhouseOptions {
  clickhouse?: string;
  clickhouseUser?: string;
  clickhousePassword?: string;
  clickhouseDatabase?: string;
}

export function parseClickhouseTarget(opts: ClickhouseOptions & { clickhouse: string }): ClickhouseTarget {
  let u: URL;
  try {
    u = new URL(opts.clickhouse.includes('://') ? opts.clickhouse : `http://${opts.clickhouse}`);
  } catch {
    throw new Error(`--clickhouse: not a URL: ${redactUrl(opts.clickhouse)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new Error(`--clickhouse: the HTTP interface is needed (http:// or https://), got ${u.protocol}`);
  }
  const pathDb = decodeURIComponent(u.pathname.replace(/^\/+|\/+$/g, ''));
  return {
    url: u.origin,
    username: opts.clickhouseUser ?? (decodeURIComponent(u.username) || u.searchParams.get('user') || 'default'),
    password:
      opts.clickhousePassword ??
      process.env.OCPP_MITM_CLICKHOUSE_PASSWORD ??
      (decodeURIComponent(u.password) || u.searchParams.get('password') || ''),
    database: opts.clickhouseDatabase ?? (pathDb || u.searchParams.get('database') || 'default'),
  };
}

/** The URL as it may be printed: credentials removed. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//').replace(/([?&]password=)[^&]*/i, '$1***');
}

export const describeTarget = (t: ClickhouseTarget): string =>
  `ClickHouse at ${t.url}${t.database === 'default' ? '' : `/${t.database}`}`;

const hasUser = (url: string): boolean => /^[a-z]+:\/\/[^/]*@/i.test(url) || /[?&]user=/.test(url);
const hasPassword = (url: string): boolean => /^[a-z]+:\/\/[^/:@]*:[^/@]*@/i.test(url) || /[?&]password=/.test(url);
const hasDatabase = (url: string): boolean => /^(?:[a-z]+:\/\/)?[^/]+\/[^/?]+/i.test(url) || /[?&]database=/.test(url);

/**
 * `--clickhouse URL[,URL…]` → one target per node. Credentials and database the first URL names (or the options
 * give) apply to the others unless they name their own.
 */
export function parseClickhouseTargets(opts: ClickhouseOptions & { clickhouse: string }): ClickhouseTarget[] {
  const urls = opts.clickhouse.split(',').map((u) => u.trim()).filter(Boolean);
  if (urls.length === 0) throw new Error('--clickhouse: no URL given');
  const first = parseClickhouseTarget({ ...opts, clickhouse: urls[0]! });
  return [
    first,
    ...urls.slice(1).map((u) =>
      parseClickhouseTarget({
        clickhouse: u,
        clickhouseUser: opts.clickhouseUser ?? (hasUser(u) ? undefined : first.username),
        clickhousePassword: opts.clickhousePassword ?? (hasPassword(u) ? undefined : first.password),
        clickhouseDatabase: opts.clickhouseDatabase ?? (hasDatabase(u) ? undefined : first.database),
      }),
    ),
  ];
}

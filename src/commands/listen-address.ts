/** Parse HOST:PORT (IPv6 in brackets), as given to --listen and --control. */
export function parseHostPort(value: string, defaultHost = '0.0.0.0'): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value.trim()) ?? /^()()(\d{1,5})$/.exec(value.trim());
  if (!m) throw new Error(`"${value}" is not HOST:PORT (e.g. 0.0.0.0:9000, [::]:9000 or 9000)`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`port ${port} is out of range (0-65535)`);
  return { host: m[1] || m[2] || defaultHost, port };
}

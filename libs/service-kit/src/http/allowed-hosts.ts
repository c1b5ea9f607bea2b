/** The names of this machine that no other site can point a browser at. */
export const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'] as const;

/** Addresses that mean "every interface": not a name anyone reaches the server by. */
const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '[::]']);

/**
 * The host name of an authority ("Host" header, "name:port", "[::1]:8080") or of a configured
 * name: lower case, without port or trailing dot, an IPv6 address in brackets. Undefined for
 * anything that is not a plain name or address (a scheme, a path, spaces, an empty name).
 */
export function hostNameOf(authority: string): string | undefined {
  const text = authority.trim().toLowerCase();
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    const address = text.slice(0, end + 1);
    if (end < 0 || !/^\[[0-9a-f:.]+\]$/.test(address) || !isPort(text.slice(end + 1)))
      return undefined;
    return address;
  }
  // A bare IPv6 address (as a setting may give it): more than one colon.
  if (/^[0-9a-f:.]+$/.test(text) && text.split(':').length > 2) return `[${text}]`;
  const colon = text.indexOf(':');
  const name = (colon < 0 ? text : text.slice(0, colon)).replace(/\.$/, '');
  if (colon >= 0 && !isPort(text.slice(colon))) return undefined;
  return /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(name) ? name : undefined;
}

function isPort(rest: string): boolean {
  return rest === '' || /^:\d{1,5}$/.test(rest);
}

/**
 * The Host names an HTTP server answers to. A browser page of another site can point its own
 * domain at 127.0.0.1 or a plant address (DNS rebinding); its requests then carry that domain
 * as Host, and are refused. The loopback names are always allowed (no other site can send
 * them), and so is the name the server binds to when it binds to a name.
 */
export class AllowedHosts {
  private constructor(private readonly names: ReadonlySet<string> | 'any') {}

  /** `configured`: TWINLOG_ALLOWED_HOSTS, names as hostNameOf gives them, or `*` for any. */
  static of(configured: readonly string[], bindHost?: string): AllowedHosts {
    if (configured.includes('*')) return new AllowedHosts('any');
    const names = new Set<string>([...LOOPBACK_NAMES, ...configured]);
    const bound = bindHost === undefined ? undefined : hostNameOf(bindHost);
    if (bound !== undefined && !WILDCARD_ADDRESSES.has(bound)) names.add(bound);
    return new AllowedHosts(names);
  }

  /** Loopback names only: what a server started without settings answers to. */
  static readonly loopback = AllowedHosts.of([]);

  /** Whether a request's Host header (or an Origin's host) names this server. */
  allows(authority: string | undefined): boolean {
    if (this.names === 'any') return true;
    const name = authority === undefined ? undefined : hostNameOf(authority);
    return name !== undefined && this.names.has(name);
  }

  /** As TWINLOG_ALLOWED_HOSTS says it: for services behind a gateway that accept what it does. */
  toSetting(): string {
    return this.names === 'any' ? '*' : [...this.names].join(',');
  }
}

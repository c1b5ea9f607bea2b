import type { IncomingMessage, ServerResponse } from 'node:http';
import { bounded, excerpt } from '@twinlog/domain';
import type { AllowedHosts } from './allowed-hosts';
import { refuseAtEdge } from './edge-refusal';

/** The setting an operator changes when a legitimate name is refused. */
export const ALLOWED_HOSTS_SETTING = 'TWINLOG_ALLOWED_HOSTS';

/** Methods that change nothing; every other method is a state change. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The probes answer whatever the Host: the kubelet sends the pod's IP, and they say nothing a
 * page could misuse.
 */
const PROBES = new Set(['/health/live', '/health/ready']);

/**
 * Refuses, before anything else runs, what a page of another site can make a browser send:
 * a Host that is not one of this server's names (421 HOST_NOT_ALLOWED: DNS rebinding), and a
 * state change that the browser says comes from another site, or whose Origin is not one of
 * this server's names (403 CROSS_SITE_REFUSED). Clients that are not browsers send neither
 * header and pass. Credentials travel in headers only, never cookies, so none rides along.
 */
export function refuseForeignRequests(allowed: AllowedHosts) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const host = req.headers.host;
    if (!allowed.allows(host) && !PROBES.has((req.url ?? '').split('?')[0] ?? ''))
      return refuseAtEdge(
        req,
        res,
        421,
        'HOST_NOT_ALLOWED',
        `This server does not answer to the name ${host === undefined ? '(no Host header)' : excerpt(host)}: add it to ${ALLOWED_HOSTS_SETTING} if clients reach Twinlog by it`,
        { host: echo(host), setting: ALLOWED_HOSTS_SETTING },
      );
    if (SAFE_METHODS.has(req.method ?? 'GET') || !fromAnotherSite(req, allowed)) return next();
    refuseAtEdge(
      req,
      res,
      403,
      'CROSS_SITE_REFUSED',
      `A ${bounded(req.method ?? '', 20)} sent by a page of another site is refused: changes come from clients that are not browser pages, or from Twinlog's own pages (if ${excerpt(req.headers.origin ?? '')} is Twinlog's own address, add its name to ${ALLOWED_HOSTS_SETTING})`,
      {
        origin: echo(req.headers.origin),
        secFetchSite: echo(req.headers['sec-fetch-site']),
        setting: ALLOWED_HOSTS_SETTING,
      },
    );
  };
}

function fromAnotherSite(req: IncomingMessage, allowed: AllowedHosts): boolean {
  const site = req.headers['sec-fetch-site'];
  // same-site is still another origin (another port or subdomain): not one of Twinlog's pages.
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = req.headers.origin;
  return origin !== undefined && !allowed.allows(originHost(origin));
}

/** The host of an Origin header; `null` (a sandboxed page, a file) has none. */
function originHost(origin: string): string | undefined {
  const url = URL.parse(origin);
  return url && (url.protocol === 'http:' || url.protocol === 'https:') ? url.host : undefined;
}

function echo(header: string | undefined): string | null {
  return header === undefined ? null : bounded(header);
}

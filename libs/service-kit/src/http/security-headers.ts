import helmet from 'helmet';

/**
 * Content-Security-Policy of the services' JSON APIs: an answer is data, never a page, so it
 * may load nothing, run nothing and be framed by nobody.
 */
const API_POLICY = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/**
 * Content-Security-Policy of the gateway's own answers, where the dashboard's page will be
 * served (issue 21): its own scripts, styles, images and API calls only, no inline script, no
 * plug-ins, no framing. Without upgrade-insecure-requests: the embedded mode serves plain HTTP
 * on loopback.
 */
const PAGE_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/**
 * helmet's security headers (nosniff, no framing, no referrer across origins, HSTS that
 * browsers honour over HTTPS only, no X-Powered-By) with the Content-Security-Policy of a JSON
 * API (the services) or of a page (the gateway, whose upstream answers keep the services' own).
 */
export function securityHeaders(kind: 'api' | 'page') {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: kind === 'api' ? API_POLICY : PAGE_POLICY,
    },
    referrerPolicy: { policy: 'no-referrer' },
    // As frame-ancestors 'none' says, for browsers that predate it.
    xFrameOptions: { action: 'deny' },
  });
}

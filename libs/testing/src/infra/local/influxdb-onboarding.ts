import type { InfluxSettings } from '../infra-settings';

/** First-time set-up of a new InfluxDB 2.x: user, org, bucket and an all-access token in one call. */
export async function onboardInflux(settings: InfluxSettings): Promise<void> {
  const response = await fetch(`${settings.url}/api/v2/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      username: 'twinlog',
      password: 'twinlog-test-password',
      org: settings.org,
      bucket: settings.bucket,
      token: settings.token,
    }),
  });
  if (!response.ok) {
    throw new Error(
      `InfluxDB onboarding at ${settings.url} failed: HTTP ${response.status} ${await response.text()}`,
    );
  }
}

/**
 * A token that may read and write the one bucket (and read its org, which a query by org name
 * needs), made with the operator token: what the deploy docs tell operators to give Twinlog,
 * so the tests run with no more rights than a deployment.
 */
export async function bucketScopedToken(settings: InfluxSettings): Promise<string> {
  const headers = {
    authorization: `Token ${settings.token}`,
    'content-type': 'application/json',
  };
  const found = await fetch(
    `${settings.url}/api/v2/buckets?name=${encodeURIComponent(settings.bucket)}`,
    { headers },
  );
  const bucket = ((await found.json()) as { buckets?: Array<{ id: string; orgID: string }> })
    .buckets?.[0];
  if (!found.ok || !bucket)
    throw new Error(
      `InfluxDB at ${settings.url}: bucket ${settings.bucket} not found (HTTP ${found.status})`,
    );
  const onBucket = { type: 'buckets', id: bucket.id, orgID: bucket.orgID };
  const response = await fetch(`${settings.url}/api/v2/authorizations`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      orgID: bucket.orgID,
      description: `twinlog: read and write ${settings.bucket}`,
      permissions: [
        { action: 'read', resource: onBucket },
        { action: 'write', resource: onBucket },
        { action: 'read', resource: { type: 'orgs', id: bucket.orgID } },
      ],
    }),
  });
  if (!response.ok)
    throw new Error(
      `InfluxDB at ${settings.url}: creating a bucket token failed: HTTP ${response.status} ${await response.text()}`,
    );
  return ((await response.json()) as { token: string }).token;
}

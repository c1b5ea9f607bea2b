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

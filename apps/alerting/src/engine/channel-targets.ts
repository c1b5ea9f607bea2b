import { Inject, Injectable, Logger } from '@nestjs/common';
import { AlertsProjection, TwinlogError, type AlertChannelKind } from '@twinlog/domain';
import { CLOCK, type Clock } from '@twinlog/service-kit';
import type { NewChannel } from '../alerting-api';
import type { AlertingConfig } from '../config/alerting.config';
import {
  displayOf,
  mailerFor,
  parseChannelTarget,
  resolveAlertingKey,
  sealTarget,
  sendNotification,
  targetOpener,
  testNotificationPayload,
  type ChannelTarget,
  type Mailer,
} from '../delivery';
import { ALERTING_CONFIG } from '../tokens';

/**
 * The channels' targets as the engine uses them: checked and sealed under the installation
 * key when a channel is made, opened when something is sent. The key is the configured one,
 * else (embedded) the data directory's key file, else none: then channels cannot be made
 * (503 ALERTING_KEY_MISSING) and alerts still open. Nothing here logs a target.
 */
@Injectable()
export class ChannelTargets {
  private readonly logger = new Logger('AlertingService');
  private readonly key: Buffer | undefined;
  /** The pooled SMTP transport, when ALERTING_SMTP_URL is set. */
  readonly mailer: Mailer | undefined;

  constructor(
    @Inject(ALERTING_CONFIG) private readonly config: AlertingConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly projection: AlertsProjection,
  ) {
    const resolved = resolveAlertingKey(config.delivery.secretKey, config.service, (message) =>
      this.logger.warn(message),
    );
    this.key = resolved?.key;
    if (resolved?.created)
      this.logger.log(
        `made the alerting key ${resolved.source}: keep it, channels are sealed under it`,
      );
    if (!resolved)
      this.logger.warn(
        'ALERTING_SECRET_KEY is not set: alerts open, but no channel can be created and nothing is sent',
      );
    this.mailer = mailerFor(config.delivery);
    this.targetOf = targetOpener(this.key, (id) => this.projection.channel(id));
  }

  /** Checks a new channel's target (COMMAND_INVALID) and seals it. */
  seal(input: NewChannel): {
    channelKind: AlertChannelKind;
    sealedTarget: string;
    display: string;
    sameAs: string;
  } {
    if (!this.key)
      throw new TwinlogError(
        'ALERTING_KEY_MISSING',
        'Channels cannot be created: set ALERTING_SECRET_KEY (32 random bytes, e.g. openssl rand -hex 32) on the alerting service',
        { variable: 'ALERTING_SECRET_KEY' },
      );
    const target = parseChannelTarget(input);
    return {
      channelKind: target.kind,
      sealedTarget: sealTarget(target, this.key),
      display: displayOf(target),
      sameAs: placeOf(target),
    };
  }

  /**
   * The channel (not deleted) that sends where `sameAs` (a {@link placeOf}) says, if any. Sealed
   * texts differ on every seal, so each channel's target is opened and compared; one that cannot
   * be opened (another key) is not a match.
   */
  channelSendingTo(sameAs: string): string | undefined {
    for (const channel of this.projection.channels()) {
      try {
        const target = this.targetOf(channel.channelId);
        if (target && placeOf(target) === sameAs) return channel.channelId;
      } catch {
        // Unreadable under this key: it cannot be told apart, and sends nothing anyway.
      }
    }
    return undefined;
  }

  /** The channel's opened target; undefined once it is deleted (its deliveries die). */
  readonly targetOf: (channelId: string) => ChannelTarget | undefined;

  /** A test notification to the channel now, not recorded. */
  async test(channelId: string, actor: string | null) {
    const now = new Date(this.clock());
    let target: ChannelTarget | undefined;
    try {
      target = this.targetOf(channelId);
    } catch (error) {
      return { ok: false, status: null, error: (error as Error).message };
    }
    if (!target)
      throw new TwinlogError('CHANNEL_NOT_FOUND', `No channel ${channelId}`, { channelId });
    const outcome = await sendNotification(target, testNotificationPayload(channelId, now, actor), {
      timeoutMs: this.config.delivery.timeoutMs,
      mailer: this.mailer,
      now: () => new Date(this.clock()),
    });
    return outcome.ok
      ? { ok: true, status: outcome.status, error: null }
      : { ok: false, status: outcome.status, error: outcome.error };
  }

  close(): void {
    this.mailer?.close();
  }
}

/**
 * Where a target sends, for telling a repeat from a new channel: the kind and the URL as the URL
 * standard writes it (host case, default port), or the addresses (case-blind, any order). The
 * webhook secret is not part of it: two channels to one URL send everything twice either way.
 */
export function placeOf(target: ChannelTarget): string {
  if (target.kind === 'email')
    return `email ${[...new Set(target.to.map((a) => a.toLowerCase()))].sort().join(',')}`;
  return `${target.kind} ${new URL(target.url).href}`;
}

import { createTransport, type Transporter } from 'nodemailer';
import { clipError, type DeliveryOutcome } from './delivery-outcome';
import type { EmailMessage } from './email-message';

/** Errors about the message or the settings, not the moment: sending again would fail again. */
const PERMANENT_CODES = new Set(['ECONFIG', 'EMESSAGE', 'EENVELOPE', 'ENOAUTH', 'EAUTH']);

export interface MailerOptions {
  /** ALERTING_SMTP_URL: smtp[s]://user:pass@host:port. Never logged or put in an error. */
  smtpUrl: string;
  from: string;
  timeoutMs: number;
}

/**
 * Email over SMTP (nodemailer): one pooled transport for the service's life, so a burst of
 * alerts reuses connections. Message-ID and X-Twinlog-Delivery come from the delivery id, so a
 * mail system (or a person) can tell a retry from a new notification.
 */
export class Mailer {
  private readonly transport: Transporter;
  private readonly server: string;

  constructor(private readonly options: MailerOptions) {
    const url = new URL(options.smtpUrl);
    this.server = url.host;
    this.transport = createTransport({
      url: options.smtpUrl,
      pool: true,
      maxConnections: 2,
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
      logger: false,
      debug: false,
    });
  }

  async send(
    to: string[],
    message: EmailMessage,
    deliveryId: string,
    signal?: AbortSignal,
  ): Promise<DeliveryOutcome> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const info = (await this.transport.sendMail({
        from: this.options.from,
        to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: `<${messageIdPart(deliveryId)}@twinlog>`,
        headers: { 'X-Twinlog-Delivery': deliveryId },
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      })) as { response?: string };
      return { ok: true, status: replyCode(info.response) ?? 250 };
    } catch (error) {
      // nodemailer's own greeting/socket timers run for the same time as ours, and either may
      // fire first: both mean the server did not answer in time.
      if (timeout.aborted || (error as SmtpError).code === 'ETIMEDOUT')
        return this.failure(
          `no answer from the SMTP server ${this.server} within ${this.options.timeoutMs} ms`,
          null,
          false,
        );
      return this.outcomeOf(error as SmtpError);
    }
  }

  close(): void {
    this.transport.close();
  }

  private outcomeOf(error: SmtpError): DeliveryOutcome {
    const code = typeof error.responseCode === 'number' ? error.responseCode : null;
    if (code !== null) {
      const permanent = error.permanent ?? (code >= 500 && code < 600 && code !== 503);
      return this.failure(`SMTP ${code}: ${error.response ?? error.message}`, code, permanent);
    }
    const reason = error.originalCode ?? error.code ?? 'error';
    return this.failure(
      `SMTP server ${this.server}: ${reason}`,
      null,
      PERMANENT_CODES.has(error.code ?? ''),
    );
  }

  private failure(error: string, status: number | null, permanent: boolean): DeliveryOutcome {
    return { ok: false, status, error: clipError(error), permanent };
  }
}

/** The service's one mailer, or undefined when ALERTING_SMTP_URL is not set (email waits). */
export function mailerFor(settings: {
  smtpUrl: string | undefined;
  smtpFrom: string;
  timeoutMs: number;
}): Mailer | undefined {
  if (settings.smtpUrl === undefined) return undefined;
  return new Mailer({
    smtpUrl: settings.smtpUrl,
    from: settings.smtpFrom,
    timeoutMs: settings.timeoutMs,
  });
}

interface SmtpError extends Error {
  code?: string;
  originalCode?: string;
  response?: string;
  responseCode?: number;
  permanent?: boolean;
}

function replyCode(response: string | undefined): number | undefined {
  const code = Number(response?.slice(0, 3));
  return Number.isInteger(code) && code >= 200 && code < 600 ? code : undefined;
}

function messageIdPart(deliveryId: string): string {
  return deliveryId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120) || 'delivery';
}

import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message the server accepted, as a mail client would read it. */
export interface ReceivedMail {
  envelopeFrom: string | null;
  envelopeTo: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string | undefined;
  /** Header names in lower case. */
  headers: Map<string, string>;
}

export interface SmtpTestServer {
  port: number;
  /** smtp://[user:password@]127.0.0.1:<port> */
  url: string;
  messages: ReceivedMail[];
  /** Refuses every message with this SMTP reply code (4xx: try later, 5xx: never); null: accept again. */
  refuse(code: number | null, message?: string): void;
  close(): Promise<void>;
}

/**
 * A real SMTP server (the smtp-server package) on 127.0.0.1, without TLS; with `user`, it
 * demands that login. Each accepted message is parsed with mailparser and kept.
 */
export async function startSmtpServer(
  options: { user?: { name: string; password: string } } = {},
): Promise<SmtpTestServer> {
  const messages: ReceivedMail[] = [];
  let refusal: { code: number; message: string } | undefined;
  const user = options.user;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: user ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !user,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (user && auth.username === user.name && auth.password === user.password)
        return callback(null, { user: auth.username });
      callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onMailFrom(_address, _session, callback) {
      if (!refusal) return callback();
      callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const headers = new Map<string, string>();
          for (const line of mail.headerLines) {
            const value = line.line.slice(line.line.indexOf(':') + 1).trim();
            headers.set(line.key.toLowerCase(), value);
          }
          messages.push({
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
            messageId: mail.messageId,
            headers,
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const credentials = user
    ? `${encodeURIComponent(user.name)}:${encodeURIComponent(user.password)}@`
    : '';
  return {
    port,
    url: `smtp://${credentials}127.0.0.1:${port}`,
    messages,
    refuse(code, message = code !== null && code >= 500 ? 'refused for good' : 'try again later') {
      refusal = code === null ? undefined : { code, message };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

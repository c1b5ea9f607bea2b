import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { freePort } from '../infra/ports';

export interface TcpProxy {
  port: number;
  /** Refuses connections and cuts open ones: the server behind looks down. */
  down(): Promise<void>;
  /** Accepts and forwards again, on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of a real server, so a test can take the server "down" and bring it
 * back without touching it (other tests keep using it directly).
 */
export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const up = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((client) => {
        const upstream = createConnection(targetPort, targetHost);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  const down = async () => {
    const closing = new Promise<void>((resolve) =>
      server ? server.close(() => resolve()) : resolve(),
    );
    sockets.forEach((s) => s.destroy());
    await closing;
    server = undefined;
  };
  await up();
  return { port, up, down, close: down };
}

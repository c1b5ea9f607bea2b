import type { StreamClient } from './stream-client';
import type { StreamMessage } from './stream-message';

/**
 * The live clients, indexed by what their filter names, so a message is matched only against
 * the clients that can want it (its twins', its ancestors' subtrees', its site's, and the
 * unfiltered ones) and not against all 1,000.
 */
export class ClientIndex {
  private readonly byTwin = new Map<string, Set<StreamClient>>();
  private readonly bySubtree = new Map<string, Set<StreamClient>>();
  private readonly bySite = new Map<string, Set<StreamClient>>();
  private readonly unfiltered = new Set<StreamClient>();
  readonly all = new Set<StreamClient>();

  add(client: StreamClient): void {
    this.all.add(client);
    const set = this.setOf(client, true);
    set.add(client);
  }

  remove(client: StreamClient): void {
    if (!this.all.delete(client)) return;
    const set = this.setOf(client, false);
    set.delete(client);
    const key = client.filter.key;
    if (set.size === 0 && key.by !== 'all') this.mapOf(key.by).delete(nameOf(key));
  }

  /**
   * Calls `send` for every client whose filter accepts the message: once each, as a client is
   * in one set and a message names a twin at most once (its `twins`, then other `ancestors`).
   */
  match(message: StreamMessage, send: (client: StreamClient) => void): void {
    for (const twinId of message.twins) {
      this.each(this.byTwin.get(twinId), message, send);
      this.each(this.bySubtree.get(twinId), message, send);
    }
    for (const ancestor of message.ancestors)
      this.each(this.bySubtree.get(ancestor), message, send);
    if (message.site !== null) this.each(this.bySite.get(message.site), message, send);
    this.each(this.unfiltered, message, send);
  }

  private each(
    clients: Set<StreamClient> | undefined,
    message: StreamMessage,
    send: (client: StreamClient) => void,
  ): void {
    if (clients) for (const c of clients) if (c.filter.accepts(message)) send(c);
  }

  private setOf(client: StreamClient, create: boolean): Set<StreamClient> {
    const key = client.filter.key;
    if (key.by === 'all') return this.unfiltered;
    const map = this.mapOf(key.by);
    let set = map.get(nameOf(key));
    if (!set) {
      set = new Set();
      if (create) map.set(nameOf(key), set);
    }
    return set;
  }

  private mapOf(by: 'twin' | 'subtree' | 'site'): Map<string, Set<StreamClient>> {
    return by === 'twin' ? this.byTwin : by === 'subtree' ? this.bySubtree : this.bySite;
  }
}

function nameOf(key: Exclude<StreamClient['filter']['key'], { by: 'all' }>): string {
  return key.by === 'site' ? key.site : key.twinId;
}

import { SEVERITIES, type AlertSummary, type AlertView, type DeliveryView } from '@twinlog/domain';
import { oneWord, optionValue, positionals } from './alert-args';
import { alertsTable, describeAlert, describeAlertChange } from './alert-format';
import { alertsConfigCommand } from './alerts-config.command';
import { CliError, getAllPages, getJson, postJson } from './api-client';
import { followWithKey as followStream, type StreamMessage } from './stream';

export const ALERTS_USAGE = `  twinlog alerts [list] [--status open,acknowledged] [--min-severity S] [--twin ID] [--site S]
                 [--limit N] [--json] [--follow]
                                the alerts, newest first (--follow: then each change as it happens)
  twinlog alerts show ID [--json]
                                one alert: members, who did what, what was held back, deliveries
  twinlog alerts ack ID [--note TEXT]      acknowledge (stops escalation)
  twinlog alerts assign ID WHO [--note TEXT]
  twinlog alerts resolve ID [--note TEXT]
  twinlog alerts channels [--json]         the channels notifications go to
  twinlog alerts channel add webhook URL [--secret-file PATH] [--name N]
                                the signing secret from --secret-file (first line), else the
                                TWINLOG_WEBHOOK_SECRET variable, else --secret S (which stays in
                                your shell history and shows in the process list)
  twinlog alerts channel add slack|teams URL [--name N]
  twinlog alerts channel add email ADDRESS... [--name N]
  twinlog alerts channel test ID | rm ID
  twinlog alerts rules [--json]
  twinlog alerts rule set [--id ID] --name N --channel ID|* ... [--min-severity warning]
                 [--cause anomaly|maintenance|silence] [--type T] [--site S] [--subtree TWIN]
                 [--property P] [--quiet 22:00-06:00@Europe/Berlin[:critical]]
                 [--escalate MINUTES:CHANNEL ...] [--disabled]
                                make a rule (with --id: set that one); --channel, --cause, --type,
                                --site, --property and --escalate repeat
  twinlog alerts rule rm ID
  twinlog alerts silence TWIN|--site S --for 2h|--until TIME --reason R [--maintenance]
                                hold back notifications of a twin's subtree or a site
  twinlog alerts silences [--active] [--json]     twinlog alerts unsilence ID
  twinlog alerts deliveries [--status dead|pending|delivered] [--alert ID] [--channel ID] [--json]
  twinlog alerts redeliver ID              send a dead delivery again (same delivery id)`;

export interface AlertsContext {
  /** The alerting API (the gateway, or the service on its own). */
  base: string;
  /** Where the live stream is (twin-state, or the gateway). */
  streamBase: string;
  webhookSecret: string | undefined;
  cwd: string;
  now: () => Date;
  out: (line: string) => void;
  status: (line: string) => void;
  signal?: AbortSignal;
}

/** `twinlog alerts ...`: see ALERTS_USAGE. */
export async function alertsCommand(args: string[], ctx: AlertsContext): Promise<number> {
  const [verb = 'list', ...rest] = args[0]?.startsWith('--') ? ['list', ...args] : args;
  const json = rest.includes('--json');
  switch (verb) {
    case 'list':
      return list(rest, json, ctx);
    case 'show': {
      const id = oneWord(rest, 'alerts show ID');
      const alert = await getJson<AlertView>(ctx.base, `/v1/alerts/${encodeURIComponent(id)}`);
      const deliveries = await getAllPages<DeliveryView>(
        ctx.base,
        `/v1/alert-deliveries?${new URLSearchParams({ alertId: id })}`,
        'deliveries',
      );
      if (json) ctx.out(JSON.stringify({ ...alert, deliveries }, null, 2));
      else for (const line of describeAlert(alert, deliveries)) ctx.out(line);
      return 0;
    }
    case 'ack':
    case 'acknowledge':
      return act(
        ctx,
        oneWord(rest, 'alerts ack ID [--note TEXT]'),
        'acknowledge',
        noteOf(rest),
        json,
      );
    case 'assign': {
      const [id, who, ...extra] = positionals(rest);
      if (id === undefined || who === undefined || extra.length > 0)
        throw new CliError('usage: twinlog alerts assign ID WHO [--note TEXT]');
      return act(ctx, id, 'assign', { assignee: who, ...noteOf(rest) }, json);
    }
    case 'resolve':
      return act(
        ctx,
        oneWord(rest, 'alerts resolve ID [--note TEXT]'),
        'resolve',
        noteOf(rest),
        json,
      );
    default:
      return alertsConfigCommand(verb, rest, ctx);
  }
}

async function list(args: string[], json: boolean, ctx: AlertsContext): Promise<number> {
  const query = new URLSearchParams();
  for (const [flag, key] of [
    ['status', 'status'],
    ['min-severity', 'minSeverity'],
    ['twin', 'twinId'],
    ['site', 'site'],
  ] as const) {
    const value = optionValue(args, flag);
    if (value !== undefined) query.set(key, value);
  }
  const limit = optionValue(args, 'limit');
  const wanted = limit === undefined ? Number.POSITIVE_INFINITY : Number(limit);
  if (!(wanted >= 1)) throw new CliError(`--limit ${limit}: must be a whole number from 1`);
  const print = async () => {
    const alerts = await getAllPages<AlertSummary>(
      ctx.base,
      `/v1/alerts${query.size ? `?${query}` : ''}`,
      'alerts',
      wanted,
    );
    if (json) ctx.out(JSON.stringify(alerts, null, 2));
    else if (alerts.length === 0) ctx.out('No alerts.');
    else for (const line of alertsTable(alerts)) ctx.out(line);
    for (const a of alerts) live.shown.add(a.alertId);
  };
  const live = liveFilter(query, ctx);
  if (!args.includes('--follow')) {
    await print();
    return 0;
  }
  await followStream(ctx.streamBase, {
    query: {
      types: 'alert-opened,alert-changed',
      // The stream matches an alert's twin and member twins, as the list's twinId does.
      ...(query.has('site') ? { site: query.get('site')! } : {}),
      ...(query.has('twinId') ? { twin: query.get('twinId')! } : {}),
    },
    // The stream is open before the list is read: no change falls between the two.
    onOpen: async () => {
      await print();
      ctx.status('Following alert changes (Ctrl-C to stop).');
    },
    onMessage: (m) =>
      live.then(m, () =>
        ctx.out(
          json ? JSON.stringify({ type: m.type, id: m.id, ...m.data }) : describeAlertChange(m),
        ),
      ),
    onStatus: ctx.status,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  return 0;
}

/**
 * What --follow prints with --status or --min-severity (review 20 #10): a change carries only what
 * changed, so the alert is read to see whether it matches now. A change of an alert already
 * shown (listed, or printed before) is printed too: it may be the one that takes it out of the
 * list. Changes print in the order they came.
 */
function liveFilter(query: URLSearchParams, ctx: AlertsContext) {
  const statuses = query.get('status')?.split(',');
  const minSeverity = query.get('minSeverity');
  const rank = (s: string) => SEVERITIES.indexOf(s as (typeof SEVERITIES)[number]);
  const matches = (a: AlertView) =>
    (statuses === undefined || statuses.includes(a.status)) &&
    (minSeverity === null || rank(a.severity) >= rank(minSeverity));
  const shown = new Set<string>();
  let queue: Promise<void> = Promise.resolve();
  const wanted = async (m: StreamMessage): Promise<boolean> => {
    if (statuses === undefined && minSeverity === null) return true;
    const alertId = m.data.data['alertId'];
    if (typeof alertId !== 'string') return false;
    if (shown.has(alertId)) return true;
    const alert = await getJson<AlertView>(
      ctx.base,
      `/v1/alerts/${encodeURIComponent(alertId)}`,
    ).catch(() => undefined);
    return alert !== undefined && matches(alert);
  };
  return {
    shown,
    then(m: StreamMessage, print: () => void): void {
      queue = queue
        .then(async () => {
          if (!(await wanted(m))) return;
          const alertId = m.data.data['alertId'];
          if (typeof alertId === 'string') shown.add(alertId);
          print();
        })
        .catch((error: unknown) => ctx.status(`a change could not be shown: ${String(error)}`));
    },
  };
}

async function act(
  ctx: AlertsContext,
  id: string,
  command: 'acknowledge' | 'assign' | 'resolve',
  body: object,
  json: boolean,
): Promise<number> {
  const alert = await postJson<AlertView>(
    ctx.base,
    `/v1/alerts/${encodeURIComponent(id)}/${command}`,
    body,
  );
  if (json) ctx.out(JSON.stringify(alert, null, 2));
  else
    ctx.out(
      `${alert.alertId} is ${alert.status}${alert.assignee ? ` (assigned to ${alert.assignee.to})` : ''}: ${alert.title}`,
    );
  return 0;
}

function noteOf(args: string[]): { note?: string } {
  const note = optionValue(args, 'note');
  return note === undefined ? {} : { note };
}

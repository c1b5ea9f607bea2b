import type { ChannelView, DeliveryView, RuleView, SilenceView } from '@twinlog/domain';
import {
  oneWord,
  optionValue,
  positionals,
  ruleBody,
  silenceBody,
  webhookSecret,
} from './alert-args';
import { channelsTable, deliveriesTable, rulesTable, silencesTable, when } from './alert-format';
import type { AlertsContext } from './alerts.command';
import { CliError, deleteJson, getAllPages, postJson, putJson } from './api-client';

/**
 * `twinlog alerts` channels, rules, silences and deliveries: what routes alerts to people,
 * what holds them back, and what was sent.
 */
export async function alertsConfigCommand(
  verb: string,
  args: string[],
  ctx: AlertsContext,
): Promise<number> {
  const json = args.includes('--json');
  const print = (value: unknown, lines: () => string[]) => {
    if (json) ctx.out(JSON.stringify(value, null, 2));
    else for (const line of lines()) ctx.out(line);
  };
  switch (verb) {
    case 'channels': {
      const channels = await getAllPages<ChannelView>(ctx.base, '/v1/alert-channels', 'channels');
      print(channels, () => (channels.length ? channelsTable(channels) : ['No channels.']));
      return 0;
    }
    case 'channel':
      return channel(args, ctx, print);
    case 'rules': {
      const rules = await getAllPages<RuleView>(ctx.base, '/v1/alert-rules', 'rules');
      print(rules, () => (rules.length ? rulesTable(rules) : ['No rules.']));
      return 0;
    }
    case 'rule':
      return rule(args, ctx, print);
    case 'silence': {
      const silence = await postJson<SilenceView>(
        ctx.base,
        '/v1/silences',
        silenceBody(args, ctx.now()),
      );
      print(silence, () => [
        `${silence.silenceId}: ${silence.twinId ?? `site ${silence.site ?? '?'}`} ${silence.kind === 'maintenance-window' ? 'in maintenance' : 'silenced'} until ${when(silence.to)} UTC`,
      ]);
      return 0;
    }
    case 'silences': {
      const active = args.includes('--active') ? '?active=true' : '';
      const silences = await getAllPages<SilenceView>(
        ctx.base,
        `/v1/silences${active}`,
        'silences',
      );
      print(silences, () => (silences.length ? silencesTable(silences) : ['No silences.']));
      return 0;
    }
    case 'unsilence': {
      const id = oneWord(args, 'alerts unsilence ID');
      await deleteJson(ctx.base, `/v1/silences/${encodeURIComponent(id)}`);
      ctx.out(`${id} lifted.`);
      return 0;
    }
    case 'deliveries': {
      const query = new URLSearchParams();
      for (const [flag, key] of [
        ['status', 'status'],
        ['alert', 'alertId'],
        ['channel', 'channelId'],
      ] as const) {
        const value = optionValue(args, flag);
        if (value !== undefined) query.set(key, value);
      }
      const deliveries = await getAllPages<DeliveryView>(
        ctx.base,
        `/v1/alert-deliveries${query.size ? `?${query}` : ''}`,
        'deliveries',
      );
      print(deliveries, () =>
        deliveries.length ? deliveriesTable(deliveries) : ['No deliveries.'],
      );
      return 0;
    }
    case 'redeliver': {
      const id = oneWord(args, 'alerts redeliver ID');
      const delivery = await postJson<DeliveryView>(
        ctx.base,
        `/v1/alert-deliveries/${encodeURIComponent(id)}/redeliver`,
        {},
      );
      print(delivery, () => [
        `${delivery.deliveryId} is ${delivery.status} again (to ${delivery.channelId}).`,
      ]);
      return 0;
    }
    default:
      throw new CliError(`unknown alerts command "${verb}": see twinlog help`);
  }
}

type Print = (value: unknown, lines: () => string[]) => void;

async function channel(args: string[], ctx: AlertsContext, print: Print): Promise<number> {
  const [action, ...rest] = args;
  switch (action) {
    case 'add': {
      const [kind, ...targets] = positionals(rest);
      const name = optionValue(rest, 'name');
      const named = name === undefined ? {} : { name };
      let body: object;
      if (kind === 'webhook' && targets.length === 1)
        body = {
          kind,
          url: targets[0],
          secret: webhookSecret(rest, ctx.webhookSecret, ctx.cwd),
          ...named,
        };
      else if ((kind === 'slack' || kind === 'teams') && targets.length === 1)
        body = { kind, url: targets[0], ...named };
      else if (kind === 'email' && targets.length > 0) body = { kind, to: targets, ...named };
      else
        throw new CliError(
          'usage: twinlog alerts channel add webhook URL [--secret-file PATH] | slack URL | teams URL | email ADDRESS...',
        );
      const made = await postJson<ChannelView>(ctx.base, '/v1/alert-channels', body);
      print(made, () => [
        `${made.channelId}: ${made.kind} channel "${made.name}" to ${made.display}`,
      ]);
      return 0;
    }
    case 'test': {
      const id = oneWord(rest, 'alerts channel test ID');
      const result = await postJson<{ ok: boolean; status: number | null; error: string | null }>(
        ctx.base,
        `/v1/alert-channels/${encodeURIComponent(id)}/test`,
        {},
      );
      print(result, () => [
        result.ok
          ? `${id}: delivered${result.status !== null ? ` (${result.status})` : ''}`
          : `${id}: NOT delivered${result.status !== null ? ` (${result.status})` : ''}: ${result.error ?? ''}`,
      ]);
      // A test that did not arrive is the negative answer a script checks for.
      return result.ok ? 0 : 1;
    }
    case 'rm': {
      const id = oneWord(rest, 'alerts channel rm ID');
      await deleteJson(ctx.base, `/v1/alert-channels/${encodeURIComponent(id)}`);
      ctx.out(`${id} removed.`);
      return 0;
    }
    default:
      throw new CliError('usage: twinlog alerts channel add|test|rm ...');
  }
}

async function rule(args: string[], ctx: AlertsContext, print: Print): Promise<number> {
  const [action, ...rest] = args;
  switch (action) {
    case 'set': {
      const id = optionValue(rest, 'id');
      const body = ruleBody(rest);
      const set =
        id === undefined
          ? await postJson<RuleView>(ctx.base, '/v1/alert-rules', body)
          : await putJson<RuleView>(ctx.base, `/v1/alert-rules/${encodeURIComponent(id)}`, body);
      print(set, () => rulesTable([set]));
      return 0;
    }
    case 'rm': {
      const id = oneWord(rest, 'alerts rule rm ID');
      await deleteJson(ctx.base, `/v1/alert-rules/${encodeURIComponent(id)}`);
      ctx.out(`${id} removed.`);
      return 0;
    }
    default:
      throw new CliError('usage: twinlog alerts rule set ... | rule rm ID');
  }
}

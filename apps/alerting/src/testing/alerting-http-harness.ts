import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Module, type INestApplication } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import type { Role } from '@twinlog/domain';
import {
  type AuthenticatedRequest,
  CLOCK,
  HttpErrorFilter,
  jsonBodiesOnly,
  QueryGuard,
  RoleGuard,
} from '@twinlog/service-kit';
import { ALERTING_API } from '../alerting-api';
import { ALERTING_HTTP_API } from '../http-api';
import { FakeAlertingApi } from './fake-alerting-api';

/** Who calls, in a test: a role and the sites (`*` for all). */
export interface TestCaller {
  role: Role;
  sites?: '*' | string[];
}

/**
 * The alerting controllers on a loopback port, over a {@link FakeAlertingApi}, with the guards
 * and the error envelope every service has. The caller is the `x-test-caller` header's
 * (`role` or `role:site1,site2`), an admin of every site without one.
 */
export async function startAlertingHttp(now = '2026-12-06T12:00:00.000Z') {
  const api = new FakeAlertingApi();
  @Module({
    controllers: ALERTING_HTTP_API,
    providers: [
      { provide: ALERTING_API, useValue: api },
      { provide: CLOCK, useValue: () => now },
      { provide: APP_GUARD, useClass: RoleGuard },
    ],
  })
  class AlertingTestModule {}
  const app: INestApplication = await NestFactory.create(AlertingTestModule, { logger: false });
  app.use(jsonBodiesOnly());
  app.use((req: AuthenticatedRequest, _res: unknown, next: () => void) => {
    const header = req.headers['x-test-caller'];
    const [role = 'admin', sites] = (typeof header === 'string' ? header : 'admin').split(':');
    req.principal = {
      id: `key:test-${role}`,
      role: role as Role,
      sites: sites === undefined ? '*' : sites.split(','),
    };
    next();
  });
  app.useGlobalFilters(new HttpErrorFilter());
  app.useGlobalGuards(new QueryGuard());
  await app.listen(0, '127.0.0.1');
  const port = ((app.getHttpServer() as Server).address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;

  async function call(
    method: string,
    path: string,
    options: { body?: unknown; as?: string; raw?: string } = {},
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests probe the JSON freely
  ): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = {};
    if (options.as) headers['x-test-caller'] = options.as;
    const payload =
      options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, { method, headers, body: payload ?? null });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  return { api, call, close: () => app.close() };
}

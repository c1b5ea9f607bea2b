import type { INestApplication } from '@nestjs/common';

/** Method and path (`/v1/twins/:twinId`) of every HTTP route of a Nest app, from Express 5's router. */
export function httpRoutesOf(app: INestApplication): Array<{ method: string; path: string }> {
  const express = app.getHttpAdapter().getInstance() as {
    router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> };
  };
  return express.router.stack.flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods).map((method) => ({
          method: method.toUpperCase(),
          path: layer.route!.path,
        }))
      : [],
  );
}

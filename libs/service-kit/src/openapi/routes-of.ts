import type { Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import type { Role } from '@twinlog/domain';
import { routeAccess } from '../auth/roles.decorator';
import { queryParamsOf, type QuerySchema } from '../http/query-params';
import { describedRoute, type RouteDescription } from '../http/route-description';

/** One route of the API, as the OpenAPI document describes it. */
export interface ApiRoute {
  /** Lower case, as OpenAPI names operations: `get`, `post`. */
  method: 'get' | 'post' | 'put' | 'delete' | 'patch';
  /** The OpenAPI path: `/v1/twins/{twinId}`. */
  path: string;
  query?: QuerySchema;
  description: RouteDescription;
  /** Who may call it; `public` answers without a credential (the probes, the document). */
  access: { role: Role; allSites: boolean } | 'public';
  /** The success status. */
  status: number;
  /** Where it comes from, for messages: `TwinsHttpController.list`. */
  source: string;
  /** The group it is listed under (the service that answers it). */
  tag?: string;
}

const METHODS: Partial<Record<RequestMethod, ApiRoute['method']>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.DELETE]: 'delete',
  [RequestMethod.PATCH]: 'patch',
};

/**
 * The routes of Nest HTTP controllers, read from the same metadata Nest routes by (path,
 * method, status) and Twinlog's own (`@QueryParams`, `@Describe`, `@Requires`). A route
 * without `@Describe` is an error: the document must not quietly leave a route out.
 */
export function routesOf(controllers: Type<unknown>[], tag?: string): ApiRoute[] {
  return controllers.flatMap((controller) => {
    const base = pathsOf(Reflect.getMetadata(PATH_METADATA, controller));
    const prototype = controller.prototype as Record<string, unknown>;
    return Object.getOwnPropertyNames(prototype).flatMap((name) => {
      const handler = prototype[name];
      if (typeof handler !== 'function' || name === 'constructor') return [];
      const verb = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      const own = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (verb === undefined || own === undefined) return [];
      const method = METHODS[verb];
      const source = `${controller.name}.${name}`;
      if (!method) throw new Error(`${source}: method ${RequestMethod[verb]} is not described`);
      const description = describedRoute(handler);
      if (!description) throw new Error(`${source}: no @Describe({ summary, response })`);
      const code = Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined;
      const query = queryParamsOf(handler);
      return base.flatMap((prefix) =>
        pathsOf(own).map((suffix): ApiRoute => ({
          method,
          path: openApiPath(prefix, suffix),
          ...(query ? { query } : {}),
          description,
          access: routeAccess(controller, handler, method.toUpperCase()),
          status: description.status ?? code ?? (method === 'post' ? 201 : 200),
          source,
          ...(tag ? { tag } : {}),
        })),
      );
    });
  });
}

function pathsOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return [''];
  return Array.isArray(value) ? value : [value];
}

/** `v1/twins` + `:twinId/history` → `/v1/twins/{twinId}/history`. */
export function openApiPath(prefix: string, suffix: string): string {
  const joined = [prefix, suffix]
    .flatMap((part) => part.split('/'))
    .filter((segment) => segment !== '')
    .map((segment) => segment.replace(/^:(\w+)$/, '{$1}'));
  return `/${joined.join('/')}`;
}

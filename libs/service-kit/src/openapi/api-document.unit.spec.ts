import 'reflect-metadata';
import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { z } from 'zod';
import { Requires, RequiresAllSites } from '../auth/roles.decorator';
import { pageOf, pagingParams } from '../http/paging';
import { q, QueryParams } from '../http/query-params';
import { Describe } from '../http/route-description';
import { apiDocument } from './api-document';
import { openApiPath, routesOf } from './routes-of';

const THING = z.object({ id: z.string() }).meta({ id: 'Thing' });

@Controller('v1/things')
class ThingsHttpController {
  @Get()
  @QueryParams(z.object({ colour: q.text(20).optional(), ...pagingParams(50) }))
  @Describe({
    summary: 'List things',
    response: pageOf('things', THING),
    headers: { 'X-Since': { schema: z.string().max(8), description: 'where to start' } },
  })
  list() {
    return { things: [], next: null };
  }

  @Post(':id/paint')
  @Requires('operator')
  @Describe({
    summary: 'Paint a thing',
    body: z.object({ colour: z.string() }).strict(),
    response: THING,
    errors: { 404: 'THING_NOT_FOUND' },
  })
  paint() {
    return { id: 'a' };
  }

  @Delete(':id')
  @HttpCode(202)
  @RequiresAllSites()
  @Describe({ summary: 'Remove a thing', response: THING })
  remove() {
    return { id: 'a' };
  }
}

@Controller('v1/quiet')
class UndescribedHttpController {
  @Get()
  quiet() {
    return {};
  }
}

describe('the OpenAPI document of Nest controllers', () => {
  it('reads paths, methods, statuses and access from the routes themselves', () => {
    const routes = routesOf([ThingsHttpController], 'things');
    expect(routes.map((r) => [r.method, r.path, r.status, r.access, r.source, r.tag])).toEqual([
      [
        'get',
        '/v1/things',
        200,
        { role: 'viewer', allSites: false },
        'ThingsHttpController.list',
        'things',
      ],
      [
        'post',
        '/v1/things/{id}/paint',
        201,
        { role: 'operator', allSites: false },
        'ThingsHttpController.paint',
        'things',
      ],
      [
        'delete',
        '/v1/things/{id}',
        202,
        { role: 'admin', allSites: true },
        'ThingsHttpController.remove',
        'things',
      ],
    ]);
    expect(openApiPath('/v1/twins/', ':twinId/history')).toBe('/v1/twins/{twinId}/history');
  });

  it('refuses a route without a description, naming it', () => {
    expect(() => routesOf([UndescribedHttpController])).toThrow(
      'UndescribedHttpController.quiet: no @Describe({ summary, response })',
    );
  });

  it('builds each operation from the schemas: parameters, body, answers and refusals', () => {
    const doc = apiDocument(routesOf([ThingsHttpController]), {
      title: 't',
      version: '1',
      description: 'd',
    });
    const list = doc.paths['/v1/things']!['get'] as Record<string, unknown>;
    expect(list['parameters']).toEqual([
      {
        name: 'colour',
        in: 'query',
        required: false,
        schema: { type: 'string', minLength: 1, maxLength: 20 },
      },
      {
        $ref: '#/components/parameters/PageLimit',
        description: 'The page size, 1 to 50 (default 50)',
      },
      { $ref: '#/components/parameters/PageCursor' },
      {
        name: 'X-Since',
        in: 'header',
        required: false,
        description: 'where to start',
        schema: { type: 'string', maxLength: 8 },
      },
    ]);
    const remove = doc.paths['/v1/things/{id}']?.['delete'] as {
      responses: Record<string, unknown>;
    };
    expect(Object.keys(remove.responses)).toEqual([
      '202',
      '400',
      '401',
      '403',
      '413',
      '415',
      '429',
      '5XX',
      'default',
    ]);
    const post = doc.paths['/v1/things/{id}/paint']!['post'] as {
      requestBody: unknown;
      responses: Record<string, unknown>;
    };
    expect(post.requestBody).toEqual({
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: { colour: { type: 'string' } },
            required: ['colour'],
            additionalProperties: false,
          },
        },
      },
    });
    expect(post.responses['201']).toEqual({
      description: 'Paint a thing',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
    });
    expect(post.responses['404']).toEqual({
      description: 'THING_NOT_FOUND',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    });
    expect((doc.components['schemas'] as Record<string, unknown>)['Thing']).toEqual({
      type: 'object',
      properties: { id: { type: 'string' } },
      required: ['id'],
      additionalProperties: false,
    });
  });

  it('refuses a route described twice', () => {
    const routes = routesOf([ThingsHttpController]);
    expect(() =>
      apiDocument([...routes, routes[0]!], { title: 't', version: '1', description: 'd' }),
    ).toThrow('GET /v1/things is described twice');
  });
});

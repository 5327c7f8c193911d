import { z } from 'zod';
import { ErrorResponseSchema } from '../contract/common.ts';
import * as contract from '../contract/index.ts';
import { pageItemOf } from '../contract/paging.ts';
import { pathParams, type Route } from '../http/route.ts';

function schema(s: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'openapi-3.0' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/** The contract's exported schemas by object: `FooSchema` is named `Foo` in the document. */
const CONTRACT_NAMES = (() => {
  const names = new Map<unknown, string>();
  for (const [key, value] of Object.entries(contract))
    if (value instanceof z.ZodType && key.endsWith('Schema') && !names.has(value))
      names.set(value, key.slice(0, -'Schema'.length));
  return names;
})();

/** The name of a contract schema (a page of a named item is `<Item>Page`), or undefined for an inline one. */
export function contractName(s: z.ZodType): string | undefined {
  const direct = CONTRACT_NAMES.get(s);
  if (direct) return direct;
  const item = pageItemOf(s);
  const itemName = item && CONTRACT_NAMES.get(item);
  return itemName ? `${itemName}Page` : undefined;
}

/** `components.schemas` being filled: a named schema goes there once and is referenced by `$ref`. */
type Components = Map<string, Record<string, unknown>>;

function named(s: z.ZodType, io: 'input' | 'output', components: Components): Record<string, unknown> {
  const base = contractName(s);
  if (!base) return schema(s, io);
  const json = schema(s, io);
  // Read as input (defaults optional, transforms' input types) a schema may differ from its output: then the input
  // gets its own name.
  const differs =
    io === 'input' &&
    !/(Input|Body|Request)$/.test(base) &&
    JSON.stringify(json) !== JSON.stringify(schema(s, 'output'));
  const name = differs ? `${base}Input` : base;
  components.set(name, json);
  return { $ref: `#/components/schemas/${name}` };
}

function parameters(r: Route): unknown[] {
  const out: unknown[] = [];
  const shape = (r.params as z.ZodObject | undefined)?.shape as Record<string, z.ZodType> | undefined;
  for (const name of pathParams(r.path)) {
    const s = shape?.[name];
    out.push({ name, in: 'path', required: true, schema: s ? schema(s, 'input') : { type: 'string' } });
  }
  if (r.query) {
    const q = schema(r.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, s] of Object.entries(q.properties ?? {})) {
      out.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema: s });
    }
  }
  return out;
}

export interface RouteGroup {
  /** Where the group is mounted (`/api`, `/open311/v2`). */
  base: string;
  routes: readonly Route[];
  /** The error body of the group (GeoReport v2 has its own). */
  errorSchema?: z.ZodType;
}

function operation(r: Route, errorSchema: z.ZodType, components: Components): Record<string, unknown> {
  const errorContent = { 'application/json': { schema: named(errorSchema, 'output', components) } };
  const status = r.status ?? 200;
  const responses: Record<string, unknown> = {
    [String(status)]: {
      description: status === 204 ? 'No content' : 'OK',
      ...(status !== 204 && (r.response || r.responseType)
        ? {
            content: {
              [r.responseType ?? 'application/json']: {
                schema: r.response ? named(r.response, 'output', components) : { type: 'string' },
              },
            },
          }
        : {}),
    },
  };
  const add = (code: number, description: string) => {
    responses[String(code)] ??= { description, content: errorContent };
  };
  if (r.body || r.query || r.path.includes('{')) add(400, '输入无效 / invalid input (names the field or parameter)');
  if (r.roles !== null) {
    add(401, '未登录或令牌无效 / missing, expired or revoked token');
    add(403, '权限不足或须先修改密码 / role not allowed, or the one-time password must be changed first');
  }
  if (r.object) add(404, '未找到（或属于其他部门）/ not found, or another department’s');
  for (const [code, description] of Object.entries(r.errors ?? {})) add(Number(code), description);
  return {
    summary: r.summary,
    tags: [r.tag],
    operationId: `${r.method}${r.path.replace(/[{}]/g, '').replace(/[/.-](\w)/g, (_, c: string) => c.toUpperCase())}`,
    'x-roles':
      r.roles === null ? 'public' : r.roles.length ? [...new Set([...r.roles, 'admin'])] : 'any authenticated user',
    ...(r.object
      ? { 'x-object': { kind: r.object.kind, write: r.object.write ?? (r.method === 'get' ? 'visible' : 'owner') } }
      : {}),
    ...(r.roles === null ? { security: [] } : {}),
    parameters: parameters(r),
    ...(r.body || r.bodyType
      ? {
          requestBody: {
            required: true,
            content: {
              [r.bodyType ?? 'application/json']: {
                schema: r.body ? named(r.body, 'input', components) : { type: 'object' },
              },
            },
          },
        }
      : {}),
    responses,
  };
}

/**
 * The OpenAPI 3.0 document, generated from the mounted route tables and the zod contract: every route the
 * service answers is in it (the route × role test checks the same tables).
 */
export function openApiDocument(groups: readonly RouteGroup[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Components = new Map();
  for (const g of groups) {
    for (const r of g.routes) {
      const key = g.base === '/api' ? r.path : `${g.base}${r.path}`;
      const item = (paths[key] ??= g.base === '/api' ? {} : { servers: [{ url: '/' }] });
      item[r.method] = operation(r, g.errorSchema ?? ErrorResponseSchema, components);
    }
  }
  return {
    openapi: '3.0.3',
    info: {
      title: '巡查 Xuncha mission service',
      version: '0.1.0',
      description:
        '无人机巡查：区域、航线计划、定期巡查、无人机、任务、遥测、照片导入、案件、Open311 / areas, plans, schedules, drones, missions, telemetry, imagery ingest, cases, Open311 GeoReport v2. ' +
        'Errors: { error: { code, message, details } } (Open311: [{ code, description }]); validation errors name the field in details[].field.',
    },
    servers: [{ url: '/api' }],
    components: {
      schemas: Object.fromEntries([...components].sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
    security: [{ bearer: [] }],
    paths,
  };
}

/** The browsable page (no inline script or style: the CSP allows only files of this service). */
export const DOCS_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Xuncha API</title><link rel="stylesheet" href="docs.css"></head>
<body><h1>巡查 Xuncha API</h1><p><a href="openapi.json">openapi.json</a></p><div id="ops">加载中… / loading…</div>
<script src="docs.js"></script></body></html>`;

export const DOCS_CSS = `body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}h2{border-bottom:1px solid #ccc}
details{margin:.3em 0;border:1px solid #ddd;border-radius:4px;padding:.3em .6em}summary{cursor:pointer}
.m{display:inline-block;width:4.5em;font-weight:bold;text-transform:uppercase}.get{color:#07a}.post{color:#080}.put{color:#a60}.patch{color:#a60}.delete{color:#b00}
pre{background:#f6f6f6;padding:.6em;overflow:auto;max-height:30em}.roles{color:#666;font-size:90%}`;

export const DOCS_JS = `fetch('openapi.json').then(r=>r.json()).then(doc=>{
  const byTag={};
  for(const [p,ms] of Object.entries(doc.paths))for(const [m,op] of Object.entries(ms))if(op&&op.tags)(byTag[op.tags[0]]??=[]).push([m,p,op]);
  const root=document.getElementById('ops');root.textContent='';
  for(const [tag,list] of Object.entries(byTag)){
    const h=document.createElement('h2');h.textContent=tag;root.append(h);
    for(const [m,p,op] of list){
      const d=document.createElement('details');const s=document.createElement('summary');
      const parts=[['m '+m,m],['',p],['',op.summary],['roles','roles: '+(Array.isArray(op['x-roles'])?op['x-roles'].join(', '):op['x-roles'])]];
      for(const [cls,text] of parts){const e=document.createElement(cls===''?'code':'span');if(cls)e.className=cls;e.textContent=text;s.append(e,' ');}
      const pre=document.createElement('pre');
      pre.textContent=JSON.stringify({parameters:op.parameters,requestBody:op.requestBody,responses:op.responses},null,2);
      d.append(s,pre);root.append(d);
    }
  }
});`;

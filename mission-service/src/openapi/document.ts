import { z } from 'zod';
import { ErrorResponseSchema } from '../contract/common.ts';
import { ROUTES, type RouteDoc } from './routes.ts';

function schema(s: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'openapi-3.0' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

function parameters(r: RouteDoc): unknown[] {
  const out: unknown[] = [];
  for (const m of r.path.matchAll(/\{(\w+)\}/g))
    out.push({ name: m[1], in: 'path', required: true, schema: { type: 'string' } });
  if (r.query) {
    const q = schema(r.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, s] of Object.entries(q.properties ?? {})) {
      out.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema: s });
    }
  }
  return out;
}

const errorContent = () => ({ 'application/json': { schema: schema(ErrorResponseSchema, 'output') } });

/** The OpenAPI 3.0 document, generated from the route table and the zod contract. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const responses: Record<string, unknown> = {
      [String(r.status ?? 200)]: {
        description: 'OK',
        ...(r.response || r.responseType
          ? {
              content: {
                [r.responseType ?? 'application/json']: {
                  schema: r.response ? schema(r.response, 'output') : { type: 'string' },
                },
              },
            }
          : {}),
      },
    };
    if (r.body || r.query || r.path.includes('{'))
      responses['400'] = { description: '输入无效 / invalid input', content: errorContent() };
    if (r.roles !== null) {
      responses['401'] = {
        description: '未登录或令牌无效 / missing, expired or revoked token',
        content: errorContent(),
      };
      if (r.roles.length)
        responses['403'] = { description: '权限不足 / role or department not allowed', content: errorContent() };
    }
    if (r.path.includes('{')) responses['404'] = { description: '未找到 / not found', content: errorContent() };
    (paths[r.path] ??= {})[r.method] = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method}${r.path.replace(/[{}]/g, '').replace(/[/.-](\w)/g, (_, c: string) => c.toUpperCase())}`,
      'x-roles': r.roles === null ? 'public' : r.roles.length ? [...r.roles, 'admin'] : 'any authenticated user',
      ...(r.roles === null ? { security: [] } : {}),
      parameters: parameters(r),
      ...(r.body || r.bodyType
        ? {
            requestBody: {
              required: true,
              content: {
                [r.bodyType ?? 'application/json']: { schema: r.body ? schema(r.body, 'input') : { type: 'object' } },
              },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: '巡查 Xuncha mission service',
      version: '0.1.0',
      description:
        '无人机巡查：区域、航线计划、定期巡查、无人机、任务、遥测、照片导入 / areas, plans, schedules, drones, missions, telemetry, imagery ingest',
    },
    servers: [{ url: '/api' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}

/** A self-contained browsable page (no CDN: the service runs offline) listing every operation with its schemas. */
export const DOCS_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Xuncha API</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}h2{border-bottom:1px solid #ccc}
details{margin:.3em 0;border:1px solid #ddd;border-radius:4px;padding:.3em .6em}summary{cursor:pointer}
.m{display:inline-block;width:4.5em;font-weight:bold;text-transform:uppercase}.get{color:#07a}.post{color:#080}.put{color:#a60}.delete{color:#b00}
pre{background:#f6f6f6;padding:.6em;overflow:auto;max-height:30em}.roles{color:#666;font-size:90%}</style></head>
<body><h1>巡查 Xuncha API</h1><p><a href="openapi.json">openapi.json</a></p><div id="ops">加载中… / loading…</div>
<script>
fetch('openapi.json').then(r=>r.json()).then(doc=>{
  const byTag={};
  for(const [p,ms] of Object.entries(doc.paths))for(const [m,op] of Object.entries(ms))(byTag[op.tags[0]]??=[]).push([m,p,op]);
  const root=document.getElementById('ops');root.textContent='';
  for(const [tag,list] of Object.entries(byTag)){
    const h=document.createElement('h2');h.textContent=tag;root.append(h);
    for(const [m,p,op] of list){
      const d=document.createElement('details');const s=document.createElement('summary');
      s.innerHTML='<span class="m '+m+'"></span><code></code> <span></span> <span class="roles"></span>';
      s.children[0].textContent=m;s.children[1].textContent=p;s.children[2].textContent=op.summary;
      s.children[3].textContent='roles: '+(Array.isArray(op['x-roles'])?op['x-roles'].join(', '):op['x-roles']);
      const pre=document.createElement('pre');
      pre.textContent=JSON.stringify({parameters:op.parameters,requestBody:op.requestBody,responses:op.responses},null,2);
      d.append(s,pre);root.append(d);
    }
  }
});
</script></body></html>`;

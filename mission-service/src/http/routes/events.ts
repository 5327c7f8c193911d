import { canSee } from '../../auth/index.ts';
import { EventsQuerySchema, STREAM_TOPICS } from '../../contract/streams.ts';
import { changeFeedOf, type Change } from '../../events/change-feed.ts';
import { defineRoute, type Route } from '../route.ts';
import type { RouteDeps } from '../route-deps.ts';
import { openSse } from '../sse.ts';

/** How often the change feed looks (the stream's stated rate). */
export const CHANGE_POLL_MS = 1000;

/**
 * `GET /api/events`: case and mission changes as they happen (Server-Sent Events), only those the caller may see;
 * the stream closes when the session ends.
 */
export function eventRoutes(d: RouteDeps): Route[] {
  const { db } = d;
  return [
    defineRoute({
      method: 'get',
      path: '/events',
      summary: '案件与任务变化（SSE，会话结束即关闭）/ case and mission changes, live (Server-Sent Events)',
      tag: 'streams',
      roles: [],
      query: EventsQuerySchema,
      responseType: 'text/event-stream',
      handler({ req, res, user, query }) {
        const topics = new Set(query.topics ?? STREAM_TOPICS);
        const stream = openSse(db, req, res, user);
        stream.send('hello', { stream: 'events', maxHz: 1000 / CHANGE_POLL_MS, onChange: true, topics: [...topics] });
        const off = changeFeedOf(db, CHANGE_POLL_MS).subscribe((c: Change) => {
          if (c.type === 'case' && topics.has('cases') && canSee(user, c.data)) {
            const { assistDepartmentIds: _a, ...data } = c.data;
            stream.send('case', data);
          } else if (c.type === 'mission' && topics.has('missions') && canSee(user, c.data))
            stream.send('mission', c.data);
        });
        stream.onClose(off);
      },
    }),
  ];
}

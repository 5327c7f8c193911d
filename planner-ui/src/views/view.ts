import type { SessionUser } from '@xuncha/mission-service/contract';
import type { Route } from '../router.ts';

export interface ViewContext {
  user: SessionUser;
  route: Route;
}

/** A view renders into `root` and returns what to undo when the page leaves it. */
export type View = (root: HTMLElement, ctx: ViewContext) => (() => void) | Promise<() => void>;

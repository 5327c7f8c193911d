import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { AuthUser, Role } from '../auth/roles.ts';
import type { ObjectKind, ObjectKinds } from './object-kinds.ts';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Path parameters when a route gives no schema: every `{name}` is an id (checked); `id` the usual one. */
export type PathParams = Record<string, string> & { id: string };

/**
 * What a route does with the object its path names (`{id}` by default): it is loaded before anything else and
 * hidden (404) from callers of other departments; for changes (`write: 'owner'`, the default for every method but
 * GET) the caller must also be allowed to change it (403 otherwise, see `canChange`).
 */
export interface ObjectRule<K extends ObjectKind> {
  kind: K;
  param?: string;
  write?: 'owner' | 'visible';
}

export interface RouteContext<Q, B, P, K extends ObjectKind> {
  req: Request;
  res: Response;
  /** The signed-in caller; throws 401 on a public route without a session. */
  readonly user: AuthUser;
  /** The caller if any (public routes). */
  caller: AuthUser | undefined;
  query: Q;
  body: B;
  params: P;
  /** The object the path names, loaded and checked (routes with `object`). */
  object: ObjectKinds[K];
  /** Answers with another success status than the route's (e.g. 200 instead of 201 for an existing object). */
  setStatus(status: number): void;
}

/**
 * One route of the API: method, path (OpenAPI form, `/cases/{id}`), who may call it, the object its path names,
 * its zod schemas and its handler. The app is mounted from these, the OpenAPI document is generated from them and
 * the route × role × department test walks them: a route exists in all three or in none.
 */
export interface RouteSpec<Q = unknown, B = unknown, P = PathParams, K extends ObjectKind = never> {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  /** Roles allowed; [] = any signed-in user; null = public. Admin passes everywhere. */
  roles: readonly Role[] | null;
  /** Answers while the caller's password must be changed (change it, who am I, log out). */
  allowPendingPasswordChange?: boolean;
  /** Another credential that satisfies the roles (e.g. the metrics scraper's token); checked before the session. */
  altCredential?: (req: Request) => boolean;
  object?: ObjectRule<K>;
  /** Path parameters; default: every `{name}` is an id (IdSchema). */
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Request media type when not JSON (multipart/form-data, files). */
  bodyType?: string;
  /** The handler reads the body itself when it is not JSON (a Buffer from `middleware`, a multipart stream). */
  rawBody?: boolean;
  /** Runs after the role check and before the object check and validation (body parsers, rate limits). */
  middleware?: RequestHandler[];
  response?: z.ZodType;
  responseType?: string;
  /** Success status (default 200; 204 sends no body). */
  status?: number;
  /** More statuses the route answers, for the document: `{ 409: 'area in use' }`. */
  errors?: Record<number, string>;
  handler(ctx: RouteContext<Q, B, P, K>): unknown;
}

/** A route with its types erased, as tables hold them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the table holds routes of every shape
export type Route = RouteSpec<any, any, any, any>;

/** Declares a route (typed context from its schemas and object kind). */
export function defineRoute<Q = unknown, B = unknown, P = PathParams, K extends ObjectKind = never>(
  spec: RouteSpec<Q, B, P, K>,
): Route {
  return spec as Route;
}

/** `/cases/{id}` → `/cases/:id` (Express 5 path syntax). */
export function expressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/** The `{name}` parameters of a path. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

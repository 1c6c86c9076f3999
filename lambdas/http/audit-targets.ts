import type { Stage } from '../core/stage.js';
import type { RouteAudit } from './http-handler.js';

type Body = Readonly<Record<string, unknown>>;

const stageIn = (body: Body, fallback: Stage): Stage =>
  body.stage === 'draft' || body.stage === 'main' ? body.stage : fallback;

/** The audit targets of the routes: which name a body is about, and in which bucket. */
export const auditOf = {
  /** A URL or form into the draft bucket. */
  draft: (action: RouteAudit['action']): RouteAudit => ({
    action,
    target: (body) => ({ name: body.object_name, stage: 'draft' }),
  }),
  /** A route with an optional `stage`, read from `fallback` when absent. */
  staged: (action: RouteAudit['action'], fallback: Stage): RouteAudit => ({
    action,
    target: (body) => ({ name: body.object_name, stage: stageIn(body, fallback) }),
  }),
  /** Confirm writes into main. */
  confirm: (): RouteAudit => ({
    action: 'confirm',
    target: (body) => ({ name: body.object_name, stage: 'main' }),
  }),
  /** A listing is about the owner's prefix. */
  list: (): RouteAudit => ({
    action: 'list',
    target: (body) => ({
      name: typeof body.prefix === 'string' ? body.prefix : '',
      stage: stageIn(body, 'main'),
    }),
  }),
};

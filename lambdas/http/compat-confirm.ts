import { environmentServices } from '../compose.js';
import { confirmChecks } from '../inspection/confirm-checks.js';
import { compatObjectRequest } from '../contract/compat.js';
import { COMPAT_ROUTE, compatSuccess } from './compat-response.js';
import { auditOf } from './audit-targets.js';
import { jsonRoute } from './http-handler.js';

/** POST /api/v1/draft/confirm (original DraftStore): moves the draft to the main bucket. */
export const createCompatConfirmHandler = jsonRoute(
  compatObjectRequest,
  async (input, { caller, services }) => {
    await services.drafts.confirm(caller, { objectName: input.object_name });
    return compatSuccess();
  },
  { ...COMPAT_ROUTE, audit: auditOf.confirm() },
);

export const handler = createCompatConfirmHandler(() =>
  environmentServices({ checks: confirmChecks }),
);

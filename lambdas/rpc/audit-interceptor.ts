import type { Interceptor } from '@connectrpc/connect';
import type { OperationAudit } from '../contract/operation.js';
import type { Stage } from '../gen/draft/v1/draft_pb.js';
import { audited, subjectOf } from '../observability/audit.js';
import { originOf, ownerOf } from './rpc-context.js';
import { domainStageOf } from './stages.js';

/** The fields of a draft.v1 request an audit line reads. */
interface AuditedFields {
  readonly objectName?: unknown;
  readonly prefix?: unknown;
  readonly stage?: Stage;
}

/**
 * Writes each RPC's audit line, with the action and target its operation declares
 * (`auditOf(method)`), as REST's handlers do for routes. Placed innermost, it sees the
 * domain's errors before they become ConnectErrors.
 */
export const auditInterceptor =
  (auditOf: (method: string) => OperationAudit | undefined): Interceptor =>
  (next) =>
  (request) => {
    const audit = auditOf(request.method.localName);
    if (audit === undefined) return next(request);
    const { about, stage } = audit;
    const fields = request.message as AuditedFields;
    return audited(
      audit.action,
      originOf(request.contextValues, request.header),
      () =>
        subjectOf(
          ownerOf(request.contextValues),
          about === undefined ? fields.objectName : about === 'prefix' ? fields.prefix : undefined,
          typeof stage === 'object' ? (domainStageOf(fields.stage!) ?? stage.unset) : stage,
        ),
      () => next(request),
    );
  };

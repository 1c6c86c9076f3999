import { ROUTE_TABLE } from '../../lambdas/http/route-table.js';
import { UPLOAD_TOKEN_SECRET_ENV } from '../../lambdas/secrets/upload-token-secret-env.js';
import { bucketArn, objectsArn, synth, type Synthesized } from './synth.js';

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown };

const MULTIPART = ['MultipartCreate', 'MultipartSignParts', 'MultipartListParts'].concat([
  'MultipartComplete',
  'MultipartAbort',
]);
const pascal = (name: string) =>
  name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
const ALL = [...ROUTE_TABLE.map((route) => pascal(route.entry)), 'Cleanup', 'Connect'];

const statementsOf = ({ template }: Synthesized, fn: string): Statement[] => {
  const [policy] = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) =>
    id.startsWith(`DraftStore${fn}RoleDefaultPolicy`),
  );
  return policy![1].Properties.PolicyDocument.Statement as Statement[];
};

const storageOf = (synthesized: Synthesized, fn: string) =>
  Object.fromEntries(
    statementsOf(synthesized, fn)
      // Usage table access is checked in usage-table.test.ts.
      .filter(
        (statement) =>
          statement.Sid !== undefined &&
          statement.Sid !== 'WriteOwnLogs' &&
          statement.Sid !== 'ReadUsage',
      )
      .map((statement) => [
        statement.Sid,
        { Action: statement.Action, Resource: statement.Resource },
      ]),
  );

const readsSecret = (synthesized: Synthesized, fn: string, secretId: string) =>
  statementsOf(synthesized, fn).some(
    (statement) =>
      [statement.Action].flat().includes('secretsmanager:GetSecretValue') &&
      JSON.stringify(statement.Resource) === JSON.stringify({ Ref: secretId }),
  );

describe('the multipart functions', () => {
  let synthesized: Synthesized;
  let draft: string;
  let main: string;
  let secretId: string;

  beforeAll(() => {
    synthesized = synth();
    draft = synthesized.bucketId(synthesized.stack.draftStore.draftBucket);
    main = synthesized.bucketId(synthesized.stack.draftStore.mainBucket);
    const secrets = Object.keys(synthesized.template.findResources('AWS::SecretsManager::Secret'));
    expect(secrets).toHaveLength(1);
    secretId = secrets[0]!;
  });

  it('serves each multipart route from its own function behind the HTTP API', () => {
    const routes = Object.values(synthesized.template.findResources('AWS::ApiGatewayV2::Route'))
      .map((route) => route.Properties.RouteKey as string)
      .filter((key) => key.includes('/multipart/'));
    expect(routes.sort()).toEqual(
      ['abort', 'complete', 'create', 'list-parts', 'sign-parts'].map(
        (name) => `POST /api/v1/multipart/${name}`,
      ),
    );
  });

  it('grants exactly what each route does, on the draft bucket but for complete reading main', () => {
    const put = { WriteObjects: { Action: 's3:PutObject', Resource: objectsArn(draft) } };
    expect(storageOf(synthesized, 'MultipartCreate')).toEqual(put);
    expect(storageOf(synthesized, 'MultipartSignParts')).toEqual(put);
    expect(storageOf(synthesized, 'MultipartListParts')).toEqual({
      ListUploadParts: { Action: 's3:ListMultipartUploadParts', Resource: objectsArn(draft) },
    });
    // A repeated complete whose draft was confirmed since HEADs main's copy.
    expect(storageOf(synthesized, 'MultipartComplete')).toEqual({
      ...put,
      ReadObjects: { Action: 's3:GetObject', Resource: [objectsArn(draft), objectsArn(main)] },
      DeleteObjects: { Action: 's3:DeleteObject', Resource: objectsArn(draft) },
      ListBuckets: { Action: 's3:ListBucket', Resource: [bucketArn(draft), bucketArn(main)] },
      AbortMultipartUploads: { Action: 's3:AbortMultipartUpload', Resource: objectsArn(draft) },
    });
    expect(storageOf(synthesized, 'MultipartAbort')).toEqual({
      ReadObjects: { Action: 's3:GetObject', Resource: objectsArn(draft) },
      DeleteObjects: { Action: 's3:DeleteObject', Resource: objectsArn(draft) },
      ListBuckets: { Action: 's3:ListBucket', Resource: bucketArn(draft) },
      AbortMultipartUploads: { Action: 's3:AbortMultipartUpload', Resource: objectsArn(draft) },
    });
  });

  it('creates the token key secret and lets only the multipart and connect functions read it', () => {
    const readers = ALL.filter((fn) => readsSecret(synthesized, fn, secretId));
    expect(readers.sort()).toEqual([...MULTIPART, 'Connect'].sort());
    const secret = synthesized.template.findResources('AWS::SecretsManager::Secret')[secretId]!;
    expect(secret.Properties.GenerateSecretString).toEqual({
      PasswordLength: 64,
      ExcludePunctuation: true,
    });
  });

  it('tells exactly those functions which secret holds the key', () => {
    const functions = synthesized.template.findResources('AWS::Lambda::Function');
    const withKey = Object.values(functions).filter(
      (fn) => fn.Properties.Environment?.Variables?.[UPLOAD_TOKEN_SECRET_ENV] !== undefined,
    );
    // The five multipart functions and connect, the readers checked above.
    expect(withKey).toHaveLength(MULTIPART.length + 1);
    for (const [, fn] of Object.entries(functions)) {
      const value = fn.Properties.Environment?.Variables?.[UPLOAD_TOKEN_SECRET_ENV];
      if (value !== undefined) expect(value).toEqual({ Ref: secretId });
    }
  });
});

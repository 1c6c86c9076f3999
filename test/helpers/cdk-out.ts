import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../../lib/bundle-options.js';

/** Where `npm run synth` writes the cloud assembly. */
export const CDK_OUT = join(PROJECT_ROOT, 'cdk.out');

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

export interface Template {
  readonly Resources: Readonly<Record<string, Resource>>;
}

/** A CloudFormation value before deployment: a literal or an intrinsic function. */
type Intrinsic = string | { readonly Ref: string } | { readonly 'Fn::GetAtt': readonly string[] };

/** One Lambda function of the synthesized template, with its bundle in cdk.out. */
export interface DeployedFunction {
  readonly logicalId: string;
  /** The construct id (`UploadUrl`, `Cleanup`, ...), for messages. */
  readonly name: string;
  /** The asset directory Lambda would unzip. */
  readonly assetDir: string;
  /** `Handler` of the template: `<file without extension>.<export>`. */
  readonly handler: string;
  /** The file and export the handler names, as the Node.js runtime finds them. */
  readonly bundle: string;
  readonly exportName: string;
  /** How long Lambda lets one invocation run (`Timeout`; Lambda's default is 3 s). */
  readonly timeoutSeconds: number;
  /** The environment as synthesized: literals, Refs and GetAtts. */
  readonly environment: Readonly<Record<string, Intrinsic>>;
}

export const readTemplate = (outdir = CDK_OUT, stack = 'DraftStore'): Template =>
  JSON.parse(readFileSync(join(outdir, `${stack}.template.json`), 'utf8')) as Template;

const metadata = (resource: Resource, key: string): string | undefined => {
  const value = resource.Metadata?.[key];
  return typeof value === 'string' ? value : undefined;
};

/** `DraftStore/DraftStore/UploadUrl/Function/Resource` → `UploadUrl`. */
const constructName = (resource: Resource, logicalId: string): string =>
  metadata(resource, 'aws:cdk:path')?.split('/').at(-3) ?? logicalId;

/**
 * The file the Node.js runtime loads for a handler's module part: the first of `.js`, `.mjs`
 * and `.cjs` that exists (`.mjs` when none does, for the error message).
 */
const handlerFile = (assetDir: string, module: string): string => {
  const candidates = ['.js', '.mjs', '.cjs'].map((extension) => join(assetDir, module + extension));
  return candidates.find((file) => existsSync(file)) ?? candidates[1]!;
};

/** Every function the template deploys from a local asset (a bundle in cdk.out). */
export const deployedFunctions = (template: Template, outdir = CDK_OUT): DeployedFunction[] =>
  Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .flatMap(([logicalId, resource]) => {
      const assetPath = metadata(resource, 'aws:asset:path');
      if (assetPath === undefined) return [];
      const handler = String(resource.Properties?.Handler ?? '');
      const dot = handler.lastIndexOf('.');
      const assetDir = join(outdir, assetPath);
      const environment = ((resource.Properties?.Environment as { Variables?: object } | undefined)
        ?.Variables ?? {}) as Record<string, Intrinsic>;
      return [
        {
          logicalId,
          name: constructName(resource, logicalId),
          assetDir,
          handler,
          bundle: handlerFile(assetDir, handler.slice(0, dot)),
          exportName: handler.slice(dot + 1),
          timeoutSeconds: Number(resource.Properties?.Timeout ?? 3),
          environment,
        },
      ];
    });

const logicalIdOf = (value: unknown): string | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  if ('Ref' in value && typeof value.Ref === 'string') return value.Ref;
  const getAtt = (value as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
};

const functionById = (functions: readonly DeployedFunction[], logicalId: string | undefined) => {
  const found = functions.find((fn) => fn.logicalId === logicalId);
  if (!found) throw new Error(`the template targets ${logicalId}, which is no bundled function`);
  return found;
};

/** Each API Gateway route key with the function its integration invokes. */
export const routeTargets = (
  template: Template,
  functions: readonly DeployedFunction[],
): Map<string, DeployedFunction> => {
  const resources = template.Resources;
  const routes = new Map<string, DeployedFunction>();
  for (const [id, route] of Object.entries(resources)) {
    if (route.Type !== 'AWS::ApiGatewayV2::Route') continue;
    // Target: {"Fn::Join": ["", ["integrations/", {"Ref": <integration>}]]}
    const join_ = (route.Properties?.Target as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.[
      'Fn::Join'
    ];
    const integrationId = logicalIdOf(join_?.[1].find((part) => typeof part === 'object'));
    const integration = integrationId === undefined ? undefined : resources[integrationId];
    if (integration?.Type !== 'AWS::ApiGatewayV2::Integration') {
      throw new Error(`route ${id} targets no integration (${JSON.stringify(route.Properties)})`);
    }
    routes.set(
      String(route.Properties?.RouteKey),
      functionById(functions, logicalIdOf(integration.Properties?.IntegrationUri)),
    );
  }
  return routes;
};

/** The function behind the Connect function URL. */
export const functionUrlTarget = (
  template: Template,
  functions: readonly DeployedFunction[],
): DeployedFunction => {
  const urls = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Url');
  if (urls.length !== 1) throw new Error(`expected one function URL, found ${urls.length}`);
  return functionById(functions, logicalIdOf(urls[0]!.Properties?.TargetFunctionArn));
};

/** Each scheduled EventBridge rule's function, with the constant input it sends, if any. */
export const scheduleTargets = (
  template: Template,
  functions: readonly DeployedFunction[],
): { fn: DeployedFunction; input?: unknown }[] =>
  Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Events::Rule' && r.Properties?.ScheduleExpression)
    .flatMap((rule) => rule.Properties?.Targets as { Arn: unknown; Input?: string }[])
    .filter((target) => functions.some((fn) => fn.logicalId === logicalIdOf(target.Arn)))
    .map((target) => ({
      fn: functionById(functions, logicalIdOf(target.Arn)),
      ...(target.Input !== undefined && { input: JSON.parse(target.Input) as unknown }),
    }));

/** The logical id of the resource at a construct path ending in `suffix`. */
export const logicalIdAt = (template: Template, suffix: string): string => {
  const ids = Object.entries(template.Resources)
    .filter(([, resource]) => metadata(resource, 'aws:cdk:path')?.endsWith(suffix))
    .map(([id]) => id);
  if (ids.length !== 1)
    throw new Error(`expected one resource at */${suffix}, found ${ids.length}`);
  return ids[0]!;
};

/**
 * The environment a function gets once deployed: literals as they are, each Ref or GetAtt
 * replaced by what `physical` says that resource is here. A reference it does not know is an
 * error naming the variable, so a new dependency of the stack cannot go unnoticed.
 */
export const resolveEnvironment = (
  fn: DeployedFunction,
  physical: Readonly<Record<string, string>>,
): Record<string, string> =>
  Object.fromEntries(
    Object.entries(fn.environment).map(([name, value]) => {
      if (typeof value === 'string') return [name, value];
      const id = logicalIdOf(value);
      const resolved = id === undefined ? undefined : physical[id];
      if (resolved === undefined) {
        throw new Error(
          `${fn.name}: ${name} refers to ${JSON.stringify(value)}, not resolved here`,
        );
      }
      return [name, resolved];
    }),
  );

/** The source files of a bundle, from its source map, as absolute paths. */
export const bundleSources = (fn: DeployedFunction): string[] => {
  const map = JSON.parse(readFileSync(`${fn.bundle}.map`, 'utf8')) as {
    sources: string[];
    sourceRoot?: string;
  };
  return map.sources.map((source) => resolve(fn.assetDir, map.sourceRoot ?? '', source));
};

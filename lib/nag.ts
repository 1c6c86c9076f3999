import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The way cdk-nag names a policy resource in its findings (`Resource::<Bucket.Arn>/*`), so a
 * suppression can list the exact resources it accepts instead of a pattern.
 */
export const nagResourceFinding = (scope: IConstruct, arn: string): string =>
  `Resource::${flatten(Stack.of(scope).resolve(arn))}`;

const flatten = (node: unknown): string => {
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (node !== null && typeof node === 'object') {
    const value = node as Record<string, unknown>;
    if (Array.isArray(value['Fn::Join'])) {
      const [delimiter, items] = value['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if ('Fn::Sub' in value) return flatten(value['Fn::Sub']);
    if (Array.isArray(value['Fn::GetAtt'])) {
      const [resource, attribute] = value['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if ('Fn::ImportValue' in value) return flatten(value['Fn::ImportValue']);
    if ('Ref' in value) return `<${flatten(value.Ref)}>`;
  }
  return JSON.stringify(node);
};

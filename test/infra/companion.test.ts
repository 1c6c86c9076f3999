import { synth } from './synth.js';

const routeKeys = (template: ReturnType<typeof synth>['template']) =>
  Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
    (route) => route.Properties as { RouteKey: string; AuthorizationType?: string },
  );

const companionFunction = (template: ReturnType<typeof synth>['template']) =>
  Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) =>
    id.startsWith('DraftStoreCompanionFunction'),
  )?.[1];

describe('the Companion routes (companionRoutes)', () => {
  it('are absent by default', () => {
    const { template } = synth();
    expect(routeKeys(template).filter((route) => route.RouteKey.includes('/companion'))).toEqual(
      [],
    );
    expect(companionFunction(template)).toBeUndefined();
    const [api] = Object.values(template.findResources('AWS::ApiGatewayV2::Api'));
    expect(api?.Properties.CorsConfiguration.AllowMethods).not.toContain('DELETE');
  });

  it('route GET, POST and DELETE below /companion to one function, with DELETE in CORS', () => {
    const { template } = synth({ companionRoutes: 'true', companionAutoConfirm: 'true' });
    expect(
      routeKeys(template)
        .map((route) => route.RouteKey)
        .filter((key) => key.includes('/companion'))
        .sort(),
    ).toEqual([
      'DELETE /companion/{proxy+}',
      'GET /companion/{proxy+}',
      'POST /companion/{proxy+}',
    ]);
    const fn = companionFunction(template);
    expect(fn?.Properties.Environment.Variables).toMatchObject({
      COMPANION_ROUTES: 'true',
      COMPANION_AUTO_CONFIRM: 'true',
      UPLOAD_TOKEN_SECRET_ARN: expect.anything(),
    });
    const [api] = Object.values(template.findResources('AWS::ApiGatewayV2::Api'));
    expect(api?.Properties.CorsConfiguration.AllowMethods).toContain('DELETE');
  });

  it('sit behind the JWT authorizer when an issuer is set', () => {
    const { template } = synth({
      companionRoutes: 'true',
      jwtIssuer: 'https://issuer.example.com/',
      jwtAudience: 'draftstore-api',
    });
    const companion = routeKeys(template).filter((route) => route.RouteKey.includes('/companion'));
    expect(companion).toHaveLength(3);
    for (const route of companion) expect(route.AuthorizationType).toBe('JWT');
  });

  it('refuses a flag that is not true or false', () => {
    expect(() => synth({ companionRoutes: 'yes' })).toThrow(/companionRoutes/);
  });
});

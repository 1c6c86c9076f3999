import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { loadConfig } from '../../lambdas/config.js';
import { ERROR_TABLE } from '../../lambdas/error-table.js';
import { DraftService } from '../../lambdas/gen/draft/v1/draft_pb.js';
import { ROUTE_TABLE } from '../../lambdas/http/route-table.js';
import { githubSlug, headingAnchors, markdownLinks, tableCodeSpans } from '../helpers/markdown.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * Every route of the service as the code declares it: REST and original routes as
 * `METHOD /path`, draft.v1 RPCs by their proto name. The one place that knows where the
 * operation list lives: retarget it when the list moves.
 */
const serviceRoutes = (): string[] => [
  ...ROUTE_TABLE.map((route) => `${route.method} ${route.path}`),
  ...DraftService.methods.map((method) => method.name),
];

/** `README.md`, `client/README.md` and every Markdown file under `docs/`, relative to the root. */
const markdownFiles = (): string[] => {
  const under = (folder: string): string[] =>
    readdirSync(join(ROOT, folder), { withFileTypes: true }).flatMap((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return under(path);
      return extname(entry.name) === '.md' ? [path] : [];
    });
  return ['README.md', join('client', 'README.md'), ...under('docs')];
};

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** What a relative link points at that is not there, or undefined when it resolves. */
const brokenTarget = (from: string, target: string): string | undefined => {
  const hash = target.indexOf('#');
  const pathPart = decodeURI(hash === -1 ? target : target.slice(0, hash));
  const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const file =
    pathPart === ''
      ? join(ROOT, from)
      : pathPart.startsWith('/')
        ? join(ROOT, pathPart)
        : resolve(ROOT, dirname(from), pathPart);
  if (relative(ROOT, file).startsWith(`..${sep}`)) return 'a path outside the repository';
  if (!existsSync(file)) return `no file ${relative(ROOT, file)}`;
  if (anchor === undefined || anchor === '') return undefined;
  if (statSync(file).isDirectory() || extname(file) !== '.md') {
    return `an anchor in ${relative(ROOT, file)}, which has no headings`;
  }
  return headingAnchors(readFileSync(file, 'utf8')).has(anchor)
    ? undefined
    : `no heading with anchor #${anchor} in ${relative(ROOT, file)}`;
};

const isExternal = (target: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(target);

/** Every code span in a table row of a docs/ page: what "documented in docs/" means here. */
const documentedInDocs = (): Set<string> =>
  new Set(
    markdownFiles()
      .filter((path) => path.startsWith(`docs${sep}`))
      .flatMap((path) => [...tableCodeSpans(read(path))]),
  );

/** The TypeScript sources under these folders (generated code left out). */
const sources = (...folders: string[]): string[] =>
  folders.flatMap((folder) =>
    readdirSync(join(ROOT, folder), { withFileTypes: true }).flatMap((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return path === join('lambdas', 'gen') ? [] : sources(path);
      return /\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
    }),
  );

/**
 * The variables a set of source files reads from the environment: `process.env.X`,
 * `env.X` (functions that take the environment as a parameter), and `env[X]` where X is a
 * string or a constant exported by one of `constantFiles`.
 */
const environmentReads = (files: string[], constantFiles: string[] = files): string[] => {
  const texts = files.map(read);
  const constants = new Map(
    constantFiles
      .map(read)
      .flatMap((text) =>
        [...text.matchAll(/export const ([A-Z][A-Z0-9_]*) = '([A-Z][A-Z0-9_]*)'/g)].map(
          (match) => [match[1]!, match[2]!] as const,
        ),
      ),
  );
  const names = new Set<string>();
  for (const text of texts) {
    for (const match of text.matchAll(/\benv\??\.([A-Z][A-Z0-9_]*)\b/g)) names.add(match[1]!);
    for (const match of text.matchAll(/\benv\[\s*'([A-Z][A-Z0-9_]*)'\s*\]/g)) names.add(match[1]!);
    for (const match of text.matchAll(/\benv\[\s*([A-Z][A-Z0-9_]*)\s*\]/g)) {
      const name = constants.get(match[1]!);
      if (name === undefined) throw new Error(`cannot tell which variable env[${match[1]}] reads`);
      names.add(name);
    }
  }
  return [...names];
};

/** What lambdas/config.ts reads, observed by handing it an environment that records each read. */
const configReads = (): string[] => {
  const read = new Set<string>();
  const recording = new Proxy<NodeJS.ProcessEnv>(
    {},
    {
      get: (_target, name) => {
        if (typeof name === 'string') read.add(name);
        return undefined;
      },
    },
  );
  loadConfig(recording);
  return [...read];
};

/** Fails naming every item the docs leave out. */
const expectDocumented = (what: string, items: Iterable<string>, documented: Set<string>) => {
  const missing = [...new Set(items)].filter((item) => !documented.has(item)).sort();
  if (missing.length > 0) {
    throw new Error(
      `${what} missing from the docs (name each in backticks in a table row): ${missing.join(', ')}`,
    );
  }
  expect(missing).toEqual([]);
};

describe('the docs', () => {
  it('has no broken relative link or anchor in README.md, docs/ or client/README.md', () => {
    const broken = markdownFiles().flatMap((path) =>
      markdownLinks(read(path))
        .filter((link) => !isExternal(link.target))
        .flatMap((link) => {
          const problem = brokenTarget(path, link.target);
          return problem ? [`${path}:${link.line}: (${link.target}) ${problem}`] : [];
        }),
    );
    if (broken.length > 0) throw new Error(`Broken links:\n${broken.join('\n')}`);
    expect(broken).toEqual([]);
  });

  it('documents every route of the service in docs/: REST, the original routes and draft.v1', () => {
    expectDocumented('Routes', serviceRoutes(), documentedInDocs());
  });

  it('documents every environment variable the service reads in docs/', () => {
    const all = sources('lambdas', 'local', 'bin');
    const readers = all.filter((path) => /process\.env|NodeJS\.ProcessEnv/.test(read(path)));
    expectDocumented(
      'Environment variables',
      [...configReads(), ...environmentReads(readers, all)],
      documentedInDocs(),
    );
  });

  it('documents every error code of lambdas/error-table.ts in docs/', () => {
    expectDocumented('Error codes', Object.keys(ERROR_TABLE), documentedInDocs());
  });

  it('documents every environment variable the SDK and CLI read in client/README.md', () => {
    expectDocumented(
      'SDK and CLI environment variables',
      environmentReads(sources(join('client', 'src'))),
      tableCodeSpans(read(join('client', 'README.md'))),
    );
  });
});

describe('the docs check itself', () => {
  it('reads the lists it checks from the code, not an empty list', () => {
    expect(serviceRoutes()).toEqual(
      expect.arrayContaining(['POST /api/v1/upload-url', 'GET /health', 'GetUploadURL']),
    );
    expect(configReads()).toEqual(expect.arrayContaining(['STORAGE_TYPE', 'MAX_UPLOAD_BYTES']));
    expect(environmentReads(sources('lambdas'))).toEqual(
      expect.arrayContaining(['UPLOAD_TOKEN_SECRET_ARN', 'JWT_ISSUER']),
    );
  });

  it("gives headings GitHub's anchors", () => {
    expect(githubSlug('REST API and errors')).toBe('rest-api-and-errors');
    expect(githubSlug('draft.v1.DraftService')).toBe('draftv1draftservice');
    expect(githubSlug('Résumé: 100 % ✔ done')).toBe('résumé-100---done');
    expect(githubSlug('snake_case and-hyphen')).toBe('snake_case-and-hyphen');
    expect([
      ...headingAnchors(
        [
          '# P6: the CLI against `aws s3 cp`',
          '## The local runtime (`npm start`)',
          '## _Emphasis_ and [a link](x.md) and `a_b`',
          '```',
          '# not a heading',
          '```',
          '## Notes',
          '## Notes',
        ].join('\n'),
      ),
    ]).toEqual([
      'p6-the-cli-against-aws-s3-cp',
      'the-local-runtime-npm-start',
      'emphasis-and-a-link-and-a_b',
      'notes',
      'notes-1',
    ]);
  });

  it('finds links in prose and tables but not in code', () => {
    const links = markdownLinks(
      [
        'See [the API](docs/rest-api.md#errors) and <https://example.com>.',
        '| [x](a.md) | `[not](a link)` |',
        '```',
        '[not](a-link.md)',
        '```',
        '[ref]: docs/deploy.md',
      ].join('\n'),
    );
    expect(links).toEqual([
      { target: 'docs/rest-api.md#errors', line: 1 },
      { target: 'https://example.com', line: 1 },
      { target: 'a.md', line: 2 },
      { target: 'docs/deploy.md', line: 6 },
    ]);
  });

  it('reports a missing file and a missing anchor, naming them', () => {
    expect(brokenTarget('README.md', 'docs/nothing-here.md')).toBe('no file docs/nothing-here.md');
    expect(brokenTarget('README.md', 'docs/rest-api.md#no-such-heading')).toBe(
      `no heading with anchor #no-such-heading in ${join('docs', 'rest-api.md')}`,
    );
    expect(brokenTarget(join('docs', 'rpc.md'), 'rest-api.md#errors')).toBeUndefined();
    expect(brokenTarget('README.md', '#architecture')).toBeUndefined();
  });
});

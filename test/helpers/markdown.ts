/**
 * Just enough Markdown reading to check the docs: headings and their GitHub anchors, links,
 * and the code spans in table rows. Fenced code blocks are never read as Markdown.
 */

export interface MarkdownLink {
  readonly target: string;
  /** 1-based, for messages. */
  readonly line: number;
}

/** The lines outside fenced code blocks, with their 1-based numbers. */
const proseLines = (markdown: string): { text: string; line: number }[] => {
  const lines: { text: string; line: number }[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, index) => {
    const opener = /^\s{0,3}(`{3,}|~{3,})/.exec(text)?.[1];
    if (fence === undefined && opener !== undefined) {
      fence = opener;
      return;
    }
    if (fence !== undefined) {
      const closer = /^\s{0,3}(`{3,}|~{3,})\s*$/.exec(text)?.[1];
      if (closer !== undefined && closer[0] === fence[0] && closer.length >= fence.length) {
        fence = undefined;
      }
      return;
    }
    lines.push({ text, line: index + 1 });
  });
  return lines;
};

/** Splits a line into code spans and the prose between them. */
const splitCodeSpans = (text: string): { code: boolean; text: string }[] =>
  text
    .split(/(`+[^`]*?`+)/)
    .filter((part) => part !== '')
    .map((part) =>
      /^`+[^`]*`+$/.test(part)
        ? { code: true, text: part.replace(/^`+ ?|\s?`+$/g, '') }
        : { code: false, text: part },
    );

/** A heading's text as GitHub renders it: no markup, links reduced to their text. */
const renderedText = (heading: string): string =>
  splitCodeSpans(heading)
    .map(({ code, text }) =>
      code
        ? text
        : text
            .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
            .replace(/<[^>]+>/g, '')
            .replace(/\\([!-/:-@[-`{-~])/g, '$1')
            .replace(/\*+/g, '')
            // `_` delimits emphasis only at a word's edge; inside a word it is text.
            .replace(/(^|[^\p{L}\p{N}])_+|_+(?=[^\p{L}\p{N}]|$)/gu, '$1'),
    )
    .join('');

/**
 * GitHub's heading anchor (github-slugger): lower case, every character that is not a
 * letter, mark, number, connector, space or hyphen removed, then each space a hyphen.
 */
export const githubSlug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');

/** Every anchor the document's headings get, duplicates numbered as GitHub does (`-1`, `-2`). */
export const headingAnchors = (markdown: string): Set<string> => {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(markdown)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const slug = githubSlug(renderedText(heading).trim());
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
};

/** Inline links and images, autolinks and reference definitions, outside code. */
export const markdownLinks = (markdown: string): MarkdownLink[] => {
  const links: MarkdownLink[] = [];
  for (const { text, line } of proseLines(markdown)) {
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/.exec(text)?.[1];
    if (definition !== undefined) links.push({ target: definition, line });
    for (const { code, text: prose } of splitCodeSpans(text)) {
      if (code) continue;
      for (const match of prose.matchAll(/\]\(\s*<?([^\s)>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
        links.push({ target: match[1]!, line });
      }
      for (const match of prose.matchAll(/<([a-z][a-z0-9+.-]*:[^\s>]+)>/gi)) {
        links.push({ target: match[1]!, line });
      }
    }
  }
  return links;
};

/** The code spans in the cells of every table row (`| … | … |`), header and body alike. */
export const tableCodeSpans = (markdown: string): Set<string> => {
  const spans = new Set<string>();
  for (const { text } of proseLines(markdown)) {
    if (!/^\s*\|/.test(text)) continue;
    for (const { code, text: span } of splitCodeSpans(text)) if (code) spans.add(span);
  }
  return spans;
};

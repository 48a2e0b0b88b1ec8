import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, relative as relativePath } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InvalidInputError, KaikuError } from '../core/errors.js';
import { loadLanguageDetector } from '../core/language.js';
import { LanguageSchema } from '../core/schemas.js';
import { splitSentences } from '../core/text.js';

/** Front matter every knowledge article carries. Translations of one article share `id` and differ in `lang`. */
export const ArticleMetaSchema = z.object({
  id: z.string().min(1).max(200),
  title: z.string().min(1),
  lang: LanguageSchema,
  tags: z.array(z.string()).default([]),
  url: z.string().optional(),
  updatedAt: z.union([z.string(), z.date()]).transform(String).optional(),
});
export type ArticleMeta = z.infer<typeof ArticleMetaSchema>;

/** An article: its metadata and body. */
export interface Article extends ArticleMeta {
  body: string;
  /** Where it was read from, for error messages. */
  source: string;
  /**
   * How `body` is written: Markdown (split at headings and FAQ questions), plain `text`, or a `faq` answer whose
   * question is the title (one passage).
   * @default "markdown"
   */
  format?: 'markdown' | 'text' | 'faq';
}

/** A retrievable passage of an article: its opening, one section, or one FAQ question and answer. */
export interface Chunk {
  /** `docId#lang#n`, unique in a knowledge base. */
  id: string;
  docId: string;
  lang: ArticleMeta['lang'];
  title: string;
  url: string | undefined;
  tags: readonly string[];
  kind: 'intro' | 'section' | 'faq';
  /** Section heading or FAQ question; the article title for the intro. */
  heading: string;
  /** Plain text of the passage, Markdown removed. */
  text: string;
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

/**
 * Parses one Markdown article with YAML front matter (`id`, `title`, `lang`, `tags`, optional `url` and
 * `updatedAt`). Throws {@link InvalidInputError} naming the file and field when the front matter is missing or wrong.
 */
export function parseArticle(markdown: string, source = '(text)'): Article {
  const match = FRONT_MATTER.exec(markdown);
  if (!match) {
    throw new InvalidInputError(
      `Article ${source} has no front matter.`,
      [{ path: [], message: 'missing front matter' }],
      {
        hint: 'Start the file with a "---" block giving at least id, title and lang.',
      },
    );
  }
  let data: unknown;
  try {
    data = parseYaml(match[1]!);
  } catch (error) {
    throw new InvalidInputError(
      `Article ${source} has front matter that is not valid YAML.`,
      [{ path: [], message: 'invalid YAML' }],
      {
        cause: error,
        hint: 'Check the indentation and quoting between the "---" lines.',
      },
    );
  }
  const result = ArticleMetaSchema.safeParse(data);
  if (!result.success) throw InvalidInputError.fromZod(`front matter in ${source}`, result.error);
  return { ...result.data, body: markdown.slice(match[0].length), source };
}

const FAQ_HEADING =
  /^(usein kysyttyä|usein kysytyt kysymykset|frequently asked questions|faq|vanliga frågor)$/i;

/**
 * Splits an article into passages along its headings: the opening paragraph(s), each `##` section, and each
 * `###` question of a FAQ section as its own passage, so an answer never mixes two questions.
 */
export function chunkArticle(article: Article, options: { maxChunkChars?: number } = {}): Chunk[] {
  const maxChars = options.maxChunkChars ?? 1500;
  const chunks: Chunk[] = [];
  const push = (kind: Chunk['kind'], heading: string, markdown: string) => {
    const text = article.format === 'text' ? markdown.replace(/\s+/g, ' ').trim() : plainText(markdown);
    if (text.length === 0) return;
    // A long section becomes several passages under the same heading, cut between sentences.
    for (const part of packSentences(text, maxChars)) {
      chunks.push({
        id: `${article.id}#${article.lang}#${chunks.length}`,
        docId: article.id,
        lang: article.lang,
        title: article.title,
        url: article.url,
        tags: article.tags,
        kind,
        heading,
        text: part,
      });
    }
  };
  if (article.format === 'faq') {
    push('faq', article.title, article.body);
    return chunks;
  }
  if (article.format === 'text') {
    push('intro', article.title, article.body);
    return chunks;
  }
  const sections = article.body.split(/^## +/m);
  push('intro', article.title, sections[0] ?? '');
  for (const section of sections.slice(1)) {
    const newline = section.indexOf('\n');
    const heading = (newline === -1 ? section : section.slice(0, newline)).trim();
    const content = newline === -1 ? '' : section.slice(newline + 1);
    const questions = content.split(/^### +/m);
    if (FAQ_HEADING.test(heading) || (questions.length > 1 && questions[0]!.trim() === '')) {
      if (questions[0]!.trim() !== '') push('section', heading, questions[0]!);
      for (const block of questions.slice(1)) {
        const end = block.indexOf('\n');
        push(
          'faq',
          (end === -1 ? block : block.slice(0, end)).trim(),
          end === -1 ? '' : block.slice(end + 1),
        );
      }
    } else {
      push('section', heading, content);
    }
  }
  return chunks;
}

/** Groups sentences into passages of at most `maxChars` characters (a longer single sentence stays whole). */
export function packSentences(text: string, maxChars: number): string[] {
  if (text.length <= maxChars) return [text];
  const parts: string[] = [];
  let current = '';
  for (const sentence of splitSentences(text)) {
    if (current && current.length + 1 + sentence.length > maxChars) {
      parts.push(current);
      current = sentence;
    } else current = current ? `${current} ${sentence}` : sentence;
  }
  if (current) parts.push(current);
  return parts;
}

/** Markdown to readable plain text: links keep their text, emphasis goes, headings and list items end sentences. */
export function plainText(markdown: string): string {
  const paragraphs: string[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length > 0) paragraphs.push(current.join(' '));
    current = [];
  };
  for (const raw of markdown.split('\n')) {
    const line = inlineText(raw).trim();
    const block = /^(#{1,6} +|\s*(?:[-*+]|\d+\.) +)/.exec(line);
    if (line === '') flush();
    else if (block) {
      // A heading or list item is a statement of its own.
      flush();
      current.push(line.slice(block[0].length));
      flush();
    } else current.push(line.replace(/^> ?/, ''));
  }
  flush();
  return paragraphs
    .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .map((paragraph) => (/[.!?:]$/.test(paragraph) ? paragraph : `${paragraph}.`))
    .join(' ');
}

function inlineText(line: string): string {
  return line
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/`{1,3}([^`]*)`{1,3}/g, '$1')
    .replace(/(\*\*|__)(.*?)\1/g, '$2')
    .replace(/(^|\s)[*_](\S[^*_]*)[*_]/g, '$1$2');
}

/** Options of {@link loadArticles}. */
export interface LoadArticlesOptions {
  /**
   * Language of documents that do not declare one. By default it is detected from the text (fi, en or sv; else
   * `other`).
   */
  lang?: ArticleMeta['lang'];
}

const EXTENSIONS = new Set(['.md', '.markdown', '.html', '.htm', '.txt', '.json', '.jsonl']);

/**
 * Reads knowledge from files and folders (recursively): Markdown with or without front matter, HTML, plain text,
 * and JSON or JSON Lines FAQ records (`{question, answer}` or `{id, title, text}`, optionally with `lang`, `tags`,
 * `url`, `updatedAt`). Articles come back sorted by id and language. Throws {@link KaikuError} `knowledge_base`
 * when nothing readable is found, and {@link InvalidInputError} naming the file for a malformed document.
 */
export async function loadArticles(
  paths: string | readonly string[],
  options: LoadArticlesOptions = {},
): Promise<Article[]> {
  const files: { path: string; root: string }[] = [];
  for (const root of typeof paths === 'string' ? [paths] : paths) {
    try {
      for (const path of await listFiles(root)) files.push({ path, root });
    } catch (error) {
      throw new KaikuError('knowledge_base', `Cannot read the knowledge base path "${root}".`, {
        cause: error,
        hint: 'Pass a folder or files with .md, .html, .txt, .json or .jsonl documents.',
      });
    }
  }
  if (files.length === 0) {
    throw new KaikuError('knowledge_base', `No documents found in ${JSON.stringify(paths)}.`, {
      hint: 'Add .md, .html, .txt, .json or .jsonl files (README.md files are skipped).',
    });
  }
  const drafts = (
    await Promise.all(
      files.map(async ({ path, root }) => parseFile(await readFile(path, 'utf8'), path, root)),
    )
  ).flat();
  const detect =
    drafts.some((draft) => draft.lang === undefined) && options.lang === undefined
      ? (await loadLanguageDetector()).detect
      : undefined;
  const articles = drafts.map((draft): Article => {
    let lang = draft.lang ?? options.lang;
    if (!lang) {
      const detected = detect!(`${draft.title}\n${draft.body.slice(0, 2000)}`).value;
      lang = detected;
    }
    return { ...draft, lang };
  });
  const seen = new Map<string, string>();
  for (const article of articles) {
    const key = `${article.id}#${article.lang}`;
    const other = seen.get(key);
    if (other) {
      throw new InvalidInputError(
        `Two articles have id "${article.id}" in language "${article.lang}": ${other} and ${article.source}.`,
        [{ path: ['id'], message: 'duplicate id and lang' }],
        {
          hint: 'Give each article a unique id per language.',
        },
      );
    }
    seen.set(key, article.source);
  }
  return articles.sort((a, b) => (a.id === b.id ? a.lang.localeCompare(b.lang) : a.id.localeCompare(b.id)));
}

type Draft = Omit<Article, 'lang'> & { lang: ArticleMeta['lang'] | undefined };

function parseFile(content: string, path: string, root: string): Draft[] {
  const extension = extname(path).toLowerCase();
  const fallbackId = idFromPath(path, root);
  if (extension === '.json' || extension === '.jsonl') return parseRecords(content, path, fallbackId);
  if (extension === '.html' || extension === '.htm') return [parseHtml(content, path, fallbackId)];
  if (extension === '.txt') {
    const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
    const first = lines.findIndex((line) => line.trim() !== '');
    const title = first === -1 ? fallbackId : lines[first]!.trim();
    return [
      {
        id: fallbackId,
        title,
        lang: undefined,
        tags: [],
        body: lines.slice(first + 1).join('\n'),
        source: path,
        format: 'text',
      },
    ];
  }
  if (FRONT_MATTER.test(content)) return [parseArticle(content, path)];
  const heading = /^# +(.+)$/m.exec(content);
  return [
    {
      id: fallbackId,
      title: heading?.[1]!.trim() ?? fallbackId,
      lang: undefined,
      tags: [],
      body: heading ? content.replace(heading[0], '') : content,
      source: path,
    },
  ];
}

const RecordSchema = z.union([
  z.object({
    question: z.string().min(1),
    answer: z.string().min(1),
    id: z.union([z.string(), z.number()]).transform(String).optional(),
    lang: LanguageSchema.optional(),
    tags: z.array(z.string()).default([]),
    url: z.string().optional(),
    updatedAt: z.string().optional(),
  }),
  z.object({
    id: z.union([z.string(), z.number()]).transform(String),
    title: z.string().default(''),
    text: z.string().min(1),
    lang: LanguageSchema.optional(),
    tags: z.array(z.string()).default([]),
    url: z.string().optional(),
    updatedAt: z.string().optional(),
  }),
]);

function parseRecords(content: string, path: string, fallbackId: string): Draft[] {
  let records: unknown[];
  try {
    if (path.toLowerCase().endsWith('.jsonl')) {
      records = content
        .split(/\r?\n/)
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as unknown);
    } else {
      const parsed = JSON.parse(content) as unknown;
      records = Array.isArray(parsed)
        ? parsed
        : Array.isArray((parsed as { items?: unknown[] })?.items)
          ? (parsed as { items: unknown[] }).items
          : [parsed];
    }
  } catch (error) {
    throw new InvalidInputError(`${path} is not valid JSON.`, [{ path: [], message: 'invalid JSON' }], {
      cause: error,
      hint: 'Fix the file; JSON Lines files need one object per line.',
    });
  }
  return records.map((record, index) => {
    const result = RecordSchema.safeParse(record);
    if (!result.success) {
      throw new InvalidInputError(
        `Record ${index + 1} of ${path} is neither {question, answer} nor {id, title, text}.`,
        [{ path: [index], message: 'unknown record shape' }],
        {
          hint: 'Give each record a question and an answer, or an id, a title and a text.',
        },
      );
    }
    const data = result.data;
    const base = {
      lang: data.lang,
      tags: data.tags,
      source: `${path}#${index + 1}`,
      ...(data.url ? { url: data.url } : {}),
      ...(data.updatedAt ? { updatedAt: data.updatedAt } : {}),
    };
    if ('question' in data)
      return {
        ...base,
        id: data.id ?? `${fallbackId}-${index + 1}`,
        title: data.question,
        body: data.answer,
        format: 'faq' as const,
      };
    return { ...base, id: data.id, title: data.title || data.id, body: data.text, format: 'text' as const };
  });
}

/** HTML to an article: the title from <title> or <h1>, the language from <html lang>, h2/h3 as sections. */
function parseHtml(html: string, path: string, fallbackId: string): Draft {
  const attribute = /<html[^>]*\slang=["']?([a-z]{2})/i.exec(html)?.[1]?.toLowerCase();
  const lang = LanguageSchema.safeParse(attribute).success ? (attribute as ArticleMeta['lang']) : undefined;
  const title = decodeEntities(
    stripTags(
      /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1] ??
        /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html)?.[1] ??
        fallbackId,
    ),
  ).trim();
  const body = decodeEntities(
    (/<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html)
      .replace(/<(script|style|nav|header|footer|noscript)[^>]*>[\s\S]*?<\/\1>/gi, '')
      .replace(/<h1[^>]*>[\s\S]*?<\/h1>/gi, '')
      .replace(/<h2[^>]*>([\s\S]*?)<\/h2>/gi, (_, text: string) => `\n\n## ${stripTags(text).trim()}\n\n`)
      .replace(
        /<h[3-6][^>]*>([\s\S]*?)<\/h[3-6]>/gi,
        (_, text: string) => `\n\n### ${stripTags(text).trim()}\n\n`,
      )
      .replace(/<li[^>]*>/gi, '\n- ')
      .replace(/<\/(p|div|li|ul|ol|table|tr|section|article)>|<br\s*\/?>/gi, '\n\n')
      .replace(/<[^>]+>/g, ''),
  );
  return { id: fallbackId, title: title || fallbackId, lang, tags: [], body, source: path };
}

function stripTags(html: string): string {
  return html.replace(/<[^>]+>/g, '');
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = {
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
    nbsp: ' ',
    auml: 'ä',
    ouml: 'ö',
    aring: 'å',
    Auml: 'Ä',
    Ouml: 'Ö',
    Aring: 'Å',
    euro: '€',
    ndash: '–',
    mdash: '—',
  };
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, code: string) => {
    if (code[0] === '#') {
      const point =
        code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
      return Number.isFinite(point) && point > 0 && point <= 0x10ffff ? String.fromCodePoint(point) : entity;
    }
    return named[code] ?? entity;
  });
}

function idFromPath(path: string, root: string): string {
  const relative = (path === root ? basename(path) : relativePath(root, path)).replace(/\\/g, '/');
  return relative.replace(/\.[^./]+$/, '').replace(/\.(fi|en|sv)$/, '');
}

async function listFiles(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return EXTENSIONS.has(extname(path).toLowerCase()) ? [path] : [];
  const out: string[] = [];
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(child)));
    else if (
      entry.isFile() &&
      EXTENSIONS.has(extname(entry.name).toLowerCase()) &&
      entry.name.toLowerCase() !== 'readme.md'
    )
      out.push(child);
  }
  return out.sort();
}

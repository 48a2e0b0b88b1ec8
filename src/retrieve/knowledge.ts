import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InvalidInputError, KaikuError } from '../core/errors.js';
import { LanguageSchema } from '../core/schemas.js';

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

/** An article: its metadata and Markdown body. */
export interface Article extends ArticleMeta {
  body: string;
  /** Where it was read from, for error messages. */
  source: string;
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
export function chunkArticle(article: Article): Chunk[] {
  const chunks: Chunk[] = [];
  const push = (kind: Chunk['kind'], heading: string, markdown: string) => {
    const text = plainText(markdown);
    if (text.length === 0) return;
    chunks.push({
      id: `${article.id}#${article.lang}#${chunks.length}`,
      docId: article.id,
      lang: article.lang,
      title: article.title,
      url: article.url,
      tags: article.tags,
      kind,
      heading,
      text,
    });
  };
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

/**
 * Reads every `.md` article in a folder (recursively) and returns them sorted by id and language.
 * Throws {@link KaikuError} `knowledge_base` when the folder cannot be read or holds no article.
 */
export async function loadArticles(dir: string): Promise<Article[]> {
  let files: string[];
  try {
    files = await listMarkdown(dir);
  } catch (error) {
    throw new KaikuError('knowledge_base', `Cannot read the knowledge base folder "${dir}".`, {
      cause: error,
      hint: 'Pass the path of a folder that contains Markdown articles.',
    });
  }
  if (files.length === 0) {
    throw new KaikuError('knowledge_base', `The knowledge base folder "${dir}" has no .md articles.`, {
      hint: 'Add Markdown files with front matter (id, title, lang, tags).',
    });
  }
  const articles = await Promise.all(
    files.map(async (file) => parseArticle(await readFile(file, 'utf8'), file)),
  );
  const seen = new Map<string, string>();
  for (const article of articles) {
    const key = `${article.id}#${article.lang}`;
    const other = seen.get(key);
    if (other) {
      throw new InvalidInputError(
        `Two articles have id "${article.id}" in language "${article.lang}": ${other} and ${article.source}.`,
        [{ path: ['id'], message: 'duplicate id and lang' }],
        { hint: 'Give each article a unique id per language.' },
      );
    }
    seen.set(key, article.source);
  }
  return articles.sort((a, b) => (a.id === b.id ? a.lang.localeCompare(b.lang) : a.id.localeCompare(b.id)));
}

async function listMarkdown(dir: string): Promise<string[]> {
  const info = await stat(dir);
  if (!info.isDirectory()) return extname(dir) === '.md' ? [dir] : [];
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listMarkdown(path)));
    else if (entry.isFile() && extname(entry.name) === '.md' && entry.name.toLowerCase() !== 'readme.md')
      out.push(path);
  }
  return out.sort();
}

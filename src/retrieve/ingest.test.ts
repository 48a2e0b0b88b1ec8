import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors.js';
import { chunkArticle, loadArticles } from './knowledge.js';

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kaiku-ingest-'));
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}

describe('loadArticles: every supported format', () => {
  it('reads Markdown without front matter, HTML, text, JSON and JSON Lines, detecting languages', async () => {
    const dir = await folder({
      'palautus.md':
        '# Palautusohje\n\nVoit palauttaa tuotteen kolmenkymmenen päivän kuluessa ostopäivästä ilman erillistä syytä.',
      'delivery.html':
        '<html lang="en"><head><title>Delivery &amp; tracking</title><script>alert(1)</script></head><body><h1>Ignored</h1><p>Parcels arrive in 1&ndash;3 days.</p><h2>Tracking</h2><ul><li>Open the link</li><li>See the status</li></ul></body></html>',
      'hours.txt':
        'Opening hours\n\nOur chat is open on weekdays from eight to eight and on Saturdays from ten to four.',
      'faq.json': JSON.stringify([
        {
          question: 'Can I pay by invoice?',
          answer: 'Yes, with Klarna, within 14 days.',
          id: 'pay-invoice',
          lang: 'en',
          tags: ['billing'],
        },
      ]),
      'docs.jsonl': `${JSON.stringify({ id: 42, title: 'Lahjakortit', text: 'Lahjakortti on voimassa kaksi vuotta ostopäivästä.' })}\n`,
      'README.md': '# not an article',
      'image.png': 'binary',
    });
    const articles = await loadArticles(dir);
    const byId = Object.fromEntries(articles.map((article) => [article.id, article]));
    expect(Object.keys(byId).sort()).toEqual(['42', 'delivery', 'hours', 'palautus', 'pay-invoice']);
    expect(byId.palautus).toMatchObject({ title: 'Palautusohje', lang: 'fi' });
    expect(byId.delivery).toMatchObject({ title: 'Delivery & tracking', lang: 'en' });
    expect(byId.delivery!.body).not.toContain('alert');
    expect(chunkArticle(byId.delivery!).map((chunk) => chunk.heading)).toEqual([
      'Delivery & tracking',
      'Tracking',
    ]);
    expect(byId.hours).toMatchObject({ title: 'Opening hours', lang: 'en', format: 'text' });
    expect(byId['pay-invoice']).toMatchObject({
      title: 'Can I pay by invoice?',
      format: 'faq',
      tags: ['billing'],
    });
    expect(chunkArticle(byId['pay-invoice']!)).toHaveLength(1);
    expect(byId['42']).toMatchObject({ lang: 'fi', format: 'text' });
  });

  it('takes a given language instead of detecting, and reads single files', async () => {
    const dir = await folder({ 'a.txt': 'Title\nbody text here' });
    const [article] = await loadArticles([join(dir, 'a.txt')], { lang: 'en' });
    expect(article).toMatchObject({ id: 'a', lang: 'en' });
  });

  it.each([
    ['bad.json', '{ not json', /not valid JSON/],
    ['bad.jsonl', '{"question": "q"}\n', /Record 1 of .* is neither/],
    ['bad.md', '---\nid: x\n---\nno title or lang', /front matter/],
  ])('names the file and the fix for %s', async (name, content, message) => {
    const dir = await folder({ [name]: content });
    await expect(loadArticles(dir)).rejects.toThrow(message);
    await expect(loadArticles(dir)).rejects.toThrow(InvalidInputError);
  });

  it('splits a long section into passages between sentences', async () => {
    const sentence = 'Tämä on pitkän ohjeen lause, joka kertoo jotain tärkeää palautuksista. ';
    const [article] = await loadArticles(
      await folder({ 'long.md': `---\nid: long\ntitle: Pitkä\nlang: fi\n---\n${sentence.repeat(60)}` }),
    );
    const chunks = chunkArticle(article!, { maxChunkChars: 500 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(500);
      expect(chunk.text.endsWith('.')).toBe(true);
    }
  });
});

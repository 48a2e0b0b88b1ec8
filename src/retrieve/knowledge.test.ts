import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, KaikuError } from '../core/errors.js';
import { SAMPLE_KNOWLEDGE_DIR } from '../sample.js';
import { splitSentences } from '../core/text.js';
import { chunkArticle, loadArticles, parseArticle, plainText } from './knowledge.js';

const article = `---
id: returns
title: Palautukset
lang: fi
tags: [palautus]
url: https://example.com/palautus
---
Voit palauttaa tuotteen **30 päivän** kuluessa. Katso [ohje](https://example.com).

## Näin palautat
- Tee palautuskoodi
- Vie paketti Postiin

## Usein kysyttyä
### Maksaako palautus?
Palautus on maksuton.
### Saako avatun tuotteen palauttaa?
Kyllä, jos se on ehjä.
`;

describe('parseArticle and chunkArticle', () => {
  it('reads front matter and splits intro, sections and FAQ questions', () => {
    const parsed = parseArticle(article, 'returns.fi.md');
    expect(parsed).toMatchObject({ id: 'returns', lang: 'fi', title: 'Palautukset', tags: ['palautus'] });
    const chunks = chunkArticle(parsed);
    expect(chunks.map((chunk) => [chunk.kind, chunk.heading])).toEqual([
      ['intro', 'Palautukset'],
      ['section', 'Näin palautat'],
      ['faq', 'Maksaako palautus?'],
      ['faq', 'Saako avatun tuotteen palauttaa?'],
    ]);
    expect(chunks[0]!.text).toBe('Voit palauttaa tuotteen 30 päivän kuluessa. Katso ohje.');
    expect(chunks[1]!.text).toBe('Tee palautuskoodi. Vie paketti Postiin.');
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(chunks.length);
  });

  it.each([
    ['no front matter', 'just text', /no front matter/],
    ['bad yaml', '---\nid: [unclosed\n---\nx', /not valid YAML/],
    ['missing lang', '---\nid: a\ntitle: A\n---\nx', /"lang"/],
    ['unknown lang', '---\nid: a\ntitle: A\nlang: de\n---\nx', /"lang"/],
  ])('rejects %s', (_name, markdown, message) => {
    expect(() => parseArticle(markdown, 'x.md')).toThrow(message);
    expect(() => parseArticle(markdown, 'x.md')).toThrow(InvalidInputError);
  });

  it('loads the sample knowledge base: every article in Finnish and English', async () => {
    const articles = await loadArticles(SAMPLE_KNOWLEDGE_DIR);
    const ids = new Set(articles.map((item) => item.id));
    expect(ids.size).toBeGreaterThanOrEqual(20);
    for (const id of ids) {
      expect(
        articles
          .filter((item) => item.id === id)
          .map((item) => item.lang)
          .sort(),
      ).toEqual(['en', 'fi']);
    }
  });

  it('fails clearly on a missing folder, an empty folder and duplicate ids', async () => {
    await expect(loadArticles('/no/such/folder')).rejects.toThrow(KaikuError);
    const dir = await mkdtemp(join(tmpdir(), 'kaiku-kb-'));
    await expect(loadArticles(dir)).rejects.toThrow(/No documents found/);
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'a.md'), article);
    await writeFile(join(dir, 'sub', 'b.md'), article);
    await expect(loadArticles(dir)).rejects.toThrow(/Two articles have id "returns"/);
  });
});

describe('text helpers', () => {
  it('splits sentences without breaking times, abbreviations or decimals', () => {
    expect(
      splitSentences('Tilaus lähtee klo 14.00 mennessä. Hinta on 4,90 €. esim. tämä pysyy! Uusi?'),
    ).toEqual(['Tilaus lähtee klo 14.00 mennessä.', 'Hinta on 4,90 €. esim. tämä pysyy!', 'Uusi?']);
    expect(splitSentences('Aihe: tilaus\nHei, missä se on?')).toEqual(['Aihe: tilaus', 'Hei, missä se on?']);
  });

  it('turns markdown into plain sentences', () => {
    expect(plainText('# Otsikko\n\n* yksi\n* kaksi\n\n> lainaus')).toBe('Otsikko. yksi. kaksi. lainaus.');
  });
});

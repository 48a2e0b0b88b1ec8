#!/usr/bin/env node
// Checks a Finnish intent eval set (default evals/intents-fi/dev.jsonl): record shape, messages per label, duplicates,
// and that no message shares a run of 4+ consecutive words (case and punctuation ignored, ä/ö as a/o) with
// knowledge/intents.jsonl or the held-out test set (the test set: with every other set). Prints only the checked set's own lines, so
// whoever writes a set blind never sees the others. Exits 1 on any problem.
//   node scripts/check-eval-overlap.mjs [evals/intents-fi/dev2.jsonl]
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const target = resolve(root, process.argv[2] ?? 'evals/intents-fi/dev.jsonl');
const readJsonl = (path) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));
const words = (text) =>
  text
    .toLowerCase()
    .replace(/ä/g, 'a')
    .replace(/ö/g, 'o')
    .replace(/å/g, 'a')
    .match(/[a-z0-9]+/g) ?? [];
const runs = (text) => {
  const list = words(text);
  return list.slice(0, Math.max(0, list.length - 3)).map((_, i) => list.slice(i, i + 4).join(' '));
};

const others = new Set();
const sets = readdirSync(join(root, 'evals/intents-fi'))
  .filter((name) => name.endsWith('.jsonl'))
  .map((name) => join(root, 'evals/intents-fi', name));
// A development set must not overlap the training examples or the held-out test set; the test set must not overlap
// anything. Development sets may share phrases with each other.
const test = join(root, 'evals/intents-fi/test.jsonl');
const against = target === test ? sets : [test];
for (const path of [join(root, 'knowledge/intents.jsonl'), ...against]) {
  if (path === target) continue;
  for (const record of readJsonl(path)) for (const run of runs(record.text)) others.add(run);
}

let problems = 0;
const seen = new Set();
const perLabel = {};
readJsonl(target).forEach((record, i) => {
  const keys = Object.keys(record).sort().join(',');
  if (keys !== 'label,lang,text' || record.lang !== 'fi') {
    problems++;
    console.log(`line ${i + 1}: expected {text, label, lang: "fi"}`);
  }
  if (runs(record.text).some((run) => others.has(run))) {
    problems++;
    console.log(`line ${i + 1} shares a 4-word run with another file: ${record.text}`);
  }
  const key = words(record.text).join(' ');
  if (seen.has(key)) {
    problems++;
    console.log(`line ${i + 1} duplicates another line`);
  }
  seen.add(key);
  perLabel[record.label] = (perLabel[record.label] ?? 0) + 1;
});
console.log(JSON.stringify({ perLabel, problems }));
process.exitCode = problems > 0 ? 1 : 0;

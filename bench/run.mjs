#!/usr/bin/env node
// Bench dispatcher: `node --expose-gc bench/run.mjs [suite ...] [--json] [suite flags]`. No suite name runs every
// suite. A suite is a module in bench/suites/ exporting `description`, `options` (node:util parseArgs form),
// `run(values, { log, gcExposed, environment })` returning a JSON-ready report, and `formatText(report)`; add it
// to SUITES below. Benches measure; they are never unit tests and never fail on a number.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';

const SUITES = {
  retrieval: () => import('./suites/retrieval.mjs'),
  classify: () => import('./suites/classify.mjs'),
  sentiment: () => import('./suites/sentiment.mjs'),
  store: () => import('./suites/store.mjs'),
  server: () => import('./suites/server.mjs'),
};

const COMMON_OPTIONS = {
  json: {
    type: 'boolean',
    default: false,
    description: 'print one JSON object on stdout, progress on stderr',
  },
  out: { type: 'string', valueName: 'file', description: 'also write the JSON report to this file' },
  help: { type: 'boolean', short: 'h', default: false, description: 'show this help' },
};

const log = (line) => process.stderr.write(`[bench] ${line}\n`);

function usage(modules) {
  const lines = ['Usage: npm run bench -- [suite ...] [--json] [flags]', '', 'Suites:'];
  for (const [name, module] of modules) lines.push(`  ${name.padEnd(12)} ${module.description}`);
  lines.push('', 'Flags:');
  const options = [[null, COMMON_OPTIONS], ...modules.map(([name, module]) => [name, module.options])];
  for (const [suite, spec] of options) {
    for (const [flag, option] of Object.entries(spec)) {
      const value = option.type === 'string' ? ` <${option.valueName ?? 'value'}>` : '';
      const fallback =
        option.type === 'string' && option.default !== undefined ? ` (default ${option.default})` : '';
      const scope = suite ? ` [${suite}]` : '';
      lines.push(`  --${flag}${value}`.padEnd(24) + `${option.description ?? ''}${fallback}${scope}`);
    }
  }
  return lines.join('\n');
}

async function main() {
  const args = process.argv.slice(2);
  const named = args.filter((arg) => !arg.startsWith('-') && Object.hasOwn(SUITES, arg));
  const names = named.length > 0 ? [...new Set(named)] : Object.keys(SUITES);
  const modules = [];
  for (const name of names) modules.push([name, await SUITES[name]()]);

  // Flags of every selected suite are accepted; each suite reads its own. A flag no selected suite knows is an error.
  const options = Object.assign({}, ...modules.map(([, module]) => module.options), COMMON_OPTIONS);
  const parseOptions = Object.fromEntries(
    Object.entries(options).map(([flag, { description: _description, valueName: _valueName, ...option }]) => [
      flag,
      option,
    ]),
  );
  const { values, positionals } = parseArgs({
    args,
    options: parseOptions,
    allowPositionals: true,
    strict: true,
  });
  const unknown = positionals.filter((name) => !Object.hasOwn(SUITES, name));
  if (unknown.length > 0)
    throw new RangeError(
      `Unknown suite ${unknown.join(', ')}; choose from ${Object.keys(SUITES).join(', ')}.`,
    );
  if (values.help) {
    process.stdout.write(`${usage(modules)}\n`);
    return;
  }

  // In JSON mode stdout carries the report alone: whatever a library prints goes to stderr.
  const writeStdout = process.stdout.write.bind(process.stdout);
  if (values.json) {
    for (const method of ['log', 'info', 'warn', 'debug', 'dir', 'table'])
      console[method] = (...items) => process.stderr.write(`${items.map(String).join(' ')}\n`);
    process.stdout.write = process.stderr.write.bind(process.stderr);
  }

  const gcExposed = typeof globalThis.gc === 'function';
  if (!gcExposed) log('global.gc is not exposed: memory figures include garbage. Run node with --expose-gc.');
  const environment = {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: os.cpus()[0]?.model?.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGB: Math.round(os.totalmem() / 1024 ** 3),
  };
  const reports = {};
  for (const [name, module] of modules) {
    const suiteValues = Object.fromEntries(Object.keys(module.options).map((flag) => [flag, values[flag]]));
    log(`${name}: start`);
    reports[name] = await module.run(suiteValues, {
      log: (line) => log(`${name} ${line}`),
      gcExposed,
      environment,
    });
    log(`${name}: done in ${((reports[name].durationMs ?? 0) / 1000).toFixed(1)} s`);
    if (!values.json) writeStdout(`${module.formatText(reports[name])}\n\n`);
  }
  // A named suite reports alone; running every suite wraps the reports by name.
  const report = named.length > 0 && names.length === 1 ? reports[names[0]] : { suites: reports };
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (values.out) {
    writeFileSync(values.out, json);
    log(`report written to ${values.out}`);
  }
  if (values.json) writeStdout(json);
}

main().catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('/dist/'))
    log(`kaiku is not built (${error.message}). Run \`npm run build\` first.`);
  else if (error instanceof SyntaxError && /does not provide an export named/.test(error.message))
    log(`dist/ is older than the bench expects (${error.message}). Run \`npm run build\`.`);
  else if (error?.code?.startsWith?.('ERR_PARSE_ARGS'))
    log(`${error.message} See \`npm run bench -- --help\`.`);
  else log(error?.stack ?? String(error));
  process.exitCode = 1;
});

import { describe, expect, it } from 'vitest';
import { TriageResultSchema } from '../core/schemas.js';
import { main, type Io } from './main.js';

function capture(stdin?: string): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    color: false,
    out: (text) => stdout.push(text),
    err: (text) => stderr.push(text),
    readStdin: async () => stdin,
  };
}

describe('kaiku CLI', () => {
  it('prints a TriageResult as JSON', async () => {
    const io = capture();
    const code = await main(
      ['triage', '--json', 'Tilaukseni ei ole vieläkään tullut, vaikka lupasitte toimituksen eilen!'],
      io,
    );
    expect(code).toBe(0);
    const result = TriageResultSchema.parse(JSON.parse(io.stdout.join('\n')));
    expect(result.language.value).toBe('fi');
    expect(result.sentiment.value).toBe('negative');
  });

  it('reads the message from standard input', async () => {
    const io = capture('Where is my refund?\n');
    expect(await main(['triage', '--json'], io)).toBe(0);
    expect(JSON.parse(io.stdout.join('\n')).language.value).toBe('en');
  });

  it.each([
    [['triage', '--json', ''], /"text": must contain some text/],
    [['triage', '--channel', 'pigeon', 'hei'], /"channel"/],
    [['triage', '--bogus', 'x'], /Unknown option '--bogus'/],
    [['nonsense'], /unknown command "nonsense"/],
    [['triage', '--knowledge', '/no/such/dir', 'hei'], /Cannot read the knowledge base path/],
  ])('exits 2 with a message on %j', async (argv, message) => {
    const io = capture();
    expect(await main(argv, io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(message);
  });

  it('exits 2 when there is no text and no piped input', async () => {
    const io = capture(undefined);
    expect(await main(['triage'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/no message text/);
  });

  it.each([['--help'], ['triage', '--help'], ['demo', '--help']])('prints help for %j', async (...argv) => {
    const io = capture();
    expect(await main(argv, io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/Usage: kaiku/);
  });

  it('runs the demo: triage, cited answers and handoff packets', async () => {
    const io = capture();
    expect(await main(['demo'], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/cited: \[[a-z-]+\/(fi|en)\]/);
    expect(text).toMatch(/handoff packet KAI-/);
    expect(text).toMatch(/key facts: .*LU-482913/);
    const summary = /(\d+) cited answers, (\d+) handoff packets/.exec(text)!;
    expect(Number(summary[1])).toBeGreaterThan(0);
    expect(Number(summary[2])).toBeGreaterThan(0);
  });

  it('prints demo results as JSON lines', async () => {
    const io = capture();
    expect(await main(['demo', '--json'], io)).toBe(0);
    for (const line of io.stdout) TriageResultSchema.parse(JSON.parse(line));
  });
});

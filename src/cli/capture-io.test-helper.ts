import type { Io } from './main.js';

/** An {@link Io} that records what the CLI writes, reading `stdin` as piped input (tests only; not built). */
export function capture(stdin?: string): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    color: false,
    interactive: false,
    out: (text) => stdout.push(text),
    err: (text) => stderr.push(text),
    errInline: (text) => stderr.push(text),
    readStdin: async () => stdin,
  };
}

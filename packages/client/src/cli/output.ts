import { SingleBar } from "cli-progress";
import Table from "cli-table3";
import { createColors } from "picocolors";

/**
 * Where the CLI writes: results on stdout (a table for people, JSON with --json), progress and
 * messages on stderr so stdout stays parseable. Colours and progress bars only on a terminal.
 */
export class Output {
  readonly color = createColors(Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  readonly errColor = createColors(Boolean(process.stderr.isTTY) && !process.env.NO_COLOR);
  constructor(readonly json: boolean) {}

  data(value: unknown): void {
    process.stdout.write(JSON.stringify(value, null, 2) + "\n");
  }

  line(text: string): void {
    process.stdout.write(text + "\n");
  }

  info(text: string): void {
    process.stderr.write(text + "\n");
  }

  error(text: string): void {
    process.stderr.write(`${this.errColor.red("error:")} ${text}\n`);
  }

  table(head: string[], rows: (string | number | null | undefined)[][]): void {
    const table = new Table({ head: head.map((h) => this.color.bold(h)), style: { head: [], border: [] } });
    for (const row of rows) table.push(row.map((cell) => (cell === null || cell === undefined ? "" : String(cell))));
    this.line(rows.length ? table.toString() : this.color.dim("(none)"));
  }

  /** A progress bar on stderr when it is a terminal; a no-op otherwise (logs and pipes stay clean). */
  progress(label: string, total: number): { update(done: number, total?: number): void; stop(): void } {
    if (!process.stderr.isTTY) return { update() {}, stop() {} };
    const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} {percentage}% | eta {eta_formatted}`, stream: process.stderr, hideCursor: true, clearOnComplete: false });
    bar.start(total, 0);
    return {
      update: (done, newTotal) => {
        if (newTotal !== undefined) bar.setTotal(newTotal);
        bar.update(done);
      },
      stop: () => bar.stop(),
    };
  }
}

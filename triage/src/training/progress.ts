/** A one-line progress bar on stderr (a TTY redraws it; a log gets a line every 10 %). */
export function progressBar(
  stream: NodeJS.WriteStream = process.stderr,
): (stage: string, done: number, total: number) => void {
  const started = new Map<string, number>();
  let lastDecile = -1;
  return (stage, done, total) => {
    const t0 = started.get(stage) ?? performance.now();
    started.set(stage, t0);
    const share = total ? done / total : 1;
    const elapsedS = (performance.now() - t0) / 1000;
    const etaS = share > 0 ? (elapsedS / share) * (1 - share) : 0;
    const bar = '#'.repeat(Math.round(share * 30)).padEnd(30, '.');
    const line = `${stage} [${bar}] ${done}/${total} ${(share * 100).toFixed(0)}% ${elapsedS.toFixed(0)} s, eta ${etaS.toFixed(0)} s`;
    if (stream.isTTY) stream.write(`\r${line}${done === total ? '\n' : ''}`);
    else {
      const decile = Math.floor(share * 10);
      if (decile !== lastDecile || done === total) stream.write(`${line}\n`);
      lastDecile = done === total ? -1 : decile;
    }
  };
}

/**
 * `--name value` / `--name=value` command-line options into an object with camelCase keys, refusing
 * unknown options and missing values with a message naming them (values stay strings for zod).
 */
export function parseArgs(argv: readonly string[], known: readonly string[]): Record<string, string> {
  const raw: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) throw new Error(`无法识别的参数 / unexpected argument: ${a}`);
    const eq = a.indexOf('=');
    const key = (eq > 0 ? a.slice(2, eq) : a.slice(2)).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new Error(`参数缺少取值 / missing value for ${a}`);
    if (!known.includes(key))
      throw new Error(`未知参数 / unknown option --${key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`);
    raw[key] = value;
  }
  return raw;
}

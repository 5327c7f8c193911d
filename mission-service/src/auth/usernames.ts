import { AppError } from '../app-error.ts';
import { UsernameInputSchema } from '../contract/auth.ts';

/** Letters from other scripts that look like Latin ones (Unicode confusables, the ones that matter here). */
const HOMOGLYPHS: Record<string, string> = {
  // Cyrillic
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ү: 'y',
  һ: 'h',
  // Greek
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  ζ: 'z',
};

/** Characters that look alike once the scripts are folded: digit 0 / letter o, 1 / l / i. */
const LOOKALIKE: Record<string, string> = { '0': 'o', '1': 'l', i: 'l', '|': 'l' };

/** A user name as stored: NFKC-normalised (full-width letters become ASCII), surrounding spaces removed. */
export function normalizeUsername(raw: string): string {
  return raw.normalize('NFKC').trim();
}

/**
 * The key two user names collide on when they would look the same: case folded, other scripts' look-alike letters
 * mapped to Latin, 0/o and 1/l/i folded, separators (`. _ -`) dropped. `admin`, `Admin`, `аdmin` (Cyrillic а)
 * and `ad_min` share a key.
 */
export function usernameSkeleton(name: string): string {
  return [...normalizeUsername(name).toLowerCase()]
    .map((ch) => HOMOGLYPHS[ch] ?? ch)
    .map((ch) => LOOKALIKE[ch] ?? ch)
    .filter((ch) => !'._-'.includes(ch))
    .join('');
}

const SCRIPTS: [string, RegExp][] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
];

/**
 * Validates and normalises a new user name: the syntax of the contract, NFKC, and no mix of Latin, Cyrillic and
 * Greek letters (the classic look-alike trick). Chinese names and Latin digits or letters mix freely.
 */
export function checkNewUsername(raw: string): string {
  const name = normalizeUsername(raw);
  const parsed = UsernameInputSchema.safeParse(name);
  if (!parsed.success) {
    const message = parsed.error.issues[0]!.message;
    throw new AppError('invalid_input', 'invalid_username', message, [{ in: 'body', field: 'username', message }]);
  }
  const used = SCRIPTS.filter(([, re]) => [...name].some((ch) => re.test(ch))).map(([s]) => s);
  if (used.length > 1) {
    const message = `用户名混用了 ${used.join(' 与 ')} 字母 / user name mixes ${used.join(' and ')} letters (look-alikes)`;
    throw new AppError('invalid_input', 'confusable_username', message, [{ in: 'body', field: 'username', message }]);
  }
  return name;
}

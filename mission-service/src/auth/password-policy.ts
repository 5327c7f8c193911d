import { dictionary } from '@zxcvbn-ts/language-common';
import { AppError } from '../app-error.ts';
import { MIN_PASSWORD_LENGTH } from '../contract/auth.ts';

/** Common in Chinese password leaks and missing from the English-centred list. */
const CHINESE_COMMON = [
  'woaini1314',
  'woaini520',
  'woaini123',
  '5201314',
  '5201314520',
  '1314520',
  'aini1314',
  'qq123456',
  'a123456',
  'a1234567',
  'a12345678',
  'zhang123',
  'wang123456',
  'li123456',
  'zxcvbnm123',
  'qwe123456',
  'asd123456',
  '147258369',
  '123456789a',
  '1q2w3e4r5t',
  'xuncha',
  'longquan',
];

let common: Set<string> | undefined;

/** The common-password list: @zxcvbn-ts's 49,000 most common passwords and a few Chinese ones. */
function commonPasswords(): Set<string> {
  common ??= new Set([...(dictionary['passwords-common'] as string[]), ...CHINESE_COMMON]);
  return common;
}

const weak = (why: string) =>
  new AppError('invalid_input', 'weak_password', `密码太弱 / password too weak: ${why}`, [
    { in: 'body', field: 'password', message: why },
  ]);

/**
 * The minimum password policy (NIST SP 800-63B style: length and a block list, no composition rules): at least
 * MIN_PASSWORD_LENGTH characters, not a common password (also with digits or symbols added at the end), not the
 * user name, not one or two characters repeated. Throws a 400 saying which rule failed.
 */
export function assertPasswordPolicy(password: string, username: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH)
    throw weak(`至少 ${MIN_PASSWORD_LENGTH} 个字符 / at least ${MIN_PASSWORD_LENGTH} characters`);
  const lower = password.normalize('NFKC').toLowerCase();
  const stem = lower.replace(/[\d\W_]+$/u, '');
  const list = commonPasswords();
  if (list.has(lower) || (stem.length >= 4 && list.has(stem)))
    throw weak('常见密码 / it is a common password (in leaked-password lists)');
  const name = username.normalize('NFKC').toLowerCase();
  if (name.length >= 3 && lower.includes(name)) throw weak('包含用户名 / it contains the user name');
  if (new Set(lower).size < 4) throw weak('字符种类太少 / too few different characters');
}

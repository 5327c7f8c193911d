import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertPasswordPolicy } from './password-policy.ts';
import { checkNewUsername, usernameSkeleton } from './usernames.ts';

describe('user names', () => {
  it('fold case, width, look-alike letters and separators onto one key', () => {
    const key = usernameSkeleton('admin');
    for (const v of ['Admin', 'ADMIN', 'ａｄｍｉｎ', 'аdmin', 'ad_min', 'ad.min', 'admln', 'adm1n'])
      expect(usernameSkeleton(v), v).toBe(key);
    expect(usernameSkeleton('张三')).toBe('张三');
    expect(usernameSkeleton('operator')).not.toBe(usernameSkeleton('officer'));
  });

  it('refuse trailing dots, mixed scripts and control characters; keep Chinese names', () => {
    expect(checkNewUsername('  张三  ')).toBe('张三');
    expect(checkNewUsername('ｗａｎｇ')).toBe('wang');
    for (const bad of ['zhao.', '.zhao', 'wаng', 'a\u202Eb', 'a b', ''])
      expect(() => checkNewUsername(bad), JSON.stringify(bad)).toThrow();
  });

  it('never throw anything but the refusal on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (s) => {
        try {
          const n = checkNewUsername(s);
          expect(n).toBe(n.normalize('NFKC'));
        } catch (err) {
          expect((err as Error).name).toBe('AppError');
        }
      }),
    );
  });
});

describe('password policy', () => {
  it('refuses short, common, name-bearing and repetitive passwords', () => {
    for (const [pw, why] of [
      ['short1!', /at least/],
      ['password123', /common/],
      ['qwertyuiop', /common/],
      ['iloveyou2024!', /common/],
      ['woaini1314', /common/],
      ['zhangsan-2026', /user name/],
      ['abababababab', /different/],
    ] as const)
      expect(() => assertPasswordPolicy(pw, 'zhangsan'), pw).toThrow(why);
    expect(() => assertPasswordPolicy('Harness-Pw-7xq!kz', 'zhangsan')).not.toThrow();
  });
});

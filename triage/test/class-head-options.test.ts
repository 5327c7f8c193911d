/** A head of a class's own (round 9): the command line's options, and the samples such a head is fitted on. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseClassOptions } from '../src/training/class-head-options.ts';
import { ownClassSamples } from '../src/training/train-detector.ts';

describe('--class-options', () => {
  it('reads class:key=value groups separated by ;', () => {
    expect(parseClassOptions(' sewage_outfall: weight=4, core=0.5 ;exposed_slope:hidden=16')).toEqual({
      sewage_outfall: { weight: 4, core: 0.5 },
      exposed_slope: { hidden: 16 },
    });
    expect(parseClassOptions('sewage_outfall:mask=0.3,outside=1')).toEqual({
      sewage_outfall: { mask: 0.3, outside: 1 },
    });
  });

  it.each([
    ['sewage:weight=4', /未知类别 "sewage".*unknown class "sewage", expected one of straw_burning/],
    ['sewage_outfall', /应为 类别:键=值 .*must be class:key=value/],
    ['sewage_outfall:', /must be class:key=value/],
    ['sewage_outfall:weight', /应为 键=值 .*"weight" must be key=value/],
    ['sewage_outfall:weight=4=5', /must be key=value/],
    [
      'sewage_outfall:wieght=4',
      /未知选项 "wieght".*unknown option "wieght", expected one of weight, core, keep, hidden, mine/,
    ],
    ['sewage_outfall:weight=0.5', /weight 应在 1–16 之间 .*weight must be from 1 to 16, got 0.5/],
    ['sewage_outfall:core=abc', /core must be from 0.2 to 1, got abc/],
    ['sewage_outfall:hidden=8.5', /hidden must be a whole number from 4 to 128, got 8.5/],
    ['sewage_outfall:mask=0', /mask must be from 0.05 to 1, got 0/],
    ['sewage_outfall:mask=0.3,outside=2', /outside must be a whole number from 0 to 1, got 2/],
    ['sewage_outfall:outside=1', /outside 需与 mask 同用 .*outside only applies with mask/],
    ['sewage_outfall:weight=2,weight=3', /weight 出现了两次 .*weight is given twice/],
    ['sewage_outfall:weight=2;sewage_outfall:core=0.5', /出现了两次 .*class "sewage_outfall" is given twice/],
    [' ; ', /为空 .*is empty/],
  ])('refuses %j with a bilingual message', (text, message) => {
    expect(() => parseClassOptions(text)).toThrow(message);
  });
});

describe('a class head fitted on its own loss', () => {
  it('ignores the other classes, weights its positives and keeps its ignored cells ignored', () => {
    // rows: outfall positive, outfall ignored (box edge), straw positive, plain negative
    const s = {
      n: 4,
      d: 1,
      k: 3,
      x: new Float32Array(4),
      y: Uint8Array.from([0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0]),
      w: Float32Array.from([1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1]),
    };
    const own = ownClassSamples(s, 1, 4);
    expect(Array.from(own.w)).toEqual([0, 4, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0]);
    expect(own.y).toBe(s.y);
    expect(Array.from(s.w)).toEqual([1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1]); // the shared samples are untouched
  });
});

describe('train:model refuses bad round-9 and round-10 options before it renders or trains anything', () => {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const run = (...args: string[]) =>
    spawnSync(path.join(repo, 'node_modules/.bin/tsx'), ['triage/scripts/train-model.ts', ...args], {
      cwd: repo,
      encoding: 'utf8',
    });
  it.each([
    [['--class-options', 'sewage_outfall:weight=99'], /weight must be from 1 to 16, got 99/],
    [['--keep-head'], /--keep-head 需要头文件路径 .*needs the path of a head file/],
    [
      ['--keep-head', 'no/such/head.json', '--class-options', 'sewage_outfall:weight=2'],
      /cannot read head file no\/such\/head.json/,
    ],
    [
      ['--keep-head', 'package.json', '--class-options', 'sewage_outfall:weight=2'],
      /head file format must be xuncha-head\/1/,
    ],
    [
      ['--keep-head', 'triage/model/heads/round4-base.json'],
      /needs a class to train, named in --class-features or --class-options/,
    ],
    // round 30: heads from several files, their points kept
    [
      [
        '--keep-head',
        'triage/model/heads/round30-g13-slope.json,triage/model/heads/round30-g13-slope.json',
        '--class-options',
        'sewage_outfall:weight=2',
      ],
      /exposed_slope is answered by two kept heads \(1 and 2\)/,
    ],
    [
      [
        '--keep-head',
        'triage/model/heads/round4-base.json',
        '--class-options',
        'sewage_outfall:weight=2',
        '--keep-points',
      ],
      /--keep-points needs a --keep-head file that carries operating points/,
    ],
    [
      ['--init-head', 'triage/model/heads/round4-base.json,triage/model/heads/round4-base.json'],
      /--init-head takes one head file/,
    ],
    [
      ['--class-options', 'sewage_outfall:weight=2', '--context-max', '9'],
      /cannot be combined with --fine-layer or --context-max/,
    ],
    // round 10: the warm start and the extra negatives
    [['--init-head', '--epochs', '3'], /--init-head 需要头文件路径 .*needs the path of a head file/],
    [['--init-head', 'package.json'], /head file format must be xuncha-head\/1/],
    [['--init-head', 'triage/model/heads/round4-base.json', '--context-max', '9'], /--init-head cannot be combined/],
    [['--extra-negatives'], /--extra-negatives needs the folder of a rendered set/],
    [['--extra-negatives', 'no/such/set'], /cannot read dataset manifest/],
    [['--learning-rate', '0'], /--learning-rate must be a positive number, got 0/],
    // round 14: a switch
    [['--limit-seed-cells', 'yes'], /--limit-seed-cells takes no value, got yes/],
    // round 27: copies of the negative photos
    [
      ['--shifted-negatives', '1.5'],
      /--shifted-negatives must be a whole number of copies per negative photo, got 1.5/,
    ],
    [['--shifted-negatives', '0'], /--shifted-negatives must be a positive number, got 0/],
    // round 42: the backbone and its context, checked before a set is rendered or read
    [['--backbone', 'resnet50'], /--backbone must be one of mobilenet_v2, inception_v3, got resnet50/],
    [['--backbone', 'toString'], /--backbone must be one of mobilenet_v2, inception_v3, got toString/],
    [['--backbone', '--context', '5'], /--backbone must be one of .*got \(nothing\)/],
    [['--backbone', 'inception_v3', '--fine-layer', 'block_5_add'], /--fine-layer names a MobileNetV2 layer/],
    [['--context', '4'], /--context must be an odd whole number or 0, got 4/],
    [['--context', '--epochs', '3'], /--context must be an odd whole number or 0, got \(nothing\)/],
    // a set that is not there: a message, not a stack trace
    [[], /cannot read dataset manifest/],
  ])(
    '%j',
    (args, message) => {
      // an --out that must stay absent: nothing is written before the options are checked
      const out = path.join(os.tmpdir(), `xuncha-cli-${process.pid}-${Math.random().toString(36).slice(2)}`);
      const r = run(...args, '--out', out, '--data', out);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    },
    60_000,
  );
});

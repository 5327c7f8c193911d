/**
 * Ground-truth labels for evaluation and training, from either YOLO txt files (one per image:
 * `class cx cy w h`, normalised) or a CSV `image,class` (image-level presence; `none` for negatives;
 * several rows for several classes). Unknown classes and labels whose image is missing are refused
 * with an error that lists every one of them.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { TRIAGE_CLASSES } from '../model/manifest.ts';
import type { TriageClass } from '../model/manifest.ts';

/** A labelled box, normalised to the image (0..1), top-left corner and size. */
export interface LabelBox {
  cls: TriageClass;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Where the object is actually seen, when a rendered set says (its `.mask.json`, `plume-mask.ts`). */
  mask?: BoxMask;
}

/**
 * The cells of a `cols` × `rows` grid over the whole image that an object covers: `cells` holds
 * `[row × cols + col, share]`, share 0–1 of the cell.
 */
export interface BoxMask {
  cols: number;
  rows: number;
  cells: [number, number][];
}

/** What is known about one image. */
export interface ImageLabel {
  /** Absolute path of the image. */
  image: string;
  /** Classes present (empty = negative). */
  classes: Set<TriageClass>;
  /** Boxes, when the labels have them (YOLO); null for image-level labels. */
  boxes: LabelBox[] | null;
  /** Hard negatives in view, when a rendered set's manifest says (for the false-positive rate per kind). */
  hardNegatives?: string[];
}

/** Raised for a labels file or folder that cannot be used as it is; the message lists every problem. */
export class LabelsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelsError';
  }
}

/** Image file endings that evaluation looks for. */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.tif', '.tiff', '.png'];

const isTriageClass = (c: string): c is TriageClass => (TRIAGE_CLASSES as readonly string[]).includes(c);

function listed(items: string[], max = 20): string {
  return items.slice(0, max).join(', ') + (items.length > max ? ` … (+${items.length - max})` : '');
}

/** Splits one CSV line (RFC 4180 quotes). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((f) => f.trim());
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** Reads a CSV `image,class[,…]` whose image paths are relative to `imagesDir`. */
export async function readCsvLabels(csvPath: string, imagesDir: string): Promise<ImageLabel[]> {
  let text: string;
  try {
    text = await readFile(csvPath, 'utf8');
  } catch (e) {
    throw new LabelsError(`无法读取标注文件 / cannot read labels ${csvPath}: ${(e as Error).message}`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = csvFields(lines[0] ?? '').map((h) => h.toLowerCase());
  const iImage = header.indexOf('image');
  const iClass = header.indexOf('class');
  if (iImage < 0 || iClass < 0)
    throw new LabelsError(
      `标注 CSV 需要 image 和 class 两列 / labels CSV ${csvPath} needs the columns image and class (header: ${lines[0] ?? 'empty'})`,
    );
  const byImage = new Map<string, ImageLabel>();
  const unknown: string[] = [];
  lines.slice(1).forEach((line, n) => {
    const f = csvFields(line);
    const rel = f[iImage] ?? '';
    const cls = f[iClass] ?? '';
    if (cls !== 'none' && !isTriageClass(cls)) {
      unknown.push(`line ${n + 2}: "${cls}"`);
      return;
    }
    const image = path.resolve(imagesDir, rel);
    const entry = byImage.get(image) ?? { image, classes: new Set<TriageClass>(), boxes: null };
    if (cls !== 'none') entry.classes.add(cls);
    byImage.set(image, entry);
  });
  if (unknown.length)
    throw new LabelsError(
      `标注含未知类别 / labels ${csvPath} name unknown classes (known: ${TRIAGE_CLASSES.join(', ')}, none): ${listed(unknown)}`,
    );
  const items = [...byImage.values()];
  const missing: string[] = [];
  for (const it of items) if (!(await exists(it.image))) missing.push(path.relative(imagesDir, it.image));
  if (missing.length)
    throw new LabelsError(`标注中的图像不存在 / labelled images missing under ${imagesDir}: ${listed(missing)}`);
  return items;
}

/** The label folder, its parent and grandparent (a dataset's `labels/<split>/` has its manifest two up). */
const nearby = (labelsDir: string): string[] => [
  labelsDir,
  path.dirname(labelsDir),
  path.dirname(path.dirname(labelsDir)),
];

/** Class names of a YOLO label folder: `classes.txt` (one per line) or `manifest.json` `classes`, else ours. */
async function yoloClassNames(labelsDir: string): Promise<string[]> {
  for (const dir of nearby(labelsDir)) {
    const txt = path.join(dir, 'classes.txt');
    if (await exists(txt))
      return (await readFile(txt, 'utf8'))
        .split(/\r?\n/)
        .map((s) => s.trim())
        .filter(Boolean);
    const manifest = path.join(dir, 'manifest.json');
    if (await exists(manifest)) {
      const m = JSON.parse(await readFile(manifest, 'utf8')) as { classes?: unknown; names?: unknown };
      const names = m.classes ?? m.names;
      if (Array.isArray(names) && names.every((x) => typeof x === 'string')) return names as string[];
    }
  }
  return [...TRIAGE_CLASSES];
}

/** Parses one YOLO label file's text; problems are appended to `problems`. */
export function parseYoloText(text: string, names: string[], where: string, problems: string[]): LabelBox[] {
  const boxes: LabelBox[] = [];
  text.split(/\r?\n/).forEach((line, n) => {
    const t = line.trim();
    if (!t) return;
    const f = t.split(/\s+/).map(Number);
    if (f.length < 5 || f.some((v) => !Number.isFinite(v))) {
      problems.push(`${where}:${n + 1}: not "class cx cy w h"`);
      return;
    }
    const [id, cx, cy, w, h] = f as [number, number, number, number, number];
    const name = names[id];
    if (!Number.isInteger(id) || name === undefined) {
      problems.push(`${where}:${n + 1}: class id ${id} (${names.length} classes)`);
      return;
    }
    if (!isTriageClass(name)) {
      problems.push(`${where}:${n + 1}: class "${name}"`);
      return;
    }
    if (w <= 0 || h <= 0 || cx < 0 || cx > 1 || cy < 0 || cy > 1) {
      problems.push(`${where}:${n + 1}: box outside the image`);
      return;
    }
    boxes.push({
      cls: name,
      x: Math.max(0, cx - w / 2),
      y: Math.max(0, cy - h / 2),
      width: Math.min(1, cx + w / 2) - Math.max(0, cx - w / 2),
      height: Math.min(1, cy + h / 2) - Math.max(0, cy - h / 2),
    });
  });
  return boxes;
}

/** Files with an image ending in `dir` (not recursive), by name stem. */
export async function imagesByStem(dir: string): Promise<Map<string, string>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new LabelsError(`无法读取图像目录 / cannot read images folder ${dir}: ${(e as Error).message}`);
  }
  const out = new Map<string, string>();
  for (const n of names.sort()) {
    const ext = path.extname(n).toLowerCase();
    if (IMAGE_EXTENSIONS.includes(ext)) out.set(n.slice(0, -ext.length), path.join(dir, n));
  }
  return out;
}

/**
 * Reads a folder of YOLO label files, one `<stem>.txt` per image of `imagesDir`. An image without a label
 * file is a negative; a label file without an image, an unknown class id or a malformed line is an error.
 */
export async function readYoloLabels(labelsDir: string, imagesDir: string): Promise<ImageLabel[]> {
  const names = await yoloClassNames(labelsDir);
  const images = await imagesByStem(imagesDir);
  let files: string[];
  try {
    files = (await readdir(labelsDir)).filter((f) => f.endsWith('.txt') && f !== 'classes.txt');
  } catch (e) {
    throw new LabelsError(`无法读取标注目录 / cannot read labels folder ${labelsDir}: ${(e as Error).message}`);
  }
  const problems: string[] = [];
  const missing: string[] = [];
  const boxesByStem = new Map<string, LabelBox[]>();
  for (const f of files.sort()) {
    const stem = f.slice(0, -4);
    if (!images.has(stem)) {
      missing.push(stem);
      continue;
    }
    boxesByStem.set(stem, parseYoloText(await readFile(path.join(labelsDir, f), 'utf8'), names, f, problems));
  }
  if (problems.length)
    throw new LabelsError(
      `YOLO 标注有误 / YOLO labels in ${labelsDir} have problems (classes: ${names.join(', ')}): ${listed(problems)}`,
    );
  if (missing.length)
    throw new LabelsError(`标注对应的图像不存在 / labels without an image in ${imagesDir}: ${listed(missing)}`);
  const tags = await hardNegativeTags(labelsDir);
  return [...images].map(([stem, image]) => {
    const boxes = boxesByStem.get(stem) ?? [];
    return { image, classes: new Set(boxes.map((b) => b.cls)), boxes, hardNegatives: tags.get(image) ?? [] };
  });
}

/** Hard negatives per image from a rendered set's manifest near the labels (`photos[].hardNegatives`), if any. */
async function hardNegativeTags(labelsDir: string): Promise<Map<string, string[]>> {
  for (const dir of nearby(labelsDir)) {
    const file = path.join(dir, 'manifest.json');
    if (!(await exists(file))) continue;
    try {
      const m = JSON.parse(await readFile(file, 'utf8')) as { photos?: { image?: unknown; hardNegatives?: unknown }[] };
      const out = new Map<string, string[]>();
      for (const p of m.photos ?? [])
        if (typeof p.image === 'string' && Array.isArray(p.hardNegatives))
          out.set(
            path.resolve(dir, p.image),
            p.hardNegatives.filter((x): x is string => typeof x === 'string'),
          );
      return out;
    } catch {
      return new Map();
    }
  }
  return new Map();
}

/** Reads labels in either form: a `.csv` file or a folder of YOLO txt files. */
export async function readLabels(labelsPath: string, imagesDir: string): Promise<ImageLabel[]> {
  const s = await stat(labelsPath).catch(() => null);
  if (!s) throw new LabelsError(`标注不存在 / labels not found: ${labelsPath}`);
  if (s.isDirectory()) return readYoloLabels(labelsPath, imagesDir);
  if (labelsPath.toLowerCase().endsWith('.csv')) return readCsvLabels(labelsPath, imagesDir);
  throw new LabelsError(
    `标注应为 CSV 文件或 YOLO 标注目录 / labels must be a .csv file or a folder of YOLO .txt files: ${labelsPath}`,
  );
}

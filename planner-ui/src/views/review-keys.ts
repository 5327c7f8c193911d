/** Keyboard shortcuts of the 研判 review page. */
import { CASE_CATEGORIES } from '../api/types.ts';

export type ReviewCommand =
  | { kind: 'confirm' }
  | { kind: 'reject' }
  | { kind: 'reclass'; className: string }
  | { kind: 'next' }
  | { kind: 'prev' };

/** The keyboard shortcuts of the review page (ignored while typing in a field). */
export function reviewKeyCommand(key: string): ReviewCommand | null {
  switch (key) {
    case 'y':
    case 'Y':
    case 'Enter':
      return { kind: 'confirm' };
    case 'n':
    case 'N':
    case 'Delete':
      return { kind: 'reject' };
    case 'j':
    case 'J':
    case 'ArrowRight':
      return { kind: 'next' };
    case 'k':
    case 'K':
    case 'ArrowLeft':
      return { kind: 'prev' };
    case '1':
    case '2':
    case '3':
      return { kind: 'reclass', className: CASE_CATEGORIES[Number(key) - 1]! };
    default:
      return null;
  }
}

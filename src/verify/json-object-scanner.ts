/**
 * Cuts a JSON object, fed as text in pieces, into its members, and one array member into its
 * elements, without holding more than one member or element at a time. It checks only the
 * structure between them (braces, brackets, commas, colons, strings); each member value and
 * element it hands out is raw JSON text for the caller to JSON.parse. Pure.
 */
type State =
  | 'start' // before '{'
  | 'first-key' // after '{': a key or '}'
  | 'key' // after ',': a key
  | 'in-key'
  | 'colon'
  | 'value-start'
  | 'value' // inside a member value other than the streamed array
  | 'element-or-end' // after '[': an element or ']'
  | 'element' // after ',' in the array: an element
  | 'in-element'
  | 'after-member' // ',' or '}'
  | 'done';

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const IN_STRING = /["\\]/g;
const STRUCTURAL = /["{}[\],]/g;

/** The text is not the JSON object the scanner expects. */
export class JsonStructureError extends Error {
  override readonly name = 'JsonStructureError';
}

export interface ScanHandlers {
  /** A complete member other than the streamed array (raw JSON text of its value). */
  member(key: string, text: string): void;
  /** The streamed array member begins. */
  arrayOpened(): void;
  /** A complete element of the streamed array (raw JSON text). */
  element(text: string): void;
}

export class JsonObjectScanner {
  private state: State = 'start';
  private token = '';
  private key = '';
  private inString = false;
  private escaped = false;
  private nesting = 0;

  constructor(
    /** The member whose array value is handed out element by element. */
    private readonly arrayMember: string,
    private readonly handlers: ScanHandlers,
  ) {}

  /** True once the object's closing brace was read. */
  get done(): boolean {
    return this.state === 'done';
  }

  /** Scans the next piece of text; throws JsonStructureError (or JSON.parse's SyntaxError). */
  write(s: string): void {
    let i = 0;
    while (i < s.length) {
      switch (this.state) {
        case 'start':
          i = this.expect(s, i, '{', 'first-key');
          break;
        case 'first-key':
        case 'key': {
          i = skipWhitespace(s, i);
          if (i >= s.length) return;
          const ch = s[i]!;
          if (ch === '}' && this.state === 'first-key') {
            this.state = 'done';
            i++;
          } else if (ch === '"') {
            this.state = 'in-key';
            this.token = '"';
            this.inString = true;
            i++;
          } else throw new JsonStructureError(`expected a member name, got ${JSON.stringify(ch)}`);
          break;
        }
        case 'in-key': {
          const end = this.scanString(s, i);
          this.token += s.slice(i, end);
          if (this.inString) return;
          this.key = JSON.parse(this.token) as string;
          this.state = 'colon';
          i = end;
          break;
        }
        case 'colon':
          i = this.expect(s, i, ':', 'value-start');
          break;
        case 'value-start': {
          i = skipWhitespace(s, i);
          if (i >= s.length) return;
          if (this.key === this.arrayMember && s[i] === '[') {
            this.handlers.arrayOpened();
            this.state = 'element-or-end';
            i++;
          } else {
            this.startToken('value');
          }
          break;
        }
        case 'value':
        case 'in-element': {
          const end = this.scanValue(s, i);
          this.token += s.slice(i, end);
          if (end >= s.length) return;
          const closer = s[end]!;
          if (closer === (this.state === 'value' ? ']' : '}')) throw new JsonStructureError(`unexpected ${closer}`);
          if (this.state === 'value') {
            this.handlers.member(this.key, this.token);
            this.state = closer === '}' ? 'done' : 'key';
          } else {
            this.handlers.element(this.token);
            this.state = closer === ']' ? 'after-member' : 'element';
          }
          i = end + 1;
          break;
        }
        case 'element-or-end':
        case 'element': {
          i = skipWhitespace(s, i);
          if (i >= s.length) return;
          if (s[i] === ']' && this.state === 'element-or-end') {
            this.state = 'after-member';
            i++;
          } else if (s[i] === ']' || s[i] === ',') {
            throw new JsonStructureError(`expected an entry, got ${JSON.stringify(s[i])}`);
          } else {
            this.startToken('in-element');
          }
          break;
        }
        case 'after-member': {
          i = skipWhitespace(s, i);
          if (i >= s.length) return;
          if (s[i] === ',') this.state = 'key';
          else if (s[i] === '}') this.state = 'done';
          else throw new JsonStructureError(`expected , or } after a member, got ${JSON.stringify(s[i])}`);
          i++;
          break;
        }
        case 'done':
          i = skipWhitespace(s, i);
          if (i < s.length) throw new JsonStructureError('text after the end of the bundle');
          break;
      }
    }
  }

  private startToken(state: 'value' | 'in-element'): void {
    this.state = state;
    this.token = '';
    this.nesting = 0;
    this.inString = false;
    this.escaped = false;
  }

  private expect(s: string, i: number, ch: string, next: State): number {
    const at = skipWhitespace(s, i);
    if (at >= s.length) return at;
    if (s[at] !== ch) throw new JsonStructureError(`expected ${ch}, got ${JSON.stringify(s[at])}`);
    this.state = next;
    return at + 1;
  }

  /** Index just past the closing quote of the current string, or s.length when the chunk ends first. */
  private scanString(s: string, i: number): number {
    while (i < s.length) {
      if (this.escaped) {
        this.escaped = false;
        i++;
        continue;
      }
      IN_STRING.lastIndex = i;
      const m = IN_STRING.exec(s);
      if (!m) return s.length;
      i = m.index + 1;
      if (m[0] === '\\') this.escaped = true;
      else {
        this.inString = false;
        return i;
      }
    }
    return i;
  }

  /** Index of the `,` or closing bracket that ends the current value, or s.length when the chunk ends first. */
  private scanValue(s: string, i: number): number {
    while (i < s.length) {
      if (this.inString) {
        i = this.scanString(s, i);
        continue;
      }
      STRUCTURAL.lastIndex = i;
      const m = STRUCTURAL.exec(s);
      if (!m) return s.length;
      const ch = m[0];
      if (ch === '"') {
        this.inString = true;
        i = m.index + 1;
      } else if (ch === '{' || ch === '[') {
        this.nesting++;
        i = m.index + 1;
      } else if (this.nesting > 0 && ch !== ',') {
        this.nesting--;
        i = m.index + 1;
      } else if (this.nesting > 0) {
        i = m.index + 1;
      } else {
        return m.index;
      }
    }
    return i;
  }
}

function skipWhitespace(s: string, i: number): number {
  while (i < s.length && WHITESPACE.has(s[i]!)) i++;
  return i;
}

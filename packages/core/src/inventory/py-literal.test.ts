import { describe, expect, it } from 'vitest';
import { literalEval } from './py-literal.js';
import { shlexSplit } from './shlex.js';

/** Each row: [input, what Python 3.11's ast.literal_eval gives (bytes decoded, as Ansible's to_text does), or the input when it raises]. */
const PYTHON: [string, unknown][] = JSON.parse(
  String.raw`[["80", 80], ["True", true], ["true", "true"], ["'5'", "5"], ["[1,2]", [1, 2]], ["None", null], ["0755", "0755"], ["0o17", 15], ["0x1F", 31], ["1_000", 1000], ["1e3", 1000.0], ["-3", -3], ["- 3", -3], ["--3", "--3"], ["1,2", [1, 2]], ["(1,)", [1]], ["()", []], ["{'a': [1, None]}", {"a": [1, null]}], ["'a' 'b'", "ab"], ["b'x'", "x"], ["u'x'", "x"], ["r'\\n'", "\\n"], ["'\\n'", "\n"], ["'\\x41\\101'", "AA"], ["1 # c", 1], ["hello world", "hello world"], ["a=b", "a=b"], ["1.5.2", "1.5.2"], ["1abc", "1abc"], ["+4", 4], ["1+2", "1+2"], ["-True", "-True"], ["[1,]", [1]], ["", ""], ["  7", 7], ["'unterminated", "'unterminated"], ["\"dq\"", "dq"], ["1.", 1.0], [".5", 0.5], ["00", 0], ["1_0.5", 10.5]]`,
);

describe('literalEval: Python ast.literal_eval as Ansible applies it to INI values', () => {
  it.each(PYTHON)('%j', (input, want) => {
    expect(literalEval(input)).toEqual(want);
  });
});

describe('shlexSplit: Python shlex.split(comments=True)', () => {
  it.each([
    ['h1 a=1 b="x y"', ['h1', 'a=1', 'b=x y']],
    ['h1 pw="\'03#pa33w0rd\'"', ['h1', "pw='03#pa33w0rd'"]],
    ['h1 a=pass#word c=2', ['h1', 'a=pass']],
    ['h1 a=x\\ y', ['h1', 'a=x y']],
    ['h1 a="q \\"in\\" \\n"', ['h1', 'a=q "in" \\n']],
    ["h1 a=''", ['h1', 'a=']],
    ['# all comment', []],
  ] as [string, string[]][])('%j', (line, want) => {
    expect(shlexSplit(line)).toEqual(want);
  });
  it('an unterminated quote is undefined (Python: "No closing quotation")', () => {
    expect(shlexSplit('h1 a="open')).toBeUndefined();
  });
});

import { expectTypeOf, test } from 'vitest';
import { TsplayError, type ErrorCode } from './index.js';
import type { CoreErrorCode } from './engine-api.js';

test('error codes are a closed union: a misspelt code does not compile', () => {
  expectTypeOf<'ARGS_INVALID'>().toExtend<CoreErrorCode>();
  expectTypeOf<'ARGS_INVALD'>().not.toExtend<ErrorCode>();
  // @ts-expect-error: no package declares this code
  void new TsplayError('ARGS_INVALD', 'x');
  // @ts-expect-error: any upper-case string used to compile
  void new TsplayError('SOME_NEW_CODE', 'x');
});

/** The loader's last line of defence: a failure inside validation is a diagnostic, not a crash. */
jest.mock('../../../dsl/validate', () => ({
  validateDefinition: () => {
    throw new RangeError('Maximum call stack size exceeded');
  },
}));

import { loadDefinitionText } from '../../../dsl/load';

it('turns an unexpected failure into a LOAD_FAILED diagnostic', () => {
  const result = loadDefinitionText('process: p\n', 'f.yaml');
  expect(result).toEqual({
    diagnostics: [
      {
        file: 'f.yaml',
        line: 1,
        column: 1,
        path: '',
        code: 'LOAD_FAILED',
        message: 'could not process the file: Maximum call stack size exceeded',
        severity: 'error',
      },
    ],
  });
});

import { packageConfig } from '../../tsup.base.js';

export default packageConfig({ entry: { index: 'src/index.ts', 'kit/index': 'src/kit/index.ts' } });

import { projectJestConfig } from '../../jest.config.ts';

export default projectJestConfig('express', import.meta.dirname);
